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

import pandas as pd
import plotly.graph_objects as go

from layers.classes import COLOR_RANGE, DARK_CLASSES, SCHEMES, discrete_colorscale
from layers.i18n import fmt_eur, fmt_int, label, t
from layers.labels import LabelRequest, Placement, place_labels
from layers.view_state import ViewState

SITE_KINDS = ("training_site", "headquarters", "base", "police_unit", "border_post", "school", "project_site", "town")
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
MAX_MARKERS = 400  # above this many places, markers are aggregated into 0.5-degree cells
CLUSTER_IDS = 20
MAX_CELL_DEG = 4.0  # site ids kept per cluster marker (the detail panel lists the rest)  # map width at the default layout, for label collision estimates
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


def _value_text(metric: str, value: float | None, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("no_data", lang)
    return fmt_eur(value, lang) if metric == "budget" else fmt_int(value, lang)


def region_hover(names: dict[str, str], metric: str, value: float | None, as_of: str, note: str, lang: str) -> str:
    """Hover text of a region: name, value with unit, as-of date, crosswalk note."""
    parts = [f"<b>{html.escape(names[lang])}</b>",
             f"{t('metric_' + metric, lang)}: {_value_text(metric, value, lang)}",
             f"{t('as_of', lang)} {html.escape(as_of)}"]
    if note:
        parts.append(f"<i>{html.escape(note)}</i>")
    return "<br>".join(parts)


def _group_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """One marker per location; its kind is the most important kind present there."""
    columns = ["lon", "lat", "kind", "site_ids", "place", "hover_rows", "approximate"]
    if sites.empty:
        return pd.DataFrame(columns=columns)
    order = {k: i for i, k in enumerate(SITE_KINDS)}
    ranked = sites.assign(_rank=sites["kind"].map(order)).sort_values(["lat", "lon", "_rank"], kind="stable")
    # One pass over plain lists: per-group pandas operations were quadratic-feeling at scale.
    rows: dict[tuple[float, float], dict] = {}
    for lat, lon, kind, site_id, name, precision, placed_at in zip(
        ranked["lat"], ranked["lon"], ranked["kind"], ranked["site_id"], ranked["name"], ranked["precision"],
        ranked["placed_at"], strict=True,
    ):
        row = rows.get((lat, lon))
        if row is None:
            place = str(placed_at).removeprefix("GeoNames:").split(",")[0].strip() or name
            row = rows[(lat, lon)] = {"lon": float(lon), "lat": float(lat), "kind": kind, "site_ids": [], "place": place,
                                      "hover_rows": [], "approximate": True}
        row["site_ids"].append(site_id)
        row["hover_rows"].append((name, kind, precision))
        row["approximate"] = row["approximate"] and precision == "nearest_town"
    out = pd.DataFrame(list(rows.values()), columns=columns)
    out["site_ids"] = out["site_ids"].map(tuple)
    out["hover_rows"] = out["hover_rows"].map(tuple)
    return cluster_sites(out) if len(out) > MAX_MARKERS else out


def cluster_sites(grouped: pd.DataFrame, cell_deg: float = 0.5) -> pd.DataFrame:
    """Aggregate markers into grid cells per kind when there are too many to draw or send.

    Server-side aggregation keeps the payload bounded (thousands of project or incident points
    would otherwise cost megabytes per filter change). The cell doubles until the markers fit
    ``MAX_MARKERS``; each marker sits at its members' mean position and its hover says how many
    sites it stands for.
    """
    lons, lats, kinds = list(grouped["lon"]), list(grouped["lat"]), list(grouped["kind"])
    ids_col, hover_col = list(grouped["site_ids"]), list(grouped["hover_rows"])
    approx_col, place_col = list(grouped["approximate"]), list(grouped["place"])
    while True:
        cells: dict[tuple[int, int, str], list[int]] = {}
        for i, (lon, lat, kind) in enumerate(zip(lons, lats, kinds, strict=True)):
            cells.setdefault((int(lon // cell_deg), int(lat // cell_deg), kind), []).append(i)
        if len(cells) <= MAX_MARKERS or cell_deg >= MAX_CELL_DEG:
            break
        cell_deg *= 2
    rows = []
    for (_, _, kind), members in cells.items():
        ids = [i for m in members for i in ids_col[m]]
        hover = [r for m in members[:8] for r in hover_col[m]]
        rows.append({
            "lon": sum(lons[m] for m in members) / len(members), "lat": sum(lats[m] for m in members) / len(members),
            "kind": kind, "site_ids": tuple(ids[:CLUSTER_IDS]),
            "place": place_col[members[0]] if len(members) == 1 else f"×{len(ids)}",
            "hover_rows": tuple(hover) + (("…", kind, "nearest_town"),) * (len(ids) > len(hover)),
            "approximate": all(approx_col[m] for m in members), "count": len(ids),
        })
    return pd.DataFrame(rows)


def _site_hover(place: str, rows: tuple[tuple[str, str, str], ...], lang: str) -> str:
    lines = [f"<b>{html.escape(place)}</b>"]
    for name, kind, precision in rows[:8]:
        lines.append(f"• {html.escape(name)} — {label(kind, lang)}, {label(precision, lang)}")
    if len(rows) > 8:
        lines.append(f"… +{len(rows) - 8}")
    return "<br>".join(lines)


def build_map_figure(
    base: MapBase,
    values: pd.DataFrame,
    state: ViewState,
    *,
    footprint: frozenset[str] = frozenset(),
    sites: pd.DataFrame | None = None,
    selected_sites: frozenset[str] = frozenset(),
    as_of_text: str = "",
    notes: dict[str, str] | None = None,
    with_geometry: bool = True,
) -> go.Figure:
    """Build the whole map figure for a view.

    ``values`` has columns region_code, value (NaN = no data) and optionally date_text (the
    as-of date of each value). ``footprint`` lists region codes outlined as the selected
    engagement's area. ``sites`` are the mapped sites to show (see ``layers.view_model``).
    ``with_geometry=False`` leaves the GeoJSON out, for updates of a map already drawn
    (copying the GeoJSON into a figure is most of the build time).
    """
    lang, metric = state.lang, state.metric
    as_of_text = as_of_text or str(state.year)  # the legend always states its date
    k = 1.5 if state.mode == "brief" else 1.0  # larger type for the back of a meeting room

    def fs(size: int) -> int:
        return round(size * k)

    scheme = SCHEMES[metric]
    notes = notes or {}
    codes = list(base.region_names)
    by_code = values.set_index("region_code") if not values.empty else pd.DataFrame(columns=["value"])
    region_values = [by_code["value"].get(code) if code in by_code.index else None for code in codes]
    region_values = [None if v is None or pd.isna(v) else float(v) for v in region_values]
    classes = [scheme.classify(v) for v in region_values]
    dates = [
        str(by_code["date_text"].get(code)) if "date_text" in by_code and code in by_code.index and by_code["date_text"].get(code) else as_of_text
        for code in codes
    ]
    layers = set(state.layers)
    # Inputs are built here from validated data; skipping plotly's per-element validation
    # is most of the build time when thousands of sites are shown.
    fig = go.Figure(_validate=False)

    # 0: Sahel context (neighbours; G5 Sahel members a shade darker).
    fig.add_trace(dict(type="choropleth",
        geojson=base.countries_geojson if with_geometry else None, featureidkey="properties.iso3",
        locations=[c[0] for c in base.countries], z=[1 if c[3] else 0 for c in base.countries],
        colorscale=[[0, "#f4f4f1"], [1, "#e6e4dc"]], zmin=0, zmax=1, showscale=False,
        marker={"line": {"color": "#8c8c8c", "width": 0.8}},
        hovertext=[f"<b>{html.escape(c[2] if lang == 'fr' else c[1])}</b>" + (f"<br>{t('g5_member', lang)}" if c[3] else "") for c in base.countries],
        hoverinfo="text", name=t("layer_context", lang), visible="context" in layers,
    ))
    # 1: regions choropleth; the footprint is a thick dark outline, so it reads without colour.
    labels = scheme.labels(lang)
    fig.add_trace(dict(type="choropleth",
        geojson=base.regions_geojson if with_geometry else None, featureidkey="properties.region_code",
        locations=codes, z=classes, customdata=codes,
        colorscale=discrete_colorscale(), zmin=COLOR_RANGE[0], zmax=COLOR_RANGE[1],
        marker={"line": {
            "color": ["#111111" if c in footprint else "#555555" for c in codes],
            "width": [3.5 if c in footprint and "footprint" in layers else 0.8 for c in codes],
        }},
        colorbar={
            "title": {"text": f"{t('metric_' + metric, lang)}<br><sub>{t('unit_' + metric, lang)}, {as_of_text}</sub>", "font": {"size": fs(14)}},
            "tickvals": list(range(-1, len(labels) - 1)), "ticktext": labels,
            "x": 0.0, "xanchor": "left", "y": 0.02, "yanchor": "bottom", "len": 0.42, "thickness": 16,
            "bgcolor": "rgba(255,255,255,0.85)", "outlinewidth": 0, "tickfont": {"size": fs(13)},
        },
        hovertext=[region_hover(base.region_names[c], metric, v, d, notes.get(c, ""), lang) for c, v, d in zip(codes, region_values, dates, strict=True)],
        hoverinfo="text", name=t("metric_" + metric, lang), visible="regions" in layers,
    ))
    # 2: country names; 3: region names with values.
    fig.add_trace(dict(type="scattergeo",
        lon=[c[4] for c in base.countries if c[0] != "MLI"], lat=[c[5] for c in base.countries if c[0] != "MLI"],
        text=[(c[2] if lang == "fr" else c[1]).upper() for c in base.countries if c[0] != "MLI"],
        mode="text", textfont={"size": fs(13), "color": "#6b6b6b", "family": FONT}, hoverinfo="skip",
        showlegend=False, visible="context" in layers and "labels" in layers,
    ))
    sites = sites if sites is not None else pd.DataFrame(columns=["lat", "lon", "kind", "site_id", "name", "precision", "placed_at"])
    grouped = _group_sites(sites)
    # The briefing layout gives the map about three quarters of the desk layout's width.
    deg_per_px = (LON_RANGE[1] - LON_RANGE[0]) / (DEFAULT_PLOT_PX * (0.75 if state.mode == "brief" else 1.0))
    requests = [
        LabelRequest(f"r:{c}", *base.region_points[c], f"<b>{base.region_names[c][lang]}</b><br>{_value_text(metric, v, lang)}", 100, centred=True)
        for c, v in zip(codes, region_values, strict=True)
    ]
    site_requests = [
        LabelRequest(f"s:{i}", row.lon, row.lat, row.place, 50 - SITE_KINDS.index(row.kind))
        for i, row in enumerate(grouped.itertuples())
    ]
    # Only the most important places get a label candidate: beyond a few dozen, labels
    # cannot all fit at the default zoom anyway, and placement cost grows with the square.
    ranked = sorted(site_requests, key=lambda r: (-r.priority, r.text))[:MAX_SITE_LABELS]
    requests += ranked
    markers = list(zip(grouped["lon"], grouped["lat"], strict=True)) if len(grouped) <= MAX_SITE_LABELS * 4 else [(r.lon, r.lat) for r in ranked]
    placements = {p.key: p for p in place_labels(requests, markers, deg_per_px=deg_per_px, font_px=14 * k)}
    for req in site_requests:
        placements.setdefault(req.key, Placement(req.key, "middle right", shown=False))
    region_shown = [placements[f"r:{c}"].shown for c in codes]
    fig.add_trace(dict(type="scattergeo",
        lon=[base.region_points[c][0] for c in codes], lat=[base.region_points[c][1] for c in codes],
        text=[r.text if shown else "" for r, shown in zip(requests, region_shown, strict=False)],
        textposition=[placements[f"r:{c}"].position for c in codes],
        mode="text", hoverinfo="skip", showlegend=False,
        textfont={"size": fs(14), "family": FONT, "color": ["#ffffff" if k in DARK_CLASSES else "#1a1a1a" for k in classes],
                  "shadow": "auto"},
        visible="labels" in layers and "regions" in layers,
    ))
    # 4..: one trace per site kind (possibly empty), so the legend is the symbol key.
    show_sites = "sites" in layers
    for kind in SITE_KINDS:
        part = grouped[grouped["kind"] == kind] if not grouped.empty else grouped
        keys = [f"s:{i}" for i in part.index]
        symbol = SITE_SYMBOLS[kind]
        fig.add_trace(dict(type="scattergeo",
            lon=list(part["lon"]), lat=list(part["lat"]),
            mode="markers+text" if "labels" in layers else "markers",
            text=[row.place if placements[k].shown else "" for k, row in zip(keys, part.itertuples(), strict=True)],
            textposition=[placements[k].position for k in keys] or "middle right",
            textfont={"size": fs(13), "family": FONT, "color": "#1a1a1a", "shadow": HALO, "weight": 600},
            customdata=[list(ids) for ids in part["site_ids"]],
            hovertext=[_site_hover(row.place, row.hover_rows, lang) for row in part.itertuples()],
            hoverinfo="text",
            marker={
                "symbol": [f"{symbol}-open" if a else symbol for a in part["approximate"]],
                "size": ([fs(10) + round(3 * math.log2(c)) for c in part["count"]] if "count" in part
                         else fs(14 if kind == "training_site" else 12)),
                "color": SITE_COLOURS[kind],
                "line": {"color": "#ffffff", "width": 1.2},
            },
            name=label(kind, lang), legendgroup="sites", visible=show_sites, showlegend=bool(len(part)),
        ))
    # last: a ring around the selected engagement's sites.
    chosen = grouped[grouped["site_ids"].map(lambda ids: bool(set(ids) & selected_sites))] if not grouped.empty else grouped
    fig.add_trace(dict(type="scattergeo",
        lon=list(chosen["lon"]), lat=list(chosen["lat"]), mode="markers", hoverinfo="skip", showlegend=False,
        marker={"symbol": "circle-open", "size": fs(28), "color": "#D55E00", "line": {"width": 3}},
        visible=show_sites and bool(selected_sites),
    ))
    fig.update_layout(
        geo={
            "visible": False, "projection": {"type": "mercator"},
            "lonaxis": {"range": list(LON_RANGE)}, "lataxis": {"range": list(LAT_RANGE)},
            "bgcolor": "#dfe9f0", "showframe": False,
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor="#ffffff",
        font={"family": FONT, "size": fs(14), "color": "#1a1a1a"},
        legend={"x": 0.995, "xanchor": "right", "y": 0.9, "bgcolor": "rgba(255,255,255,0.88)",
                "title": {"text": t("sites", lang)}, "font": {"size": fs(13)}},
        hoverlabel={"font": {"size": fs(14), "family": FONT}, "bgcolor": "#ffffff"},
        uirevision="map",  # keep the user's zoom and pan across filter changes
        dragmode="pan",
    )
    return fig
