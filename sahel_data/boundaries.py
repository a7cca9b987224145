"""Boundary versions: Mali's regions as drawn from a date on.

The bundled boundaries (``data/geo/mali_regions.geojson``, the pre-2016 layout) stand for every
date before the first imported version. Versions a user imports (``sahel-dashboard import
boundaries``) are listed in ``data/geo/boundaries.json`` with the date they apply from, their
file under ``data/geo/boundaries/``, where they come from, their licence, and the *crosswalk*:
for every Mali area code of ``regions.csv``, the polygon of this version that shows it (a region
the version does not draw, such as a 2023 region inside an older layout, goes to the polygon
that contains it). Figures keep their own area code; the crosswalk only says where they are
drawn, so no figure is ever split by area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd

from sahel_data.files import read_json_file
from sahel_data.geo import GEO_FILES, read_layer
from sahel_data.problems import Problem

MANIFEST = "boundaries.json"
FOLDER = "boundaries"
BASE_ID = "base"
BASE_FROM = date(1900, 1, 1)
MAX_VERSIONS = 20
MAX_MANIFEST_BYTES = 1024 * 1024
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


@dataclass(frozen=True)
class BoundaryVersion:
    """One layout of Mali's regions, in force from ``valid_from``."""

    version_id: str
    valid_from: date
    regions: gpd.GeoDataFrame  # region_code (index), name_fr, name_en, geometry
    drawn: dict[str, str]  # every Mali area code -> the polygon (region_code) that shows it
    label: dict[str, str] = field(default_factory=lambda: {"en": "", "fr": ""})
    source: str = ""  # where the file came from (a name or an address)
    licence: str = ""
    attribution: str = ""


def base_version(regions_layer: gpd.GeoDataFrame, drawn: dict[str, str]) -> BoundaryVersion:
    """The bundled boundaries as a version that stands for every date before the next one."""
    return BoundaryVersion(BASE_ID, BASE_FROM, regions_layer, drawn,
                           {"en": "Regions before 2016 (Natural Earth)", "fr": "Régions d’avant 2016 (Natural Earth)"},
                           "Natural Earth (bundled)", "public domain", "Boundaries: Natural Earth (public domain)")


def _text(value: object) -> dict[str, str] | None:
    if isinstance(value, dict) and all(isinstance(value.get(k), str) for k in ("en", "fr")):
        return {"en": value["en"], "fr": value["fr"]}
    return None


def load_versions(geo_dir: Path, base: BoundaryVersion, area_codes: set[str]) -> tuple[tuple[BoundaryVersion, ...], list[Problem]]:
    """The bundled version and every imported one, oldest first, with the problems found.

    ``area_codes`` are the Mali area codes of ``regions.csv``: each version's crosswalk must
    place every one of them, on a polygon of that version.
    """
    path = geo_dir / MANIFEST
    if not path.exists() and not path.is_symlink():
        return (base,), []
    doc, problems = read_json_file(path, MANIFEST, limit=MAX_MANIFEST_BYTES, max_depth=8)
    if doc is None:
        return (base,), problems
    entries = doc.get("versions") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or len(entries) > MAX_VERSIONS:
        return (base,), [Problem(MANIFEST, 0, "versions", str(entries)[:60], f"a list of at most {MAX_VERSIONS} versions")]
    versions: list[BoundaryVersion] = [base]
    for row, entry in enumerate(entries, start=1):
        version, found = _version(geo_dir, entry, row, area_codes)
        problems += found
        if version is not None:
            versions.append(version)
    dates = [v.valid_from for v in versions]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        problems.append(Problem(MANIFEST, 0, "valid_from", ", ".join(d.isoformat() for d in dates), "dates strictly in order, oldest first"))
    return tuple(versions), problems


def _version(geo_dir: Path, entry: object, row: int, area_codes: set[str]) -> tuple[BoundaryVersion | None, list[Problem]]:
    if not isinstance(entry, dict):
        return None, [Problem(MANIFEST, row, "", str(entry)[:40], "a version object")]
    vid = entry.get("id")
    if not isinstance(vid, str) or not _ID_RE.match(vid) or vid == BASE_ID:
        return None, [Problem(MANIFEST, row, "id", str(vid)[:40], "lower-case letters, digits and hyphens (not 'base')")]
    try:
        valid_from = date.fromisoformat(str(entry.get("valid_from")))
    except ValueError:
        return None, [Problem(MANIFEST, row, "valid_from", str(entry.get("valid_from"))[:20], "a date YYYY-MM-DD")]
    file = entry.get("file")
    if not isinstance(file, str) or file != f"{FOLDER}/{vid}.geojson":
        return None, [Problem(MANIFEST, row, "file", str(file)[:60], f"{FOLDER}/{vid}.geojson")]
    label = _text(entry.get("label"))
    if label is None:
        return None, [Problem(MANIFEST, row, "label", str(entry.get("label"))[:60], 'an object {"en": "...", "fr": "..."}')]
    regions, problems = read_layer(geo_dir / file, GEO_FILES["mali_regions"])
    if regions is None:
        return None, problems
    drawn = entry.get("drawn")
    if not isinstance(drawn, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in drawn.items()):
        return None, [Problem(MANIFEST, row, "drawn", str(drawn)[:60], "an object: every Mali area code -> a region_code of the file")]
    polygons = set(regions["region_code"])
    problems += [Problem(MANIFEST, row, f"drawn {code}", str(polygon), f"a region_code of {file}")
                 for code, polygon in sorted(drawn.items()) if polygon not in polygons]
    problems += [Problem(MANIFEST, row, "drawn", code, "every Mali area code of regions.csv placed on a polygon")
                 for code in sorted(area_codes - set(drawn))]
    problems += [Problem(MANIFEST, row, "drawn", code, "an area code of regions.csv (import it first)")
                 for code in sorted(set(drawn) - area_codes)]
    problems += [Problem(file, 0, "region_code", code, "an area code of regions.csv")
                 for code in sorted(polygons - area_codes)]
    if problems:
        return None, problems
    return BoundaryVersion(vid, valid_from, regions, dict(drawn), label, str(entry.get("source", "")),
                           str(entry.get("licence", "")), str(entry.get("attribution", ""))), []
