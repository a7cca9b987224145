"""Where a site is placed, in the page's language: "GeoNames: Timbuktu, ML" reads "GeoNames :
Tombouctou, ML" in French, with the spelling of the curated towns table (``data/geo/towns.csv``,
one spelling per language, the map's own). A place the table does not hold keeps its GeoNames name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from layers.i18n import t
from layers.map_base import Town

_GEONAMES = re.compile(r"GeoNames:\s*(?P<name>[^,]+?)\s*,\s*(?P<cc>[A-Z]{2})")


def town_name(name: str, towns: Iterable[Town], lang: str) -> str:
    """``name`` (a town's English name, as GeoNames writes it) in ``lang``, by the towns table."""
    for town in towns:
        if name in (town.name_en, town.name_fr):
            return town.name(lang)
    return name


def placed_at_text(text: str, towns: Iterable[Town], lang: str) -> str:
    """A site's ``placed_at`` ("GeoNames: Timbuktu, ML") in ``lang``; other text as written."""
    found = _GEONAMES.fullmatch(text.strip())
    if not found:
        return text
    return t("label_value", lang, label="GeoNames", value=f"{town_name(found['name'], towns, lang)}, {found['cc']}")
