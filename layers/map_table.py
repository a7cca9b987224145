"""The map as text: what it shows for each region, as a table (its text alternative).

Built from the map's own figure dict (``layers.map_figure.map_spec``), so the table says exactly
what the map draws: the regions of the boundary version in force, each with the value its hover
gives, the legend class its colour stands for, its date and its note. A screen-reader user, or
anyone who cannot tell the classes apart, reads the same figures.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from layers.i18n import t
from layers.map_figure import TRACE

_TAGS = re.compile(r"<[^>]+>")


def unmarkup(text: str) -> str:
    """Plotly markup as plain text: tags dropped, entities decoded (``layers.text.plain`` reversed)."""
    return html.unescape(_TAGS.sub("", text)).strip()


@dataclass(frozen=True)
class MapTable:
    """The caption (the map's accessible name), column headers and one row per region."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def map_table(spec: dict[str, Any], metric: str, lang: str) -> MapTable:
    """Region, value, legend class and details (date, note) of every region the map draws."""
    trace = spec["data"][TRACE["regions"]]
    bar = trace.get("colorbar") or {}
    classes = dict(zip(bar.get("tickvals", []), bar.get("ticktext", []), strict=False))
    title, subtitle = (spec["layout"].get("meta") or {}).get("legend_title", [t("metric_" + metric, lang), ""])
    metric_name = t("metric_" + metric, lang)
    rows = []
    for code, z, hover in zip(trace.get("customdata") or [], trace.get("z") or [], trace.get("hovertext") or [], strict=False):
        lines = [unmarkup(line) for line in str(hover).split("<br>")]
        name, value = [*lines, "", ""][:2]
        value = value.removeprefix(metric_name).lstrip(" :").strip() if value.startswith(metric_name) else value
        rows.append((name or str(code), value, str(classes.get(z, "")), "; ".join(x for x in lines[2:] if x)))
    caption = t("map_caption", lang, metric=unmarkup(str(title)), details=unmarkup(str(subtitle)))
    headers = (t("map_col_region", lang), t("map_col_value", lang), t("map_col_class", lang), t("map_col_details", lang))
    return MapTable(caption, headers, tuple(rows))
