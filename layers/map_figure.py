"""The map: Mali's regions as a choropleth, sites as symbols, footprints, Sahel context.

Why plotly *geo* traces (``choropleth``/``scattergeo``) and not MapLibre (``choroplethmap``):
the map must work with no network and export as vector (SVG/PDF) for reports. Geo traces are
drawn as SVG from our own GeoJSON; with ``geo.visible=False`` plotly.js draws no base map and
so never fetches its CDN topojson. MapLibre would be WebGL raster on export and needs a style
server or an offline ``white-bg`` style for every layer. Our layers are small (two GeoJSON
files of ~40 KB), so SVG is fast enough.

The trace order is fixed (see ``TRACE``) so callbacks can ``Patch`` values, colours and
visibility without resending the GeoJSON after the first render.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from layers.classes import SCHEMES, STAGE_SCHEMES, ClassScheme
from layers.i18n import fmt_eur, fmt_int, label, t
from layers.labels import LabelRequest, Placement, place_labels
from layers.places import fold
from layers.sites import MAX_MARKERS, SITE_KINDS, Marker, SitePoints, empty_points, group_sites
from layers.view_state import ViewState

SITE_SYMBOLS = {
    "training_site": "star",
    "headquarters": "square",
    "base": "triangle-up",
    "police_unit": "pentagon",
    "border_post": "diamond",
    "school": "hexagon",
    "project_site": "circle",
    "town": "circle",
}
# Okabe-Ito colours, dark enough to stand out on the light classes; white outline on dark.
SITE_COLOURS = {
    "training_site": "#D55E00",
    "headquarters": "#0072B2",
    "base": "#000000",
    "police_unit": "#009E73",
    "border_post": "#CC79A7",
    "school": "#E69F00",
    "project_site": "#56B4E9",
    "town": "#666666",
}
TRACE = {"context": 0, "regions": 1, "context_labels": 2, "region_labels": 3, "sites": 4, "selected": 4 + len(SITE_KINDS)}
LON_RANGE = (-18.5, 13.0)
LAT_RANGE = (8.0, 26.0)
DEFAULT_PLOT_PX = 1000
STAGE_MAP_PX = 1150  # the stage's map column at 1920 px (assets/stage.css: 63 of 100 parts)
MAX_SITE_LABELS = 40
HOVER_ROWS = 8  # sites named in a marker's hover
FONT = '"Source Sans 3", "Segoe UI", Helvetica, Arial, sans-serif'
# A white halo keeps dark labels readable over the darkest classes and over borders.
HALO = "1px 1px 1px #fff, -1px -1px 1px #fff, 1px -1px 1px #fff, -1px 1px 1px #fff, 0 0 3px #fff"


@dataclass(frozen=True)
class MapBase:
    """The static part of the map: geometry and label anchors, built once per catalog."""

    regions_geojson: dict
    countries_geojson: dict
    region_names: dict[str, dict[str, str]]  # code -> {"en": ..., "fr": ...}
    region_points: dict[str, tuple[float, float]]  # code -> (lon, lat) inside the polygon
    countries: tuple[tuple[str, str, str, bool, float, float], ...]  # iso3, en, fr, g5, lon, lat


def _value_text(metric: str, value: float | None, lang: str, status: str = "value") -> str:
    """A region's value as text: unknown and none are words, never zero."""
    if status in ("none", "listed") and metric == "budget":
        return t(f"class_{status}_{metric}", lang)
    if status == "partial" and metric == "idp":
        return t("map_idp_partial", lang)
    if value is None or pd.isna(value):
        return t("class_unknown_" + metric, lang)
    return fmt_eur(value, lang) if metric == "budget" else fmt_int(value, lang)


def region_hover(names: dict[str, str], metric: str, value: float | None, as_of: str, note: str, *, lang: str,
                 status: str = "value") -> str:
    """Hover text of a region: name, value with unit, as-of date, crosswalk note."""
    parts = [f"<b>{html.escape(names[lang])}</b>",
             # A partial region (IDPs) has counts for some of its areas only: never "no count", never a total.
             f"{t('metric_' + metric, lang)}: {t('map_idp_partial', lang) if status == 'partial' else _value_text(metric, value, lang, status)}",
             f"{t('as_of', lang)} {html.escape(as_of)}"]
    if note:
        parts.append(f"<i>{html.escape(note)}</i>")
    return "<br>".join(parts)


def _site_hover(marker: Marker, lang: str) -> str:
    lines = [f"<b>{html.escape(marker.place)}</b>"]
    shown = marker.hover_rows[:HOVER_ROWS]
    for name, kind, precision in shown:
        lines.append(f"• {html.escape(name)} — {label(kind, lang)}, {label(precision, lang)}")
    total = marker.count or len(marker.hover_rows)
    if total > len(shown):
        lines.append(f"… +{fmt_int(total - len(shown), lang)}")
    return "<br>".join(lines)


def build_map_figure(base: MapBase, values: pd.DataFrame, state: ViewState, **kwargs: object) -> go.Figure:
    """The map as a validated ``go.Figure`` (exports and tests); see :func:`map_spec`."""
    return go.Figure(map_spec(base, values, state, **kwargs))  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Look:
    """How a view is drawn: language, layers, class scheme and the type scale."""

    lang: str
    metric: str
    layers: frozenset[str]
    scheme: ClassScheme
    k: float  # type scale: 1 on the desk, 1.9 on the stage (1920 px wide, no text under 24 px)

    def fs(self, size: int) -> int:
        """A font size scaled for the surface."""
        return round(size * self.k)


@dataclass(frozen=True)
class _Regions:
    """Per-region arrays of a view, in the base's region order."""

    codes: list[str]
    values: list[float | None]
    statuses: list[str]
    classes: list[int]
    dates: list[str]


def _regions(base: MapBase, values: pd.DataFrame, scheme: ClassScheme, as_of_text: str) -> _Regions:
    codes = list(base.region_names)
    by_code = values.set_index("region_code") if not values.empty else pd.DataFrame(columns=["value"])
    raw = [by_code["value"].get(code) if code in by_code.index else None for code in codes]
    region_values = [None if v is None or pd.isna(v) else float(v) for v in raw]
    statuses = [str(by_code["status"].get(code)) if "status" in by_code and code in by_code.index else "unknown" for code in codes]
    dates = [
        str(by_code["date_text"].get(code)) if "date_text" in by_code and code in by_code.index and by_code["date_text"].get(code)
        else as_of_text
        for code in codes
    ]
    classes = [scheme.classify(v, s) for v, s in zip(region_values, statuses, strict=True)]
    return _Regions(codes, region_values, statuses, classes, dates)


def _context_trace(base: MapBase, look: _Look, with_geometry: bool) -> dict[str, Any]:
    """Sahel context: the neighbours, G5 Sahel members a shade darker."""
    lang = look.lang
    return dict(type="choropleth",
        **({"geojson": base.countries_geojson} if with_geometry else {}), featureidkey="properties.iso3",
        locations=[c[0] for c in base.countries], z=[1 if c[3] else 0 for c in base.countries],
        colorscale=[[0, "#f4f4f1"], [1, "#e6e4dc"]], zmin=0, zmax=1, showscale=False,
        marker={"line": {"color": "#8c8c8c", "width": 0.8}},
        hovertext=[f"<b>{html.escape(c[2] if lang == 'fr' else c[1])}</b>" + (f"<br>{t('g5_member', lang)}" if c[3] else "")
                   for c in base.countries],
        hoverinfo="text", name=t("layer_context", lang), visible="context" in look.layers,
    )


def _regions_trace(base: MapBase, r: _Regions, look: _Look, *, footprint: frozenset[str], notes: dict[str, str],
                   as_of_text: str, with_geometry: bool, brief: bool) -> dict[str, Any]:
    """The regions choropleth; the footprint is a thick dark outline, so it reads without colour."""
    lang, metric, scheme = look.lang, look.metric, look.scheme
    labels = scheme.labels(lang)
    return dict(type="choropleth",
        **({"geojson": base.regions_geojson} if with_geometry else {}), featureidkey="properties.region_code",
        locations=r.codes, z=r.classes, customdata=r.codes,
        colorscale=scheme.colorscale(), zmin=scheme.color_range[0], zmax=scheme.color_range[1],
        marker={"line": {
            "color": ["#111111" if c in footprint else "#555555" for c in r.codes],
            "width": [3.5 if c in footprint and "footprint" in look.layers else 0.8 for c in r.codes],
        }},
        colorbar={
            "title": {"text": f"{t('metric_' + metric, lang)}<br><sub>{t('unit_' + metric, lang)}, {as_of_text}</sub>",
                      "font": {"size": look.fs(14)}},
            "tickvals": list(range(scheme.first_class, scheme.first_class + len(labels))), "ticktext": labels,
            "x": 0.0, "xanchor": "left", "y": 0.02, "yanchor": "bottom", "len": 0.42, "thickness": 16,
            "bgcolor": "rgba(255,255,255,0.85)", "outlinewidth": 0, "tickfont": {"size": look.fs(13)},
        },
        hovertext=[region_hover(base.region_names[c], metric, v, d, notes.get(c, ""), lang=lang, status=s)
                   for c, v, d, s in zip(r.codes, r.values, r.dates, r.statuses, strict=True)],
        hoverinfo="text", name=t("metric_" + metric, lang), visible="regions" in look.layers,
        # The stage draws its legend beside the map (map_legend), never over Mali's west.
        showscale=not brief,
    )


def _country_labels(base: MapBase, look: _Look) -> dict[str, Any]:
    others = [c for c in base.countries if c[0] != "MLI"]
    return {"type": "scattergeo", "lon": [c[4] for c in others], "lat": [c[5] for c in others],
            "text": [(c[2] if look.lang == "fr" else c[1]).upper() for c in others],
            "mode": "text", "textfont": {"size": look.fs(13), "color": "#6b6b6b", "family": FONT}, "hoverinfo": "skip",
            "showlegend": False, "visible": "context" in look.layers and "labels" in look.layers}


def _placements(base: MapBase, r: _Regions, markers: list[Marker], look: _Look, *, brief: bool,
                emphasis: frozenset[str]) -> tuple[list[LabelRequest], dict[str, Placement]]:
    """Where each region and place label goes; places in ``emphasis`` (folded names) first."""
    lang = look.lang
    deg_per_px = (LON_RANGE[1] - LON_RANGE[0]) / (STAGE_MAP_PX if brief else DEFAULT_PLOT_PX)
    requests = [
        LabelRequest(f"r:{c}", *base.region_points[c],
                     # On the stage one line: two lines of 27 px type collide between Mopti and Ségou.
                     f"<b>{html.escape(base.region_names[c][lang])}</b>{' ' if brief else '<br>'}{_value_text(look.metric, v, lang, s)}",
                     300 if fold(base.region_names[c][lang]) in emphasis else 100, centred=True)
        for c, v, s in zip(r.codes, r.values, r.statuses, strict=True)
    ]
    site_requests = [
        LabelRequest(f"s:{i}", m.lon, m.lat, m.place, (200 if fold(m.place) in emphasis else 50) - SITE_KINDS.index(m.kind))
        for i, m in enumerate(markers)
    ]
    # Only the most important places get a label candidate: beyond a few dozen, labels
    # cannot all fit at the default zoom anyway, and placement cost grows with the square.
    ranked = sorted(site_requests, key=lambda q: (-q.priority, q.text))[:MAX_SITE_LABELS]
    obstacles = [(m.lon, m.lat) for m in markers] if len(markers) <= MAX_SITE_LABELS * 4 else [(q.lon, q.lat) for q in ranked]
    placements = {p.key: p for p in place_labels(requests + ranked, obstacles, deg_per_px=deg_per_px, font_px=14 * look.k)}
    for req in site_requests:
        placements.setdefault(req.key, Placement(req.key, "middle right", shown=False))
    return requests, placements


def _region_labels(base: MapBase, r: _Regions, requests: list[LabelRequest], placements: dict[str, Placement],
                   look: _Look) -> dict[str, Any]:
    shown = [placements[f"r:{c}"].shown for c in r.codes]
    return {"type": "scattergeo",
        "lon": [base.region_points[c][0] for c in r.codes], "lat": [base.region_points[c][1] for c in r.codes],
        "text": [q.text if on else "" for q, on in zip(requests, shown, strict=False)],
        "textposition": [placements[f"r:{c}"].position for c in r.codes],
        "mode": "text", "hoverinfo": "skip", "showlegend": False,
        "textfont": {"size": look.fs(14), "family": FONT, "color": ["#ffffff" if c in look.scheme.dark else "#1a1a1a" for c in r.classes],
                     "shadow": "auto"},
        "visible": "labels" in look.layers and "regions" in look.layers,
    }


def _site_traces(markers: list[Marker], placements: dict[str, Placement], look: _Look,
                 selected_sites: frozenset[str]) -> list[dict[str, Any]]:
    """One trace per site kind (possibly empty), so the legend is the symbol key; last, a ring
    around the selected engagement's sites.
    """
    show_sites = "sites" in look.layers
    by_kind: dict[str, list[tuple[str, Marker]]] = {kind: [] for kind in SITE_KINDS}
    for i, m in enumerate(markers):
        by_kind.setdefault(m.kind, []).append((f"s:{i}", m))
    data = []
    for kind in SITE_KINDS:
        part = by_kind[kind]
        symbol = SITE_SYMBOLS[kind]
        data.append({"type": "scattergeo",
            "lon": [m.lon for _, m in part], "lat": [m.lat for _, m in part],
            "mode": "markers+text" if "labels" in look.layers else "markers",
            "text": [m.place if placements[key].shown else "" for key, m in part],
            "textposition": [placements[key].position for key, _ in part] or "middle right",
            "textfont": {"size": look.fs(13), "family": FONT, "color": "#1a1a1a", "shadow": HALO, "weight": 600},
            "customdata": [list(m.site_ids) for _, m in part],  # a place's site ids (none for a cell)
            "hovertext": [_site_hover(m, look.lang) for _, m in part],
            "hoverinfo": "text",
            "marker": {
                "symbol": [f"{symbol}-open" if m.approximate else symbol for _, m in part],
                "size": [look.fs(10) + round(3 * math.log2(m.count)) if m.count else look.fs(14 if kind == "training_site" else 12)
                         for _, m in part],
                "color": SITE_COLOURS[kind],
                "line": {"color": "#ffffff", "width": 1.2},
            },
            "name": label(kind, look.lang), "legendgroup": "sites", "visible": show_sites, "showlegend": bool(part),
        })
    chosen = [m for m in markers if m.selected]
    data.append({"type": "scattergeo",
        "lon": [m.lon for m in chosen], "lat": [m.lat for m in chosen], "mode": "markers", "hoverinfo": "skip", "showlegend": False,
        "marker": {"symbol": "circle-open", "size": look.fs(28), "color": "#D55E00", "line": {"width": 3}},
        "visible": show_sites and bool(selected_sites),
    })
    return data


def _layout(look: _Look, *, brief: bool) -> dict[str, Any]:
    return {
        "geo": {
            "visible": False, "projection": {"type": "mercator"},
            "lonaxis": {"range": list(LON_RANGE)}, "lataxis": {"range": list(LAT_RANGE)},
            "bgcolor": "#dfe9f0", "showframe": False,
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": look.fs(14), "color": "#1a1a1a"},
        "legend": {"x": 0.995, "xanchor": "right", "y": 0.9, "bgcolor": "rgba(255,255,255,0.88)",
                   "title": {"text": t("sites", look.lang)}, "font": {"size": look.fs(13)}},
        "showlegend": not brief,
        "hoverlabel": {"font": {"size": look.fs(14), "family": FONT}, "bgcolor": "#ffffff"},
        "uirevision": "map",  # keep the user's zoom and pan across filter changes
        "dragmode": "pan",
    }


def map_spec(
    base: MapBase,
    values: pd.DataFrame,
    state: ViewState,
    *,
    footprint: frozenset[str] = frozenset(),
    sites: SitePoints | pd.DataFrame | None = None,
    selected_sites: frozenset[str] = frozenset(),
    as_of_text: str = "",
    notes: dict[str, str] | None = None,
    with_geometry: bool = True,
    aggregate_above: int | None = MAX_MARKERS,
    emphasis: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The whole map figure of a view, as a plain plotly figure dict.

    Plain dicts, not ``go.Figure``: plotly's per-property validation was most of the build
    time of every interaction; :func:`build_map_figure` validates the same dict for exports
    and tests.

    ``values`` has columns region_code, value (NaN = no data) and optionally date_text (the
    as-of date of each value). ``footprint`` lists region codes outlined as the selected
    engagement's area. ``sites`` are the mapped sites to show (see ``layers.sites``); above
    ``aggregate_above`` places they are drawn as grid cells (``None``: every place, for the
    baseline benchmark only). ``emphasis`` holds folded place names (``layers.places.fold``)
    whose labels go first, e.g. the places a briefing scene talks about.
    ``with_geometry=False`` leaves the GeoJSON out, for updates of a map already drawn
    (copying the GeoJSON into a figure is most of the build time).

    Traces, in order: 0 context, 1 regions, 2 country names, 3 region names with values,
    4.. one per site kind, last the ring around the selected engagement's sites.
    """
    brief = state.mode == "brief"
    as_of_text = as_of_text or state.period.label(state.lang)  # the legend always states its date
    look = _Look(state.lang, state.metric, frozenset(state.layers), (STAGE_SCHEMES if brief else SCHEMES)[state.metric],
                 1.9 if brief else 1.0)
    r = _regions(base, values, look.scheme, as_of_text)
    markers = group_sites(sites if sites is not None else empty_points(), selected_sites, aggregate_above)
    requests, placements = _placements(base, r, markers, look, brief=brief, emphasis=emphasis)
    data = [
        _context_trace(base, look, with_geometry),
        _regions_trace(base, r, look, footprint=footprint, notes=notes or {}, as_of_text=as_of_text,
                       with_geometry=with_geometry, brief=brief),
        _country_labels(base, look),
        _region_labels(base, r, requests, placements, look),
        *_site_traces(markers, placements, look, selected_sites),
    ]
    return {"data": data, "layout": _layout(look, brief=brief)}


# Unicode look-alikes of the plotly marker symbols, for a legend drawn in HTML (the stage's).
SYMBOL_CHARS = {"star": "★", "square": "■", "triangle-up": "▲", "pentagon": "⬟", "diamond": "◆", "hexagon": "⬢",
                "circle": "●", "star-open": "☆", "square-open": "□", "triangle-up-open": "△", "pentagon-open": "⬠",
                "diamond-open": "◇", "hexagon-open": "⬡", "circle-open": "○"}


def map_legend(spec: dict[str, Any], state: ViewState, as_of_text: str) -> dict[str, Any]:
    """The legend of a map spec as data (title, class colours and labels, site symbols), for a
    legend laid out beside the map rather than over it.
    """
    lang = state.lang
    scheme = (STAGE_SCHEMES if state.mode == "brief" else SCHEMES)[state.metric]
    sites = []
    for trace in spec["data"]:
        if trace.get("legendgroup") == "sites" and trace.get("showlegend") and trace.get("visible"):
            symbols = trace["marker"]["symbol"]
            first = symbols[0] if isinstance(symbols, list) and symbols else symbols
            sites.append({"label": trace["name"], "symbol": SYMBOL_CHARS.get(str(first).removesuffix("-open"), "●"),
                          "colour": trace["marker"]["color"]})
    return {
        "title": t("metric_" + state.metric, lang),
        "subtitle": f"{t('unit_' + state.metric, lang)}, {as_of_text}",
        "classes": [{"colour": c, "label": lab} for c, lab in zip(scheme.colours(), scheme.labels(lang), strict=True)][::-1],
        "sites": sites,
    }
