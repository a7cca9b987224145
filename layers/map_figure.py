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

from layers.classes import DARK_CLASSES, SCHEMES
from layers.i18n import fmt_eur, fmt_int, label, t
from layers.labels import LabelRequest, Placement, place_labels
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
    if status == "none" and SCHEMES[metric].has_none:
        return t("class_none_" + metric, lang)
    if value is None or pd.isna(value):
        return t("class_unknown_" + metric, lang)
    return fmt_eur(value, lang) if metric == "budget" else fmt_int(value, lang)


def region_hover(names: dict[str, str], metric: str, value: float | None, as_of: str, note: str, *, lang: str,
                 status: str = "value") -> str:
    """Hover text of a region: name, value with unit, as-of date, crosswalk note."""
    parts = [f"<b>{html.escape(names[lang])}</b>",
             f"{t('metric_' + metric, lang)}: {_value_text(metric, value, lang, status)}",
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
) -> dict[str, Any]:
    """The whole map figure of a view, as a plain plotly figure dict.

    Plain dicts, not ``go.Figure``: plotly's per-property validation was most of the build
    time of every interaction; :func:`build_map_figure` validates the same dict for exports
    and tests.

    ``values`` has columns region_code, value (NaN = no data) and optionally date_text (the
    as-of date of each value). ``footprint`` lists region codes outlined as the selected
    engagement's area. ``sites`` are the mapped sites to show (see ``layers.sites``); above
    ``aggregate_above`` places they are drawn as grid cells (``None``: every place, for the
    baseline benchmark only).
    ``with_geometry=False`` leaves the GeoJSON out, for updates of a map already drawn
    (copying the GeoJSON into a figure is most of the build time).
    """
    lang, metric = state.lang, state.metric
    as_of_text = as_of_text or state.period.label(lang)  # the legend always states its date
    k = 1.5 if state.mode == "brief" else 1.0  # larger type for the back of a meeting room

    def fs(size: int) -> int:
        return round(size * k)

    scheme = SCHEMES[metric]
    notes = notes or {}
    codes = list(base.region_names)
    by_code = values.set_index("region_code") if not values.empty else pd.DataFrame(columns=["value"])
    region_values = [by_code["value"].get(code) if code in by_code.index else None for code in codes]
    region_values = [None if v is None or pd.isna(v) else float(v) for v in region_values]
    statuses = [str(by_code["status"].get(code)) if "status" in by_code and code in by_code.index else "unknown" for code in codes]
    classes = [scheme.classify(v, s) for v, s in zip(region_values, statuses, strict=True)]
    dates = [
        str(by_code["date_text"].get(code)) if "date_text" in by_code and code in by_code.index and by_code["date_text"].get(code) else as_of_text
        for code in codes
    ]
    layers = set(state.layers)
    data: list[dict[str, Any]] = []

    # 0: Sahel context (neighbours; G5 Sahel members a shade darker).
    data.append(dict(type="choropleth",
        **({"geojson": base.countries_geojson} if with_geometry else {}), featureidkey="properties.iso3",
        locations=[c[0] for c in base.countries], z=[1 if c[3] else 0 for c in base.countries],
        colorscale=[[0, "#f4f4f1"], [1, "#e6e4dc"]], zmin=0, zmax=1, showscale=False,
        marker={"line": {"color": "#8c8c8c", "width": 0.8}},
        hovertext=[f"<b>{html.escape(c[2] if lang == 'fr' else c[1])}</b>" + (f"<br>{t('g5_member', lang)}" if c[3] else "") for c in base.countries],
        hoverinfo="text", name=t("layer_context", lang), visible="context" in layers,
    ))
    # 1: regions choropleth; the footprint is a thick dark outline, so it reads without colour.
    labels = scheme.labels(lang)
    data.append(dict(type="choropleth",
        **({"geojson": base.regions_geojson} if with_geometry else {}), featureidkey="properties.region_code",
        locations=codes, z=classes, customdata=codes,
        colorscale=scheme.colorscale(), zmin=scheme.color_range[0], zmax=scheme.color_range[1],
        marker={"line": {
            "color": ["#111111" if c in footprint else "#555555" for c in codes],
            "width": [3.5 if c in footprint and "footprint" in layers else 0.8 for c in codes],
        }},
        colorbar={
            "title": {"text": f"{t('metric_' + metric, lang)}<br><sub>{t('unit_' + metric, lang)}, {as_of_text}</sub>", "font": {"size": fs(14)}},
            "tickvals": list(range(scheme.first_class, scheme.first_class + len(labels))), "ticktext": labels,
            "x": 0.0, "xanchor": "left", "y": 0.02, "yanchor": "bottom", "len": 0.42, "thickness": 16,
            "bgcolor": "rgba(255,255,255,0.85)", "outlinewidth": 0, "tickfont": {"size": fs(13)},
        },
        hovertext=[region_hover(base.region_names[c], metric, v, d, notes.get(c, ""), lang=lang, status=s)
                   for c, v, d, s in zip(codes, region_values, dates, statuses, strict=True)],
        hoverinfo="text", name=t("metric_" + metric, lang), visible="regions" in layers,
    ))
    # 2: country names; 3: region names with values.
    data.append({"type": "scattergeo",
        "lon": [c[4] for c in base.countries if c[0] != "MLI"], "lat": [c[5] for c in base.countries if c[0] != "MLI"],
        "text": [(c[2] if lang == "fr" else c[1]).upper() for c in base.countries if c[0] != "MLI"],
        "mode": "text", "textfont": {"size": fs(13), "color": "#6b6b6b", "family": FONT}, "hoverinfo": "skip",
        "showlegend": False, "visible": "context" in layers and "labels" in layers,
    })
    markers = group_sites(sites if sites is not None else empty_points(), selected_sites, aggregate_above)
    # The briefing layout gives the map about three quarters of the desk layout's width.
    deg_per_px = (LON_RANGE[1] - LON_RANGE[0]) / (DEFAULT_PLOT_PX * (0.75 if state.mode == "brief" else 1.0))
    requests = [
        LabelRequest(f"r:{c}", *base.region_points[c],
                     f"<b>{html.escape(base.region_names[c][lang])}</b><br>{_value_text(metric, v, lang, s)}", 100, centred=True)
        for c, v, s in zip(codes, region_values, statuses, strict=True)
    ]
    site_requests = [
        LabelRequest(f"s:{i}", m.lon, m.lat, m.place, 50 - SITE_KINDS.index(m.kind)) for i, m in enumerate(markers)
    ]
    # Only the most important places get a label candidate: beyond a few dozen, labels
    # cannot all fit at the default zoom anyway, and placement cost grows with the square.
    ranked = sorted(site_requests, key=lambda r: (-r.priority, r.text))[:MAX_SITE_LABELS]
    requests += ranked
    obstacles = [(m.lon, m.lat) for m in markers] if len(markers) <= MAX_SITE_LABELS * 4 else [(r.lon, r.lat) for r in ranked]
    placements = {p.key: p for p in place_labels(requests, obstacles, deg_per_px=deg_per_px, font_px=14 * k)}
    for req in site_requests:
        placements.setdefault(req.key, Placement(req.key, "middle right", shown=False))
    region_shown = [placements[f"r:{c}"].shown for c in codes]
    data.append({"type": "scattergeo",
        "lon": [base.region_points[c][0] for c in codes], "lat": [base.region_points[c][1] for c in codes],
        "text": [r.text if shown else "" for r, shown in zip(requests, region_shown, strict=False)],
        "textposition": [placements[f"r:{c}"].position for c in codes],
        "mode": "text", "hoverinfo": "skip", "showlegend": False,
        "textfont": {"size": fs(14), "family": FONT, "color": ["#ffffff" if k in DARK_CLASSES else "#1a1a1a" for k in classes],
                  "shadow": "auto"},
        "visible": "labels" in layers and "regions" in layers,
    })
    # 4..: one trace per site kind (possibly empty), so the legend is the symbol key.
    show_sites = "sites" in layers
    by_kind: dict[str, list[tuple[str, Marker]]] = {kind: [] for kind in SITE_KINDS}
    for i, m in enumerate(markers):
        by_kind.setdefault(m.kind, []).append((f"s:{i}", m))
    for kind in SITE_KINDS:
        part = by_kind[kind]
        symbol = SITE_SYMBOLS[kind]
        data.append({"type": "scattergeo",
            "lon": [m.lon for _, m in part], "lat": [m.lat for _, m in part],
            "mode": "markers+text" if "labels" in layers else "markers",
            "text": [m.place if placements[key].shown else "" for key, m in part],
            "textposition": [placements[key].position for key, _ in part] or "middle right",
            "textfont": {"size": fs(13), "family": FONT, "color": "#1a1a1a", "shadow": HALO, "weight": 600},
            "customdata": [list(m.site_ids) for _, m in part],  # a place's site ids (none for a cell)
            "hovertext": [_site_hover(m, lang) for _, m in part],
            "hoverinfo": "text",
            "marker": {
                "symbol": [f"{symbol}-open" if m.approximate else symbol for _, m in part],
                "size": [fs(10) + round(3 * math.log2(m.count)) if m.count else fs(14 if kind == "training_site" else 12)
                         for _, m in part],
                "color": SITE_COLOURS[kind],
                "line": {"color": "#ffffff", "width": 1.2},
            },
            "name": label(kind, lang), "legendgroup": "sites", "visible": show_sites, "showlegend": bool(part),
        })
    # last: a ring around the selected engagement's sites.
    chosen = [m for m in markers if m.selected]
    data.append({"type": "scattergeo",
        "lon": [m.lon for m in chosen], "lat": [m.lat for m in chosen], "mode": "markers", "hoverinfo": "skip", "showlegend": False,
        "marker": {"symbol": "circle-open", "size": fs(28), "color": "#D55E00", "line": {"width": 3}},
        "visible": show_sites and bool(selected_sites),
    })
    layout = {
        "geo": {
            "visible": False, "projection": {"type": "mercator"},
            "lonaxis": {"range": list(LON_RANGE)}, "lataxis": {"range": list(LAT_RANGE)},
            "bgcolor": "#dfe9f0", "showframe": False,
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": fs(14), "color": "#1a1a1a"},
        "legend": {"x": 0.995, "xanchor": "right", "y": 0.9, "bgcolor": "rgba(255,255,255,0.88)",
                "title": {"text": t("sites", lang)}, "font": {"size": fs(13)}},
        "hoverlabel": {"font": {"size": fs(14), "family": FONT}, "bgcolor": "#ffffff"},
        "uirevision": "map",  # keep the user's zoom and pan across filter changes
        "dragmode": "pan",
    }
    return {"data": data, "layout": layout}
