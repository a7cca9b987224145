"""Static export of a view: one function, ``render_view(app, state, fmt) -> bytes``.

The UI's Export links, the ``/export/<fmt>`` HTTP endpoint and ``sahel-dashboard export`` all
call it. Rendering uses kaleido v1 with the system Chromium (Debian's ``chromium``), kept
alive between calls so a warm export is fast; renders are bounded in number and time.
Everything is local: geo traces draw no base map (no topojson fetch) and MathJax is off.
"""

from __future__ import annotations

import contextlib
import html
import io
import struct
import threading
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.export_table import columns, table_rows
from dashboard.view import AppData, compute_view, view_map_figure, view_timeline_figure
from layers.faces import engagement_name
from layers.i18n import t
from layers.map_figure import LAT_RANGE, LON_RANGE
from layers.snapshot import (
    A4_LANDSCAPE_PX,
    SCALE_300_DPI,
    SnapshotText,
    add_marking,
    describe_filters,
    frame_snapshot,
)
from layers.view_state import ViewState

ASSETS = Path(__file__).resolve().parent.parent / "assets"
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "pack": "application/pdf"}
TABLE_ROWS_PER_PAGE = 14
MAX_CONCURRENT_RENDERS = 2
RENDER_TIMEOUT_S = 60.0
SIZE_PX = (200, 4000)  # accepted width and height of a render
SCALE = (0.5, 4.0)  # accepted device-pixel scale
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_RENDERS)
_pool = ThreadPoolExecutor(max_workers=MAX_CONCURRENT_RENDERS, thread_name_prefix="export")
_server_lock = threading.Lock()
_server_started = False


# plotly passes kaleido options that a persistent kaleido server ignores, warning each call.
warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server", category=UserWarning)


class ExportError(ValueError):
    """An export request that cannot be served; the message is safe to show to a user."""


def _ensure_renderer() -> None:
    """Start one persistent headless browser for kaleido (once per process)."""
    global _server_started  # noqa: PLW0603  (process-wide browser handle, guarded by a lock)
    with _server_lock:
        if _server_started:
            return
        import kaleido  # imported lazily: only exports need a browser

        pio.defaults.mathjax = None  # MathJax would come from a CDN; we use no LaTeX
        # plotly.js fetches base-map topojson for geo subplots; serve it from the app's assets.
        pio.defaults.topojson = (ASSETS / "topojson").as_uri() + "/"
        kaleido.start_sync_server(silence_warnings=True)
        _server_started = True


def selected_name(app: AppData, state: ViewState) -> str:
    """The display name of the view's selected engagement ("" if none)."""
    return engagement_name(app.tables, state.selected, state.lang) if state.selected else ""


def snapshot_figure(app: AppData, state: ViewState, *, now: datetime) -> go.Figure:
    """The framed map figure of a view (pure apart from the clock passed in)."""
    facts = compute_view(app, state)
    fig = view_map_figure(app, state)
    lang = state.lang
    used = [s for h in (facts.idps, facts.money, facts.personnel) for line in h.counted() for s in line.source_ids]
    source_ids = list(dict.fromkeys(used))[:12]
    manifest = app.catalog.geo_manifest
    sources = (
        f"{t('sources', lang)}: " + (", ".join(source_ids) + " (data/tables/sources.csv) · " if source_ids else "")
        + f"{manifest.get('attribution', '')} · {t('attribution', lang)}"
    )
    stamp = f"{t('data_as_of', lang, date=app.data_as_of(lang))} · " + (
        f"généré le {now:%Y-%m-%d %H:%M} UTC" if lang == "fr" else f"generated {now:%Y-%m-%d %H:%M} UTC")
    text = SnapshotText(
        title=t("title", lang),
        subtitle=describe_filters(state, app.map_base.region_names, selected_name(app, state)),
        sources=sources,
        disclaimer=t("boundary_note", lang),
        stamp=stamp,
    )
    return add_marking(frame_snapshot(fig, text, lon_range=LON_RANGE, lat_range=LAT_RANGE), app.marking(lang))


def png_with_dpi(png: bytes, dpi: int) -> bytes:
    """Insert (or replace) the PNG pHYs chunk so print software reads ``dpi``."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ExportError("renderer did not return a PNG")
    ppm = round(dpi / 0.0254)
    body = struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", len(body)) + b"pHYs" + body + struct.pack(">I", zlib.crc32(b"pHYs" + body))
    out, pos = [png[:8]], 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        kind = png[pos + 4:pos + 8]
        end = pos + 12 + length
        if kind != b"pHYs":
            out.append(png[pos:end])
        if kind == b"IHDR":
            out.append(chunk)
        pos = end
    return b"".join(out)


def render_figure(fig: go.Figure, fmt: str, *, width: int, height: int, scale: float = 1.0) -> bytes:
    """Render a figure with the shared browser; bounded concurrency and time."""
    if fmt not in ("png", "svg", "pdf"):
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(MEDIA_TYPES)}")
    if not (SIZE_PX[0] <= width <= SIZE_PX[1] and SIZE_PX[0] <= height <= SIZE_PX[1] and SCALE[0] <= scale <= SCALE[1]):
        raise ExportError(f"size out of range: width and height {SIZE_PX[0]}-{SIZE_PX[1]} px, scale {SCALE[0]:g}-{SCALE[1]:g}")
    if not _slots.acquire(timeout=RENDER_TIMEOUT_S):
        raise ExportError("the export service is busy; try again in a minute")
    try:
        _ensure_renderer()
        future = _pool.submit(pio.to_image, fig, format=fmt, width=width, height=height, scale=scale)
    except Exception:
        _slots.release()
        raise
    # The slot is freed when the render really ends, so a hung render keeps counting
    # against the bound instead of letting new renders pile onto a stuck browser.
    future.add_done_callback(lambda _f: _slots.release())
    try:
        return future.result(timeout=RENDER_TIMEOUT_S)
    except FutureTimeout as exc:
        _restart_renderer()
        raise ExportError(f"rendering took longer than {RENDER_TIMEOUT_S:.0f} s") from exc


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


def _page(fig: go.Figure, title: str, subtitle: str) -> go.Figure:
    fig = go.Figure(fig)
    fig.update_layout(
        title={"text": f"<b>{title}</b><br><span style='font-size:14px'>{subtitle}</span>", "x": 0.01, "y": 0.97,
               "font": {"size": 20}},
        margin={"t": 80, "l": 30, "r": 30, "b": 40}, height=None, width=None,
    )
    return fig


def _table_pages(app: AppData, state: ViewState) -> list[go.Figure]:
    rows = table_rows(app.engine, compute_view(app, state), state.lang)
    keep = ["acronym", "name", "group", "status", "start", "end", "amounts", "source_ids"]
    headers = dict(columns(state.lang))
    pages = []
    for i in range(0, max(len(rows), 1), TABLE_ROWS_PER_PAGE):
        chunk = rows[i:i + TABLE_ROWS_PER_PAGE]
        cells = [[html.escape(str(r[k]), quote=False) for r in chunk] for k in keep]
        fig = go.Figure(go.Table(
            columnwidth=[70, 230, 120, 80, 80, 80, 80, 200],
            header={"values": [f"<b>{headers[k]}</b>" for k in keep], "fill_color": "#0b4f8a",
                    "font": {"color": "#ffffff", "size": 11}, "align": "left"},
            cells={"values": cells, "align": "left", "font": {"size": 10}, "height": 34},
        ))
        pages.append(_page(fig, t("table_heading", state.lang), html.escape(describe_filters(state, app.map_base.region_names, selected_name(app, state)), quote=False)))
    return pages


def render_brief_pack(app: AppData, state: ViewState, *, now: datetime | None = None) -> bytes:
    """One PDF: the map snapshot, the mandate timeline, and the engagements with sources."""
    from pypdf import PdfReader, PdfWriter  # imported lazily: only the pack needs it

    now = now or datetime.now(UTC)
    width, height = A4_LANDSCAPE_PX
    # The pack is for paper: desk-sized type, whatever mode the view was in.
    timeline = view_timeline_figure(app, replace(state, mode="explore"))
    figures = [
        snapshot_figure(app, state, now=now),
        _page(timeline, t("timeline_heading", state.lang), html.escape(describe_filters(state, app.map_base.region_names, selected_name(app, state)), quote=False)),
        *_table_pages(app, state),
    ]
    writer = PdfWriter()
    for fig in figures[1:]:  # the snapshot has its marking already
        add_marking(fig, app.marking(state.lang))
    for fig in figures:
        pdf = render_figure(fig, "pdf", width=width, height=height)
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_view(app: AppData, state: ViewState, fmt: str, *, now: datetime | None = None) -> bytes:
    """A print-ready snapshot of ``state``: PNG at 300 dpi A4-landscape width, SVG/PDF
    (vector), or ``pack``: the multi-page brief pack PDF.
    """
    now = now or datetime.now(UTC)
    if fmt == "pack":
        return render_brief_pack(app, state, now=now)
    fig = snapshot_figure(app, state, now=now)
    width, height = A4_LANDSCAPE_PX
    if fmt == "png":
        return png_with_dpi(render_figure(fig, "png", width=width, height=height, scale=SCALE_300_DPI), 300)
    return render_figure(fig, fmt, width=width, height=height)


def export_filename(state: ViewState, fmt: str) -> str:
    """A safe, descriptive file name (no user text reaches the file system unfiltered)."""
    parts = ["sahel", "pack" if fmt == "pack" else "", *(v for _, v in state.period.params()), state.metric, *state.regions[:3]]
    if state.selected:
        parts.append(state.selected)
    name = "-".join(p for p in parts if p).lower()
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80] + (".pdf" if fmt == "pack" else f".{fmt}")
