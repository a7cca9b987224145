"""``python -m benchmarks loadtest --scale-out``: the Redis layout under load, on one machine.

Redis (Debian's ``redis-server``, persistence off), two app processes (``serve --redis``, one
gunicorn worker each, as two app hosts would be) and one export worker under ``nice -n 19``
(the CPU limit: the interactive processes come first). Interactive users (the real callback
posts of ``benchmarks/load.py``) are spread over the two apps; two phases of the same length:
without exporters, then with exporters that each export without pause, as the page's buttons
do (``POST /export/jobs``, poll the status, fetch the file). Interactive users must see no error
and no 503; the report gives their p95 in both phases, and the exports' throughput and times.
Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.load import (
    MAX_REQUESTS_PER_USER,
    Server,
    ViewPoster,
    _get,
    _random_view,
    _request,
    _rss_mb,
    _tree,
)
from benchmarks.redis_local import LocalRedis, free_port
from benchmarks.run import ROOT, write_section

EXPORT_FORMATS = ("png", "png", "pdf", "svg")  # mostly PNG, the heaviest single page
MAX_EXPORT_S = 180.0  # one export followed at most this long
POLL_S = 0.5


class ExportWorker:
    """``sahel-dashboard worker`` under ``nice -n 19``, its Chromium profile in a temporary folder."""

    def __init__(self, redis_url: str) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="sahel-worker-"))
        self.log_path = Path(tempfile.gettempdir()) / f"sahel-loadtest-worker-{os.getpid()}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            ["nice", "-n", "19", sys.executable, "-m", "dashboard.cli", "worker", "--redis", redis_url,
             "--tmp-dir", str(self.tmp), "--name", "loadtest"],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and b"Listening on" not in self.log_path.read_bytes():
            if self.proc.poll() is not None:
                raise RuntimeError(f"the export worker exited: {self.log_path.read_text(errors='replace')[-800:]}")
            time.sleep(0.3)

    def rss_mb(self) -> float:
        """Memory of the worker and its browser."""
        return _rss_mb(_tree(self.proc.pid))

    def stop(self) -> None:
        """Warm shutdown (the current job ends first), then whatever is left is killed."""
        tree = _tree(self.proc.pid)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                continue
        self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _percentile(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else None


def _export_direct(base: str, rng: random.Random) -> tuple[str, float, str]:
    """One export without a queue (``GET /export/<fmt>``, rendered by the app process itself)."""
    fmt = rng.choice(EXPORT_FORMATS)
    start = time.perf_counter()
    status, _ = _get(f"{base}/export/{fmt}?year={rng.randint(2012, 2024)}", timeout=MAX_EXPORT_S)
    return ("done" if status == 200 else "429" if status == 503 else f"get {status}"), time.perf_counter() - start, fmt


def _export_once(base: str, rng: random.Random) -> tuple[str, float, str]:
    """One export as the page's buttons do it: (outcome, seconds, format); outcome is ``done``,
    ``429`` (queue full), or an error.
    """
    fmt = rng.choice(EXPORT_FORMATS)
    start = time.perf_counter()
    status, body = _request(f"{base}/export/jobs?year={rng.randint(2012, 2024)}&format={fmt}", {}, timeout=30)
    if status == 429:
        return "429", time.perf_counter() - start, fmt
    if status != 202:
        return f"submit {status} {body[:60]!r}", time.perf_counter() - start, fmt
    job = json.loads(body)
    deadline = time.monotonic() + MAX_EXPORT_S
    while time.monotonic() < deadline:
        status, body = _get(base + job["status_url"], timeout=30)
        state = json.loads(body) if status == 200 else {"status": f"status {status}"}
        if state["status"] == "done":
            status, data = _get(base + state["file"], timeout=60)
            ok = status == 200 and len(data) == state["bytes"]
            return ("done" if ok else f"file {status}"), time.perf_counter() - start, fmt
        if state["status"] not in ("queued", "running"):
            return f"job {state['status']} {state.get('reason', '')[:60]}", time.perf_counter() - start, fmt
        time.sleep(POLL_S)
    return "timeout", time.perf_counter() - start, fmt


def run_phase(apps: list[Server], posters: list[ViewPoster], users: int, exporters: int,
              seconds: float, *, queued: bool = True) -> dict[str, Any]:
    """``users`` interactive users (spread over the apps) and ``exporters`` exporting users for
    ``seconds``; exports through the job API (``queued``) or ``GET /export/<fmt>`` (no queue).
    """
    load_before = os.getloadavg()[0]
    export = _export_once if queued else _export_direct
    latencies: list[float] = []
    errors: list[str] = []
    unavailable = 0
    exports: list[tuple[str, float, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(seed: int) -> None:
        nonlocal unavailable
        rng = random.Random(seed)
        app = seed % len(apps)
        _get(apps[app].base + "/")
        store = None
        for _ in range(MAX_REQUESTS_PER_USER):
            if time.monotonic() > stop_at:
                return
            start = time.perf_counter()
            status, data, store = posters[app].post(*_random_view(rng), store)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                unavailable += status == 503
                if status != 200 or b"Traceback" in data:
                    errors.append(f"{status} {data[:80]!r}")

    def exporter(seed: int) -> None:
        rng = random.Random(1000 + seed)
        while time.monotonic() < stop_at:
            outcome = export(apps[seed % len(apps)].base, rng)
            with lock:
                exports.append(outcome)
            if outcome[0] == "429":
                time.sleep(2)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    threads += [threading.Thread(target=exporter, args=(i,), daemon=True) for i in range(exporters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + MAX_EXPORT_S + 30)
    done = [s for outcome, s, _ in exports if outcome == "done"]
    return {
        "users": users, "exporters": exporters, "seconds": seconds, "requests": len(latencies),
        "errors": len(errors), "unavailable_503": unavailable, "error_samples": errors[:5],
        "p50_ms": _percentile(latencies, 0.5), "p95_ms": _percentile(latencies, 0.95),
        "exports_done": len(done), "exports_full_429": sum(o == "429" for o, _, _ in exports),
        "export_errors": [o for o, _, _ in exports if o not in ("done", "429")][:5],
        "export_median_s": statistics.median(done) if done else None, "export_p95_s": _percentile(done, 0.95),
        "exports_per_minute": 60 * len(done) / seconds, "load_average_before": round(load_before, 1),
    }


def run_embedded(users: int, exporters: int, seconds: float) -> dict[str, Any]:
    """For comparison: the same two app processes without Redis, each rendering its own exports
    (at most two at a time, 503 when busy: counted as the exporters' "full"), the same users.
    """
    apps = [Server(free_port(), workers=1) for _ in range(2)]
    try:
        posters = [ViewPoster(app.base) for app in apps]
        return run_phase(apps, posters, users, exporters, seconds, queued=False)
    finally:
        for app in apps:
            app.stop()


def run_scale_out(users: int, exporters: int, seconds: float) -> dict[str, Any]:
    """Both phases against Redis, two app processes and one niced export worker; then the same
    exporting phase with no queue, for comparison.
    """
    with LocalRedis() as redis:
        apps = [Server(free_port(), workers=1, redis_url=redis.url) for _ in range(2)]
        worker = None
        try:
            worker = ExportWorker(redis.url)
            posters = [ViewPoster(app.base) for app in apps]
            quiet = run_phase(apps, posters, users, 0, seconds)
            busy = run_phase(apps, posters, users, exporters, seconds)
            memory = {"app_rss_mb": [round(_rss_mb(_tree(app.proc.pid))) for app in apps],
                      "worker_rss_mb": round(worker.rss_mb())}
        finally:
            if worker is not None:
                worker.stop()
            for app in apps:
                app.stop()
        logs = [line for app in apps for line in app.logged_tracebacks()]
        worker_log = worker.log_path.read_text(encoding="utf-8", errors="replace") if worker else ""
    embedded = run_embedded(users, exporters, seconds)
    return {"layout": f"Redis, 2 app processes (serve --redis --workers 1), 1 export worker under nice -n 19, {os.cpu_count()} cores",
            "without_exporters": quiet, "with_exporters": busy, "in_process_exports": embedded, **memory,
            "logged_tracebacks": logs, "worker_tracebacks": worker_log.count("Traceback")}


def main(users: int, exporters: int, seconds: float, output: Path) -> int:
    """Run both phases, write JSON and the BENCHMARKS.md section; 0 when interactive users saw no error."""
    result = run_scale_out(users, exporters, seconds)
    output.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    write_report_section(result, ROOT / "BENCHMARKS.md")
    ok = all(result[k]["errors"] == 0 and result[k]["unavailable_503"] == 0 for k in ("without_exporters", "with_exporters"))
    return 0 if ok and not result["logged_tracebacks"] and result["with_exporters"]["exports_done"] > 0 else 1


SECTION = "## Scale-out on Redis"


def write_report_section(result: dict[str, Any], report: Path) -> None:
    """Replace (or add) the scale-out section of the benchmark report (the rest is kept)."""
    quiet, busy = result["without_exporters"], result["with_exporters"]

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    def sec(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    lines = [SECTION, "",
             (f"`python -m benchmarks loadtest --scale-out` on 127.0.0.1, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
              f"{result['layout']}. Interactive users post the real callback requests of a view change, spread over "
              "both apps; exporting users export without pause as the page's buttons do (PNG, PDF, SVG: submit, "
              "poll, fetch the file)."), "",
             "| phase | interactive users / exporters / seconds | callback requests | errors / 503s | p50 / p95 per request (ms) | exports done (per minute) | export median / p95 (s) | exports refused: queue full (429) or busy (503) | load average before |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    phases = [("Redis, without exporters", quiet), ("Redis, with exporters", busy)]
    if "in_process_exports" in result:
        phases.append(("no Redis, each app renders its own exports (comparison)", result["in_process_exports"]))
    for name, phase in phases:
        lines.append(f"| {name} | {phase['users']} / {phase['exporters']} / {phase['seconds']:.0f} | {phase['requests']} | "
                     f"{phase['errors']} / {phase['unavailable_503']} | {ms(phase['p50_ms'])} / {ms(phase['p95_ms'])} | "
                     f"{phase['exports_done']} ({phase['exports_per_minute']:.0f}) | {sec(phase['export_median_s'])} / "
                     f"{sec(phase['export_p95_s'])} | {phase['exports_full_429']} | {phase.get('load_average_before', '-')} |")
    if quiet["p95_ms"] and busy["p95_ms"]:
        change = busy["p95_ms"] - quiet["p95_ms"]
        lines += ["", (f"{busy['exporters']} users exporting without pause moved the interactive p95 by {change:+.0f} ms "
                       f"({100 * change / quiet['p95_ms']:+.0f} %: compare it with the run-to-run noise of the machine, "
                       "whose load average before each phase is in the table); one export worker under nice 19 "
                       f"finished {busy['exports_per_minute']:.0f} exports a minute, each waiting behind the others' "
                       f"(median {sec(busy['export_median_s'])} s from click to file).")]
    lines += ["", (f"Memory after the run: app processes {' and '.join(str(m) for m in result['app_rss_mb'])} MB "
                   f"(gunicorn master and worker each), export worker with its Chromium {result['worker_rss_mb']} MB. "
                   f"Tracebacks in the apps' logs: {len(result['logged_tracebacks'])}; in the worker's: "
                   f"{result['worker_tracebacks']}.")]
    write_section(report, SECTION, "\n".join(lines) + "\n")

