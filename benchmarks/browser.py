"""First visit in a real browser: time to a rendered map, bytes and requests, on loopback.

Starts ``sahel-dashboard serve`` (gunicorn, as in production) and loads the page in headless
Chromium (Debian's chromium and chromium-driver) with the HTTP cache disabled, so every visit
is a first visit. The map counts as rendered when plotly has drawn the region polygons;
the time is ``performance.now()`` at that frame, i.e. milliseconds since navigation start.
Bytes come from the Resource Timing API: ``transferSize`` is what crossed the wire
(compressed), ``decodedBodySize`` what the browser had to parse. Then the six user steps of
``interaction.py``, each timed from the input to the map's *last* redraw once the page settled.
"""

from __future__ import annotations

import math
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RENDERED = """
const done = arguments[arguments.length - 1];
function check() {
  if (document.querySelectorAll('#map-graph .choroplethlocation').length > 0) { done(performance.now()); }
  else { requestAnimationFrame(check); }
}
check();
"""
SIZES = """
const nav = performance.getEntriesByType('navigation')[0];
const res = performance.getEntriesByType('resource');
const all = [nav, ...res];
return {requests: all.length,
        transfer: all.reduce((a, e) => a + (e.transferSize || 0), 0),
        decoded: all.reduce((a, e) => a + (e.decodedBodySize || 0), 0),
        outside: res.filter(e => !/^https?:\\/\\/(127\\.0\\.0\\.1|localhost)[:/]/.test(e.name)).map(e => e.name)};
"""


def wait_for(url: str, timeout: float) -> float:
    """Seconds until ``url`` answers 200 (NaN on timeout)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    return float("nan")


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server process, and kill it if it has not exited within 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def production_server(data_dir: Path, port: int, workers: int = 2) -> Iterator[subprocess.Popen]:
    """``sahel-dashboard serve`` on 127.0.0.1:port, stopped on exit."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SAHEL_SECRET_KEY": secrets.token_hex(32)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port), "--workers", str(workers),
         "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT,
    )
    try:
        yield proc
    finally:
        stop(proc)


def _driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1920,1080"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(60)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


def first_visits(url: str, repeat: int) -> dict[str, Any]:
    """Median and worst time to a rendered map over ``repeat`` cold visits, with bytes."""
    driver = _driver()
    try:
        times, sizes = [], []
        for _ in range(repeat):
            driver.get("about:blank")
            driver.get(url)
            times.append(driver.execute_async_script(RENDERED))
            time.sleep(0.3)  # let late requests (fonts, topojson) finish before counting bytes
            sizes.append(driver.execute_script(SIZES))
    finally:
        driver.quit()
    return {
        "render_ms_median": statistics.median(times), "render_ms_max": max(times), "n": len(times),
        "transfer_bytes": statistics.median(s["transfer"] for s in sizes),
        "decoded_bytes": statistics.median(s["decoded"] for s in sizes),
        "requests": statistics.median(s["requests"] for s in sizes),
        "outside_requests": sorted({u for s in sizes for u in s["outside"]}),
    }


def peak_rss_mb(pid: int) -> list[float]:
    """Peak resident memory (VmHWM) of a process and its children, in MB."""
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    out = []
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
        out.append(kb / 1024)
    return out


def last_redraws(url: str, repeat: int) -> dict[str, float]:
    """Input to the map's last redraw over the six steps (``interaction.py``), ``repeat`` visits."""
    from benchmarks.interaction import STEP_NAMES, browser_runs

    visits = browser_runs({"ours": url}, repeat, rates=(1,))["1"]["ours"]
    steps = [v["steps"][name] for v in visits for name in STEP_NAMES]
    done = [s["last_redraw_ms"] for s in steps if s["last_redraw_ms"] is not None]
    return {"last_redraw_ms_median": statistics.median(done) if done else float("nan"),
            "last_redraw_ms_max": max(done) if done else float("nan"), "changes_without_redraw": len(steps) - len(done)}


def measure(data_dir: Path, port: int, repeat: int) -> dict[str, Any]:
    """Cold start of the production server, first visits in Chromium, the server's peak RSS."""
    start = time.perf_counter()
    with production_server(data_dir, port) as proc:
        ready = wait_for(f"http://127.0.0.1:{port}/", timeout=600)
        cold_start = time.perf_counter() - start if not math.isnan(ready) else float("nan")  # NaN: never ready
        visits = first_visits(f"http://127.0.0.1:{port}/", repeat)
        redraws = last_redraws(f"http://127.0.0.1:{port}/?year=2019", max(1, repeat // 2))
        rss = peak_rss_mb(proc.pid)
    return {"cold_start_serve_s": cold_start, **visits, **redraws, "server_rss_mb": rss}
