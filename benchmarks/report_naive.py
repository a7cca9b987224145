"""The "Against a naive build" section of ``BENCHMARKS.md``, from ``interaction.compare``'s
results: per-step figures of both apps side by side, ratios ours/naive, and the issue's
targets marked met or missed. Nothing here measures.
"""

from __future__ import annotations

import math
from typing import Any

from benchmarks.interaction import STEP_NAMES, percentile, ratio, verdict

HEADING = "## Against a naive build"
P75_AIM_MS = 200.0  # Core Web Vitals "good" interaction threshold

NOTES = """\
*Naive* is `benchmarks/naive_app.py`: the same view written the straightforward way from the
plotly and Dash documentation (px.choropleth with the bundled GeoJSON, px.scatter_geo, each
callback returns a whole figure or table, AG Grid, `fig.write_image`), none of our rules or
builders. Both apps run under gunicorn (2 workers x 4 threads) on 127.0.0.1 and are driven in
turn by one headless Chromium (`benchmarks/interaction.py`), so both see the same machine load.
Per change: *requests* are `_dash-update-component` POSTs; *rounds* are round trips on the
longest chain (a request whose trigger was written by an earlier response is one round later);
*redraws* count `plotly_afterplot` on the map; *last redraw* is input to the map's last redraw,
once no request is in flight and nothing happened for 500 ms; *main thread* is Chrome's
`TaskDuration` delta (DevTools `Performance.getMetrics`), *script* its `ScriptDuration`; *KB* is
the responses' decoded size (compressed in brackets). *Server ms* replays every callback of the
step through each app's Flask test client (`benchmarks/renderer.py`; our view cache cleared).
Medians over the visits; ratios are ours/naive (below 1 is better for ours). The window is
1920x1080 at the top of the page, as for a user at the map: ours draws what is out of view (the
table and the detail panel below the window, the map's values table while closed) when it comes
into view, the naive build draws everything each time. Ours has more to draw: four key-figure
cards, and a timeline the naive build lacks. The timeline's card starts just below the window, so
a change leaves it waiting (dimmed) until it is scrolled to; its redraw is then paid when the user
scrolls, which these steps never do (until 2026-12-01 a card within 300 px of the window counted as
in view, and the timeline was redrawn with every change that altered it).
"""


def _f(value: float | None, fmt: str = ",.0f") -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, fmt)


def _r(ours: float | None, naive: float | None) -> str:
    value = ratio(ours, naive)
    return "-" if math.isnan(value) else f"{value:.2f}x"


def _pair(ours: float | None, naive: float | None, fmt: str = ",.0f", with_ratio: bool = True) -> str:
    text = f"{_f(ours, fmt)} / {_f(naive, fmt)}"
    return f"{text} ({_r(ours, naive)})" if with_ratio else text


def step_rows(result: dict[str, Any], rate: str) -> list[str]:
    """One table row per step at CPU throttling ``rate``."""
    ours, naive = result["browser"][rate]["ours"]["steps"], result["browser"][rate]["naive"]["steps"]
    server = result.get("server", {})
    rows = []
    for name in STEP_NAMES:
        o, n = ours[name], naive[name]
        so = server.get("ours", {}).get("steps", {}).get(name, {})
        sn = server.get("naive", {}).get("steps", {}).get(name, {})
        rows.append(
            f"| {name} | {_pair(o['requests'], n['requests'], with_ratio=False)} | "
            f"{_pair(o['max_rounds'], n['max_rounds'], with_ratio=False)} | {_pair(o['max_redraws'], n['max_redraws'], with_ratio=False)} | "
            f"{_pair(o['last_redraw_ms'], n['last_redraw_ms'])} | {_pair(o['last_redraw_p75_ms'], n['last_redraw_p75_ms'])} | "
            f"{_pair(o['task_ms'], n['task_ms'])} | {_pair(o['script_ms'], n['script_ms'])} | "
            f"{_pair(so.get('server_ms'), sn.get('server_ms'), '.1f')} | "
            f"{_f(o['decoded_bytes'] / 1024)} ({_f(o['transfer_bytes'] / 1024)}) / "
            f"{_f(n['decoded_bytes'] / 1024)} ({_f(n['transfer_bytes'] / 1024)}) ({_r(o['decoded_bytes'], n['decoded_bytes'])}) |")
    return rows


def pooled_p75(result: dict[str, Any], rate: str, app: str) -> float:
    """p75 of input to the map's last redraw over every change of every visit."""
    visits = result["raw"][rate][app]
    values = [v["steps"][s]["last_redraw_ms"] for v in visits for s in STEP_NAMES]
    return percentile([x for x in values if x is not None], 0.75)


def worst_ratio(result: dict[str, Any], rate: str, key: str) -> tuple[float, str]:
    """The largest per-step ratio ours/naive of ``key`` and its step."""
    ours, naive = result["browser"][rate]["ours"]["steps"], result["browser"][rate]["naive"]["steps"]
    ratios = [(ratio(ours[s][key], naive[s][key]), s) for s in STEP_NAMES]
    known = [r for r in ratios if not math.isnan(r[0])]
    return max(known) if known and len(known) == len(ratios) else (float("nan"), "a step without a figure")


def targets(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The issue's browser targets: (target, measured, verdict)."""
    out = []
    for rate in result["browser"]:
        tag = f"CPU {rate}x"
        work, step = worst_ratio(result, rate, "task_ms")
        out.append((f"{tag}: main-thread work per change <= 1.0x naive (every step)", f"{_r(work, 1)} ({step})", verdict(work, 1.0)))
        redraw, step = worst_ratio(result, rate, "last_redraw_ms")
        out.append((f"{tag}: map's last redraw <= 0.6x naive (every step)", f"{_r(redraw, 1)} ({step})", verdict(redraw, 0.6)))
        load = ratio(result["browser"][rate]["ours"]["load"]["first_map_ms"], result["browser"][rate]["naive"]["load"]["first_map_ms"])
        out.append((f"{tag}: first load, map drawn <= 0.5x naive", _r(load, 1), verdict(load, 0.5)))
        steps = result["browser"][rate]["ours"]["steps"].values()
        rounds, redraws = max(s["max_rounds"] for s in steps), {s["max_redraws"] for s in steps}
        out.append((f"{tag}: at most one round per change (worst change)", f"{rounds}", verdict(rounds, 1)))
        out.append((f"{tag}: exactly one map redraw per change (every change)", ", ".join(str(r) for r in sorted(redraws)),
                    "met" if redraws == {1} else "missed"))
    if "4" in result["browser"]:
        p75 = pooled_p75(result, "4", "ours")
        naive = pooled_p75(result, "4", "naive")
        out.append(("CPU 4x: p75 input to the map's last redraw, every change (aim < 200 ms)",
                    f"{_f(p75)} ms (naive {_f(naive)} ms)", verdict(p75, P75_AIM_MS)))
    return out


def render(result: dict[str, Any], meta: dict[str, Any]) -> str:
    """The whole section, heading included."""
    lines = [HEADING, "",
             (f"`python -m benchmarks.run --only naive` on {meta['date']}, x1 (the shipped data), {result['repeat']} visits per app "
              f"and CPU rate, each a first visit then the six steps in order. Machine: {meta['machine']}; shared with other "
              "work while it ran, so read the ratios (both apps measured side by side in this one run), not the absolute times."),
             "", NOTES]
    header = ("| step | requests ours / naive | rounds (worst) | map redraws (worst) | last redraw ms | last redraw p75 ms "
              "| main thread ms | script ms | server ms | KB per change, decoded (sent) |")
    for rate in result["browser"]:
        lines += [f"### CPU throttled {rate}x" if rate != "1" else "### CPU not throttled", "", header,
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |", *step_rows(result, rate), ""]
        o, n = result["browser"][rate]["ours"]["load"], result["browser"][rate]["naive"]["load"]
        lines += [(f"First load (navigation start to the map's first full draw), ours / naive: {_pair(o['first_map_ms'], n['first_map_ms'])} ms; "
                  f"to the map's last redraw of the load: {_pair(o['last_redraw_ms'], n['last_redraw_ms'])} ms; main thread "
                  f"{_pair(o['task_ms'], n['task_ms'])} ms; callback requests {_pair(o['requests'], n['requests'], with_ratio=False)}."), ""]
    if result.get("slow_link"):
        parts = [f"{rtt} ms: {_pair(v['ours'], v['naive'])} ms" for rtt, v in result["slow_link"].items()]
        lines += [(f"First load over a slow link (Chrome's network emulation adds the round trip to every request; CPU not "
                   f"throttled; median of {result.get('slow_link_visits', '?')} visits), map first drawn, ours / naive, per round "
                   f"trip: {'; '.join(parts)}."), ""]
    export = {k: result.get("server", {}).get(k, {}).get("export", {}) for k in ("ours", "naive")}
    lines += [(f"Warm PNG export (median of 3 after a first), ours / naive: {_pair(export['ours'].get('png_warm_s'), export['naive'].get('png_warm_s'), '.2f')} s "
              f"(first: {_pair(export['ours'].get('png_first_s'), export['naive'].get('png_first_s'), '.2f', with_ratio=False)} s)."), "",
              *[f"Server side of {k} failed: `{v['error']}`." for k, v in result.get("server", {}).items() if "error" in v],
              *[f"A first visit was made again (its page was not ready; the second attempt is the one counted): {reason}."
                for reason in result.get("retried_visits", [])],
              "", "| target | measured | verdict |", "| --- | --- | --- |"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(result)]
    return "\n".join(lines) + "\n"
