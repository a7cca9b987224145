"""``python -m benchmarks loadtest``: load, worker-kill and soak tests against ``serve`` on loopback.

It starts the production server (gunicorn, 2 workers) on 127.0.0.1, then N simulated users
each open the page and post view changes (the view callback's real payload, as a tab
posts it: ``ViewPoster``) for the given time, while one extra user asks for PNG exports. Half-way
through, one worker is killed (SIGKILL): the others must keep serving and no response may
carry a traceback. The soak mode runs longer at lower concurrency and samples the server's
memory (RSS of master and workers) and the number of browser processes left by exports.
Traffic goes to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.payloads import view_body, view_dependency
from benchmarks.run import INTERACTIONS, ROOT, write_section

HOST = "127.0.0.1"  # loopback only, by design
MAX_REQUESTS_PER_USER = 100_000
KILL_WINDOW_S = 35  # in-flight requests of a killed worker fail within the client timeout (30 s)


def _request(url: str, body: dict[str, Any] | None = None, timeout: float = 90) -> tuple[int, bytes]:
    """(status, body) of a GET, or of a JSON POST when ``body`` is given; status 0 when the
    connection was refused, reset or cut mid-response.
    """
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (OSError, http.client.HTTPException):
        return 0, b""


def _post(url: str, body: dict[str, Any]) -> tuple[int, bytes]:
    return _request(url, body, timeout=30)


def _get(url: str, timeout: float = 90) -> tuple[int, bytes]:
    return _request(url, timeout=timeout)


def _random_view(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """A change a user makes, and the whole view after it: one of the benchmark's six cumulative
    views (region, donor, selection, metric, language: their controls' values) at a random year,
    posted as a change of the period.
    """
    year = rng.randint(2012, 2024)
    return "years", dict(rng.choice(list(INTERACTIONS.values())), years=[year, year])


class ViewPoster:
    """Posts to the view callback as one browser tab does: the page's own dependency and
    components, and the store the last answer left (so an answer redraws what changed). Unlike a
    tab, it reports every part in view (nothing kept aside for later) and an empty address, so
    each answer draws a little more than a tab's would.
    """

    def __init__(self, base: str, get: Callable[[str], tuple[int, bytes]] = _get,
                 post: Callable[[str, dict[str, Any]], tuple[int, bytes]] = _post) -> None:
        deps, layout = (get(base + path) for path in ("/_dash-dependencies", "/_dash-layout"))
        if deps[0] != 200 or layout[0] != 200:
            raise RuntimeError(f"server did not answer its dependencies and layout ({deps[0]}, {layout[0]})")
        self.url, self._post = base + "/_dash-update-component", post
        self.dep, self.layout = view_dependency(json.loads(deps[1])), json.loads(layout[1])

    def post(self, changed: str, values: dict[str, Any], store: Any) -> tuple[int, bytes, Any]:
        """(status, body, the store the answer holds). A real change is always answered with the
        view: anything else (a 204 from PreventUpdate, an answer without the store) comes back with
        status 0, so the load test counts it as an error.
        """
        status, data = self._post(self.url, view_body(self.dep, self.layout, values, changed=changed, store=store))
        if status != 200:
            return (status if status != 204 else 0), data, store
        try:
            return status, data, json.loads(data)["response"]["view-store"]["data"]
        except (ValueError, KeyError, TypeError):
            return 0, data, store


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        current = todo.pop()
        seen.append(current)
        todo += _children(current)
    return seen


def _browsers(pids: list[int]) -> int:
    count = 0
    for pid in pids:
        try:
            if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                count += 1
        except OSError:
            continue
    return count


class Server:
    """``sahel-dashboard serve`` in a subprocess, on loopback."""

    def __init__(self, port: int, workers: int = 2, redis_url: str | None = None) -> None:
        env = {**os.environ, "SAHEL_SECRET_KEY": secrets.token_hex(32)}
        self.base = f"http://{HOST}:{port}"
        # The server's log (gunicorn access lines and any traceback) is kept for diagnosis.
        self.log_path = Path(tempfile.gettempdir()) / f"sahel-loadtest-{port}.log"
        self._log = self.log_path.open("wb")
        queue = ["--redis", redis_url] if redis_url else []  # exports on the queue (benchmarks/scale_out.py)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
             *queue],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _get(self.base + "/", timeout=2)[0] != 200:
            time.sleep(0.2)

    def workers(self) -> list[int]:
        """Worker process ids."""
        return _children(self.proc.pid)

    def stop(self) -> int:
        """Stop the server; return how many browser processes outlived it."""
        tree = _tree(self.proc.pid)
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        time.sleep(1)
        self._log.close()
        return _browsers([p for p in tree if Path(f"/proc/{p}").exists()])

    def logged_tracebacks(self) -> list[str]:
        """The last lines of every traceback in the server's log."""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return [" | ".join(lines[i:i + 40])[-600:] for i, line in enumerate(lines) if line.startswith("Traceback")]


def run_load(users: int, seconds: float, port: int, kill_worker: bool = True) -> dict[str, Any]:  # noqa: PLR0915  (the user threads share one clock, lock and result lists; apart they would hide that)
    """Concurrent users for ``seconds``; returns latency percentiles, errors and the kill result."""
    server = Server(port)
    latencies: list[float] = []
    errors: list[tuple[float, str]] = []
    tracebacks: list[bytes] = []
    exports: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    try:
        poster = ViewPoster(server.base)

        def user(seed: int) -> None:
            rng = random.Random(seed)
            _get(server.base + "/")
            store = None
            for _ in range(MAX_REQUESTS_PER_USER):
                if time.monotonic() > stop_at:
                    return
                start = time.perf_counter()
                status, data, store = poster.post(*_random_view(rng), store)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status != 200 or b"Traceback" in data:
                        errors.append((time.monotonic(), f"{status} {data[:80]!r}"))
                    if b"Traceback" in data:
                        tracebacks.append(data[:200])

        def exporter() -> None:
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                status, _ = _get(server.base + "/export/png?year=2019&region=ML-5")
                with lock:
                    exports.append(time.perf_counter() - start)
                    if status != 200:
                        errors.append((time.monotonic(), f"export {status}"))

        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
        threads.append(threading.Thread(target=exporter, daemon=True))
        for thread in threads:
            thread.start()
        killed = None
        killed_at = float("inf")
        if kill_worker:
            time.sleep(seconds / 2)
            workers = server.workers()
            if workers:
                killed = workers[0]
                killed_at = time.monotonic()
                os.kill(killed, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=seconds + 120)
        ordered = sorted(latencies)
        # Requests that the killed worker had accepted are cut (a network error for those
        # users, never a traceback); any error outside that moment is a real failure.
        at_kill = [e for t, e in errors if killed_at - 1 <= t <= killed_at + KILL_WINDOW_S]
        other = [e for t, e in errors if not killed_at - 1 <= t <= killed_at + KILL_WINDOW_S]
        result = {
            "users": users, "seconds": seconds, "requests": len(latencies), "errors": len(other),
            "errors_at_worker_kill": len(at_kill), "tracebacks": len(tracebacks),
            "error_samples": (other or at_kill)[:5], "p50_ms": statistics.median(ordered) if ordered else None,
            "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
            "exports": len(exports), "export_median_s": statistics.median(exports) if exports else None,
            "killed_worker": killed, "workers_after": len(server.workers()),
        }
    finally:
        server.stop()
    result["server_log"] = str(server.log_path)
    result["logged_tracebacks"] = server.logged_tracebacks()
    return result


def run_soak(minutes: float, port: int, users: int = 5) -> dict[str, Any]:
    """Lower concurrency for ``minutes``; memory growth and leaked browsers."""
    server = Server(port)
    try:
        poster = ViewPoster(server.base)
        rng = random.Random(1)
        store = None
        # Warm-up: view caches filling and each worker starting its export browser are growth,
        # not leaks; exports from several threads reach every worker.
        warm_until = time.monotonic() + 60
        while time.monotonic() < warm_until:
            store = poster.post(*_random_view(rng), store)[2]
        warmers = [threading.Thread(target=_get, args=(server.base + f"/export/png?year={y}",)) for y in (2013, 2016, 2019, 2022)]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join(timeout=120)
        start_rss = _rss_mb(_tree(server.proc.pid))
        start_workers = set(server.workers())
        samples = []
        stop_at = time.monotonic() + minutes * 60
        count = 0
        while time.monotonic() < stop_at and count < 1_000_000:
            for _ in range(users):
                store = poster.post(*_random_view(rng), store)[2]
                count += 1
            if count % 200 < users:
                _get(server.base + "/export/png?year=2016")
                samples.append(_rss_mb(_tree(server.proc.pid)))
        end_rss = _rss_mb(_tree(server.proc.pid))
        # gunicorn recycles a worker after max_requests; memory across a recycle says nothing
        # about leaks, so the report says whether it happened.
        recycled = len(start_workers - set(server.workers()))
    except BaseException:
        server.stop()
        raise
    leaked = server.stop()
    return {"minutes": minutes, "requests": count, "rss_start_mb": start_rss, "rss_end_mb": end_rss,
            "rss_growth_pct": 100 * (end_rss - start_rss) / start_rss if start_rss else None,
            "rss_max_mb": max(samples, default=end_rss), "browsers_left_after_stop": leaked,
            "workers_recycled": recycled, "logged_tracebacks": server.logged_tracebacks()}


def main(users: int, seconds: float, soak_minutes: float, output: Path) -> int:
    """Run the load test and (if minutes > 0) the soak test; write JSON and print a summary."""
    result: dict[str, Any] = {"load": run_load(users, seconds, port=8805)}
    if soak_minutes > 0:
        result["soak"] = run_soak(soak_minutes, port=8806)
    output.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    write_report_section(result, ROOT / "BENCHMARKS.md")
    load = result["load"]
    ok = load["errors"] == 0 and load["tracebacks"] == 0 and load["workers_after"] >= 1 and not load["logged_tracebacks"]
    if "soak" in result:
        soak = result["soak"]
        ok = ok and soak["browsers_left_after_stop"] == 0 and not soak["logged_tracebacks"]
        if soak["rss_growth_pct"] is not None and not soak["workers_recycled"]:
            ok = ok and soak["rss_growth_pct"] < 10
    return 0 if ok else 1


SECTION = "## Load and soak"


def write_report_section(result: dict[str, Any], report: Path) -> None:
    """Replace (or add) the load-and-soak section of the benchmark report."""
    load = result["load"]
    lines = [SECTION, "",
             (f"`python -m benchmarks loadtest` against `serve` (gunicorn, 2 workers) on 127.0.0.1, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Each user opens the page, then posts "
              "view changes without pause, as a tab does (`ViewPoster`): one request per change, a period "
              "picked at random, the store of the last answer; so a request is a whole change (map, "
              "timeline, table, key figures), and on 2 cores 50 users without think time queue."), "",
             "| test | figure |", "| --- | --- |",
             f"| load: users / seconds | {load['users']} / {load['seconds']:.0f} (plus one user exporting PNGs) |",
             f"| load: view changes posted / errors (outside the worker kill) | {load['requests']} / {load['errors']} |",
             f"| load: requests cut when the worker was killed / responses with a traceback | {load['errors_at_worker_kill']} / {load['tracebacks']} |",
             f"| load: latency per change, p50 / p95 (ms) | {load['p50_ms']:.0f} / {load['p95_ms']:.0f} |",
             f"| load: exports done, median (s) | {load['exports']} / {load['export_median_s'] or float('nan'):.1f} |",
             f"| worker killed half-way (pid) / workers serving after | {load['killed_worker']} / {load['workers_after']} |",
             f"| load: tracebacks in the server's log | {len(load.get('logged_tracebacks', []))} |"]
    if "soak" in result:
        soak = result["soak"]
        recycled = soak.get("workers_recycled", 0)
        growth = (f"{soak['rss_growth_pct']:.1f} %" if not recycled
                  else f"not comparable: {recycled} worker(s) recycled by gunicorn's max_requests during the soak")
        lines += [f"| soak: minutes / requests | {soak['minutes']:.0f} / {soak['requests']} |",
                  f"| soak: RSS start → end (MB), growth | {soak['rss_start_mb']:.0f} → {soak['rss_end_mb']:.0f}, {growth} |",
                  f"| soak: RSS peak (MB) | {soak['rss_max_mb']:.0f} |",
                  (f"| soak: browser processes left after stop / tracebacks in the server's log | "
                   f"{soak['browsers_left_after_stop']} / {len(soak.get('logged_tracebacks', []))} |")]
    write_section(report, SECTION, "\n".join(lines) + "\n")
