"""Briefing decks to carry to a room: PowerPoint (``pptx``) and PDF, presented with no app running.

The deck is the briefing stage's (``dashboard.stage.briefing_deck``): the same slides, titles,
key figures, maps, legends and short citations as on screen, so screen and deck agree. One
slide per scene, plus the briefing's opening and closing slides (the closing ones list every
cited source in full). A scene's slide carries its title, the map at 16:9 with its legend and
key figures beside it, the sources as a footer, and the scene's note as speaker notes (in
PowerPoint's notes; in the PDF as a note annotation on the page).
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go

from dashboard.export import (
    DocInfo,
    ExportError,
    Progress,
    finish_pdf,
    legend_of,
    map_bounds,
    no_progress,
    render_figure,
    view_title,
    with_geometry,
)
from dashboard.stage import briefing_deck, view_deck
from dashboard.view import AppData
from layers.citations import cite
from layers.i18n import t
from layers.map_base import STAGE_MAP_PX
from layers.map_figure import LAT_RANGE, LON_RANGE
from layers.snapshot import (
    PAGE_SIZES,
    FigureText,
    MapPanel,
    PageSize,
    PageText,
    Sources,
    compose_page,
    text_page,
    with_colon,
)
from layers.view_state import ViewState

DECK_TYPES = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pdf": "application/pdf"}
SLIDE = PAGE_SIZES["slide"]
EMU_PER_INCH = 914400
SLIDE_IN = (13.333, 7.5)  # PowerPoint's 16:9
TITLE_TOP_IN, TITLE_H_IN = 0.15, 0.65
FILTERS_H_IN = 0.35
FOOT_H_IN = 0.55
PICTURE_SCALE = 1.5  # 2880 px across 13.3 in: sharp on a projector and in print


BOOKENDS = ("opening", "closing", "changes")  # text slides ("changes": what changed since the last briefing)

def _marking(deck: dict[str, Any]) -> str:
    return " · ".join(part for part in (deck.get("marking", ""), deck.get("contact", "")) if part)


def _panels(app: AppData, slide: dict[str, Any], lang: str) -> list[MapPanel]:
    if slide["kind"] == "then_and_now":
        then, now = slide["labels"]
        return [MapPanel(with_geometry(app, slide["then"]["map"]), f"{with_colon(t('stage_then', lang), lang)} {then}"),
                MapPanel(with_geometry(app, slide["map"]), f"{with_colon(t('stage_now', lang), lang)} {now}")]
    return [MapPanel(with_geometry(app, slide["map"]))]


def scene_figure(app: AppData, deck: dict[str, Any], slide: dict[str, Any], *, page: PageSize = SLIDE,
                 body_only: bool = False) -> go.Figure:
    """A scene's slide as a page: title and filters, the map(s), legend and key figures, and the
    stage's short citations as the footer (``body_only``: the map, legend and figures alone).
    """
    lang = deck["lang"]
    text = PageText(title=slide["title"], filters=slide["filters"], attribution=t("export_attribution", lang),
                    stamp=deck["data_as_of"], marking=_marking(deck))
    figures = [FigureText(f["title"], f["value"], f["sub"]) for f in slide["figures"]]
    sources = Sources(with_colon(t("stage_sources_short", lang), lang), tuple(slide["sources"]), slide.get("more_sources", ""),
                      inline=True)
    return compose_page(page, text, _panels(app, slide, lang), legend=legend_of(slide["legend"], refs=""), figures=figures,
                        figures_heading=_figures_heading(slide, lang), sources=sources, lon_range=LON_RANGE,
                        lat_range=LAT_RANGE, lang=lang, label_deg_per_px=(LON_RANGE[1] - LON_RANGE[0]) / STAGE_MAP_PX,
                        body_only=body_only, bounds=map_bounds(app))


def _figures_heading(slide: dict[str, Any], lang: str) -> str:
    """"Key figures · Figures as at 31 Dec 2019": the stage says the figures' date once, above
    them, not in each title (dashboard/stage.py), and so does the deck.
    """
    when = slide.get("figures_as_at", "")
    return f"{t('export_key_figures', lang)} · {when}" if when else t("export_key_figures", lang)


def bookend_figure(deck: dict[str, Any], slide: dict[str, Any]) -> go.Figure:
    """An opening or closing slide: title, subtitle, lines, and the numbered citations."""
    return text_page(SLIDE, slide["title"], subtitle=slide.get("subtitle", ""), lines=list(slide.get("lines", ())),
                     items=list(slide.get("citations") or slide.get("changes") or ()), first_item=int(slide.get("first_citation", 1)),
                     marking=_marking(deck), item_size=10, hero=slide["kind"] == "opening")


def _info(app: AppData, deck: dict[str, Any], briefing_id: str, now: datetime) -> DocInfo:
    briefing = app.catalog.briefings[briefing_id]
    cited = [s for slide in deck["slides"] for s in slide.get("source_ids", ())]
    return DocInfo(title=deck["title"], subject=briefing.subtitle[deck["lang"]], lang=deck["lang"], created=now,
                   citations=tuple(cite(app.tables["sources"], cited, deck["lang"])), keywords="Mali; Sahel; briefing")


def deck_of(app: AppData, briefing_id: str, lang: str) -> dict[str, Any]:
    """The stage's deck of a briefing (``ExportError`` naming the briefings if it is unknown)."""
    briefing = app.catalog.briefings.get(briefing_id)
    if briefing is None:
        known = ", ".join(app.catalog.briefings) or "(none)"
        raise ExportError(f"unknown briefing {briefing_id[:60]!r}; briefings: {known}")
    if lang not in ("en", "fr"):
        raise ExportError(f"lang={lang[:10]!r}: expected en, fr")
    return briefing_deck(app, briefing, lang)


def render_deck_pdf(app: AppData, briefing_id: str, lang: str, *, now: datetime | None = None,
                    progress: Progress = no_progress) -> bytes:
    """The deck as a PDF: one 13.33 x 7.5 in page per slide, each note as a note annotation."""
    now = now or datetime.now(UTC)
    deck = deck_of(app, briefing_id, lang)
    parts, notes = [], []
    for n, slide in enumerate(deck["slides"]):
        progress(n, len(deck["slides"]), "rendering")
        figure = bookend_figure(deck, slide) if slide["kind"] in BOOKENDS else scene_figure(app, deck, slide)
        parts.append(render_figure(figure, "pdf", width=SLIDE.width_px, height=SLIDE.height_px))
        notes.append(slide.get("note", ""))
    return finish_pdf(parts, _info(app, deck, briefing_id, now), page=SLIDE, notes=notes)


# --- PowerPoint ------------------------------------------------------------------------------------

def _emu(inches: float) -> int:
    return round(inches * EMU_PER_INCH)


def _textbox(slide: Any, box: tuple[float, float, float, float], paragraphs: list[tuple[str, float, bool, str]]) -> Any:
    """A text box at ``box`` (inches) with (text, points, bold, hex colour) paragraphs, wrapped."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    shape = slide.shapes.add_textbox(*(_emu(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    return shape


def _title(slide: Any, text: str, *, top: float = TITLE_TOP_IN, size: float = 26) -> None:
    """The slide's own title placeholder (outline view and screen readers find it), placed for 16:9."""
    from pptx.util import Pt

    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = _emu(0.45), _emu(top), _emu(SLIDE_IN[0] - 0.9), _emu(TITLE_H_IN)
    shape.text = text
    para = shape.text_frame.paragraphs[0]
    para.alignment = 1  # left
    for run in para.runs:
        run.font.size = Pt(size)
        run.font.bold = True


def _scene_slide(prs: Any, app: AppData, deck: dict[str, Any], slide: dict[str, Any]) -> None:
    lang = deck["lang"]
    page_slide = prs.slides.add_slide(prs.slide_layouts[5])  # Title Only
    _title(page_slide, slide["title"])
    _textbox(page_slide, (0.45, TITLE_TOP_IN + TITLE_H_IN - 0.05, SLIDE_IN[0] - 0.9, FILTERS_H_IN),
             [(slide["filters"], 14, False, "#4a4a4a")])
    top = TITLE_TOP_IN + TITLE_H_IN + FILTERS_H_IN
    height = SLIDE_IN[1] - top - FOOT_H_IN - 0.1
    body = replace(SLIDE, height_mm=SLIDE.width_mm * height / SLIDE_IN[0])
    figure = scene_figure(app, deck, slide, page=body, body_only=True)
    png = render_figure(figure, "png", width=body.width_px, height=body.height_px, scale=PICTURE_SCALE)
    picture = page_slide.shapes.add_picture(io.BytesIO(png), _emu(0), _emu(top), width=_emu(SLIDE_IN[0]), height=_emu(height))
    picture._element.nvPicPr.cNvPr.set("descr", f"{slide['title']}. {slide['filters']}")  # noqa: SLF001  (alt text has no public setter)
    sources = " · ".join([*slide["sources"], *([slide["more_sources"]] if slide.get("more_sources") else [])])
    _textbox(page_slide, (0.45, SLIDE_IN[1] - FOOT_H_IN, SLIDE_IN[0] - 0.9, FOOT_H_IN), [
        (f"{with_colon(t('stage_sources_short', lang), lang)} {sources}" if sources else "", 10, False, "#333333"),
        (f"{t('export_attribution', lang)} {deck['data_as_of']}", 9, False, "#4a4a4a"),
    ])


def _bookend_slide(prs: Any, slide: dict[str, Any]) -> None:
    if slide["kind"] == "opening":
        page_slide = prs.slides.add_slide(prs.slide_layouts[5])
        _title(page_slide, slide["title"], top=2.3, size=36)
        paragraphs = [(slide.get("subtitle", ""), 20, False, "#1a1a1a")] if slide.get("subtitle") else []
        paragraphs += [(line, 14, False, "#4a4a4a") for line in slide.get("lines", ())]
        _textbox(page_slide, (0.45, 3.2, SLIDE_IN[0] - 0.9, 2.5), paragraphs)
        return
    page_slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(page_slide, slide["title"])
    lines = [(line, 12, False, "#4a4a4a") for line in slide.get("lines", ())]
    top = TITLE_TOP_IN + TITLE_H_IN + 0.1
    if lines:
        _textbox(page_slide, (0.45, top, SLIDE_IN[0] - 0.9, 0.3 * len(lines) + 0.2), lines)
        top += 0.3 * len(lines) + 0.3
    citations = list(slide.get("citations") or slide.get("changes") or ())  # "changes": what changed, one line each
    first = int(slide.get("first_citation", 1))
    half = (len(citations) + 1) // 2
    width = (SLIDE_IN[0] - 0.9 - 0.3) / 2
    for column, part in enumerate((citations[:half], citations[half:])):
        if part:
            start = first + (0 if column == 0 else half)
            _textbox(page_slide, (0.45 + column * (width + 0.3), top, width, SLIDE_IN[1] - top - 0.3),
                     [(f"[{n}] {c}", 10, False, "#333333") for n, c in enumerate(part, start=start)])


def render_deck_pptx(app: AppData, briefing_id: str, lang: str, *, now: datetime | None = None,
                     progress: Progress = no_progress) -> bytes:
    """The deck as PowerPoint: native titles, footers and notes; each map (with its legend and
    key figures) as a picture with alternative text.
    """
    now = now or datetime.now(UTC)
    deck = deck_of(app, briefing_id, lang)
    return _pptx(app, deck, _info(app, deck, briefing_id, now), now, progress)


def render_view_pptx(app: AppData, state: ViewState, *, now: datetime | None = None,
                     progress: Progress = no_progress) -> bytes:
    """One view as a one-slide PowerPoint (*Present this view*, to carry to a room): the view's
    title, its map with legend and key figures, its sources as the footer.
    """
    now = now or datetime.now(UTC)
    deck = view_deck(app, state)
    title = view_title(app, state)
    deck["title"] = deck["slides"][0]["title"] = title
    cited = [s for slide in deck["slides"] for s in slide.get("source_ids", ())]
    info = DocInfo(title=title, subject=deck["slides"][0]["filters"], lang=state.lang, created=now,
                   citations=tuple(cite(app.tables["sources"], cited, state.lang)), keywords="Mali; Sahel")
    return _pptx(app, deck, info, now, progress)


def _pptx(app: AppData, deck: dict[str, Any], info: DocInfo, now: datetime, progress: Progress) -> bytes:
    from pptx import Presentation

    lang = deck["lang"]
    prs = Presentation()
    prs.slide_width, prs.slide_height = _emu(SLIDE_IN[0]), _emu(SLIDE_IN[1])
    marking = _marking(deck)
    for n, slide in enumerate(deck["slides"]):
        progress(n, len(deck["slides"]), "rendering")
        if slide["kind"] in BOOKENDS:
            _bookend_slide(prs, slide)
        else:
            _scene_slide(prs, app, deck, slide)
        added = prs.slides[-1]
        if marking:
            _textbox(added, (SLIDE_IN[0] - 5.45, 0.05, 5.0, 0.3), [(marking, 11, True, "#7a3b00")])
        if slide.get("note"):
            added.notes_slide.notes_text_frame.text = slide["note"]
    core = prs.core_properties
    core.title, core.subject, core.author, core.language = info.title, info.subject, "Sahel security assistance dashboard", lang
    core.keywords, core.created, core.modified = info.keywords, now.replace(tzinfo=None), now.replace(tzinfo=None)
    # Core properties hold 255 characters: the full list is on the closing slides.
    core.comments = t("stage_n_sources", lang, n=len(info.citations))[:255]
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def render_deck(app: AppData, briefing_id: str, lang: str, fmt: str, *, now: datetime | None = None,
                progress: Progress = no_progress) -> bytes:
    """A briefing's deck as ``pptx`` or ``pdf``."""
    if fmt == "pptx":
        return render_deck_pptx(app, briefing_id, lang, now=now, progress=progress)
    if fmt == "pdf":
        return render_deck_pdf(app, briefing_id, lang, now=now, progress=progress)
    raise ExportError(f"unknown deck format {fmt[:10]!r}; expected pptx, pdf")


def deck_filename(briefing_id: str, lang: str, fmt: str) -> str:
    """A safe file name for a deck."""
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in f"sahel-deck-{briefing_id}-{lang}".lower())[:80]
    return f"{name}.{fmt}"
