"""The marks drawn over the regions: sites, selection rings, towns, river names, and the legend
keys that explain every mark (rings, outlines, open symbols, rivers).

Pure: markers, placements and a :class:`~layers.map_base.Look` in, plotly trace dicts out.
"""

from __future__ import annotations

import math
from typing import Any

from layers.i18n import fmt_int, label, t
from layers.labels import Placement
from layers.map_base import FONT, HALO, Look, MapBase, Town
from layers.places import fold
from layers.sites import SITE_KINDS, Marker
from layers.text import plain

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
RING_COLOUR = "#D55E00"
CHANGE_COLOUR = "#B3006B"  # ?since=: what changed since a release (a colour no class or site uses)
FOOTPRINT_LINE = ("#111111", 3.5)  # the selected engagement's area of operations
FILTER_LINE = ("#0b4f8a", 2.5)  # the regions chosen in the filter
RIVER_COLOUR, LAKE_COLOUR = "#3a78b5", "#a9c9e6"
TOWN_COLOUR = "#333333"
HOVER_ROWS = 8  # sites named in a marker's hover
NEAR_DEG = 0.08  # a town this close to a site marker is that marker's place
KEYS = ("footprint", "filtered", "approximate", "rivers")  # legend-only traces, last, in this order

# Unicode look-alikes of the plotly marker symbols, for a legend drawn in HTML (the stage's).
SYMBOL_CHARS = {"star": "★", "square": "■", "triangle-up": "▲", "pentagon": "⬟", "diamond": "◆", "hexagon": "⬢",
                "circle": "●", "star-open": "☆", "square-open": "□", "triangle-up-open": "△", "pentagon-open": "⬠",
                "diamond-open": "◇", "hexagon-open": "⬡", "circle-open": "○"}


# ---- places: one spelling per language ----------------------------------------------------------

def town_index(towns: tuple[Town, ...]) -> dict[str, Town]:
    """Towns by every folded spelling (English and French): "segou", "ségou" -> Ségou."""
    index: dict[str, Town] = {}
    for town in towns:
        for name in (town.name_en, town.name_fr):
            index.setdefault(fold(name), town)
    return index


def place_name(marker: Marker, towns: tuple[Town, ...], index: dict[str, Town], lang: str) -> str:
    """A marker's place in ``lang``: the curated town's spelling when the place is a known town
    (by name, or a town within ``NEAR_DEG``), else the place as the site table gives it.
    """
    town = index.get(fold(marker.place)) or next(
        (x for x in towns if abs(x.lon - marker.lon) < NEAR_DEG and abs(x.lat - marker.lat) < NEAR_DEG), None)
    return town.name(lang) if town else marker.place


def visible_towns(base: MapBase, markers: list[Marker]) -> list[Town]:
    """Towns drawn as their own marks: not those a site marker already stands on (one label
    per place). The capital is drawn last, so it is never the legend's sample symbol.
    """
    taken = [(m.lon, m.lat) for m in markers]
    free = [town for town in base.towns
            if not any(abs(town.lon - x) < NEAR_DEG and abs(town.lat - y) < NEAR_DEG for x, y in taken)]
    return sorted(free, key=lambda town: town.kind == "capital")


# ---- traces ---------------------------------------------------------------------------------------

def _site_hover(marker: Marker, place: str, lang: str) -> str:
    lines = [f"<b>{plain(place)}</b>"]
    shown = marker.hover_rows[:HOVER_ROWS]
    for name, kind, precision in shown:
        lines.append(f"• {plain(name)} — {label(kind, lang)}, {label(precision, lang)}")
    total = marker.count or len(marker.hover_rows)
    if total > len(shown):
        lines.append(f"… +{fmt_int(total - len(shown), lang)}")
    return "<br>".join(lines)


def site_traces(markers: list[Marker], names: list[str], placements: dict[str, Placement], look: Look) -> list[dict[str, Any]]:
    """One trace per site kind (possibly empty), so the legend is the symbol key."""
    by_kind: dict[str, list[tuple[int, Marker]]] = {kind: [] for kind in SITE_KINDS}
    for i, m in enumerate(markers):
        by_kind.setdefault(m.kind, []).append((i, m))
    data = []
    for kind in SITE_KINDS:
        part = by_kind[kind]
        symbol = SITE_SYMBOLS[kind]
        data.append({"type": "scattergeo",
            "lon": [m.lon for _, m in part], "lat": [m.lat for _, m in part],
            "mode": "markers+text" if look.shows("labels") else "markers",
            "text": [plain(names[i]) if placements[f"s:{i}"].shown and not displaced(placements, f"s:{i}") else ""
                     for i, _ in part],
            "textposition": [placements[f"s:{i}"].position for i, _ in part] or "middle right",
            "textfont": {"size": look.fs(13), "family": FONT, "color": "#1a1a1a", "shadow": HALO, "weight": 600},
            "customdata": [list(m.site_ids) for _, m in part],  # a place's site ids (none for a cell)
            "hovertext": [_site_hover(m, names[i], look.lang) for i, m in part],
            "hoverinfo": "text",
            "marker": {
                "symbol": [f"{symbol}-open" if m.approximate else symbol for _, m in part],
                "size": [look.fs(10) + round(3 * math.log2(m.count)) if m.count else look.fs(14 if kind == "training_site" else 12)
                         for _, m in part],
                "color": SITE_COLOURS[kind],
                "line": {"color": "#ffffff", "width": 1.2},
                # Opaque, as their legend keys and the exports' legends draw them: sizes given as an
                # array make plotly draw bubbles, at 0.7 opacity unless told.
                "opacity": 1,
            },
            "name": label(kind, look.lang), "legendgroup": "sites", "visible": look.shows("sites"), "showlegend": bool(part),
        })
    return data


def displaced(placements: dict[str, Placement], key: str) -> bool:
    """Whether a point label was moved off its point (drawn by :func:`leader_traces`)."""
    p = placements[key]
    return p.shown and (p.dlon, p.dlat) != (0.0, 0.0)


def leader_traces(points: list[tuple[str, float, float, str, bool]], placements: dict[str, Placement], look: Look) -> list[dict[str, Any]]:
    """Labels moved off their points, and a thin leader line from each point towards its label.
    ``points`` are (label key, lon, lat, text, bold).
    """
    moved = [(key, lon, lat, text, bold) for key, lon, lat, text, bold in points if displaced(placements, key)]
    lon: list[float | None] = []
    lat: list[float | None] = []
    for key, x, y, _, _ in moved:
        p = placements[key]
        lon += [x, x + 0.7 * p.dlon, None]
        lat += [y, y + 0.7 * p.dlat, None]
    return [
        {"type": "scattergeo", "lon": lon, "lat": lat, "mode": "lines", "line": {"color": "#1a1a1a", "width": 1},
         "hoverinfo": "skip", "showlegend": False, "visible": bool(moved)},
        {"type": "scattergeo", "mode": "text", "hoverinfo": "skip", "showlegend": False, "visible": bool(moved),
         "lon": [x + placements[key].dlon for key, x, _, _, _ in moved], "lat": [y + placements[key].dlat for key, _, y, _, _ in moved],
         "text": [f"<b>{plain(text)}</b>" if bold else plain(text) for _, _, _, text, bold in moved],
         "textposition": "middle center", "textfont": {"size": look.fs(13), "family": FONT, "color": "#1a1a1a", "shadow": HALO}},
    ]


def change_trace(points: list[tuple[float, float, str]], look: Look, since: str) -> dict[str, Any]:
    """A mark on each changed region (at its label point) and changed site (``?since=``)."""
    return {"type": "scattergeo", "lon": [x for x, _, _ in points], "lat": [y for _, y, _ in points], "mode": "markers",
            "marker": {"symbol": "diamond-wide-open", "size": look.fs(22), "color": CHANGE_COLOUR, "line": {"width": 2.5}},
            "hovertext": [plain(text) for _, _, text in points], "hoverinfo": "text",
            "name": t("legend_changed", look.lang, since=since), "legendgroup": "keys", "showlegend": bool(points),
            "visible": bool(points)}


def ring_radius_px(look: Look) -> float:
    """The selection ring's radius: labels keep clear of it."""
    return look.fs(28) / 2 + 2


def ring_trace(markers: list[Marker], look: Look) -> dict[str, Any]:
    """A ring around each place of the selected engagement, drawn under every label."""
    chosen = [m for m in markers if m.selected]
    return {"type": "scattergeo", "lon": [m.lon for m in chosen], "lat": [m.lat for m in chosen], "mode": "markers",
            "hoverinfo": "skip", "name": t("legend_ring", look.lang), "legendgroup": "keys",
            "showlegend": bool(chosen) and look.shows("sites"),
            "marker": {"symbol": "circle-open", "size": look.fs(28), "color": RING_COLOUR, "line": {"width": 3}},
            "visible": look.shows("sites") and bool(chosen)}


def town_trace(towns: list[Town], placements: dict[str, Placement], look: Look) -> dict[str, Any]:
    """Towns and the capital for a sense of place (GeoNames), labelled where there is room."""
    lang = look.lang
    return {"type": "scattergeo", "lon": [x.lon for x in towns], "lat": [x.lat for x in towns],
            "mode": "markers+text" if look.shows("labels") else "markers",
            "text": [plain(x.name(lang)) if placements[f"t:{x.town_id}"].shown and not displaced(placements, f"t:{x.town_id}")
                     else "" for x in towns],
            "textposition": [placements[f"t:{x.town_id}"].position for x in towns] or "middle right",
            "textfont": {"size": [look.fs(14 if x.kind == "capital" else 13) for x in towns], "family": FONT,
                         "color": TOWN_COLOUR, "shadow": HALO,
                         "weight": [700 if x.kind == "capital" else 400 for x in towns]},
            "marker": {"symbol": ["square" if x.kind == "capital" else "circle" for x in towns],
                       "size": [look.fs(9 if x.kind == "capital" else 5) for x in towns], "color": TOWN_COLOUR,
                       "line": {"color": "#ffffff", "width": 1}, "opacity": 1},  # opaque, as their key (see above)
            "hovertext": [f"<b>{plain(x.name(lang))}</b><br>{t('town_' + x.kind, lang)}" for x in towns],
            "hoverinfo": "text", "name": t("legend_towns", lang), "legendgroup": "keys", "showlegend": bool(towns),
            "visible": look.shows("towns")}


def river_label_trace(base: MapBase, placements: dict[str, Placement], look: Look) -> dict[str, Any]:
    """River names along their course (italic, in the river's colour), where there is room."""
    lang = look.lang
    spots = [placements[f"v:{k}"] for k in range(len(base.river_labels))]
    return {"type": "scattergeo", "lon": [x.lon + p.dlon for x, p in zip(base.river_labels, spots, strict=True)],
            "lat": [x.lat + p.dlat for x, p in zip(base.river_labels, spots, strict=True)],
            "mode": "text", "text": [f"<i>{plain(x.name_fr if lang == 'fr' else x.name_en)}</i>" if p.shown else ""
                                     for x, p in zip(base.river_labels, spots, strict=True)],
            "textposition": [p.position for p in spots] or "middle center",
            "textfont": {"size": look.fs(13), "family": FONT, "color": RIVER_COLOUR, "shadow": HALO},
            "hoverinfo": "skip", "showlegend": False, "visible": look.shows("rivers", "labels")}


def key_traces(look: Look, *, footprint: bool, filtered: bool, approximate: bool) -> list[dict[str, Any]]:
    """Legend-only entries for the marks that have no trace of their own (order: ``KEYS``)."""
    lang = look.lang

    def line(name: str, colour: str, width: float, show: bool) -> dict[str, Any]:
        return {"type": "scattergeo", "lon": [None], "lat": [None], "mode": "lines", "hoverinfo": "skip",
                "line": {"color": colour, "width": width}, "name": name, "legendgroup": "keys", "showlegend": show,
                "visible": True}

    return [
        line(t("legend_footprint", lang), *FOOTPRINT_LINE, footprint and look.shows("footprint", "regions")),
        line(t("legend_filtered", lang), *FILTER_LINE, filtered and look.shows("regions")),
        {"type": "scattergeo", "lon": [None], "lat": [None], "mode": "markers", "hoverinfo": "skip",
         "marker": {"symbol": "circle-open", "size": look.fs(10), "color": "#444444", "line": {"width": 1.5}},
         "name": t("legend_approximate", lang), "legendgroup": "keys", "showlegend": approximate and look.shows("sites"),
         "visible": True},
        line(t("legend_rivers", lang), RIVER_COLOUR, 2, look.shows("rivers")),
    ]


# ---- the legend as data (the stage lays it out beside the map) --------------------------------------

def legend_marks(spec: dict[str, Any]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(site symbols, other marks) that a map spec shows in its legend, for an HTML legend."""
    sites, marks = [], []
    for trace in spec["data"]:
        if not trace.get("showlegend") or trace.get("visible") is False:
            continue
        group = trace.get("legendgroup")
        if group not in ("sites", "keys"):
            continue
        if trace.get("mode") == "lines":
            marks.append({"label": trace["name"], "line": trace["line"]["color"], "width": str(trace["line"]["width"])})
            continue
        symbols = trace["marker"]["symbol"]
        first = symbols[0] if isinstance(symbols, list) and symbols else symbols
        colour = trace["marker"]["color"]
        symbol = str(first).removesuffix("-open") if group == "sites" else str(first)  # open symbols have a key of their own
        entry = {"label": trace["name"], "symbol": SYMBOL_CHARS.get(symbol, "●"), "colour": str(colour)}
        (sites if group == "sites" else marks).append(entry)
    return sites, marks
