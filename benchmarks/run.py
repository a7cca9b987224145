"""``python -m benchmarks.run``: measure the app the way it is served, at several data scales,
and against a naive build of the same view.

For each scale (1 = the shipped data; 10, 100, 1000 = seeded synthetic copies, the x1000 one
with a 100,000-point sites layer) it measures:

1. cold start of ``sahel-dashboard serve`` (gunicorn) to its first served page;
2. first visits in headless Chromium with the cache off: time to a rendered map, bytes sent
   (compressed) and decoded, requests, and that nothing leaves 127.0.0.1 (``browser.py``);
3. server time of six user steps (change region, donor, year, select an engagement, switch
   metric, switch language): every callback request the browser fires for the step, replayed
   with the real payloads by ``renderer.py``, view cache cleared before each step;
4. bytes of each step's responses (raw and gzip), the map's own share, against the baseline
   (``baseline.py``: the naive build's map of the same view, every change);
5. snapshot export (PNG, SVG, PDF), cold then warm;
6. peak RSS of the server's processes.

Then, at x1, our app against ``naive_app.py`` in the browser, side by side in one run
(``interaction.py``): requests, rounds, redraws, input to the map's last redraw, main-thread
time, at CPU throttling 1x and 4x, plus server time, bytes and warm PNG export of both.

Results go to ``benchmarks/results.json``, ``benchmarks/naive-results.json`` and
``BENCHMARKS.md`` (``report.py`` and ``report_naive.py`` check each target against them); the
sections it does not generate are kept. Shared 2-core machines are noisy: medians and p95
over repeats. ``main(argv)`` is the command line (``--only naive`` reruns the comparison).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.synthetic import make_scaled_data
from sahel_data.load import DEFAULT_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
FIRST_VIEW: dict[str, Any] = {"years": [2019, 2019]}  # the period control: a range of years
# Six user steps: (name, control, value), applied in order from a first visit at 2019; each
# step is one change the user makes.
STEPS: list[tuple[str, str, Any]] = [
    ("change region", "regions", ["ML-5"]),
    ("change donor", "donors", ["European Union"]),
    ("step year", "years", [2020, 2020]),
    ("select engagement", "selected", "EUTM-MALI"),
    ("switch metric", "metric", "idp"),
    ("switch language", "lang", "fr"),
]


def _views_after_steps() -> dict[str, dict[str, Any]]:
    views, view = {}, dict(FIRST_VIEW)
    for name, field, value in STEPS:
        view = {**view, field: value}
        views[name] = view
    return views


# Each step's whole view (cumulative, as the user goes): the baseline builds these, and the
# load test posts them.
INTERACTIONS: dict[str, dict[str, Any]] = _views_after_steps()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p95": _pct(values, 0.95), "n": len(values)}


def interactions(client: Any, repeat: int) -> dict[str, dict[str, float]]:
    """Server time and bytes of each user step, firing every callback the browser would."""
    from benchmarks.renderer import Renderer
    from dashboard import ids
    from dashboard.view import EXTENSION_KEY

    clear_view_cache = client.application.extensions[EXTENSION_KEY].engine.facts.cache_clear

    samples: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in STEPS}
    for _ in range(repeat):
        renderer = Renderer.from_client(client)
        for field, value in FIRST_VIEW.items():  # the first visit's view
            renderer.change(client, ids.control(field), "value", value)
        for name, field, value in STEPS:
            clear_view_cache()  # measure the work, not the engine's memo of a view's facts
            fired = renderer.change(client, ids.control(field), "value", value)
            # The map comes in the view callback's one answer, with the other parts: its time is the
            # whole request's (conservative), its bytes the figure's own.
            map_part = f"{ids.MAP_GRAPH}.figure"
            on_map = [f for f in fired if map_part in f.parts]
            samples[name].append({
                "ms": sum(f.ms for f in fired), "requests": len(fired), "bytes": sum(f.bytes for f in fired),
                "gzip_bytes": sum(f.gzip_bytes for f in fired), "map_ms": sum(f.ms for f in on_map),
                "map_bytes": sum(f.parts[map_part] for f in on_map), "slowest_ms": max(f.ms for f in fired),
            })
    out = {}
    for name, rows in samples.items():
        ms = [r["ms"] for r in rows]
        out[name] = {**{f"ms_{k}": v for k, v in _summary(ms).items()},
                     **{k: statistics.median(r[k] for r in rows) for k in ("requests", "bytes", "gzip_bytes", "map_bytes", "slowest_ms")},
                     "map_ms_median": statistics.median(r["map_ms"] for r in rows),
                     "map_ms_p95": _pct([r["map_ms"] for r in rows], 0.95),
                     "slowest_ms_p95": _pct([r["slowest_ms"] for r in rows], 0.95)}
    return out


def baseline(data_dir: Path, repeat: int) -> dict[str, dict[str, float]]:
    """The naive build's map of each step's view (see benchmarks/baseline.py)."""
    from benchmarks import naive_app
    from benchmarks.baseline import baseline_map_json

    data = naive_app.load_data(data_dir)
    out = {}
    repeat = repeat if len(data["sites"]) < 10_000 else min(repeat, 3)  # seconds per build at x1000
    for (name, _, _), values in zip(STEPS, INTERACTIONS.values(), strict=True):
        times, sizes = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            payload = baseline_map_json(data, values)
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(payload))
        out[name] = {**{f"ms_{k}": v for k, v in _summary(times).items()}, "bytes": statistics.median(sizes)}
    return out


def points(app_data: Any) -> dict[str, float]:
    """The sites layer of the first step's view: points, markers drawn, and what sending every
    point (position, name, id) would cost instead of the aggregated markers.
    """
    from dashboard.view import compute_view
    from layers.sites import group_sites
    from layers.view_state import state_from_values

    facts = compute_view(app_data, state_from_values(INTERACTIONS["change region"], app_data.options))
    sites = app_data.sites.where(facts.site_mask)  # as dashboard/view.py draws them
    raw = json.dumps({"lon": sites.lon.tolist(), "lat": sites.lat.tolist(), "text": sites.columns["name"].tolist(),
                      "customdata": sites.columns["site_id"].tolist()})
    return {"sites_in_view": len(sites), "markers": len(group_sites(sites)), "unaggregated_bytes": len(raw)}


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
    from benchmarks import browser
    from dashboard.app import create_app
    from dashboard.view import app_data_of

    result: dict[str, Any] = {"scale": factor}
    visits = 5 if factor < 1000 else 3
    result["browser"] = browser.measure(data_dir, port, visits)  # production server + Chromium
    # One app per process (Dash hands the @callback registry to the first app), so each
    # scale runs in a fresh interpreter; the callbacks are measured through its test client.
    app = create_app(data_dir)
    client = app.server.test_client()
    result["interactions"] = interactions(client, repeat)
    app_data = app_data_of(app)
    result["baseline"] = baseline(data_dir, max(3, repeat // 4))
    result["points"] = points(app_data)
    if with_exports:
        result["exports"] = exports(app_data)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["rows"] = {name: len(frame) for name, frame in app_data.tables.items()}
    return result


def run_one(factor: int, repeat: int, port: int, out: Path) -> None:
    """Entry point of the per-scale worker process."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = DEFAULT_DATA_DIR if factor == 1 else make_scaled_data(DEFAULT_DATA_DIR, Path(tmp) / "data", factor)
        result = bench_scale(data_dir, factor, repeat, port, with_exports=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")


def _meta(repeat: int) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}",
        "repeat": repeat,
    }


def run_scales(scales: list[int], repeat: int, output_dir: Path) -> int:
    """Run every scale in its own interpreter, then write results.json and BENCHMARKS.md."""
    results = []
    meta = _meta(repeat)
    status = 0
    for factor in scales:
        part = output_dir / f"results-x{factor}.json"
        code = (f"from pathlib import Path; from benchmarks.run import run_one; "
                f"run_one({factor}, {max(2, repeat // 3) if factor >= 1000 else repeat}, {8790 + factor % 100}, Path({str(part)!r}))")
        done = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT)
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


def run_naive(repeat: int, output_dir: Path, rates: tuple[int, ...] = (1, 4)) -> int:
    """Our app against the naive build, side by side in one run (``interaction.py``); writes
    ``naive-results.json`` and the "Against a naive build" section of BENCHMARKS.md.
    """
    from benchmarks import report_naive
    from benchmarks.interaction import compare

    meta = _meta(repeat)
    result = compare(repeat, rates=rates)
    (output_dir / "naive-results.json").write_text(json.dumps({"meta": meta, **result}, indent=2), encoding="utf-8")
    report = ROOT / "BENCHMARKS.md"
    old = report.read_text(encoding="utf-8") if report.exists() else "# Benchmarks\n"
    report.write_text(replace_section(old, report_naive.HEADING, report_naive.render(result, meta)), encoding="utf-8")
    print("naive comparison: done", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.run [--scales 1,10,100,1000] [--repeat 20] [--naive-repeat 10] [--only scales|naive]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description="Benchmarks at several data scales and against a naive build.")
    parser.add_argument("--scales", default="1,10,100,1000", help="data scale factors (1 = shipped data)")
    parser.add_argument("--repeat", type=int, default=20, help="server-side repeats per step")
    parser.add_argument("--naive-repeat", type=int, default=10, help="browser visits per app and CPU rate, against the naive build")
    parser.add_argument("--rates", default="1,4", help="CPU throttling rates for the naive comparison")
    parser.add_argument("--only", choices=("scales", "naive"), help="run one part (default: both, scales first)")
    parser.add_argument("--output-dir", default="benchmarks")
    args = parser.parse_args(argv)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    if args.only != "naive":
        status |= run_scales([int(x) for x in args.scales.split(",")], args.repeat, out)
    if args.only != "scales":
        status |= run_naive(args.naive_repeat, out, tuple(int(x) for x in args.rates.split(",")))
    return status


def split_sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first ``## `` heading, and each (heading line, whole section)."""
    parts = ("\n" + text).split("\n## ")
    preamble, sections = parts[0].lstrip("\n"), []
    for part in parts[1:]:
        heading = "## " + part.split("\n", 1)[0].strip()
        sections.append((heading, ("## " + part).rstrip("\n") + "\n"))
    return preamble, sections


def merge_report(old: str, new: str) -> str:
    """``new``, followed by every section of ``old`` that ``new`` does not have (hand-written
    analysis, ``loadtest`` and other commands' sections), in their old order.
    """
    _, new_sections = split_sections(new)
    have = {h for h, _ in new_sections}
    kept = [body for heading, body in split_sections(old)[1] if heading not in have]
    return "\n".join([new.rstrip("\n") + "\n", *kept]).rstrip("\n") + "\n"


def replace_section(old: str, heading: str, section: str) -> str:
    """``old`` with the section under ``heading`` replaced by ``section`` (added at the end if new)."""
    preamble, sections = split_sections(old)
    if heading in {h for h, _ in sections}:
        bodies = [section if h == heading else body for h, body in sections]
    else:
        bodies = [body for _, body in sections] + [section]
    return "\n".join([preamble.rstrip("\n") + "\n", *bodies]).rstrip("\n") + "\n"


def write_section(report: Path, heading: str, section: str) -> None:
    """Replace (or add) one section of the report file, keeping every other section as it is."""
    old = report.read_text(encoding="utf-8") if report.exists() else "# Benchmarks\n"
    report.write_text(replace_section(old, heading, section), encoding="utf-8")


def _write_report(text: str, report: Path = ROOT / "BENCHMARKS.md") -> None:
    """Write BENCHMARKS.md: the generated sections, then every other section it held."""
    old = report.read_text(encoding="utf-8") if report.exists() else ""
    report.write_text(merge_report(old, text), encoding="utf-8")


def render_markdown(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """The generated benchmark report (tables, then the targets checked against them)."""
    from benchmarks.report import render

    return render(meta, results)


if __name__ == "__main__":
    raise SystemExit(main())
