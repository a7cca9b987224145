"""What every map of the catalog shares: geometry, names and anchor points, and the look of a
surface (desk or stage). Built once per catalog (``layers.geojson.build_map_base``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from layers.classes import ClassScheme

LON_RANGE = (-18.5, 13.0)
LAT_RANGE = (8.0, 26.0)
# Labels are placed on the server, which does not know the window: the desk map's for its
# narrowest window, 1280x720 (a projector: 609 px measured in Chromium; 641 at 1366x768 and 1,058
# at 1920x1080), so they do not overlap in any window the desk is made for.
DESK_MAP_PX = 610
EXPORT_MAP_PX = 800  # the scale an export's map labels are placed and their type set for (dashboard/export.py)
STAGE_MAP_PX = 1150  # the stage's map column at 1920 px (assets/stage.css: 63 of 100 parts)
FONT = '"Source Sans 3", "Segoe UI", Helvetica, Arial, sans-serif'
# A white halo keeps dark labels readable over the darkest classes and over borders.
HALO = "1px 1px 1px #fff, -1px -1px 1px #fff, 1px -1px 1px #fff, -1px 1px 1px #fff, 0 0 3px #fff"


class Country(NamedTuple):
    """A country drawn for context, with its label point."""

    iso3: str
    name_en: str
    name_fr: str
    g5: bool  # a G5 Sahel member (drawn a shade darker)
    lon: float
    lat: float

    def name(self, lang: str) -> str:
        """The country's name in ``lang``."""
        return self.name_fr if lang == "fr" else self.name_en


class Town(NamedTuple):
    """A town of the curated towns table (``data/geo/towns.csv``)."""

    town_id: str
    name_en: str
    name_fr: str
    kind: str  # capital | regional_capital | town
    lon: float
    lat: float
    region: str = ""  # the region it lies in (ISO 3166-2 code), "" abroad

    def name(self, lang: str) -> str:
        """The town's name in ``lang`` (one spelling per language, used everywhere)."""
        return self.name_fr if lang == "fr" else self.name_en


class RiverLabel(NamedTuple):
    """Where a river's name is written (``data/geo/map_labels.csv``)."""

    name_en: str
    name_fr: str
    lon: float
    lat: float


class MapVersion(NamedTuple):
    """One boundary version as the map draws it: its polygons and their label points."""

    version_id: str
    codes: tuple[str, ...]  # polygon region codes, in code order
    points: dict[str, tuple[float, float]]  # code -> (lon, lat) inside the polygon
    label: dict[str, str]  # {"en": ..., "fr": ...}, e.g. "Regions before 2016 (Natural Earth)"
    areas: Mapping[str, Any] = MappingProxyType({})  # code -> the polygon (shapely, prepared): region names stay inside it


@dataclass(frozen=True)
class MapBase:
    """The static part of the map: geometry and label anchors, built once per catalog.

    ``regions_geojson`` holds the polygons of every boundary version (feature property ``key``
    = "<version>|<code>"): the browser receives it once, and a view draws one version by
    listing only its keys.
    """

    regions_geojson: dict
    countries_geojson: dict
    region_names: dict[str, dict[str, str]]  # code -> {"en": ..., "fr": ...}, every version's polygons
    region_points: dict[str, tuple[float, float]]  # the bundled version's label points (code -> lon, lat)
    countries: tuple[Country, ...]
    towns: tuple[Town, ...] = field(default=())
    river_labels: tuple[RiverLabel, ...] = field(default=())
    versions: tuple[MapVersion, ...] = field(default=())

    def version(self, version_id: str) -> MapVersion:
        """The boundary version ``version_id`` (the bundled one when it is not known)."""
        found = next((v for v in self.versions if v.version_id == version_id), None)
        if found is not None:
            return found
        if self.versions:
            return self.versions[0]
        return MapVersion("base", tuple(self.region_names), self.region_points, {"en": "", "fr": ""})


@dataclass(frozen=True)
class Look:
    """How a view is drawn: language, layers, class scheme, type scale and emphasis."""

    lang: str
    metric: str
    layers: frozenset[str]
    scheme: ClassScheme
    k: float  # type scale: 1 on the desk, 1.9 on the stage (1920 px wide, no text under 24 px)
    brief: bool = False

    def fs(self, size: int) -> int:
        """A font size scaled for the surface."""
        return round(size * self.k)

    def shows(self, *layers: str) -> bool:
        """Whether every one of ``layers`` is switched on."""
        return all(layer in self.layers for layer in layers)
