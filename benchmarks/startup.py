"""``python -m benchmarks startup``: start time and per-worker memory of ``serve``, cold and cached.

For each scale (1 = the shipped data; 100, 1000 = seeded synthetic copies) it starts
``sahel-dashboard serve --workers 2`` on 127.0.0.1 in a fresh interpreter and measures:

* **cold**: the first start after a data change (one byte appended to a table, so the data's
  key is new and nothing is cached for it): the whole validation and the build of every index;
* **restart**: a start on unchanged data (the on-disk cache of the previous start is read);

each as the time from spawning the process to the first HTTP 200 of ``/``. Then it plays a few
views (the CSV table of a random year, and the page) and reads ``/proc/PID/smaps_rollup``
of each gunicorn worker: PSS (the worker's private pages plus its share of the pages it shares
with the master and the other worker) and Private_Clean + Private_Dirty (memory beyond the
shared part). Medians over the repeats; the machine may be shared, so the runs of one scale
are interleaved (cold, restart, cold, restart...) to meet the same background load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.load import _children, _get
from benchmarks.run import ROOT, write_section
from benchmarks.synthetic import make_scaled_data
from sahel_data.load import DEFAULT_DATA_DIR

HOST = "127.0.0.1"
SECTION = "## Start and memory"
ROLLUP_FIELDS = ("Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty")
VIEWS_AFTER_START = 6  # views whose table (CSV export) and page are asked for before memory is read


def smaps_rollup(pid: int) -> dict[str, float]:
    """MB of each field of ``/proc/PID/smaps_rollup`` listed in ``ROLLUP_FIELDS``."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ROLLUP_FIELDS:
            out[name] = int(rest.split()[0]) / 1024
    out["Private"] = out["Private_Clean"] + out["Private_Dirty"]
    return out


def start_once(data_dir: Path, cache_dir: Path, port: int, timeout_s: float) -> dict[str, Any]:
    """One start: seconds to the first 200 of ``/``, then worker memory after a few views."""
    env = {**os.environ, "SAHEL_SECRET_KEY": secrets.token_hex(32), "SAHEL_CACHE_DIR": str(cache_dir)}
    log = (cache_dir.parent / f"serve-{port}.log").open("ab")
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--host", HOST, "--port", str(port),
                             "--workers", "2", "--data-dir", str(data_dir)], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://{HOST}:{port}"
    try:
        while _get(base + "/", timeout=5)[0] != 200:
            if proc.poll() is not None or time.perf_counter() - began > timeout_s:
                raise RuntimeError(f"serve did not answer 200 (exit {proc.poll()}); see {log.name}")
            time.sleep(0.05)
        first_200 = time.perf_counter() - began
        rng = random.Random(port)
        for _ in range(VIEWS_AFTER_START):  # each view's table, computed by the engine of whichever worker answers
            _get(f"{base}/export/csv?year={rng.randint(2012, 2024)}", timeout=120)
            _get(base + "/", timeout=60)
        workers = sorted(_children(proc.pid))
        memory = [smaps_rollup(pid) for pid in workers]
        master = smaps_rollup(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
    return {"first_200_s": first_200, "workers": memory, "master": master, "n_workers": len(workers)}


def _touch_data(data_dir: Path, n: int) -> None:
    """A data change that validation ignores (a blank line at the end of a table): a new key."""
    with (data_dir / "tables" / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n" * n if n else "")


def bench_scale(factor: int, repeat: int, port: int, work: Path) -> dict[str, Any]:
    """Cold and cached starts at one scale, interleaved."""
    data_dir = make_scaled_data(DEFAULT_DATA_DIR, work / f"data-x{factor}", factor)
    cache_dir = work / f"cache-x{factor}"
    cold, restart = [], []
    for i in range(repeat):
        _touch_data(data_dir, 1)  # the data changed: its key is new
        cold.append(start_once(data_dir, cache_dir, port, timeout_s=1800))
        restart.append(start_once(data_dir, cache_dir, port, timeout_s=1800))
        print(f"x{factor} run {i + 1}: cold {cold[-1]['first_200_s']:.2f} s, restart {restart[-1]['first_200_s']:.2f} s",
              flush=True)
    return {"scale": factor, "repeat": repeat, "cold": cold, "restart": restart}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summary(result: dict[str, Any]) -> dict[str, float]:
    """Medians of one scale: start times (and their spread), and per-worker memory of the restarts."""
    out: dict[str, float] = {}
    for kind in ("cold", "restart"):
        times = sorted(r["first_200_s"] for r in result[kind])
        out[f"{kind}_median_s"], out[f"{kind}_min_s"], out[f"{kind}_max_s"] = _median(times), times[0], times[-1]
        workers = [w for r in result[kind] for w in r["workers"]]
        for field in ("Pss", "Private", "Rss"):
            out[f"{kind}_worker_{field.lower()}_mb"] = _median([w[field] for w in workers])
            out[f"{kind}_worker_{field.lower()}_max_mb"] = max(w[field] for w in workers)
        out[f"{kind}_master_pss_mb"] = _median([r["master"]["Pss"] for r in result[kind]])
    return out


def render(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """The "Start and memory" section of BENCHMARKS.md."""
    rows = []
    for result in results:
        s = summary(result)
        rows.append(f"| x{result['scale']} | {result['repeat']} | {s['cold_median_s']:.2f} ({s['cold_min_s']:.2f}–{s['cold_max_s']:.2f}) "
                    f"| {s['restart_median_s']:.2f} ({s['restart_min_s']:.2f}–{s['restart_max_s']:.2f}) "
                    f"| {s['restart_worker_pss_mb']:.0f} (max {s['restart_worker_pss_max_mb']:.0f}) "
                    f"| {s['restart_worker_private_mb']:.0f} (max {s['restart_worker_private_max_mb']:.0f}) "
                    f"| {s['restart_worker_rss_mb']:.0f} | {s['restart_master_pss_mb']:.0f} |")
    by_scale = {r["scale"]: summary(r) for r in results}
    lines = [SECTION, "",
             (f"`python -m benchmarks startup` ({meta['date']}; {meta['machine']}; {meta['note']}). Time from spawning "
             "`sahel-dashboard serve --workers 2` to the first HTTP 200 of `/`: **cold** is the first start after a data "
             "change (nothing cached for the new data: every table validated, the cache written), **restart** a start on "
             "unchanged data (the on-disk cache read). Memory: `/proc/PID/smaps_rollup` of each gunicorn worker after "
             f"{VIEWS_AFTER_START} requests for a random year's table (`/export/csv`) and the page, on the restarts; Private = "
             "Private_Clean + Private_Dirty, the memory beyond the part shared with the master. Median (min–max) of the runs."),
             "",
             "| scale | runs | cold start, s | restart, s | worker PSS, MB | worker Private, MB | worker RSS, MB | master PSS, MB |",
             "|---|---|---|---|---|---|---|---|", *rows, "", "Targets:", ""]
    if 100 in by_scale:
        t = by_scale[100]["restart_median_s"]
        lines.append(f"- restart at x100, first 200 within 2 s (median of {next(r['repeat'] for r in results if r['scale'] == 100)}): "
                     f"{t:.2f} s, **{'met' if t <= 2 else 'missed'}**")
    if 1000 in by_scale:
        pss, private = by_scale[1000]["restart_worker_pss_max_mb"], by_scale[1000]["restart_worker_private_max_mb"]
        lines.append(f"- x1000, memory per worker beyond the shared part < 300 MB: Private {private:.0f} MB "
                     f"(**{'met' if private < 300 else 'missed'}**), PSS {pss:.0f} MB (**{'met' if pss < 300 else 'missed'}**; "
                     "PSS also counts each worker's third of the pages shared three ways), worst worker of every run")
    lines.append("- first start after a data change: reported above (no target)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure every scale, write ``benchmarks/startup-results.json`` and the BENCHMARKS.md section."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks startup", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scales", default="1,100,1000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--repeat-x1000", type=int, default=2, help="runs at x1000 (a cold start takes minutes)")
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--note", default="machine shared with other work")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "startup-results.json"))
    parser.add_argument("--no-report", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args(argv)
    import platform
    from datetime import UTC, datetime

    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "note": args.note,
            "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}"}
    results = []
    work = Path(tempfile.mkdtemp(prefix="sahel-startup-"))
    try:
        for factor in (int(s) for s in args.scales.split(",")):
            results.append(bench_scale(factor, args.repeat_x1000 if factor >= 1000 else args.repeat, args.port, work))
            Path(args.output).write_text(json.dumps({"meta": meta, "results": results,
                                                     "summary": {r["scale"]: summary(r) for r in results}}, indent=2),
                                         encoding="utf-8")
            if not args.no_report:
                write_section(ROOT / "BENCHMARKS.md", SECTION, render(meta, results))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
