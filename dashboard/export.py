"""Static export of a view: ``render_view(app, state, fmt) -> bytes``.

The UI's export buttons, the ``/export/<fmt>`` HTTP endpoint and ``sahel-dashboard export`` all
call it. A view becomes a finished page (``layers.snapshot``) at its print size
(``state.size``): a title that says what it shows (or the user's), numbered citations of what
the page shows, the legend in the margin, and type no smaller than 7 pt at that size. PNG is
300 dpi at the physical size, SVG states its size in millimetres, PDF pages are the physical
size; PDF, PNG and SVG carry a title, subject, author, date, language and the full source list
in their metadata. ``pack`` is the brief pack: the page, the mandate timeline, every engagement
of the view in a table that paginates (headers repeated, no row lost), and the sources cited.

Rendering uses kaleido v1 with the system Chromium, kept alive between calls, bounded in number
and time, and offline: no MathJax (the page kaleido builds would fetch it from a CDN), and a
Chromium with background networking, component and extension updates, sign-in, search-engine
preconnects and name resolution switched off, and the page's own font (``dashboard.export_browser``);
``tests/test_export_offline.py`` proves that an export makes no request off the machine.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import struct
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.export_browser import EXPORT_PAGE_JS, offline_browser_class
from dashboard.export_table import columns as table_columns
from dashboard.export_table import table_rows
from dashboard.pdf_text import without_invisible_text
from dashboard.view import AppData, compute_view, view_map_spec, view_timeline_spec
from layers.citations import Citation, cite, face_source_ids, map_source_ids
from layers.faces import as_at_text, engagement_name, faces
from layers.i18n import fmt_date, t
from layers.map_base import EXPORT_MAP_PX, STAGE_MAP_PX
from layers.map_figure import LAT_RANGE, LON_RANGE, map_legend
from layers.map_marks import SYMBOL_CHARS
from layers.snapshot import (
    PAGE_SIZES,
    Column,
    FigureText,
    Legend,
    LegendItem,
    MapPanel,
    PageSize,
    PageText,
    Sources,
    compose_page,
    content_extent,
    default_title,
    describe_filters,
    drawn_points,
    figure_page,
    geojson_bbox,
    paginate_items,
    refs_text,
    table_pages,
    text_page,
    with_colon,
)
from layers.view_state import ViewState

ASSETS = Path(__file__).resolve().parent.parent / "assets"
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "pack": "application/pdf"}
# One render at a time per process: kaleido's shared browser crosses the results of concurrent
# calls (a PNG returned to the SVG request and the reverse: another user's file), so renders
# queue for the one slot (tests/test_export_concurrency.py). Scale with processes or workers.
MAX_CONCURRENT_RENDERS = 1
RENDER_TIMEOUT_S = 60.0
SIZE_PX = (200, 4000)  # accepted width and height of a render
SCALE = (0.5, 4.0)  # accepted device-pixel scale
PRINT_DPI = 300
AUTHOR = "Sahel security assistance dashboard"
CREATOR = f"sahel-dashboard (plotly {plotly.__version__}, kaleido)"
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_RENDERS)
_pool = ThreadPoolExecutor(max_workers=MAX_CONCURRENT_RENDERS, thread_name_prefix="export")
_server_lock = threading.Lock()
_server_started = False

class ExportError(ValueError):
    """An export request that cannot be served; the message is safe to show to a user."""


class ExportBusyError(ExportError):
    """Every render slot is taken, or a render timed out: try again later (HTTP 503)."""


# How far a render has got: (pages done, pages in all, step), for an export job's progress
# (dashboard.jobs); steps are "composing" and "rendering".
Progress = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _step: str) -> None:
    """The default listener: nobody is told."""


def _ensure_renderer() -> None:
    """Start one persistent headless browser for kaleido (once per process), offline."""
    global _server_started  # noqa: PLW0603  (process-wide browser handle, guarded by a lock)
    with _server_lock:
        if _server_started:
            return
        import kaleido

        # plotly.js fetches base-map topojson for geo subplots (rivers, lakes): the vendored files.
        pio.defaults.topojson = (ASSETS / "topojson").as_uri() + "/"
        # mathjax=False: kaleido's page would otherwise load MathJax from a CDN (a running server
        # ignores pio.defaults.mathjax); extensions off; the offline browser; no ligatures (EXPORT_PAGE_JS).
        kaleido.start_sync_server(page_generator=kaleido.PageGenerator(mathjax=False, others=[EXPORT_PAGE_JS.as_uri()]),
                                  enable_extensions=False, browser_cls=offline_browser_class(), silence_warnings=True)
        _server_started = True


def _restart_renderer() -> None:
    """Stop the shared browser after a hung render; the next export starts a fresh one."""
    global _server_started  # noqa: PLW0603  (process-wide browser handle, guarded by a lock)
    with _server_lock:
        if _server_started:
            import kaleido

            # A wedged browser may fail to stop cleanly in any way; start anew regardless.
            with contextlib.suppress(Exception):
                kaleido.stop_sync_server(silence_warnings=True)
            _server_started = False


def stop_renderer() -> None:
    """Stop this process's browser, if it runs (an export worker shutting down)."""
    _restart_renderer()


def _render(figure: dict[str, Any], opts: dict[str, Any]) -> bytes:
    """One render on the shared offline browser (called straight, not through ``pio.to_image``,
    which would hand kaleido options a running server ignores).
    """
    import kaleido

    return kaleido.calc_fig_sync(figure, opts=opts, topojson=pio.defaults.topojson)


def render_figure(fig: go.Figure | dict[str, Any], fmt: str, *, width: int, height: int, scale: float = 1.0) -> bytes:
    """Render a figure with the shared browser; bounded concurrency and time."""
    if fmt not in ("png", "svg", "pdf"):
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(MEDIA_TYPES)}")
    if not (SIZE_PX[0] <= width <= SIZE_PX[1] and SIZE_PX[0] <= height <= SIZE_PX[1] and SCALE[0] <= scale <= SCALE[1]):
        raise ExportError(f"size out of range: width and height {SIZE_PX[0]}-{SIZE_PX[1]} px, scale {SCALE[0]:g}-{SCALE[1]:g}")
    if not _slots.acquire(timeout=RENDER_TIMEOUT_S):
        raise ExportBusyError("the export service is busy; try again in a minute")
    try:
        _ensure_renderer()
        future = _pool.submit(_render, go.Figure(fig).to_dict(), {"format": fmt, "width": width, "height": height, "scale": scale})
    except Exception:
        _slots.release()
        raise
    # The slot is freed when the render really ends, so a hung render keeps counting
    # against the bound instead of letting new renders pile onto a stuck browser.
    future.add_done_callback(lambda _f: _slots.release())
    try:
        rendered = future.result(timeout=RENDER_TIMEOUT_S)
    except FutureTimeout as exc:
        _restart_renderer()
        raise ExportBusyError(f"rendering took longer than {RENDER_TIMEOUT_S:.0f} s; try again in a minute") from exc
    # Chromium's PDF keeps an invisible copy of each haloed label's text: out, once the browser is free.
    return without_invisible_text(rendered) if fmt == "pdf" else rendered


# --- what a page says ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DocInfo:
    """A document's metadata: what it shows, in its language, and every source it cites."""

    title: str
    subject: str
    lang: str
    created: datetime
    citations: tuple[Citation, ...] = ()
    keywords: str = ""

    @property
    def source_list(self) -> list[str]:
        """The full citations, numbered as on the pages."""
        return [f"[{c.number}] {c.full}" for c in self.citations]


@dataclass(frozen=True)
class ViewPage:
    """A view laid out as a page, with its metadata."""

    figure: go.Figure
    page: PageSize
    info: DocInfo


def selected_name(app: AppData, state: ViewState) -> str:
    """The display name of the view's selected engagement ("" if none)."""
    return engagement_name(app.tables, state.selected, state.lang) if state.selected else ""


def stamp(app: AppData, lang: str, now: datetime) -> str:
    """"Data as of … · generated …", dates in the language's own format."""
    generated = t("export_generated", lang, date=fmt_date(now.date(), lang), time=f"{now:%H:%M}")
    return f"{app.as_of_line(lang)} · {generated}"  # "Data as of … · Data version … · generated …"


def view_title(app: AppData, state: ViewState) -> str:
    """The view's custom title, or one that says what it shows."""
    return state.title or default_title(state, app.map_base.region_names, selected_name(app, state))


def view_filters(app: AppData, state: ViewState) -> str:
    """The period and every active filter, in words."""
    return describe_filters(state, app.map_base.region_names, selected_name(app, state))


def legend_of(legend: dict[str, Any], *, refs: str) -> Legend:
    """The map's legend data (``layers.map_figure.map_legend``) as the page draws it: plotly
    symbols for the site kinds and marks (rings, open symbols), a line for outlines and rivers.
    """
    names = {char: name for name, char in SYMBOL_CHARS.items()}
    sites = tuple(LegendItem(names.get(s["symbol"], "circle"), s["colour"], s["label"], line="#ffffff", line_width=1)
                  for s in legend.get("sites", ()))
    marks = []
    for mark in legend.get("marks", ()):
        if "line" in mark:  # an outline or a river: a short line in its colour and width
            marks.append(LegendItem("line-ew", mark["line"], mark["label"], line=mark["line"],
                                    line_width=float(mark.get("width", 2))))
        else:
            symbol = names.get(mark.get("symbol", ""), "circle-open")
            marks.append(LegendItem(symbol, mark["colour"], mark["label"], line=mark["colour"],
                                    line_width=1.5 if symbol.endswith("-open") else 0.5))
    return Legend(title=legend["title"], subtitle=legend.get("subtitle", ""), refs=refs,
                  classes=tuple(LegendItem("square", c["colour"], c["label"]) for c in legend["classes"]),
                  sites=sites, marks=tuple(marks))


def with_geometry(app: AppData, spec: dict[str, Any]) -> dict[str, Any]:
    """A stage map spec (sent without geometry) with its GeoJSON back: context, then regions."""
    data = [dict(trace) for trace in spec["data"]]
    for index, geometry in ((0, app.map_base.countries_geojson), (1, app.map_base.regions_geojson)):
        if index < len(data) and "geojson" not in data[index]:
            data[index]["geojson"] = geometry
    return {"data": data, "layout": spec["layout"]}


def extent_for(app: AppData, page: PageSize, spec: dict[str, Any]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The map's lon/lat ranges on a page: a slide shows the stage's whole extent (screen and deck
    agree); paper shows Mali and every marker drawn, so Mali fills the frame.
    """
    if page.name == "slide":
        return LON_RANGE, LAT_RANGE
    return content_extent(geojson_bbox(app.map_base.regions_geojson), drawn_points(spec), bounds=map_bounds(app))


def map_bounds(app: AppData) -> tuple[tuple[float, float], tuple[float, float]]:
    """How far a page's map may reach: the extent of the neighbouring countries' geometry."""
    lon0, lat0, lon1, lat1 = geojson_bbox(app.map_base.countries_geojson)
    return (lon0, lon1), (lat0, lat1)


def map_page(app: AppData, state: ViewState, *, now: datetime, page: PageSize | None = None,
             numbering: list[str] | None = None) -> ViewPage:
    """A view laid out on its page. ``numbering`` (source ids in order) numbers the citations
    across a whole pack; by default the page numbers its own from 1. The page cites what it
    shows: the sources of the map's region values, and of the key figures when they fit.
    """
    page = page or PAGE_SIZES[state.size]
    lang = state.lang
    facts = compute_view(app, state)
    map_state = replace(state, mode="brief" if page.name == "slide" else "explore")
    label_px = STAGE_MAP_PX if map_state.mode == "brief" else EXPORT_MAP_PX  # placed for the scale the type is set for
    spec = view_map_spec(app, map_state, label_px=label_px)
    map_ids = map_source_ids(app.engine, facts)
    shown = faces(app.tables, facts, app.options, app.map_base.region_names, lang=lang, data_as_of=app.data_as_of(lang)) \
        if page.figures else []
    legend_data = map_legend(spec, map_state, as_at_text(facts, lang))
    title, filters = view_title(app, state), view_filters(app, state)
    text = PageText(title=title, subtitle=state.subtitle, filters=filters, attribution=t("export_attribution", lang),
                    disclaimer=t("export_boundary_note", lang), stamp=stamp(app, lang, now), marking=app.marking(lang))
    lon_range, lat_range = extent_for(app, page, spec)

    def compose(with_faces: list) -> tuple[go.Figure, list[Citation]]:
        face_ids = face_source_ids(facts) if with_faces else {}
        used = list(dict.fromkeys([*map_ids, *(s for ids in face_ids.values() for s in ids)]))
        citations = cite(app.tables["sources"], numbering if numbering is not None else used, lang, page.citation_title)
        number = {c.source_id: c.number for c in citations}
        on_page = [c for c in citations if c.source_id in set(used)]

        def refs(ids: list[str]) -> str:
            return refs_text([number[s] for s in ids if s in number])

        items = tuple(f"[{c.number}] {c.short}" for c in on_page[:page.max_citations])
        more = t("export_more_sources", lang, n=len(on_page) - page.max_citations) if len(on_page) > page.max_citations else ""
        figure = compose_page(
            page, text, [MapPanel(spec)], legend=legend_of(legend_data, refs=refs(map_ids)),
            figures=[FigureText(f.title, f.value, " · ".join(x for x in (f.sub, f.context) if x), refs(face_ids.get(f.key, [])))
                     for f in with_faces],
            figures_heading=t("export_key_figures", lang),
            sources=Sources(with_colon(t("sources", lang), lang), items, more, inline=page.name == "slide"),
            lon_range=lon_range, lat_range=lat_range, lang=lang, label_deg_per_px=(LON_RANGE[1] - LON_RANGE[0]) / label_px,
            bounds=map_bounds(app))
        return figure, on_page

    figure, on_page = compose(shown)
    if shown and figure.layout.meta["figures_shown"] < len(shown):  # no room for them: the map alone, cited alone
        figure, on_page = compose([])
    info = DocInfo(title=title, subject=(f"{state.subtitle} · " if state.subtitle else "") + filters, lang=lang,
                   created=now, citations=tuple(on_page), keywords=_keywords(app, state))
    return ViewPage(figure, page, info)


def snapshot_figure(app: AppData, state: ViewState, *, now: datetime) -> go.Figure:
    """The finished page of a view at its size (pure apart from the clock passed in)."""
    return map_page(app, state, now=now).figure


def _keywords(app: AppData, state: ViewState) -> str:
    words = ["Mali", "Sahel", t("metric_" + state.metric, state.lang)]
    words += [app.map_base.region_names.get(r, {}).get(state.lang, r) for r in state.regions]
    words += list(state.donors) + ([selected_name(app, state)] if state.selected else [])
    return "; ".join(dict.fromkeys(words))


# --- files ------------------------------------------------------------------------------------------

def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_dpi(png: bytes, dpi: int, texts: dict[str, str] | None = None) -> bytes:
    """Insert (or replace) the PNG pHYs chunk so print software reads ``dpi``, and add the
    ``texts`` as international text chunks (UTF-8: French titles and sources survive).
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ExportError("renderer did not return a PNG")
    ppm = round(dpi / 0.0254)
    chunks = [_png_chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))]
    chunks += [_png_chunk(b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8"))
               for key, value in (texts or {}).items()]
    out, pos = [png[:8]], 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        kind = png[pos + 4:pos + 8]
        end = pos + 12 + length
        if kind not in (b"pHYs", b"iTXt", b"tEXt"):
            out.append(png[pos:end])
        if kind == b"IHDR":
            out += chunks
        pos = end
    return b"".join(out)


def _png_texts(info: DocInfo) -> dict[str, str]:
    return {"Title": info.title, "Description": info.subject, "Author": AUTHOR, "Software": CREATOR,
            "Creation Time": info.created.strftime("%Y-%m-%dT%H:%M:%SZ"), "Source": "\n".join(info.source_list),
            "Language": info.lang}


_SVG_ROOT = re.compile(r"<svg\b[^>]*>")


def svg_with_size(svg: bytes, page: PageSize, info: DocInfo) -> bytes:
    """The SVG at its physical size (millimetres, drawing in page pixels), with a title, a
    description, its language and the full source list, so a word processor places it at size.
    """
    text = svg.decode("utf-8")
    root = _SVG_ROOT.search(text)
    if root is None:
        raise ExportError("renderer did not return an SVG")
    tag = root.group(0)
    tag = re.sub(r'\s(width|height|viewBox|xml:lang)="[^"]*"', "", tag)
    tag = tag[:-1] + (f' width="{page.width_mm:g}mm" height="{page.height_mm:g}mm"'
                      f' viewBox="0 0 {page.width_px} {page.height_px}" xml:lang="{info.lang}">')
    meta = (f"<title>{escape(info.title)}</title><desc>{escape(info.subject)}</desc>"
            f"<metadata>{escape(json.dumps({'author': AUTHOR, 'created': info.created.isoformat(), 'language': info.lang, 'sources': info.source_list}, ensure_ascii=False))}</metadata>")
    return (text[:root.start()] + tag + meta + text[root.end():]).encode("utf-8")


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def finish_pdf(parts: list[bytes], info: DocInfo, *, page: PageSize | None = None, notes: list[str] | None = None) -> bytes:
    """One PDF from rendered parts: pages scaled to the physical size, metadata set (title,
    subject, author, creator, creation date, language, keywords, the full source list in the
    document information and XMP), and a note per page as a text annotation (a deck's notes).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import NameObject, TextStringObject
    from pypdf.xmp import XmpInformation

    writer = PdfWriter()
    for part in parts:
        for source_page in PdfReader(io.BytesIO(part)).pages:
            added = writer.add_page(source_page)
            if page is not None:
                added.scale_to(page.width_pt, page.height_pt)
    for number, note in enumerate(notes or ()):
        if note and number < len(writer.pages):
            box = writer.pages[number].mediabox
            writer.add_annotation(number, Text(text=note, rect=(float(box.right) - 40, float(box.top) - 40,
                                                                float(box.right) - 16, float(box.top) - 16)))
    sources = "\n".join(info.source_list)
    writer.add_metadata({
        "/Title": info.title, "/Subject": info.subject, "/Author": AUTHOR, "/Creator": CREATOR, "/Producer": CREATOR,
        "/Keywords": info.keywords, "/CreationDate": _pdf_date(info.created), "/ModDate": _pdf_date(info.created),
        "/Sources": sources,
    })
    xmp = XmpInformation.create()
    xmp.dc_title = {"x-default": info.title}
    xmp.dc_description = {"x-default": info.subject}
    xmp.dc_creator = [AUTHOR]
    xmp.dc_language = [info.lang]
    xmp.dc_source = sources
    xmp.xmp_create_date = info.created
    xmp.xmp_creator_tool = CREATOR
    writer.xmp_metadata = xmp
    writer.root_object[NameObject("/Lang")] = TextStringObject(info.lang)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_page(figure: go.Figure, page: PageSize, fmt: str, info: DocInfo) -> bytes:
    """One page as PNG (300 dpi at the physical size), SVG (in millimetres) or PDF (the page size)."""
    if fmt == "png":
        # Whole pixels, at least the page at 300 dpi both ways (the browser rounds a pixel size down).
        scale = max((math.ceil(page.width_mm / 25.4 * PRINT_DPI) + 0.5) / page.width_px,
                    (math.ceil(page.height_mm / 25.4 * PRINT_DPI) + 0.5) / page.height_px)
        png = render_figure(figure, "png", width=page.width_px, height=page.height_px, scale=scale)
        return png_with_dpi(png, PRINT_DPI, _png_texts(info))
    if fmt == "svg":
        return svg_with_size(render_figure(figure, "svg", width=page.width_px, height=page.height_px), page, info)
    pdf = render_figure(figure, "pdf", width=page.width_px, height=page.height_px)
    return finish_pdf([pdf], info, page=page)


# --- the brief pack ------------------------------------------------------------------------------

PACK_COLUMNS = (("number", "#", 26), ("acronym", "", 80), ("name", "", 230), ("group", "", 110), ("status", "", 120),
                ("start", "", 70), ("end", "", 70), ("amounts", "", 250), ("sources", "", 74))


def pack_columns(state: ViewState) -> tuple[tuple[str, str, int], ...]:
    """The pack table's columns; with ``?since=`` also what changed since that release (as the
    desk table and the CSV have it). Widths are relative: the page scales them to its width.
    """
    if not state.since:
        return PACK_COLUMNS
    return (*PACK_COLUMNS[:-1], ("changed", "", 170), PACK_COLUMNS[-1])


def pack_size(state: ViewState) -> PageSize:
    """The pack's pages: A4 in the view's orientation (landscape for a column or slide size)."""
    return PAGE_SIZES["a4-portrait" if state.size == "a4-portrait" else "a4-landscape"]


def pack_table(app: AppData, state: ViewState) -> tuple[list[dict[str, str]], list[str]]:
    """Every row the CSV download has (the same rows, in the same order), and their sources in
    order of first mention.
    """
    rows = table_rows(app.engine, compute_view(app, state), state.lang)
    ids = [[s for s in str(r["source_ids"]).split("; ") if s] for r in rows]
    return [{**{k: str(v) for k, v in r.items()}, "number": str(n)} for n, r in enumerate(rows, start=1)], \
        [s for row in ids for s in row]


def render_brief_pack(app: AppData, state: ViewState, *, now: datetime | None = None,
                      progress: Progress = no_progress) -> bytes:
    """One PDF: the view's page, the mandate timeline, every engagement of the view (the CSV's
    rows, paginated with repeated headers), and the full list of sources cited.
    """
    now = now or datetime.now(UTC)
    progress(0, 1, "composing")
    lang = state.lang
    page = pack_size(state)
    view = replace(state, size=page.name)
    rows, row_sources = pack_table(app, view)
    first = map_page(app, view, now=now, page=page)
    numbering = list(dict.fromkeys([*(c.source_id for c in first.info.citations), *row_sources]))
    citations = cite(app.tables["sources"], numbering, lang)
    number = {c.source_id: c.number for c in citations}
    for row in rows:
        row["sources"] = refs_text([number[s] for s in str(row["source_ids"]).split("; ") if s in number])
    title, filters, marking = first.info.title, view_filters(app, view), app.marking(lang)
    headers = dict(table_columns(lang, view.since))
    cols = [Column(key, header or headers.get(key, t("sources", lang)), width) for key, header, width in pack_columns(view)]
    # The pack is for paper: desk-sized type, whatever mode the view was in.
    timeline = view_timeline_spec(app, replace(view, mode="explore"))
    pages: list[go.Figure] = [
        first.figure,
        figure_page(page, PageText(title=t("timeline_heading", lang), filters=f"{title} · {filters}", marking=marking), timeline),
        *table_pages(page, t("table_heading", lang), f"{title} · {filters}", cols, rows, marking=marking),
    ]
    full = [c.full for c in citations]
    chunks = paginate_items(page, full) if full else [[]]
    start = 1
    for chunk in chunks:
        lines = [] if full else [t("export_sources_none", lang)]
        pages.append(text_page(page, t("export_sources_cited", lang), subtitle=title, lines=lines, items=chunk,
                               first_item=start, marking=marking, item_size=10))
        start += len(chunk)
    total = len(pages)
    parts = []
    for n, figure in enumerate(pages, start=1):
        progress(n - 1, total, "rendering")
        figure.add_annotation(text=escape(t("export_page", lang, n=n, total=total)), x=1 - page.mm(9) / page.width_px,
                              y=page.mm(3) / page.height_px, xref="paper", yref="paper", xanchor="right", yanchor="bottom",
                              showarrow=False, font={"size": page.fs(10), "color": "#4a4a4a"})
        parts.append(render_figure(figure, "pdf", width=page.width_px, height=page.height_px))
    info = replace(first.info, citations=tuple(citations))
    return finish_pdf(parts, info, page=page)


def render_view(app: AppData, state: ViewState, fmt: str, *, now: datetime | None = None,
                progress: Progress = no_progress) -> bytes:
    """A finished page of ``state`` at ``state.size``: PNG (300 dpi), SVG or PDF (vector), or
    ``pack``: the multi-page brief pack PDF. ``progress`` hears how far it has got.
    """
    now = now or datetime.now(UTC)
    if fmt == "pack":
        return render_brief_pack(app, state, now=now, progress=progress)
    if fmt not in ("png", "svg", "pdf"):
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(MEDIA_TYPES)}")
    progress(0, 1, "composing")
    view = map_page(app, state, now=now)
    progress(0, 1, "rendering")
    return render_page(view.figure, view.page, fmt, view.info)


def export_filename(state: ViewState, fmt: str) -> str:
    """A safe, descriptive file name (no user text reaches the file system unfiltered)."""
    parts = ["sahel", "pack" if fmt == "pack" else "", *(v for _, v in state.period.params()), state.metric, *state.regions[:3]]
    parts += [d.split(" (")[0] for d in state.donors[:2]]
    if state.selected:
        parts.append(state.selected)
    if state.size != PAGE_SIZES["a4-landscape"].name and fmt != "pack":
        parts.append(state.size)
    if state.lang != "en":
        parts.append(state.lang)
    name = "-".join(p for p in parts if p).lower()
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80] + (".pdf" if fmt == "pack" else f".{fmt}")
