"""``sahel-dashboard bench``: measure the app the way it is served, at several data scales.

For each scale (1 = the shipped data; 10, 100, 1000 = seeded synthetic copies) it measures:

1. cold start: a fresh process that loads and validates the data and serves its first page;
2. first page load: bytes of the page, layout, dependencies and every script and style sheet
   it references (raw and gzip-compressed), and the number of requests;
3. server time of each interaction (change region, donor, year, selection, metric, language)
   by posting the real store payload to every callback the browser fires, view cache cleared;
4. response size of each interaction;
5. snapshot export (PNG, SVG, PDF), cold then warm (shipped data only);
6. peak RSS of the measuring process.

The baseline is the same view built the straightforward way: the full map figure, GeoJSON
included, serialised on every interaction. Results go to ``benchmarks/results.json`` and a
generated ``BENCHMARKS.md``. Shared 2-core machines are noisy: medians and p95 over repeats.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.payloads import store_body, store_callbacks
from benchmarks.synthetic import make_scaled_data
from sahel_data.load import DEFAULT_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
INTERACTIONS: dict[str, dict[str, Any]] = {
    "change region": {"year": 2019, "regions": ["ML-5"]},
    "change donor": {"year": 2019, "regions": ["ML-5"], "donors": ["EU"]},
    "step year": {"year": 2020, "regions": ["ML-5"], "donors": ["EU"]},
    "select engagement": {"year": 2020, "selected": "EUTM-MALI"},
    "switch metric": {"year": 2020, "selected": "EUTM-MALI", "metric": "idp"},
    "switch language": {"year": 2020, "selected": "EUTM-MALI", "metric": "idp", "lang": "fr"},
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p95": _pct(values, 0.95), "n": len(values)}


def cold_start(data_dir: Path, port: int) -> float:
    """Seconds from process start to the first served page (data loaded and validated)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603  (our own CLI, fixed arguments)
        [sys.executable, "-m", "sahel_data.cli", "run", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT,
    )
    try:
        while time.perf_counter() - start < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        return float("nan")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def first_load(client: Any) -> dict[str, float]:
    """Bytes and requests of a first visit (what the browser fetches before the map draws)."""
    index = client.get("/").data
    urls = ["/_dash-layout", "/_dash-dependencies", "/assets/topojson/world_110m.json"]
    urls += re.findall(rb'(?:src|href)="(/[^"]+)"', index)
    raw = len(index)
    compressed = len(gzip.compress(index, 6))
    requests = 1
    for url in urls:
        path = url.decode() if isinstance(url, bytes) else url
        body = client.get(path).data
        raw += len(body)
        compressed += len(gzip.compress(body, 6))
        requests += 1
    return {"raw_bytes": raw, "gzip_bytes": compressed, "requests": requests}


def interactions(client: Any, repeat: int) -> dict[str, dict[str, float]]:
    """Server time and response size of each interaction (all store-driven callbacks)."""
    from dashboard import ids
    from dashboard.view import _compute_view_cached

    deps = store_callbacks(client.get("/_dash-dependencies").get_json())

    results: dict[str, dict[str, float]] = {}
    for name, store in INTERACTIONS.items():
        times, sizes = [], []
        map_times: list[float] = []
        map_sizes: list[int] = []
        for _ in range(repeat):
            _compute_view_cached.cache_clear()  # measure the work, not the cache
            bodies = []
            start = time.perf_counter()
            for dep in deps:
                body = store_body(dep, store)
                t0 = time.perf_counter()
                data = client.post("/_dash-update-component", json=body).data
                if dep["output"] == f"{ids.MAP_GRAPH}.figure":
                    map_times.append((time.perf_counter() - t0) * 1000)
                    map_sizes.append(len(data))
                bodies.append(data)
            times.append((time.perf_counter() - start) * 1000)
            sizes.append((sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)))
        results[name] = {**{f"ms_{k}": v for k, v in _summary(times).items()},
                         "bytes": statistics.median(s[0] for s in sizes), "gzip_bytes": statistics.median(s[1] for s in sizes),
                         "map_ms_median": statistics.median(map_times), "map_ms_p95": _pct(map_times, 0.95),
                         "map_bytes": statistics.median(map_sizes)}
    return results


def baseline(app_data: Any, repeat: int) -> dict[str, float]:
    """The straightforward build: whole map figure, GeoJSON included, serialised each time."""
    from dashboard.view import _compute_view_cached, view_map_figure
    from layers.view_state import state_from_values

    times, sizes = [], []
    for store in INTERACTIONS.values():
        state = state_from_values(store, app_data.options)
        for _ in range(repeat):
            _compute_view_cached.cache_clear()
            start = time.perf_counter()
            fig = view_map_figure(app_data, state)  # full figure, GeoJSON included
            payload = fig.to_json()
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(payload))
    return {**{f"ms_{k}": v for k, v in _summary(times).items()}, "bytes": statistics.median(sizes)}


def exports(app_data: Any) -> dict[str, float]:
    """Seconds per snapshot, cold (first, starts the browser) then warm (median of 3)."""
    from dashboard.export import render_view
    from layers.view_state import parse_query

    state = parse_query("?year=2019&region=ML-5&metric=idp", app_data.options)
    out: dict[str, float] = {}
    for fmt in ("png", "svg", "pdf"):
        start = time.perf_counter()
        render_view(app_data, state, fmt)
        first = time.perf_counter() - start
        warm = []
        for _ in range(3):
            start = time.perf_counter()
            render_view(app_data, state, fmt)
            warm.append(time.perf_counter() - start)
        out[f"{fmt}_first_s"] = first
        out[f"{fmt}_warm_s"] = statistics.median(warm)
    return out


def bench_scale(data_dir: Path, factor: int, repeat: int, port: int, with_exports: bool) -> dict[str, Any]:
    """Every measurement at one scale."""
    from dashboard.view import build_app_data
    from sahel_data.load import load_catalog

    starts = 3 if factor < 100 else 1  # a cold start at x1000 reads and checks ~50 MB of CSV
    result: dict[str, Any] = {"scale": factor, "cold_start_s": [cold_start(data_dir, port) for _ in range(starts)]}
    result["cold_start_s"] = statistics.median(result["cold_start_s"])
    # Measure in a subprocess-free way for the rest: one app per process, so a fresh
    # interpreter per scale keeps Dash's callback registry clean (see dashboard/app.py).
    from dashboard.app import create_app

    app = create_app(data_dir)
    client = app.server.test_client()
    result["first_load"] = first_load(client)
    result["interactions"] = interactions(client, repeat)
    app_data = build_app_data(load_catalog(data_dir))
    result["baseline"] = baseline(app_data, repeat)
    if with_exports:
        result["exports"] = exports(app_data)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = {name: len(frame) for name, frame in app_data.tables.items()}
    result["rows"] = counts
    return result


def run_one(factor: int, repeat: int, port: int, out: Path) -> None:
    """Entry point of the per-scale worker process."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = DEFAULT_DATA_DIR if factor == 1 else make_scaled_data(DEFAULT_DATA_DIR, Path(tmp) / "data", factor)
        result = bench_scale(data_dir, factor, repeat, port, with_exports=factor == 1)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")


def main(scales: list[int], repeat: int, output_dir: Path) -> int:
    """Run every scale in its own interpreter, then write results.json and BENCHMARKS.md."""
    results = []
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}",
        "repeat": repeat,
    }
    status = 0
    for factor in scales:
        part = output_dir / f"results-x{factor}.json"
        code = (f"from pathlib import Path; from benchmarks.run import run_one; "
                f"run_one({factor}, {max(2, repeat // 3) if factor >= 1000 else repeat}, {8790 + factor % 100}, Path({str(part)!r}))")
        done = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT)  # noqa: S603
        if done.returncode != 0:
            print(f"scale x{factor}: FAILED (exit {done.returncode})", flush=True)
            status = 1
            continue
        results.append(json.loads(part.read_text(encoding="utf-8")))
        part.unlink()
        print(f"scale x{factor}: done", flush=True)
        # Written after every scale, so a long run that is stopped keeps what it measured.
        (output_dir / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2), encoding="utf-8")
        _write_report(render_markdown(meta, results))
    return status


def _write_report(text: str) -> None:
    """Write BENCHMARKS.md, keeping the load-and-soak section that ``loadtest`` wrote."""
    report = ROOT / "BENCHMARKS.md"
    marker = "## Load and soak"
    if report.exists() and marker in (old := report.read_text(encoding="utf-8")):
        section = marker + old.split(marker, 1)[1].split("\n## ", 1)[0]
        text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    report.write_text(text, encoding="utf-8")


def render_markdown(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """The generated benchmark report."""
    lines = [
        "# Benchmarks", "",
        f"Generated by `sahel-dashboard bench` on {meta['date']}. Machine: {meta['machine']}. "
        f"Each interaction repeated {meta['repeat']} times with the view cache cleared; medians and p95. "
        "Shared 2-core machines are noisy: compare ratios, and rerun before drawing conclusions.", "",
        "| scale | engagements | cold start (s) | first load raw / gzip (KB) | requests |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        fl = r["first_load"]
        lines.append(f"| x{r['scale']} | {r['rows']['engagements']} | {r['cold_start_s']:.2f} | "
                     f"{fl['raw_bytes'] / 1024:.0f} / {fl['gzip_bytes'] / 1024:.0f} | {fl['requests']} |")
    lines += ["", "## Interactions", "",
              "Whole interaction: every callback the store change fires (map, timeline, key figures, details, table, "
              "banners), server time and bytes sent (gzip in brackets). Map: the map callback alone (a `Patch` without "
              "geometry), against the baseline: the same map built the straightforward way, a full figure with its "
              "GeoJSON serialised on every change. Ratios above 1 mean ours is better.", "",
              "| scale | interaction | all: median ms | all: p95 ms | all: KB (gzip) | map: median ms | map: KB | baseline map: median ms | baseline map: KB | map latency ratio | map payload ratio |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        base = r["baseline"]
        for name, m in r["interactions"].items():
            lines.append(
                f"| x{r['scale']} | {name} | {m['ms_median']:.0f} | {m['ms_p95']:.0f} | {m['bytes'] / 1024:.0f} ({m['gzip_bytes'] / 1024:.0f}) | "
                f"{m['map_ms_median']:.0f} | {m['map_bytes'] / 1024:.0f} | {base['ms_median']:.0f} | {base['bytes'] / 1024:.0f} | "
                f"{base['ms_median'] / m['map_ms_median']:.2f} | {base['bytes'] / m['map_bytes']:.2f} |")
    lines += [""]
    for r in results:
        if "exports" in r:
            e = r["exports"]
            lines += ["## Exports (shipped data)", "", "| format | first (s) | warm median (s) |", "| --- | --- | --- |"]
            lines += [f"| {f.upper()} | {e[f + '_first_s']:.2f} | {e[f + '_warm_s']:.2f} |" for f in ("png", "svg", "pdf")]
    lines += ["", "## Peak memory", "", "| scale | peak RSS of the measuring process (MB) |", "| --- | --- |"]
    lines += [f"| x{r['scale']} | {r['peak_rss_mb']:.0f} |" for r in results]
    return "\n".join(lines) + "\n"
