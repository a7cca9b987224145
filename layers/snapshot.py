"""Report-ready pages: a view's map framed as a finished, citable figure at a print size.

Pure: figure dicts and words in, a ``go.Figure`` out (``dashboard.export`` renders it). A page
has a physical size (:data:`PAGE_SIZES`: A4 landscape or portrait, a 16 cm text column, a 16:9
slide) and is laid out in CSS pixels at that size, so its type can be checked in points: no
text is under :data:`MIN_PT` at the stated size. Every page carries a title (the view in words
unless a custom one is given), the period and filters, the map with a scale bar that states
the latitude its length holds at (the map is Mercator) and a north arrow, the legend in the
margin (never over Mali), the key figures in words where the size has room, numbered short
citations of exactly what the page shows, one attribution line for the map's layers, the
boundary note and the "data as of · generated" stamp.

Layout is done here in page pixels, measured with a conservative average character width, so
text never runs past its box: one cartesian axis pair spans the page (hidden) and carries the
legend's symbols, the page's rules and boxes; the map sits in its own ``geo`` domain.
"""

from __future__ import annotations

import copy
import html
import math
import re
import textwrap
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import plotly.graph_objects as go

from layers.i18n import label, t
from layers.view_state import SIZES, ViewState

MIN_PT = 7.0  # no text below this at the page's physical size
CSS_PX_PER_INCH = 96
SCALE_300_DPI = 300 / CSS_PX_PER_INCH  # a print page rendered at 300 dpi
A4_LANDSCAPE_PX = (1123, 794)
EARTH_KM_PER_DEG = 111.32
CHAR_EM = 0.54  # average advance of a character in em (Liberation Sans/Arial ~0.5, with room for capitals)
BOLD_EM = 0.6
LINE_EM = 1.3  # plotly's line height for multi-line text
INK = "#1a1a1a"
GREY = "#4a4a4a"
MARKING = "#7a3b00"
FONT = '"Source Sans 3", "Segoe UI", Helvetica, Arial, sans-serif'
# The page's own (hidden) axes, in page pixels: named apart from the x/y of a figure placed on the page.
PAGE_X, PAGE_Y = "x9", "y9"


@dataclass(frozen=True)
class PageSize:
    """A print size: its physical size, the CSS-pixel width it is laid out at, and its layout."""

    name: str
    width_mm: float
    height_mm: float
    width_px: int  # layout width; the rendered page is scaled to the physical size
    type_scale: float = 1.0  # 1: desk type; a slide's type is larger
    side_px: int = 0  # the column beside the map (legend, key figures); 0: they go below it
    figures: bool = True  # the key figures in words have room on the page
    legend_columns: int = 1  # beside the map: the classes and the symbols in one column or two
    figure_columns: int = 1
    citation_columns: int = 2
    max_citations: int = 12  # more are counted ("+ n more") and listed in the file's metadata
    citation_title: int = 52  # characters of a source's title in a citation
    foot_scale: float | None = None  # type scale of the footer (default: type_scale)

    @property
    def height_px(self) -> int:
        """Layout height, from the physical aspect."""
        return round(self.width_px * self.height_mm / self.width_mm)

    @property
    def pt_per_px(self) -> float:
        """Points per layout pixel at the physical size."""
        return self.width_mm / 25.4 * 72 / self.width_px

    @property
    def width_pt(self) -> float:
        """Physical width in points (the PDF page)."""
        return self.width_mm / 25.4 * 72

    @property
    def height_pt(self) -> float:
        """Physical height in points."""
        return self.height_mm / 25.4 * 72

    @property
    def min_font_px(self) -> int:
        """The smallest font size, in layout pixels, that is at least :data:`MIN_PT` on the page."""
        return math.ceil(MIN_PT / self.pt_per_px - 1e-9)

    def fs(self, base: float) -> int:
        """A font size for a desk-size ``base``: scaled for the page, never under the minimum."""
        return max(round(base * self.type_scale), self.min_font_px)

    def foot(self, base: float) -> int:
        """A footer font size (citations, attribution, stamp)."""
        scale = self.type_scale if self.foot_scale is None else self.foot_scale
        return max(round(base * scale), self.min_font_px)

    def mm(self, length: float) -> float:
        """Layout pixels for a physical length in millimetres."""
        return length * self.width_px / self.width_mm


PAGE_SIZES: dict[str, PageSize] = {
    "a4-landscape": PageSize("a4-landscape", 297, 210, 1123, side_px=290, legend_columns=2),
    "a4-portrait": PageSize("a4-portrait", 210, 297, 794, legend_columns=2, figure_columns=2),
    # A figure at the width of a portrait A4 text column (16 cm): the map, its legend in three
    # columns below it, short citations; the key figures are the text's business.
    "column": PageSize("column", 160, 200, 605, figures=False, legend_columns=3, citation_title=30, max_citations=8),
    # 13.33 x 7.5 in (PowerPoint 16:9), laid out at the stage's 1920 px so its map and type agree.
    "slide": PageSize("slide", 338.667, 190.5, 1920, type_scale=1.9, side_px=640, legend_columns=2, figure_columns=2,
                      max_citations=6, citation_title=40, foot_scale=1.4),
}
assert tuple(PAGE_SIZES) == SIZES  # noqa: S101  (the URL grammar and the layouts name the same sizes)


@dataclass(frozen=True)
class PageText:
    """The words of a page, already in its language (plain text: escaped here)."""

    title: str
    filters: str  # the period and every active filter, in words
    subtitle: str = ""  # a custom subtitle, shown above the filters
    attribution: str = ""  # one line for the map's boundaries, places and context layers
    disclaimer: str = ""
    stamp: str = ""  # "Data as of ... · generated ..."
    marking: str = ""  # handling line and contact, top right


@dataclass(frozen=True)
class FigureText:
    """One key figure as the page shows it; ``refs`` are its citation numbers ("[3, 4]")."""

    title: str
    value: str
    sub: str = ""
    refs: str = ""


@dataclass(frozen=True)
class LegendItem:
    """A legend row: a plotly marker symbol, its fill (or outline for open symbols) and its label."""

    symbol: str
    colour: str
    label: str
    line: str = "#777777"
    line_width: float = 0.5


@dataclass(frozen=True)
class Legend:
    """The map's legend: the metric's classes, the site kinds, and the other marks (outlines,
    open symbols, rings, rivers), whose labels are longer.
    """

    title: str
    subtitle: str = ""
    refs: str = ""
    classes: tuple[LegendItem, ...] = ()
    sites: tuple[LegendItem, ...] = ()
    marks: tuple[LegendItem, ...] = ()


@dataclass(frozen=True)
class Sources:
    """The page's citations: numbered items in columns, or one run of text (a slide's footer).
    ``heading`` carries its colon in the page's language ("Sources:", "Sources :").
    """

    heading: str
    items: tuple[str, ...] = ()
    more: str = ""
    inline: bool = False


@dataclass(frozen=True)
class MapPanel:
    """One map on the page (a then-and-now slide has two), as a plotly figure dict with geometry."""

    figure: dict[str, Any]
    label: str = ""


# --- words -----------------------------------------------------------------------------------

def describe_filters(state: ViewState, region_names: dict[str, dict[str, str]], selected_name: str = "") -> str:
    """The subtitle: period and every active filter, in words (names, never internal ids)."""
    lang = state.lang
    colon = " : " if lang == "fr" else ": "  # French sets a space before the colon
    parts = [state.period.label(lang), t("metric_" + state.metric, lang)]
    if state.regions:
        parts.append(f"{t('regions', lang)}{colon}" + ", ".join(region_names.get(r, {}).get(lang, r) for r in state.regions))
    if state.donors:
        parts.append(f"{t('donors', lang)}{colon}" + ", ".join(state.donors))
    if state.actors:
        parts.append(f"{t('actors', lang)}{colon}" + ", ".join(label(a, lang) for a in state.actors))
    if state.sectors:
        parts.append(f"{t('sectors', lang)}{colon}" + ", ".join(label(s, lang) for s in state.sectors))
    if state.search:
        parts.append(f"“{state.search}”")
    if state.selected:
        parts.append(f"{t('selected', lang)}{colon}{selected_name or state.selected}")
    return " · ".join(parts)


def with_colon(label_text: str, lang: str) -> str:
    """"Sources:" in English, "Sources :" in French (a space before the colon)."""
    return f"{label_text} :" if lang == "fr" else f"{label_text}:"


def join_names(names: list[str], lang: str) -> str:
    """"A", "A and B", "A, B and C" (French "et")."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('and', lang)} {names[-1]}"


def default_title(state: ViewState, region_names: dict[str, dict[str, str]], selected_name: str = "") -> str:
    """A title that says what the view shows: "Security assistance in Mopti, 2019",
    "EUTM Mali: security assistance to Mali, 2019", "France: security assistance to Mali, 2019".
    """
    lang = state.lang
    period = state.period.label(lang)
    if state.regions:
        names = [region_names.get(r, {}).get(lang, r) for r in state.regions]
        rest = t("title_region" if len(names) == 1 else "title_regions", lang, regions=join_names(names, lang), period=period)
    else:
        rest = t("title_sahel" if set(state.geo) - {"mali"} else "title_mali", lang, period=period)
    donors = list(state.donors)
    subject = selected_name or (join_names(donors, lang) if len(donors) <= 2 else t("title_n_donors", lang, n=len(donors)))  # noqa: PLR2004
    if not subject:
        return rest
    return t("title_subject", lang, subject=subject, rest=rest[:1].lower() + rest[1:])


def refs_text(numbers: list[int]) -> str:
    """Citation numbers as "[1, 3–5]" ("" for none)."""
    if not numbers:
        return ""
    numbers = sorted(set(numbers))
    runs: list[list[int]] = [[numbers[0], numbers[0]]]
    for n in numbers[1:]:
        if n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return "[" + ", ".join(str(a) if a == b else f"{a}–{b}" if b > a + 1 else f"{a}, {b}" for a, b in runs) + "]"


def wrap(text: str, width: int = 190) -> list[str]:
    """Break text into lines of at most ``width`` characters (plotly text does not wrap itself)."""
    return textwrap.wrap(text, width=max(width, 8), break_long_words=True, break_on_hyphens=False) or [""]


def chars_in(width_px: float, font_px: float, *, bold: bool = False) -> int:
    """How many characters fit in ``width_px`` at ``font_px`` (conservatively)."""
    return max(int(width_px / (font_px * (BOLD_EM if bold else CHAR_EM))), 8)


def text_width(text: str, font_px: float, *, bold: bool = False) -> float:
    """An upper estimate of a line's width in pixels."""
    return len(text) * font_px * (BOLD_EM if bold else CHAR_EM)


def _esc(text: str) -> str:
    # Plotly text accepts markup: text that came from a user or a table must stay text.
    return html.escape(text, quote=False)


# --- the map's geometry ------------------------------------------------------------------------

def merc_y(lat: float) -> float:
    """Mercator y of a latitude (radians of the projected plane)."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def extent_aspect(lon_range: tuple[float, float], lat_range: tuple[float, float]) -> float:
    """Width / height of a lon/lat box drawn in Mercator."""
    return math.radians(lon_range[1] - lon_range[0]) / (merc_y(lat_range[1]) - merc_y(lat_range[0]))


def fit_extent(lon_range: tuple[float, float], lat_range: tuple[float, float], aspect: float,
               bounds: tuple[tuple[float, float], tuple[float, float]] | None,
               ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The extent grown (about its centre, within ``bounds``) to the box's ``aspect``: more of
    the neighbours, never less of Mali.
    """
    if bounds is None:
        return lon_range, lat_range
    current = extent_aspect(lon_range, lat_range)
    if current < aspect:  # the box is wider: more longitude
        span = math.degrees((merc_y(lat_range[1]) - merc_y(lat_range[0])) * aspect)
        lon_range = _grow(lon_range, span, bounds[0])
    elif current > aspect:  # the box is taller: more latitude, in Mercator y
        target = math.radians(lon_range[1] - lon_range[0]) / aspect
        lat0, lat1 = lat_range
        for _ in range(60):  # widen both sides in small steps until tall enough or at the bounds
            if merc_y(lat1) - merc_y(lat0) >= target:
                break
            lat0, lat1 = max(lat0 - 0.1, bounds[1][0]), min(lat1 + 0.1, bounds[1][1])
        lat_range = (lat0, lat1)
    return lon_range, lat_range


def _grow(span_range: tuple[float, float], span: float, bound: tuple[float, float]) -> tuple[float, float]:
    lo, hi = span_range
    extra = max(span - (hi - lo), 0) / 2
    lo, hi = lo - extra, hi + extra
    if lo < bound[0]:
        lo, hi = bound[0], min(hi + bound[0] - lo, bound[1])
    if hi > bound[1]:
        lo, hi = max(lo - (hi - bound[1]), bound[0]), bound[1]
    return lo, hi


def _box_aspect(box: Rect, n: int, gap: float) -> float:
    return ((box.w - gap * (n - 1)) / n) / max(box.h, 1.0)


def geojson_bbox(geojson: dict[str, Any]) -> tuple[float, float, float, float]:
    """(lon0, lat0, lon1, lat1) of every coordinate in a GeoJSON FeatureCollection."""
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], int | float):
            lons.append(float(coords[0]))
            lats.append(float(coords[1]))
        else:
            for part in coords:
                walk(part)

    for feature in geojson.get("features", ()):
        walk(feature["geometry"]["coordinates"])
    return min(lons), min(lats), max(lons), max(lats)


def content_extent(bbox: tuple[float, float, float, float], points: list[tuple[float, float]], *,
                   bounds: tuple[tuple[float, float], tuple[float, float]], pad: float = 1.3,
                   ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The lon and lat ranges that show ``bbox`` (Mali) and every point drawn, with a margin,
    within ``bounds`` (the map's own extent).
    """
    lon0, lat0, lon1, lat1 = bbox
    for lon, lat in points:
        if bounds[0][0] <= lon <= bounds[0][1] and bounds[1][0] <= lat <= bounds[1][1]:
            lon0, lon1, lat0, lat1 = min(lon0, lon), max(lon1, lon), min(lat0, lat), max(lat1, lat)
    lon_range = (max(lon0 - pad, bounds[0][0]), min(lon1 + pad, bounds[0][1]))
    # Room at the bottom for the scale bar, below Mali's southern tip.
    lat_range = (max(lat0 - pad * 1.2, bounds[1][0]), min(lat1 + pad * 0.6, bounds[1][1]))
    return lon_range, lat_range


def scale_bar_km(lon_span: float, lat: float) -> int:
    """A round bar length (km) near a fifth of the map's width at latitude ``lat``."""
    width_km = lon_span * EARTH_KM_PER_DEG * math.cos(math.radians(lat))
    target = width_km / 5
    for step in (50, 100, 200, 250, 500, 1000):
        if step >= target * 0.7:
            return step
    return 1000


def drawn_points(figure: dict[str, Any]) -> list[tuple[float, float]]:
    """Every marker a map figure draws (visible marker traces), for :func:`content_extent`."""
    points = []
    for trace in figure.get("data", ()):
        if trace.get("type") == "scattergeo" and trace.get("visible", True) is True and "markers" in str(trace.get("mode", "")):
            points += [(float(x), float(y)) for x, y in zip(trace.get("lon") or (), trace.get("lat") or (), strict=False)
                       if isinstance(x, int | float) and isinstance(y, int | float)]
    return points


_SIZE_RE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")
FONT_KEYS = ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont", "titlefont")


def font_sizes(node: Any, key: str = "") -> list[float]:
    """Every font size in a figure dict (fonts of layout, axes, annotations and traces, and inline
    ``font-size`` styles in text), for the minimum-size checks.
    """
    found: list[float] = []
    if isinstance(node, dict):
        if key in FONT_KEYS and "size" in node:
            sizes = node["size"]
            found += [float(s) for s in (sizes if isinstance(sizes, list | tuple) else [sizes]) if isinstance(s, int | float)]
        for k, v in node.items():
            found += font_sizes(v, k)
    elif isinstance(node, list | tuple):
        for v in node:
            found += font_sizes(v, key)
    elif isinstance(node, str):
        found += [float(s) for s in _SIZE_RE.findall(node)]
    return found


def enforce_min_font(node: Any, minimum: float, scale: float = 1.0, key: str = "") -> Any:
    """A copy of a figure dict with every font size times ``scale`` and at least ``minimum``."""
    if isinstance(node, dict):
        out = {k: enforce_min_font(v, minimum, scale, k) for k, v in node.items()}
        if key in FONT_KEYS and isinstance(out.get("size"), int | float | list | tuple):
            sizes = out["size"]
            fix = lambda s: max(round(s * scale, 1), minimum) if isinstance(s, int | float) else s  # noqa: E731
            out["size"] = [fix(s) for s in sizes] if isinstance(sizes, list | tuple) else fix(sizes)
        return out
    if isinstance(node, list | tuple):
        return [enforce_min_font(v, minimum, scale, key) for v in node]
    if isinstance(node, str) and "font-size" in node:
        return _SIZE_RE.sub(lambda m: f"font-size:{max(float(m.group(1)) * scale, minimum):g}px", node)
    return node


# --- the page ---------------------------------------------------------------------------------

class Rect(NamedTuple):
    """A box on the page, in pixels from the top left: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float


class _Marker(NamedTuple):
    """A legend symbol drawn on the page's hidden axes."""

    x: float
    y: float
    item: LegendItem
    size: float


class _Page:
    """A page being laid out: annotations and shapes in page pixels (y down)."""

    def __init__(self, page: PageSize) -> None:
        self.page = page
        self.w, self.h = page.width_px, page.height_px
        self.annotations: list[dict[str, Any]] = []
        self.shapes: list[dict[str, Any]] = []
        self.markers: list[_Marker] = []

    def text(self, x: float, y: float, text: str, size: float, *, colour: str = INK, anchor: str = "left",
             valign: str = "top", bold: bool = False) -> None:
        self.annotations.append({
            "x": x, "y": y, "xref": PAGE_X, "yref": PAGE_Y, "xanchor": anchor, "yanchor": valign, "showarrow": False,
            "align": anchor if anchor != "center" else "center", "borderpad": 0,
            "text": f"<b>{text}</b>" if bold else text, "font": {"size": size, "color": colour},
        })

    def lines(self, x: float, y: float, lines: list[str], size: float, **kwargs: Any) -> float:
        """Escaped ``lines`` as one block; returns the block's height."""
        if not lines:
            return 0.0
        self.text(x, y, "<br>".join(_esc(line) for line in lines), size, **kwargs)
        return len(lines) * size * LINE_EM

    def figure(self) -> dict[str, Any]:
        data = []
        if self.markers:
            data.append({
                "type": "scatter", "x": [m.x for m in self.markers], "y": [m.y for m in self.markers], "mode": "markers",
                "marker": {"symbol": [m.item.symbol for m in self.markers], "color": [m.item.colour for m in self.markers],
                           # Opaque: plotly draws markers whose sizes are an array as bubbles, at 0.7 opacity by
                           # default, and the class swatches came out paler than the regions they stand for.
                           "size": [m.size for m in self.markers], "opacity": 1,
                           "line": {"color": [m.item.line for m in self.markers], "width": [m.item.line_width for m in self.markers]}},
                "hoverinfo": "skip", "showlegend": False, "cliponaxis": False, "xaxis": PAGE_X, "yaxis": PAGE_Y,
            })
        return {"data": data, "layout": {
            "width": self.w, "height": self.h, "margin": {"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
            "paper_bgcolor": "#ffffff", "plot_bgcolor": "rgba(0,0,0,0)", "showlegend": False,
            "font": {"family": FONT, "size": self.page.fs(11), "color": INK},
            PAGE_X.replace("x", "xaxis"): {"domain": [0, 1], "range": [0, self.w], "visible": False, "fixedrange": True},
            PAGE_Y.replace("y", "yaxis"): {"domain": [0, 1], "range": [self.h, 0], "visible": False, "fixedrange": True},
            "annotations": self.annotations, "shapes": self.shapes,
        }}


def _header(p: _Page, text: PageText, *, top: float) -> float:
    """Marking, title, subtitle and filters from ``top``; returns the y below them."""
    page, left = p.page, p.page.mm(9)
    width = p.w - 2 * left
    y = top
    if text.marking:
        size = page.fs(11)
        p.lines(p.w - left, y, wrap(text.marking, chars_in(width * 0.6, size, bold=True)), size, anchor="right",
                colour=MARKING, bold=True)
        y += size * LINE_EM
    size = page.fs(21)
    y += p.lines(left, y, wrap(text.title, chars_in(width, size, bold=True)), size, bold=True) + page.fs(4)
    if text.subtitle:
        size = page.fs(14)
        y += p.lines(left, y, wrap(text.subtitle, chars_in(width, size)), size) + page.fs(2)
    size = page.fs(13 if text.subtitle else 14)
    y += p.lines(left, y, wrap(text.filters, chars_in(width, size)), size, colour=GREY if text.subtitle else INK)
    return y + page.mm(2.5)


def _sources_block(p: _Page, sources: Sources, *, width: float, measure_only: bool, x: float = 0, y: float = 0) -> float:
    """The citations: "Sources:" then numbered items in columns (or one run); returns the height."""
    page = p.page
    size = page.foot(10)
    if not sources.items and not sources.more:
        return 0.0
    if sources.inline:
        body = " · ".join([*sources.items, *([sources.more] if sources.more else [])])
        lines = wrap(f"{sources.heading} {body}", chars_in(width, size))
        if not measure_only:
            p.lines(x, y, lines, size, colour="#333333")
        return len(lines) * size * LINE_EM
    heading = sources.heading
    columns = max(1, page.citation_columns if len(sources.items) > 3 else 1)  # noqa: PLR2004
    gap = page.mm(5)
    col_w = (width - gap * (columns - 1)) / columns
    per_item = [wrap(item, chars_in(col_w, size)) for item in sources.items]
    per_item = [[first, *("\u2003" + rest for rest in more)] for first, *more in per_item]
    total = sum(len(lines) for lines in per_item)
    target = math.ceil(total / columns)
    cols: list[list[str]] = [[]]
    for lines in per_item:
        if cols[-1] and len(cols[-1]) + len(lines) > target and len(cols) < columns:
            cols.append([])
        cols[-1] += lines
    head_h = size * LINE_EM
    rows = max(len(c) for c in cols)
    more_h = size * LINE_EM if sources.more else 0.0
    if not measure_only:
        p.lines(x, y, [heading], size, colour="#333333", bold=True)
        for i, col in enumerate(cols):
            p.lines(x + i * (col_w + gap), y + head_h, col, size, colour="#333333")
        if sources.more:
            p.lines(x, y + head_h + rows * size * LINE_EM, [sources.more], size, colour="#333333")
    return head_h + rows * size * LINE_EM + more_h


def _footer(p: _Page, text: PageText, sources: Sources, *, measure_only: bool, bottom: float) -> float:
    """Citations, the attribution line, the boundary note and the stamp, ending at ``bottom``."""
    page, left = p.page, p.page.mm(9)
    width = p.w - 2 * left
    size = page.foot(10)
    tail = [line for part in (text.attribution, text.disclaimer, text.stamp) if part for line in wrap(part, chars_in(width, size))]
    tail_h = len(tail) * size * LINE_EM
    src_h = _sources_block(p, sources, width=width, measure_only=True)
    gap = page.mm(1.5) if src_h else 0.0
    height = src_h + gap + tail_h
    if not measure_only:
        top = bottom - height
        _sources_block(p, sources, width=width, measure_only=False, x=left, y=top)
        p.lines(left, top + src_h + gap, tail, size, colour="#333333")
    return height


_Rows = list[tuple[LegendItem, list[str]]]


class _LegendColumn(NamedTuple):
    """One column of a legend band: its x offset, width and rows (items with wrapped labels)."""

    offset: float
    width: float
    rows: _Rows


def _legend_layout(page: PageSize, legend: Legend, width: float, columns: int,
                   ) -> tuple[list[str], list[str], list[list[_LegendColumn]], float]:
    """The legend's heading lines, subtitle lines, its bands (each a list of columns: x offset,
    width, rows with wrapped labels) and its height. One column: classes, sites and marks one
    under the other; two: classes beside sites, the marks below across; three: side by side.
    """
    size, small = page.fs(11), page.fs(10)
    head = wrap(f"{legend.title} {legend.refs}".strip(), chars_in(width, size, bold=True))
    sub = wrap(legend.subtitle, chars_in(width, small)) if legend.subtitle else []
    mark = size * 1.25

    def rows(items: tuple[LegendItem, ...], col_w: float) -> _Rows:
        return [(item, wrap(item.label, chars_in(col_w - mark - 10, size))) for item in items]

    groups = [g for g in (legend.classes, legend.sites, legend.marks) if g]
    if columns >= len(groups):  # all side by side
        col_w = width / max(len(groups), 1)
        bands = [[_LegendColumn(i * col_w, col_w, rows(g, col_w)) for i, g in enumerate(groups)]]
    elif columns == 2:  # noqa: PLR2004  (classes | sites, then the marks across)
        half = width / 2
        bands = [[_LegendColumn(0.0, half, rows(legend.classes, half)), _LegendColumn(half, half, rows(legend.sites, half))],
                 [_LegendColumn(0.0, width, rows(legend.marks, width))]]
    else:
        bands = [[_LegendColumn(0.0, width, rows(g, width))] for g in groups]
    bands = [[c for c in band if c.rows] for band in bands]
    bands = [band for band in bands if band]
    gap = size * 0.6
    body = sum(max(sum(_row_height(page, lines) for _, lines in col) for _, _, col in band) for band in bands)
    body += gap * max(len(bands) - 1, 0)
    return head, sub, bands, len(head) * size * LINE_EM + len(sub) * small * LINE_EM + page.fs(4) + body


def _row_height(page: PageSize, lines: list[str]) -> float:
    size = page.fs(11)
    return max(size * 1.45, len(lines) * size * LINE_EM + size * 0.2)


def _legend_height(page: PageSize, legend: Legend, width: float, columns: int) -> float:
    return _legend_layout(page, legend, width, columns)[3]


def _draw_legend(p: _Page, legend: Legend, *, x: float, y: float, width: float, columns: int) -> float:
    page = p.page
    size, small = page.fs(11), page.fs(10)
    head, sub, bands, height = _legend_layout(page, legend, width, columns)
    y += p.lines(x, y, head, size, bold=True)
    y += p.lines(x, y, sub, small, colour=GREY) + page.fs(4)
    mark = size * 1.25
    for band in bands:
        band_h = 0.0
        for offset, _, col in band:
            cx, cy = x + offset, y
            for item, lines in col:
                middle = cy + (size * 1.45 if len(lines) == 1 else size * LINE_EM) / 2
                p.markers.append(_Marker(cx + mark / 2, middle, item, mark if item.symbol.startswith("square") else mark * 0.9))
                if len(lines) == 1:
                    p.text(cx + mark + 6, middle, _esc(lines[0]), size, valign="middle")
                else:
                    p.lines(cx + mark + 6, cy, lines, size)
                cy += _row_height(page, lines)
            band_h = max(band_h, cy - y)
        y += band_h + size * 0.6
    return height


def _figures_height(page: PageSize, figures: list[FigureText], width: float, columns: int) -> float:
    if not figures:
        return 0.0
    col_w = width / columns - page.mm(2)
    heights = [_one_figure(None, page, f, x=0, y=0, width=col_w) for f in figures]
    per_row = [max(heights[i:i + columns]) for i in range(0, len(heights), columns)]
    return page.fs(12) * LINE_EM + page.fs(3) + sum(per_row) + page.fs(6) * (len(per_row) - 1)


def _one_figure(p: _Page | None, page: PageSize, f: FigureText, *, x: float, y: float, width: float) -> float:
    small, big = page.fs(10), page.fs(17)
    title = wrap(f.title, chars_in(width, small))
    value = wrap(f.value, chars_in(width - text_width(f.refs, small) - 4, big, bold=True))
    sub = wrap(f.sub, chars_in(width, small)) if f.sub else []
    if p is not None:
        p.lines(x, y, title, small, colour=GREY)
        vy = y + len(title) * small * LINE_EM
        refs = f" <span style='font-size:{small}px'>{_esc(f.refs)}</span>" if f.refs else ""
        p.text(x, vy, "<b>" + "<br>".join(_esc(v) for v in value) + "</b>" + refs, big)
        p.lines(x, vy + len(value) * big * LINE_EM, sub, small, colour=GREY)
    return (len(title) + len(sub)) * small * LINE_EM + len(value) * big * LINE_EM


def _draw_figures(p: _Page, figures: list[FigureText], heading: str, *, x: float, y: float, width: float, columns: int) -> float:
    page = p.page
    top = y
    y += p.lines(x, y, [heading], page.fs(12), bold=True) + page.fs(3)
    col_w = width / columns
    for i in range(0, len(figures), columns):
        row = figures[i:i + columns]
        heights = [_one_figure(p, page, f, x=x + j * col_w, y=y, width=col_w - page.mm(2)) for j, f in enumerate(row)]
        y += max(heights) + page.fs(6)
    return y - top


def _place_maps(panels: list[MapPanel], box: Rect, aspect: float, gap: float) -> list[Rect]:
    """(x, y, w, h) of each map: as large as the box allows at the extent's aspect, side by side."""
    x, y, w, h = box
    n = len(panels)
    each_w = (w - gap * (n - 1)) / n
    mw = min(each_w, h * aspect)
    mh = mw / aspect
    return [Rect(x + i * (mw + gap), y, mw, mh) for i in range(n)]


def _map_traces(panels: list[MapPanel], page: PageSize, map_text_scale: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The maps' traces on ``geo``, ``geo2`` ... and their geo layouts, with every colour bar and
    legend hidden (the page draws its legend in the margin) and type at least the page minimum.
    """
    traces: list[dict[str, Any]] = []
    geos: list[dict[str, Any]] = []
    for i, panel in enumerate(panels):
        figure = enforce_min_font(copy.deepcopy(panel.figure), page.min_font_px, map_text_scale)
        for trace in figure["data"]:
            if trace.get("type") in ("choropleth", "choroplethmap"):
                trace["showscale"] = False
            trace["showlegend"] = False
            if i:
                trace["geo"] = f"geo{i + 1}"
            traces.append(trace)
        geos.append(dict(figure["layout"].get("geo") or {}))
    return traces, geos


@dataclass(frozen=True)
class _MapFrame:
    """A map's box on the page and its extent: page pixels <-> longitude and latitude."""

    x: float
    y: float
    w: float
    h: float
    lon_range: tuple[float, float]
    lat_range: tuple[float, float]

    def px(self, lon: float, lat: float) -> tuple[float, float]:
        y0, y1 = merc_y(self.lat_range[0]), merc_y(self.lat_range[1])
        return (self.x + (lon - self.lon_range[0]) / (self.lon_range[1] - self.lon_range[0]) * self.w,
                self.y + (y1 - merc_y(lat)) / (y1 - y0) * self.h)

    def lat_at(self, py: float) -> float:
        y0, y1 = merc_y(self.lat_range[0]), merc_y(self.lat_range[1])
        return math.degrees(math.atan(math.sinh(y1 - (py - self.y) / self.h * (y1 - y0))))

    def deg_per_px(self) -> float:
        return (self.lon_range[1] - self.lon_range[0]) / self.w


def _emptiest(frame: _MapFrame, boxes: list[Rect], avoid: list[tuple[float, float]]) -> Rect:
    """The candidate box (x, y, w, h) with the fewest map points (markers, label anchors) in it."""
    points = [frame.px(lon, lat) for lon, lat in avoid]
    return min(boxes, key=lambda b: sum(b.x <= x <= b.x + b.w and b.y <= y <= b.y + b.h for x, y in points))


def _backing(p: _Page, box: Rect) -> None:
    x, y, w, h = box
    p.shapes.append({"type": "rect", "xref": PAGE_X, "yref": PAGE_Y, "x0": x, "x1": x + w, "y0": y, "y1": y + h,
                     "fillcolor": "rgba(255,255,255,0.85)", "line": {"color": "#bdbdbd", "width": 0.5}, "layer": "above"})


def _scale_bar(p: _Page, frame: _MapFrame, lang: str, avoid: list[tuple[float, float]]) -> Rect:
    """A scale bar on a white backing in the emptier bottom corner of the map, its labels inside
    the backing: the length holds at the latitude it states (the map is Mercator).
    """
    page = p.page
    size = page.fs(11)
    pad = size * 0.6
    height = size * LINE_EM * 2 + size * 0.9 + pad * 2
    bar_y = frame.y + frame.h - pad - size * LINE_EM - size * 0.3
    lat = frame.lat_at(bar_y)
    km = scale_bar_km(frame.lon_range[1] - frame.lon_range[0], lat)
    bar = km / (EARTH_KM_PER_DEG * math.cos(math.radians(lat))) / frame.deg_per_px()
    end_label = f"{km} km"
    at = f"({'à' if lang == 'fr' else 'at'} {lat:.0f}°{chr(0x202F) + 'N' if lang == 'fr' else 'N'})"
    width = max(bar + text_width(end_label, size) / 2 + text_width("0", size) / 2, text_width(at, size)) + 2 * pad
    inset = page.mm(2)
    top = frame.y + frame.h - inset - height
    box = _emptiest(frame, [Rect(frame.x + inset, top, width, height), Rect(frame.x + frame.w - inset - width, top, width, height)], avoid)
    _backing(p, box)
    x0 = box.x + pad + text_width("0", size) / 2
    line_y = box.y + pad + size * LINE_EM + size * 0.3
    for x in (x0, x0 + bar / 2, x0 + bar):
        p.shapes.append({"type": "line", "xref": PAGE_X, "yref": PAGE_Y, "x0": x, "x1": x, "y0": line_y - size * 0.35,
                         "y1": line_y + size * 0.35, "line": {"color": INK, "width": 2}, "layer": "above"})
    p.shapes.append({"type": "line", "xref": PAGE_X, "yref": PAGE_Y, "x0": x0, "x1": x0 + bar, "y0": line_y, "y1": line_y,
                     "line": {"color": INK, "width": 3}, "layer": "above"})
    p.text(x0, line_y - size * 0.45, "0", size, anchor="center", valign="bottom")
    p.text(x0 + bar, line_y - size * 0.45, _esc(end_label), size, anchor="center", valign="bottom")
    p.text(box.x + box.w / 2, line_y + size * 0.45, _esc(at), size, anchor="center", colour=GREY)
    return box


def _north_arrow(p: _Page, frame: _MapFrame, avoid: list[tuple[float, float]]) -> Rect:
    """A north arrow on a white backing in the emptier top corner (north is up everywhere here)."""
    page = p.page
    size = page.fs(13)
    arrow = page.fs(24)
    inset = page.mm(2)
    w, h = size * 2.2, arrow + size * LINE_EM + size * 0.8
    box = _emptiest(frame, [Rect(frame.x + inset, frame.y + inset, w, h), Rect(frame.x + frame.w - inset - w, frame.y + inset, w, h)], avoid)
    _backing(p, box)
    p.annotations.append({
        "x": box.x + w / 2, "y": box.y + size * 0.4, "ax": 0, "ay": arrow, "xref": PAGE_X, "yref": PAGE_Y,
        "axref": "pixel", "ayref": "pixel", "showarrow": True, "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 2.5,
        "arrowcolor": INK, "text": "<b>N</b>", "yanchor": "top", "font": {"size": size, "color": INK},
    })
    return box


def map_points(figure: dict[str, Any]) -> list[tuple[float, float]]:
    """Every point a map figure draws or labels (markers and text anchors of visible traces)."""
    points = []
    for trace in figure.get("data", ()):
        if trace.get("type") == "scattergeo" and trace.get("visible", True) is True:
            points += [(float(x), float(y)) for x, y in zip(trace.get("lon") or (), trace.get("lat") or (), strict=False)
                       if isinstance(x, int | float) and isinstance(y, int | float)]
    return points


def _layout_body(p: _Page, panels: list[MapPanel], legend: Legend, shown: list[FigureText], figures_heading: str, *,
                 box: tuple[float, float, float, float],
                 extent: tuple[tuple[float, float], tuple[float, float]],
                 bounds: tuple[tuple[float, float], tuple[float, float]] | None,
                 ) -> tuple[list[Rect], list[FigureText], tuple[float, float], tuple[float, float]]:
    """The map(s), the legend and the key figures in the page's body ``box``: the figures are
    left out (and the caller cites without them) when they do not fit.
    """
    page = p.page
    left, y, width, height = box
    bottom = y + height
    lon_range, lat_range = extent
    gap = page.mm(4)
    if page.side_px and len(panels) > 1:  # then and now: the maps side by side, the legend under them
        side = page.side_px
        map_w = width - side - gap
        legend_h = _legend_height(page, legend, map_w, 3)
        box = Rect(left, y, map_w, bottom - y - legend_h - gap)
        lon_range, lat_range = fit_extent(lon_range, lat_range, _box_aspect(box, len(panels), gap), bounds)
        maps = _place_maps(panels, box, extent_aspect(lon_range, lat_range), gap)
        _draw_legend(p, legend, x=left, y=maps[0].y + maps[0].h + gap, width=map_w, columns=3)
        sx, sw = left + map_w + gap, side
        if _figures_height(page, shown, sw, page.figure_columns) > bottom - y:
            shown = []
        if shown:
            _draw_figures(p, shown, figures_heading, x=sx, y=y, width=sw, columns=page.figure_columns)
    elif page.side_px:
        side = page.side_px
        box = Rect(left, y, width - side - gap, bottom - y)
        lon_range, lat_range = fit_extent(lon_range, lat_range, _box_aspect(box, len(panels), gap), bounds)
        maps = _place_maps(panels, box, extent_aspect(lon_range, lat_range), gap)
        sx = maps[-1].x + maps[-1].w + gap
        sw = p.w - left - sx
        legend_h = _legend_height(page, legend, sw, page.legend_columns)
        if legend_h + page.mm(4) + _figures_height(page, shown, sw, page.figure_columns) > bottom - y:
            shown = [replace(f, sub="") for f in shown]  # short of room: the values without their notes
        if legend_h + page.mm(4) + _figures_height(page, shown, sw, page.figure_columns) > bottom - y:
            shown = []  # no room: the page shows (and cites) the map alone
        _draw_legend(p, legend, x=sx, y=y, width=sw, columns=page.legend_columns)
        if shown:
            _draw_figures(p, shown, figures_heading, x=sx, y=y + legend_h + page.mm(4), width=sw, columns=page.figure_columns)
    else:
        legend_w = width * (0.5 if shown else 1.0)
        below = max(_legend_height(page, legend, legend_w, page.legend_columns),
                    _figures_height(page, shown, width - legend_w - gap, page.figure_columns))
        box = Rect(left, y, width, bottom - y - below - gap)
        lon_range, lat_range = fit_extent(lon_range, lat_range, _box_aspect(box, len(panels), gap), bounds)
        maps = _place_maps(panels, box, extent_aspect(lon_range, lat_range), gap)
        offset = (width - (maps[-1].x + maps[-1].w - left)) / 2  # centre the map(s)
        maps = [m._replace(x=m.x + offset) for m in maps]
        ly = maps[0].y + maps[0].h + gap
        _draw_legend(p, legend, x=left, y=ly, width=legend_w, columns=page.legend_columns)
        if shown:
            _draw_figures(p, shown, figures_heading, x=left + legend_w + gap, y=ly, width=width - legend_w - gap,
                          columns=page.figure_columns)
    return maps, shown, lon_range, lat_range


def compose_page(page: PageSize, text: PageText, panels: list[MapPanel], *, legend: Legend, figures: list[FigureText],
                 figures_heading: str, sources: Sources, lon_range: tuple[float, float], lat_range: tuple[float, float],
                 lang: str, label_deg_per_px: float | None = None, body_only: bool = False,
                 bounds: tuple[tuple[float, float], tuple[float, float]] | None = None) -> go.Figure:
    """A finished page: header, map(s) with scale bar and north arrow, legend and key figures in
    the margin, citations and attribution at the foot. ``body_only`` leaves out the header and
    footer (a PowerPoint slide carries them as its own text).

    The extent grows (within ``bounds``) to fill the map's box, so no page has blank bands
    around its map. ``label_deg_per_px`` is the map scale the map's labels were placed for: the map's type is
    scaled so each label covers the same ground at the page's scale (labels placed apart stay
    apart), and never below the page's minimum.
    """
    p = _Page(page)
    left = page.mm(9)
    width = p.w - 2 * left
    y = page.mm(6)
    if not body_only:
        y = _header(p, text, top=y)
    bottom = p.h - page.mm(5)
    if not body_only:
        bottom -= _footer(p, text, sources, measure_only=True, bottom=bottom) + page.mm(2.5)
    maps, shown, lon_range, lat_range = _layout_body(p, panels, legend, figures if page.figures else [], figures_heading,
                                                     box=(left, y, width, bottom - y), extent=(lon_range, lat_range),
                                                     bounds=bounds)
    if not body_only:
        _footer(p, text, sources, measure_only=False, bottom=p.h - page.mm(5))
    deg_per_px = (lon_range[1] - lon_range[0]) / maps[0].w
    text_scale = min(max(label_deg_per_px / deg_per_px, 0.6), 1.25) if label_deg_per_px else 1.0
    figure = _with_maps(p, panels, maps, lon_range=lon_range, lat_range=lat_range, lang=lang, text_scale=text_scale)
    figure["layout"]["meta"] = {"figures_shown": len(shown), "lon_range": list(lon_range), "lat_range": list(lat_range),
                                "maps": [list(m) for m in maps]}
    return go.Figure(figure)


def _with_maps(p: _Page, panels: list[MapPanel], maps: list[Rect], *,
               lon_range: tuple[float, float], lat_range: tuple[float, float], lang: str, text_scale: float) -> dict[str, Any]:
    """The page's figure with each map in its box: framed, labelled, a scale bar and a north arrow."""
    page = p.page
    traces, geos = _map_traces(panels, page, text_scale)
    layouts = {}
    for i, ((mx, my, mw, mh), geo, panel) in enumerate(zip(maps, geos, panels, strict=True)):
        layouts["geo" if i == 0 else f"geo{i + 1}"] = {
            **geo, "domain": {"x": [mx / p.w, (mx + mw) / p.w], "y": [1 - (my + mh) / p.h, 1 - my / p.h]},
            "lonaxis": {"range": list(lon_range)}, "lataxis": {"range": list(lat_range)},
        }
        p.shapes.append({"type": "rect", "xref": PAGE_X, "yref": PAGE_Y, "x0": mx, "x1": mx + mw, "y0": my, "y1": my + mh,
                         "line": {"color": "#8c8c8c", "width": 0.75}, "layer": "above"})
        if panel.label:
            size = page.fs(13)
            _backing(p, (mx + mw / 2 - text_width(panel.label, size, bold=True) / 2 - 6, my + page.mm(2),
                         text_width(panel.label, size, bold=True) + 12, size * LINE_EM + 6))
            p.text(mx + mw / 2, my + page.mm(2) + 3, _esc(panel.label), size, anchor="center", bold=True)
    frame = _MapFrame(*maps[0], lon_range, lat_range)
    avoid = map_points(panels[0].figure)
    _scale_bar(p, frame, lang, avoid)
    _north_arrow(p, frame, avoid)
    figure = p.figure()
    figure["data"] = [*traces, *figure["data"]]
    figure["layout"].update(layouts)
    return figure


def text_page(page: PageSize, title: str, *, subtitle: str = "", lines: list[str] | None = None,
              items: list[str] | None = None, first_item: int = 1, footer: str = "", marking: str = "",
              item_size: float = 11, hero: bool = False) -> go.Figure:
    """A page of words: a title, lines, and a numbered list in columns (a pack's sources, a deck's
    opening or closing slide). ``hero``: a title page, its title large and a third of the way down.
    """
    p = _Page(page)
    left = page.mm(12)
    width = p.w - 2 * left
    if hero:
        y = p.h * 0.33
        if marking:
            p.lines(p.w - left, page.mm(8), [marking], page.fs(11), anchor="right", colour=MARKING, bold=True)
        size = page.fs(34)
        y += p.lines(left, y, wrap(title, chars_in(width, size, bold=True)), size, bold=True) + page.fs(8)
        if subtitle:
            size = page.fs(17)
            y += p.lines(left, y, wrap(subtitle, chars_in(width, size)), size, colour=GREY) + page.fs(12)
    else:
        y = _header(p, PageText(title=title, filters=subtitle, marking=marking), top=page.mm(8))
    size = page.fs(12)
    for line in lines or ():
        y += p.lines(left, y, wrap(line, chars_in(width, size)), size) + page.fs(3)
    if items:
        y += page.fs(6)
        isize = page.fs(item_size)
        columns = 2 if page.width_px > page.height_px and len(items) > 8 else 1  # noqa: PLR2004
        gap = page.mm(6)
        col_w = (width - gap * (columns - 1)) / columns
        numbered = [wrap(f"[{n}] {item}", chars_in(col_w, isize)) for n, item in enumerate(items, start=first_item)]
        numbered = [[first, *("\u2003" + rest for rest in more)] for first, *more in numbered]
        target = math.ceil(sum(len(x) for x in numbered) / columns)
        cols: list[list[str]] = [[]]
        for lines_ in numbered:
            if cols[-1] and len(cols[-1]) + len(lines_) > target and len(cols) < columns:
                cols.append([])
            cols[-1] += lines_
        for i, col in enumerate(cols):
            p.lines(left + i * (col_w + gap), y, col, isize, colour="#333333")
    if footer:
        fsize = page.fs(10)
        p.lines(left, p.h - page.mm(6), [footer], fsize, colour=GREY, valign="bottom")
    return go.Figure(p.figure())


def paginate_items(page: PageSize, items: list[str], *, title_lines: int = 1, item_size: float = 11) -> list[list[str]]:
    """Split numbered items (citations) into pages that :func:`text_page` fills without overflow."""
    isize = page.fs(item_size)
    columns = 2 if page.width_px > page.height_px else 1
    width = page.width_px - 2 * page.mm(12)
    col_w = (width - page.mm(6) * (columns - 1)) / columns
    top = page.mm(8) + title_lines * page.fs(21) * LINE_EM + page.fs(14) * LINE_EM * 2 + page.mm(2.5) + page.fs(6)
    rows = int((page.height_px - top - page.mm(12)) / (isize * LINE_EM)) * columns - columns  # a line of slack per column
    pages: list[list[str]] = [[]]
    used = 0
    for n, item in enumerate(items, start=1):
        need = len(wrap(f"[{n}] {item}", chars_in(col_w, isize)))
        if pages[-1] and used + need > rows:
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += need
    return pages


@dataclass(frozen=True)
class Column:
    """A table column: its field, header and width in page pixels."""

    key: str
    header: str
    width: float


def _paginate(pieces: list[list[list[str]]], room: float, line_h: float, pad: float) -> list[list[list[list[str]]]]:
    """Rows (cells of wrapped lines) onto pages of ``room`` pixels. A row that does not fit goes
    to the next page, unless a quarter of the page or more would stay empty: then it fills this
    page and goes on on the next.
    """
    pages: list[list[list[list[str]]]] = [[]]
    used = 0.0
    queue = list(pieces)
    while queue:
        piece = queue.pop(0)
        h = max(len(c) for c in piece) * line_h + 2 * pad
        if pages[-1] and used + h > room:
            fit = int((room - used - 2 * pad) / line_h)
            if room - used > room / 4 and fit >= 4:  # noqa: PLR2004
                queue.insert(0, [c[fit:] for c in piece])
                piece, h = [c[:fit] for c in piece], fit * line_h + 2 * pad
            else:
                pages.append([])
                used = 0.0
        pages[-1].append(piece)
        used += h
    return pages


def table_pages(page: PageSize, title: str, subtitle: str, columns: list[Column], rows: list[dict[str, str]], *,
                marking: str = "", footer: str = "") -> list[go.Figure]:
    """The rows as a table over as many pages as they need, the header repeated on each; every
    cell wrapped to its column so no row is cut or lost (a row taller than a page is split).
    """
    size = page.fs(10)
    pad = 3.0
    line_h = size * LINE_EM
    left = page.mm(9)
    scale = (page.width_px - 2 * left) / sum(c.width for c in columns)
    widths = [c.width * scale for c in columns]
    xs = [left + sum(widths[:i]) for i in range(len(columns))]

    def cell_lines(text: str, width: float, *, bold: bool = False) -> list[str]:
        return [line for part in str(text).split("\n") for line in wrap(part, chars_in(width - 2 * pad, size, bold=bold))]

    header = [cell_lines(c.header, w, bold=True) for c, w in zip(columns, widths, strict=True)]
    header_h = max(len(h) for h in header) * line_h + 2 * pad
    wrapped = [[cell_lines(r.get(c.key, ""), w) for c, w in zip(columns, widths, strict=True)] for r in rows]
    probe = _Page(page)
    top = _header(probe, PageText(title=title, filters=subtitle, marking=marking), top=page.mm(6))
    bottom = page.height_px - page.mm(10)
    room = bottom - top - header_h
    max_lines = int((room - 2 * pad) / line_h)
    # Rows (cut into pieces of at most max_lines lines), then pages.
    pieces: list[list[list[str]]] = []
    for cells in wrapped:
        n = max(len(c) for c in cells)
        pieces.extend([c[start:start + max_lines] for c in cells] for start in range(0, n, max_lines))
    pages = _paginate(pieces, room, line_h, pad)
    out = []
    for chunk in pages:
        p = _Page(page)
        y = _header(p, PageText(title=title, filters=subtitle, marking=marking), top=page.mm(6))
        p.shapes.append({"type": "rect", "xref": PAGE_X, "yref": PAGE_Y, "x0": left, "x1": p.w - left, "y0": y, "y1": y + header_h,
                         "fillcolor": "#0b4f8a", "line": {"width": 0}, "layer": "below"})
        for x, lines in zip(xs, header, strict=True):
            p.text(x + pad, y + pad, "<b>" + "<br>".join(_esc(line) for line in lines) + "</b>", size, colour="#ffffff")
        y += header_h
        for k, piece in enumerate(chunk):
            h = max(len(c) for c in piece) * line_h + 2 * pad
            if k % 2:
                p.shapes.append({"type": "rect", "xref": PAGE_X, "yref": PAGE_Y, "x0": left, "x1": p.w - left, "y0": y, "y1": y + h,
                                 "fillcolor": "#f1f4f7", "line": {"width": 0}, "layer": "below"})
            for x, lines in zip(xs, piece, strict=True):
                if lines:
                    p.lines(x + pad, y + pad, lines, size)
            y += h
            p.shapes.append({"type": "line", "xref": PAGE_X, "yref": PAGE_Y, "x0": left, "x1": p.w - left, "y0": y, "y1": y,
                             "line": {"color": "#c8ced6", "width": 0.5}})
        if footer:
            p.lines(left, p.h - page.mm(4), [footer], page.fs(10), colour=GREY, valign="bottom")
        out.append(go.Figure(p.figure()))
    return out


def _to_domain(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shapes or annotations placed on "paper" placed on the axes' domain instead (the page's
    paper is the whole sheet once a figure is set into a page).
    """
    out = []
    for given in items:
        item = dict(given)
        for ref in ("xref", "yref"):
            if item.get(ref) == "paper":
                item[ref] = ("x" if ref == "xref" else "y") + " domain"
        out.append(item)
    return out


def _legend_rows(figure: dict[str, Any], width: float) -> int:
    """How many rows a horizontal legend of ``figure`` takes across ``width`` (estimated)."""
    layout = figure["layout"]
    size = float(layout.get("legend", {}).get("font", {}).get("size", 12))
    title = str(layout.get("legend", {}).get("title", {}).get("text", ""))
    entries = [40 + text_width(str(tr.get("name", "")), size) for tr in figure["data"]
               if tr.get("showlegend", True) is not False and tr.get("name")]
    if not entries:
        return 1
    # Plotly lines a horizontal legend's entries up in columns as wide as the widest entry.
    per_row = max(int((width - (text_width(title, size) + 10 if title else 0)) // max(entries)), 1)
    return math.ceil(len(entries) / per_row)


def figure_page(page: PageSize, text: PageText, figure: dict[str, Any], *, footer: str = "") -> go.Figure:
    """A cartesian figure (the mandate timeline) set into a page under its header, its axes
    in the page's body with room for their tick labels, type at least the page minimum.
    """
    p = _Page(page)
    left = page.mm(9)
    top = _header(p, text, top=page.mm(6))
    fig = enforce_min_font(copy.deepcopy(figure), page.min_font_px)
    layout = fig["layout"]
    tick_size = float(layout.get("yaxis", {}).get("tickfont", {}).get("size", page.fs(13)))
    ticks = [str(v) for v in layout.get("yaxis", {}).get("ticktext", ())]
    label_w = min(max((text_width(re.sub(r"<[^>]+>", "", v), tick_size) for v in ticks), default=0) + 8, p.w * 0.35)
    legend_h = _legend_rows(fig, p.w - 2 * left) * float(layout.get("legend", {}).get("font", {}).get("size", page.fs(12))) * 1.6 \
        if layout.get("showlegend", True) else 0
    body_top = top + legend_h + page.fs(14) * LINE_EM  # the cursor's date sits above the plot
    body_bottom = p.h - page.mm(10) - page.fs(13) * LINE_EM * (2 if any(a.get("yref") == "paper" for a in layout.get("annotations", ())) else 1)
    x0 = left + label_w
    layout["xaxis"] = {**layout.get("xaxis", {}), "domain": [x0 / p.w, (p.w - left) / p.w], "automargin": False}
    layout["yaxis"] = {**layout.get("yaxis", {}), "domain": [1 - body_bottom / p.h, 1 - body_top / p.h], "automargin": False}
    layout["shapes"] = _to_domain(layout.get("shapes", []))
    layout["annotations"] = _to_domain(layout.get("annotations", []))
    # One flowing row (or a few) under the header: legend groups would stack as tall columns.
    layout["legend"] = {**layout.get("legend", {}), "orientation": "h", "traceorder": "normal", "x": left / p.w,
                        "xanchor": "left", "y": 1 - top / p.h, "yanchor": "top"}
    layout["plot_bgcolor"] = "rgba(0,0,0,0)"  # the page's own (hidden) axes lie over the figure's
    # Text inside bars shrinks to fit them: below the page's minimum it is hidden instead.
    layout["uniformtext"] = {"minsize": page.min_font_px, "mode": "hide"}
    if footer:
        p.lines(left, p.h - page.mm(4), [footer], page.fs(10), colour=GREY, valign="bottom")
    own = p.figure()
    for key in ("width", "height", "margin", "paper_bgcolor"):
        layout[key] = own["layout"][key]
    layout.pop("uirevision", None)
    layout.pop("clickmode", None)
    layout["annotations"] = layout["annotations"] + own["layout"]["annotations"]
    layout["shapes"] = layout["shapes"] + own["layout"]["shapes"]
    layout["xaxis9"], layout["yaxis9"] = own["layout"]["xaxis9"], own["layout"]["yaxis9"]
    fig["data"] = list(fig["data"]) + own["data"]
    return go.Figure(fig)


def add_marking(fig: go.Figure, marking: str) -> go.Figure:
    """Put the handling or classification line (and contact) at the top right of a figure that
    was not laid out here (the pack's timeline page).
    """
    if marking:
        fig.add_annotation(text=f"<b>{_esc(marking)}</b>", x=1.0, y=1.0, xref="paper", yref="paper",
                           xanchor="right", yanchor="bottom", yshift=58, showarrow=False, align="right",
                           font={"size": 12, "color": MARKING})
    return fig
