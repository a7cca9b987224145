"""The map: Mali's regions as a choropleth, with sites, towns, rivers and the Sahel context.

Why plotly *geo* traces (``choropleth``/``scattergeo``) and not MapLibre (``choroplethmap``):
the map must work with no network and export as vector (SVG/PDF) for reports. Geo traces are
drawn as SVG from our own GeoJSON; the only base layers are Natural Earth's rivers and lakes
from the vendored topojson (``assets/topojson``), which plotly draws above the choropleths.
MapLibre would be WebGL raster on export and needs a style server for every layer.

The trace order is fixed (see ``TRACE``) so callbacks can ``Patch`` values, colours and
visibility without resending the GeoJSON after the first render.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from layers.classes import SCHEMES, STAGE_SCHEMES, ClassScheme
from layers.i18n import fmt_date_text, fmt_eur, fmt_int, t
from layers.labels import LabelRequest, Placement, place_labels
from layers.map_base import (
    DESK_MAP_PX,
    FONT,
    LAT_RANGE,
    LON_RANGE,
    STAGE_MAP_PX,
    Country,
    Look,
    MapBase,
    MapVersion,
    RiverLabel,
    Town,
)
from layers.map_marks import (
    FILTER_LINE,
    FOOTPRINT_LINE,
    KEYS,
    LAKE_COLOUR,
    RIVER_COLOUR,
    change_trace,
    key_traces,
    leader_traces,
    legend_marks,
    place_name,
    ring_radius_px,
    ring_trace,
    river_label_trace,
    site_traces,
    town_index,
    town_trace,
    visible_towns,
)
from layers.places import fold
from layers.sites import MAX_MARKERS, SITE_KINDS, Marker, SitePoints, empty_points, group_sites
from layers.text import plain
from layers.view_state import ViewState

__all__ = ["LAT_RANGE", "LON_RANGE", "SITE_KINDS", "TRACE", "Country", "MapBase", "RiverLabel", "Town",
           "build_map_figure", "map_date_text", "map_legend", "map_spec", "region_hover", "view_scheme"]

# Region names come after the sites: a name that sits on a marker (Bamako, smaller than its name,
# holds the headquarters and the training site) is read over it, not cut by it ("Bam★ko").
TRACE = {"context": 0, "regions": 1, "ring": 2, "towns": 3, "river_labels": 4, "context_labels": 5,
         "sites": 6, "leaders": 6 + len(SITE_KINDS), "moved_labels": 7 + len(SITE_KINDS),
         "region_labels": 8 + len(SITE_KINDS), "changes": 9 + len(SITE_KINDS), "keys": 10 + len(SITE_KINDS)}
TRACE_COUNT = TRACE["keys"] + len(KEYS)
MAX_SITE_LABELS = 40
DIMMED = 0.35  # opacity of the regions outside a region filter
MAP_RIGHT = 0.78  # the desk map's frame ends here; its legends sit in the column to the right
MUST = 300  # priority of labels that must show (placed first, never hidden)
# The right-hand column: the colour scale (its title included) from the top, the legend of marks
# from the foot up. Hung below the scale, a selection's legend (12 entries, about 250 px) ran past
# the foot of a 420 px map (a 1280x720 window), and plotly shrank the map to make room (471 px
# wide instead of 609).
TITLE_LINE_PX, TITLE_PAD_PX, CLASS_PX = 17.5, 26, 12.5  # measured in Chromium at 13 px type (title lines, pads)


def colorbar_px(title_lines: int, classes: int, look: Look) -> int:
    """The colour scale's length in pixels: its title's lines and pads, then a band per class."""
    return round((TITLE_PAD_PX + TITLE_LINE_PX * title_lines + CLASS_PX * max(classes, 2)) * look.fs(13) / 13)


def _value_text(metric: str, value: float | None, lang: str, status: str = "value") -> str:
    """A region's value as text: unknown and none are words, never zero."""
    if status == "excluded":
        return t("class_excluded", lang)
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
    parts = [f"<b>{plain(names[lang])}</b>",
             # A partial region (IDPs) has counts for some of its areas only: never "no count", never a total.
             f"{t('metric_' + metric, lang)}: {t('map_idp_partial', lang) if status == 'partial' else _value_text(metric, value, lang, status)}",
             # Engagements are counted over the period: "active in 2019" (map_date_text), not "as of".
             plain(as_of) if metric == "engagements" else f"{t('as_of', lang)} {plain(as_of)}"]
    if note:
        parts.append(f"<i>{note}</i>")  # region_notes returns plotly-safe markup
    return "<br>".join(parts)


def _label_value(metric: str, value: float | None, lang: str, status: str) -> str:
    """The value as a map label says it: short words for what is not a number (the hover and
    the legend say it in full).
    """
    if status == "value" and value is not None and not pd.isna(value):
        return _value_text(metric, value, lang, status)
    word = {"none": "label_none", "listed": "label_listed", "partial": "label_partial",
            "excluded": "label_excluded"}.get(status, "label_unknown")
    return t(word, lang)


def view_scheme(state: ViewState) -> ClassScheme:
    """The colour classes of a view's map: the stage's or the desk's; "not in this view" alone for
    a Mali count (engagements, money) in a view that leaves Mali out (``ViewState.maps_mali``).
    """
    scheme = (STAGE_SCHEMES if state.mode == "brief" else SCHEMES)[state.metric]
    return scheme if state.maps_mali else scheme.without_mali()


def build_map_figure(base: MapBase, values: pd.DataFrame, state: ViewState, **kwargs: object) -> go.Figure:
    """The map as a validated ``go.Figure`` (exports and tests); see :func:`map_spec`."""
    return go.Figure(map_spec(base, values, state, **kwargs))  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Regions:
    """Per-region arrays of a view, in its boundary version's region order."""

    version: MapVersion
    codes: list[str]
    values: list[float | None]
    statuses: list[str]
    classes: list[int]
    dates: list[str]


def _regions(base: MapBase, values: pd.DataFrame, scheme: ClassScheme, as_of_text: str, version_id: str,
             *, lang: str = "en") -> _Regions:
    version = base.version(version_id)
    codes = list(version.codes)
    by_code = values.set_index("region_code") if not values.empty else pd.DataFrame(columns=["value"])
    raw = [by_code["value"].get(code) if code in by_code.index else None for code in codes]
    region_values = [None if v is None or pd.isna(v) else float(v) for v in raw]
    statuses = [str(by_code["status"].get(code)) if "status" in by_code and code in by_code.index else "unknown" for code in codes]
    dates = [
        # the source's ISO text ("2020-12") as the page writes dates ("Dec 2020")
        fmt_date_text(str(by_code["date_text"].get(code)), lang)
        if "date_text" in by_code and code in by_code.index and by_code["date_text"].get(code) else as_of_text
        for code in codes
    ]
    classes = [scheme.classify(v, s) for v, s in zip(region_values, statuses, strict=True)]
    return _Regions(version, codes, region_values, statuses, classes, dates)


def _context_trace(base: MapBase, look: Look, with_geometry: bool) -> dict[str, Any]:
    """Sahel context: the neighbours, G5 Sahel members a shade darker."""
    lang = look.lang
    return dict(type="choropleth",
        **({"geojson": base.countries_geojson} if with_geometry else {}), featureidkey="properties.iso3",
        locations=[c.iso3 for c in base.countries], z=[1 if c.g5 else 0 for c in base.countries],
        colorscale=[[0, "#f4f4f1"], [1, "#e6e4dc"]], zmin=0, zmax=1, showscale=False,
        marker={"line": {"color": "#8c8c8c", "width": 0.8}},
        hovertext=[f"<b>{plain(c.name(lang))}</b>" + (f"<br>{t('g5_member', lang)}" if c.g5 else "") for c in base.countries],
        hoverinfo="text", name=t("layer_context", lang), visible=look.shows("context"),
    )


def map_date_text(state: ViewState, as_of_text: str = "") -> str:
    """When the map's values stand: engagements are counted over the period (an engagement that
    ended in March counts for its year), so the period, not its last day; money in force and
    displacement at the view's date. The legend always states it.
    """
    if state.metric == "engagements":
        return t("map_active_in", state.lang, period=state.period.label(state.lang))
    return as_of_text or state.period.label(state.lang)


def legend_title(look: Look, as_of_text: str, country_wide: int | None) -> tuple[str, str]:
    """The metric's name and what it means (unit, date, and for engagements the country-wide ones)."""
    lang, metric = look.lang, look.metric
    subtitle = f"{t('unit_' + metric, lang)}, {as_of_text}"
    if metric == "engagements" and country_wide:
        subtitle += " · " + t("legend_country_wide", lang, n=country_wide)
    return t("metric_" + metric, lang), subtitle


def _outline(code: str, footprint: frozenset[str], filtered: frozenset[str], look: Look) -> tuple[str, float]:
    if code in footprint and look.shows("footprint"):
        return FOOTPRINT_LINE
    if code in filtered:
        return FILTER_LINE
    return "#555555", 0.8


def _regions_trace(base: MapBase, r: _Regions, look: Look, *, footprint: frozenset[str], filtered: frozenset[str],
                   notes: dict[str, str], title: tuple[str, str], with_geometry: bool) -> dict[str, Any]:
    """The regions choropleth: the footprint a thick dark outline (it reads without colour), the
    filtered regions outlined and the others dimmed.
    """
    lang, metric, scheme = look.lang, look.metric, look.scheme
    labels = scheme.labels(lang)
    lines = [_outline(c, footprint, filtered, look) for c in r.codes]
    subtitle = textwrap.wrap(title[1], 36)
    return dict(type="choropleth",
        # Every version's polygons are in the GeoJSON; listing one version's keys draws that version.
        **({"geojson": base.regions_geojson} if with_geometry else {}), featureidkey="properties.key",
        locations=[f"{r.version.version_id}|{c}" for c in r.codes], z=r.classes, customdata=r.codes,
        colorscale=scheme.colorscale(), zmin=scheme.color_range[0], zmax=scheme.color_range[1],
        marker={"line": {"color": [c for c, _ in lines], "width": [w for _, w in lines]}},
        # Regions outside a region filter are dimmed (plotly's own selection styling).
        selectedpoints=[i for i, c in enumerate(r.codes) if c in filtered] if filtered else None,
        unselected={"marker": {"opacity": DIMMED}},
        # Beside the map, never over it: the map's frame ends at MAP_RIGHT (see _layout).
        colorbar={
            "title": {"text": f"<b>{title[0]}</b><br>" + "<br>".join(plain(x) for x in subtitle),
                      "font": {"size": look.fs(13)}, "side": "top"},
            "tickvals": list(range(scheme.first_class, scheme.first_class + len(labels))), "ticktext": labels,
            "x": MAP_RIGHT + 0.01, "xanchor": "left", "y": 0.985, "yanchor": "top", "thickness": 16,
            # In pixels, its title included (plotly counts it): a share of the height gave a French title of
            # five lines nearly all of it on a 420 px map, and six classes 6 px each.
            "lenmode": "pixels", "len": colorbar_px(1 + len(subtitle), len(labels), look),
            "bgcolor": "rgba(255,255,255,0)", "outlinewidth": 0, "tickfont": {"size": look.fs(13)},
        },
        hovertext=[region_hover(base.region_names[c], metric, v, d, notes.get(c, ""), lang=lang, status=s)
                   for c, v, d, s in zip(r.codes, r.values, r.dates, r.statuses, strict=True)],
        hoverinfo="text", name=t("metric_" + metric, lang), visible=look.shows("regions"),
        # The stage draws its legend beside the map (map_legend), never over Mali's west.
        showscale=not look.brief,
    )


def _country_labels(base: MapBase, placements: dict[str, Placement], look: Look) -> dict[str, Any]:
    """Neighbours' names in capitals, where no town or site label needs the room."""
    others = [c for c in base.countries if c.iso3 != "MLI"]
    spots = [placements[f"c:{c.iso3}"] for c in others]
    return {"type": "scattergeo", "lon": [c.lon + p.dlon for c, p in zip(others, spots, strict=True)],
            "lat": [c.lat + p.dlat for c, p in zip(others, spots, strict=True)],
            "textposition": [p.position for p in spots] or "middle center",
            "text": [plain(c.name(look.lang).upper()) if p.shown else "" for c, p in zip(others, spots, strict=True)],
            "mode": "text", "textfont": {"size": look.fs(13), "color": "#595959", "family": FONT}, "hoverinfo": "skip",
            "showlegend": False, "visible": look.shows("context", "labels")}


@dataclass(frozen=True)
class _Labels:
    """The region label requests and where every label (regions, sites, towns) went."""

    regions: list[LabelRequest]
    placements: dict[str, Placement]


def _placements(base: MapBase, r: _Regions, markers: list[Marker], names: list[str], look: Look, *, towns: list[Town],
                filtered: frozenset[str], emphasis: frozenset[str], label_px: int) -> _Labels:
    """Where each label goes. First, and never hidden: the capital, the selected engagement's
    places, the filtered regions and the places in ``emphasis`` (folded names a scene talks about).
    """
    lang = look.lang
    deg_per_px = (LON_RANGE[1] - LON_RANGE[0]) / label_px
    region_requests = [
        LabelRequest(f"r:{c}", *r.version.points[c],
                     # On the stage one line: two lines of 27 px type collide between Mopti and Ségou.
                     f"<b>{plain(base.region_names[c][lang])}</b>{' ' if look.brief else '<br>'}{_label_value(look.metric, v, lang, s)}",
                     MUST if c in filtered or fold(base.region_names[c][lang]) in emphasis else 100, centred=True,
                     # On the desk never hidden (a region's label carries its value; colour alone never does).
                     # The stage's 27 px type on a 1,150 px map cannot hold all nine: there a region gives
                     # way unless the scene or a filter names it. Both keep each name inside its region:
                     # moved off its point on the stage, "Mopti 4" sat in Ségou and "Segou 2" in Koulikoro.
                     must=not look.brief or c in filtered or fold(base.region_names[c][lang]) in emphasis,
                     area=r.version.areas.get(c))
        for c, v, s in zip(r.codes, r.values, r.statuses, strict=True)
    ] if look.shows("regions") else []
    site_requests = [
        # The selected engagement's places before the regions' names: a place is tied to its point (by a
        # leader line at most), a region's name may go anywhere in its region.
        LabelRequest(f"s:{i}", m.lon, m.lat, names[i], (200 if fold(names[i]) in emphasis or m.selected else 50) - SITE_KINDS.index(m.kind),
                     must=m.selected or fold(names[i]) in emphasis)
        for i, m in enumerate(markers)
    ] if look.shows("sites") else []
    # A regional capital named like its region (Ségou in Ségou) is named once, by the region's label.
    named_by_region = {x.town_id for x in towns if region_requests and x.kind != "capital" and x.region in base.region_names
                       and fold(x.name(lang)) == fold(base.region_names[x.region][lang])}
    town_requests = [
        LabelRequest(f"t:{x.town_id}", x.lon, x.lat, x.name(lang), {"capital": 400, "regional_capital": 90}.get(x.kind, 40),
                     must=x.kind == "capital" or fold(x.name(lang)) in emphasis)
        for x in towns if x.town_id not in named_by_region
    ] if look.shows("towns") else []
    country_requests = [
        LabelRequest(f"c:{c.iso3}", c.lon, c.lat, c.name(lang).upper(), 20, centred=True, clear_of_markers=True)
        for c in base.countries if c.iso3 != "MLI"
    ] if look.shows("context", "labels") else []
    river_requests = [
        LabelRequest(f"v:{k}", x.lon, x.lat, x.name_fr if lang == "fr" else x.name_en, 30, centred=True)
        for k, x in enumerate(base.river_labels)
    ] if look.shows("rivers", "labels") else []
    # Only the most important places get a label candidate: beyond a few dozen, labels
    # cannot all fit at the default zoom anyway, and placement cost grows with the square.
    ranked = sorted(site_requests, key=lambda q: (not q.must, -q.priority, q.text))[:MAX_SITE_LABELS]
    points = [(m.lon, m.lat) for m in markers] + [(x.lon, x.lat) for x in towns]
    obstacles = points if len(markers) <= MAX_SITE_LABELS * 4 else [(q.lon, q.lat) for q in ranked + town_requests]
    rings = [(m.lon, m.lat, ring_radius_px(look)) for m in markers if m.selected] if look.shows("sites") else []
    frame = (LON_RANGE[0], LAT_RANGE[0], LON_RANGE[1], LAT_RANGE[1])
    placed = place_labels(region_requests + ranked + town_requests + country_requests + river_requests, obstacles, deg_per_px=deg_per_px,
                          font_px=14 * look.k, hard=rings, bounds=frame)
    placements = {p.key: p for p in placed}
    keys = [f"r:{c}" for c in r.codes] + [f"s:{i}" for i in range(len(markers))] + [f"t:{x.town_id}" for x in towns]
    for key in keys + [f"c:{c.iso3}" for c in base.countries] + [f"v:{k}" for k in range(len(base.river_labels))]:
        placements.setdefault(key, Placement(key, "middle right", shown=False))
    return _Labels(region_requests, placements)


def _region_labels(r: _Regions, labels: _Labels, look: Look, filtered: frozenset[str] = frozenset()) -> dict[str, Any]:
    texts = {q.key: q.text for q in labels.regions}
    spots = [labels.placements[f"r:{c}"] for c in r.codes]
    return {"type": "scattergeo",
        "lon": [r.version.points[c][0] + p.dlon for c, p in zip(r.codes, spots, strict=True)],
        "lat": [r.version.points[c][1] + p.dlat for c, p in zip(r.codes, spots, strict=True)],
        "text": [texts.get(p.key, "") if p.shown else "" for p in spots],
        "textposition": [p.position for p in spots],
        "mode": "text", "hoverinfo": "skip", "showlegend": False,
        # White on the scheme's dark classes, black elsewhere and on dimmed regions: 4.5:1 on the fill (tests/test_classes.py).
        "textfont": {"size": look.fs(14), "family": FONT, "shadow": "auto",
                     "color": [look.scheme.label_colour(c, dimmed=bool(filtered) and code not in filtered)
                               for c, code in zip(r.classes, r.codes, strict=True)]},
        "visible": look.shows("labels", "regions"),
    }


# plotly.js's base map for the geo subplot, and the file it fetches for it (the page preloads it).
BASE_MAP_SCOPE, BASE_MAP_RESOLUTION = "africa", 50
BASE_MAP_TOPOJSON = f"{BASE_MAP_SCOPE}_{BASE_MAP_RESOLUTION}m.json"


def _layout(look: Look) -> dict[str, Any]:
    rivers = look.shows("rivers")
    return {
        "geo": {
            # Only rivers and lakes come from the base map (vendored Natural Earth, africa_50m); the
            # land, borders and sea are our own traces and the background.
            "visible": True, "scope": BASE_MAP_SCOPE, "resolution": BASE_MAP_RESOLUTION, "projection": {"type": "mercator"},
            # The desk map leaves a column on its right for the legends; the stage lays its legend out in HTML.
            "domain": {"x": [0, 1.0 if look.brief else MAP_RIGHT], "y": [0, 1]},
            "lonaxis": {"range": list(LON_RANGE)}, "lataxis": {"range": list(LAT_RANGE)},
            "bgcolor": "#dfe9f0", "showframe": False, "showland": False, "showocean": False, "showcountries": False,
            "showcoastlines": False, "showsubunits": False, "showrivers": rivers, "showlakes": rivers,
            "rivercolor": RIVER_COLOUR, "riverwidth": 1.5 * look.k, "lakecolor": LAKE_COLOUR,
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": look.fs(14), "color": "#1a1a1a"},
        "legend": {"x": MAP_RIGHT + 0.01, "xanchor": "left", "y": 0, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0)",
                   # No heading ("On the map"): its line is what a selection's twelve entries lacked on a 420 px map.
                   "font": {"size": look.fs(12)},
                   "tracegroupgap": 0},
        "showlegend": not look.brief,
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
    layout_id: str = "base",
    changed: tuple[frozenset[str], frozenset[str], str] = (frozenset(), frozenset(), ""),
    label_px: int | None = None,
) -> dict[str, Any]:
    """The whole map figure of a view, as a plain plotly figure dict.

    Plain dicts, not ``go.Figure``: plotly's per-property validation was most of the build
    time of every interaction; :func:`build_map_figure` validates the same dict for exports
    and tests.

    ``values`` has columns region_code, value (NaN = no data) and optionally status, date_text
    and country_wide. ``footprint`` lists region codes outlined as the selected engagement's
    area. ``sites`` are the mapped sites to show (see ``layers.sites``); above ``aggregate_above``
    places they are drawn as grid cells (``None``: every place, for the baseline benchmark only).
    ``emphasis`` holds folded place names (``layers.places.fold``) whose labels must show, e.g.
    the places a briefing scene talks about. ``layout_id`` is the boundary version in force on the
    view's date (``ViewFacts.layout_id``). ``changed`` is (region codes, site ids, release) that
    ``?since=`` marks (``ViewFacts.changes``). ``with_geometry=False`` leaves the GeoJSON out, for
    updates of a map already drawn (copying the GeoJSON is most of the build time). ``label_px`` is
    the map's width in pixels its labels are placed for (default: the desk's or the stage's).

    Traces, in order (``TRACE``): context, regions, selection rings, towns, river names, country
    names, one per site kind, leader lines and the names moved along them, region names with
    values, changes, then the legend keys (``KEYS``).
    """
    brief = state.mode == "brief"
    as_of_text = map_date_text(state, as_of_text)
    look = Look(state.lang, state.metric, frozenset(state.layers), view_scheme(state), 1.9 if brief else 1.0, brief)
    filtered = frozenset(state.regions)
    r = _regions(base, values, look.scheme, as_of_text, layout_id, lang=look.lang)
    markers = group_sites(sites if sites is not None else empty_points(), selected_sites, aggregate_above)
    index = town_index(base.towns)
    names = [place_name(m, base.towns, index, look.lang) for m in markers]
    towns = visible_towns(base, markers)
    labels = _placements(base, r, markers, names, look, towns=towns, filtered=filtered, emphasis=emphasis,
                         label_px=label_px or (STAGE_MAP_PX if brief else DESK_MAP_PX))
    country_wide = int(values["country_wide"].iloc[0]) if "country_wide" in values and len(values) else None
    title = legend_title(look, as_of_text, country_wide)
    if len(base.versions) > 1 and r.version.label.get(look.lang):  # say which boundaries the date draws
        title = (title[0], f"{title[1]} · {r.version.label[look.lang]}")
    data = [
        _context_trace(base, look, with_geometry),
        _regions_trace(base, r, look, footprint=footprint, filtered=filtered, notes=notes or {},
                       title=title, with_geometry=with_geometry),
        ring_trace(markers, look),
        town_trace(towns, labels.placements, look),
        river_label_trace(base, labels.placements, look),
        _country_labels(base, labels.placements, look),
        *site_traces(markers, names, labels.placements, look),
        *leader_traces([(f"s:{i}", m.lon, m.lat, names[i], False) for i, m in enumerate(markers)]
                       + [(f"t:{x.town_id}", x.lon, x.lat, x.name(look.lang), x.kind == "capital") for x in towns],
                       labels.placements, look),
        _region_labels(r, labels, look, filtered),
        change_trace(_changed_points(base, r, markers, names, changed=changed, lang=look.lang), look, changed[2]),
        *key_traces(look, footprint=bool(footprint), filtered=bool(filtered), approximate=any(m.approximate for m in markers)),
    ]
    layout = _layout(look)
    layout["meta"] = {"legend_title": list(title)}  # for legends drawn elsewhere
    return {"data": data, "layout": layout}


def _changed_points(base: MapBase, r: _Regions, markers: list[Marker], names: list[str], *,
                    changed: tuple[frozenset[str], frozenset[str], str], lang: str) -> list[tuple[float, float, str]]:
    """Where ``?since=`` marks a change: the label point of each changed polygon of the version
    drawn, and each marker holding a changed site.
    """
    regions, sites, since = changed
    said = t("legend_changed", lang, since=since)
    points = [(*r.version.points[c], f"{base.region_names.get(c, {}).get(lang, c)}: {said}") for c in r.codes if c in regions]
    points += [(m.lon, m.lat, f"{names[i]}: {said}") for i, m in enumerate(markers) if sites & set(m.site_ids)]
    return points


def map_legend(spec: dict[str, Any], state: ViewState, as_of_text: str) -> dict[str, Any]:
    """The legend of a map spec as data (title, class colours and labels, site symbols and the
    other marks), for a legend laid out beside the map rather than over it.
    """
    lang = state.lang
    scheme = view_scheme(state)
    title, subtitle = spec["layout"].get("meta", {}).get("legend_title") or (t("metric_" + state.metric, lang),
                                                                             f"{t('unit_' + state.metric, lang)}, {map_date_text(state, as_of_text)}")
    sites, marks = legend_marks(spec)
    if state.mode == "brief":  # on the stage towns and rivers are named on the map: the room goes to the timeline
        marks = [m for m in marks if m["label"] not in (t("legend_towns", lang), t("legend_rivers", lang))]
    return {
        "title": title,
        "subtitle": subtitle,
        "classes": [{"colour": c, "label": lab} for c, lab in zip(scheme.colours(), scheme.labels(lang), strict=True)][::-1],
        "sites": sites,
        "marks": marks,
    }
