"""``sahel-dashboard rehearse --briefing ID``: a dress rehearsal of a briefing, offline.

Every slide is rendered on the stage in headless Chromium (through choreographer, which kaleido
already brings) at each projector and laptop size, and the report says what would go wrong in
the room: a page that scrolls, parts that leave the window or overlap, boxes that cut their
words, text under 24 stage pixels, places named in a scene that the map does not show, figures
that are stale or unknown, and every figure that changed since the data version recorded at
the last rehearsal (which the rehearsal then records in the briefing file).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.stage import briefing_deck, gazetteer
from dashboard.view import AppData, compute_view
from layers.faces import engagement_name
from layers.i18n import fmt_date
from layers.places import missing_places
from layers.view_state import parse_query_strict
from sahel_data import releases
from sahel_data.briefings import Briefing

STAGE_SIZES: tuple[tuple[int, int], ...] = (
    (1024, 576), (1024, 768), (1280, 720), (1280, 800), (1366, 768), (1920, 1080), (3840, 2160),
)
READY_TIMEOUT_S = 30.0
STEP_TIMEOUT_S = 20.0
MIN_TEXT_PX = 24


@dataclass
class SlideReport:
    """What one slide showed at one window size."""

    size: tuple[int, int]
    index: int
    title: str
    problems: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    redraw_ms: float | None = None


@dataclass
class Report:
    """The whole rehearsal: layout per size, and the briefing's content checks."""

    briefing_id: str
    lang: str
    data_version: str
    slides: list[SlideReport] = field(default_factory=list)
    missing_places: list[str] = field(default_factory=list)
    weak_figures: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    previous_version: str = ""

    @property
    def layout_problems(self) -> list[str]:
        """Every layout problem, by slide, with the window sizes it shows at."""
        sizes: dict[tuple[int, str, str], list[str]] = {}
        for slide in self.slides:
            for problem in slide.problems:
                sizes.setdefault((slide.index, slide.title, problem), []).append(f"{slide.size[0]}x{slide.size[1]}")
        return [f"slide {index + 1} ({title}): {problem} [at {', '.join(at)}]"
                for (index, title, problem), at in sorted(sizes.items(), key=lambda item: item[0][0])]

    def step_times(self) -> dict[str, float]:
        """Median and 95th percentile of the slides' last redraw, in ms."""
        times = sorted(s.redraw_ms for s in self.slides if s.redraw_ms is not None)
        if not times:
            return {}
        return {"median_ms": times[len(times) // 2], "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "slides": len(times)}

    def as_text(self) -> str:
        """The report a presenter reads."""
        out = [f"Rehearsal of {self.briefing_id} ({self.lang}), data version {self.data_version}"]
        sizes = sorted({s.size for s in self.slides})
        out.append(f"Rendered {len({s.index for s in self.slides})} slides at " + ", ".join(f"{w}x{h}" for w, h in sizes))
        steps = self.step_times()
        if steps:
            out.append(f"Last redraw after a step: median {steps['median_ms']:.0f} ms, 95th percentile {steps['p95_ms']:.0f} ms "
                       f"({steps['slides']} steps)")
        sections = [
            ("Layout problems (scrolling, overflow, overlap, small text)", self.layout_problems),
            ("Places named in a scene but not shown on its map", self.missing_places),
            ("Figures that are stale or unknown", self.weak_figures),
            (f"Figures changed since the last rehearsal (data version {self.previous_version or 'none recorded'})", self.changed),
        ]
        for heading, lines in sections:
            out.append(f"\n{heading}: {len(lines) if lines else 'none'}")
            out += [f"  - {line}" for line in lines]
        return "\n".join(out)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {"briefing": self.briefing_id, "lang": self.lang, "data_version": self.data_version,
                "previous_version": self.previous_version, "layout_problems": self.layout_problems, "steps": self.step_times(),
                "missing_places": self.missing_places, "weak_figures": self.weak_figures, "changed": self.changed,
                "slides": [{"size": list(s.size), "index": s.index, "title": s.title, "problems": s.problems,
                            "truncated": s.truncated, "redraw_ms": s.redraw_ms} for s in self.slides]}


# ---- the data's version and the figures a rehearsal records -------------------------------------

def data_version(data_dir: Path) -> str:
    """The data version a rehearsal records: the release the tables and boundaries match
    (``2026-11-30-3fa9c2d1``), else their content hash (``sahel_data.releases.data_version``:
    the one notion of data version, shown in the header and on every export).
    """
    return releases.data_version(Path(data_dir))


def deck_figures(deck: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The figures each slide shows, by slide number: ``{"3": {"title": ..., "money": "€27.7 M"}}``."""
    out: dict[str, dict[str, str]] = {}
    for number, slide in enumerate(deck["slides"], start=1):
        if not slide.get("figures"):
            continue
        shown = {"title": slide["title"], **{f["key"]: f["value"] for f in slide["figures"]}}
        if slide.get("then"):
            shown |= {f"then {f['key']}": f["value"] for f in slide["then"]["figures"]}
        out[str(number)] = shown
    return out


def changed_figures(before: dict[str, dict[str, str]], now: dict[str, dict[str, str]]) -> list[str]:
    """Every figure whose shown value differs between two rehearsals (slides matched by number)."""
    lines = []
    for number, figures in now.items():
        old = before.get(number, {})
        for key, value in figures.items():
            if key != "title" and key in old and old[key] != value:
                lines.append(f"slide {number} ({figures['title']}): {key} {old[key]} → {value}")
    return lines


def record_rehearsal(path: Path, lang: str, version: str, figures: dict[str, dict[str, str]], today: date) -> None:
    """Write the data version and the figures shown into the briefing file's ``rehearsed``."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    rehearsed = doc.get("rehearsed") if isinstance(doc.get("rehearsed"), dict) else {}
    rehearsed[lang] = {"date": today.isoformat(), "data_version": version, "figures": figures}
    doc["rehearsed"] = rehearsed
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ---- content checks: places and weak figures ----------------------------------------------------

def weak_figures(app: AppData, briefing: Briefing, lang: str) -> list[str]:
    """Per scene (named by its slide number), the figures a presenter should not read out as current totals."""
    out = []
    for number, scene in enumerate(briefing.scenes, start=1 + bool(briefing.opening) + bool(briefing.changes)):
        for view in (scene.then, scene.now) if scene.kind == "then_and_now" else (scene.view,):
            out += _weak_in_view(app, view, lang, f"slide {number} ({scene.title[lang]})")
    return out


def _weak_in_view(app: AppData, view: str, lang: str, where: str) -> list[str]:
    state = replace(parse_query_strict(view, app.options), lang=lang)
    facts = compute_view(app, state)
    out = []
    for name, headline in (("money", facts.money), ("personnel", facts.personnel), ("displaced people", facts.idps)):
        if headline.status == "unknown":
            out.append(f"{where}: {name} unknown at {fmt_date(facts.as_at, lang)}")
        elif headline.status in ("listed", "partial"):  # shown, but not as one total
            out.append(f"{where}: {name}: no total ({headline.status}) at {fmt_date(facts.as_at, lang)}")
        stale = [line for line in headline.lines if line.reason in ("stale", "status_unknown")]
        for line in stale:
            label = engagement_name(app.tables, line.engagement_id, lang) if line.engagement_id else line.row_id
            when = fmt_date(line.start, lang, line.date_text) if line.start is not None else ""
            out.append(f"{where}: {name}: {label} {line.reason.replace('_', ' ')} (last figure {when or 'undated'})")
    return out


# ---- rendering in the browser -------------------------------------------------------------------

@contextlib.contextmanager
def serving(dash_app: Any) -> Iterator[str]:
    """Serve the app on a free loopback port for the length of the block; yields its base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *_args: object) -> None:  # the report is the output, not an access log
            return

    server = make_server("127.0.0.1", 0, dash_app.server, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="rehearse-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


async def _evaluate(tab: Any, expression: str, *, wait: bool = False) -> Any:
    params = {"expression": expression, "returnByValue": True, "awaitPromise": wait}
    response = await asyncio.wait_for(tab.send_command("Runtime.evaluate", params=params), STEP_TIMEOUT_S)
    result = response.get("result", {})
    if "exceptionDetails" in result:
        raise RuntimeError(f"the stage failed in the browser: {result['exceptionDetails'].get('text', '')}")
    return result.get("result", {}).get("value")


async def _open(tab: Any, url: str, size: tuple[int, int]) -> None:
    width, height = size
    await tab.send_command("Emulation.setDeviceMetricsOverride",
                           params={"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    # The old page keeps its "ready" mark until the new one replaces it: clear it first.
    await _evaluate(tab, "document.documentElement && (document.documentElement.dataset.stage = 'leaving')")
    await tab.send_command("Page.navigate", params={"url": url})
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT_S
    while await _ready(tab) != "ready":
        if loop.time() > deadline:
            text = await _evaluate(tab, "document.body ? document.body.innerText.slice(0, 300) : ''")
            raise RuntimeError(f"the stage did not start within {READY_TIMEOUT_S:.0f} s at {width}x{height}: {text}")
        await asyncio.sleep(0.1)


async def _ready(tab: Any) -> str:
    """The page's stage mark; "" while a navigation replaces the document (evaluation fails then)."""
    try:
        return str(await _evaluate(tab, "document.documentElement.dataset.stage || ''"))
    except RuntimeError:
        return ""


def slide_problems(check: dict[str, Any]) -> list[str]:
    """Layout problems in one slide's ``sahelStage.check()`` result."""
    page = check["page"]
    problems = []
    if page["scrollWidth"] > page["width"] or page["scrollHeight"] > page["height"]:
        problems.append(f"the page scrolls ({page['scrollWidth']}x{page['scrollHeight']} in {page['width']}x{page['height']})")
    problems += [f"{part} leaves the stage or the window" for part in check["outside"]]
    problems += [f"{pair} overlap" for pair in check["overlaps"]]
    problems += [f"cut off: {what}" for what in check["cut"]]
    if check["smallest_text"] is not None and check["smallest_text"] < MIN_TEXT_PX - 0.01:
        problems.append(f"text under {MIN_TEXT_PX} px: " + "; ".join(check["small_text"][:5]))
    return problems


async def render_slides(base_url: str, query: str, sizes: tuple[tuple[int, int], ...], *,
                        screenshots: bool = False) -> tuple[list[SlideReport], dict[str, bytes]]:
    """Open the stage at ``base_url/?<query>`` at each size and check every slide; with
    ``screenshots``, also a PNG of each (by file name).
    """
    import base64

    import choreographer

    reports, shots = [], {}
    async with choreographer.Browser(headless=True) as browser:
        tab = await browser.create_tab("")
        for size in sizes:
            await _open(tab, f"{base_url}/?{query}", size)
            count = await _evaluate(tab, "document.querySelectorAll('.overview-item').length")
            for index in range(count):
                record = await _evaluate(tab, f"window.sahelStage.go({index})", wait=True)
                check = await _evaluate(tab, "window.sahelStage.check()")
                slide = SlideReport(size, index, check["title"], slide_problems(check), check["truncated"],
                                    record["redraw"] if record else None)
                reports.append(slide)
                if screenshots:
                    shot = await tab.send_command("Page.captureScreenshot", params={"format": "png"})
                    shots[f"{size[0]}x{size[1]}-{index + 1:02d}.png"] = base64.b64decode(shot["result"]["data"])
    return reports, shots


def rehearse(app: AppData, dash_app: Any, briefing_id: str, *, lang: str = "en",
             sizes: tuple[tuple[int, int], ...] = STAGE_SIZES, record: bool = True, screenshots: Path | None = None,
             today: date | None = None) -> Report:
    """Rehearse a briefing: render, check, compare with the last rehearsal and record this one."""
    briefing = app.catalog.briefings[briefing_id]
    version = data_version(app.catalog.data_dir)
    deck = briefing_deck(app, briefing, lang)
    report = Report(briefing_id, lang, version)
    places = gazetteer(app)
    for number, slide in enumerate(deck["slides"], start=1):
        if slide["kind"] in ("opening", "closing", "changes"):
            continue
        for spec in ([slide["then"]["map"]] if slide.get("then") else []) + [slide["map"]]:
            report.missing_places += [f"slide {number} ({slide['title']}): {p}"
                                      for p in missing_places(f"{slide['title']} {slide['note']}", spec, places)]
    report.missing_places = list(dict.fromkeys(report.missing_places))
    report.weak_figures = weak_figures(app, briefing, lang)
    figures = deck_figures(deck)
    previous = briefing.rehearsed.get(lang, {}) if isinstance(briefing.rehearsed.get(lang), dict) else {}
    report.previous_version = str(previous.get("data_version", ""))
    report.changed = changed_figures(previous.get("figures", {}) or {}, figures)
    with serving(dash_app) as base_url:
        report.slides, shots = asyncio.run(render_slides(base_url, f"mode=brief&briefing={briefing_id}&lang={lang}", sizes,
                                                         screenshots=screenshots is not None))
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
        for name, png in shots.items():
            (screenshots / name).write_bytes(png)
    if record:
        record_rehearsal(app.catalog.data_dir / "briefings" / f"{briefing_id}.json", lang, version, figures,
                         today or app.today)
    return report
