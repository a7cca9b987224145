"""Reading and checking the GeoJSON layers in ``data/geo/``.

GeoJSON is EPSG:4326 by definition (RFC 7946); a file that declares another CRS is
reprojected only if it is explicit about it, and an unreadable CRS is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.validation import explain_validity

from sahel_data.files import read_json_file
from sahel_data.problems import Problem
from sahel_data.tables import text_problem

MAX_GEO_BYTES = 10 * 1024 * 1024
# FeatureCollection > features > Feature > geometry > coordinates > polygon > ring > position:
# 8 levels for a MultiPolygon; a little room, never the thousands that exhaust a parser's stack.
MAX_GEO_DEPTH = 12
MIN_RING_POSITIONS = 4  # RFC 7946: a closed ring repeats its first position
MAX_FEATURES = 500
MAX_NAME = 120  # characters of a feature's name


@dataclass(frozen=True)
class LayerSpec:
    """A layer file, its id property, the properties it must carry and its bounding box."""

    file: str
    key: str
    properties: tuple[str, ...]
    bbox: tuple[float, float, float, float]  # lon0, lat0, lon1, lat1 that must contain it


GEO_FILES: dict[str, LayerSpec] = {
    "mali_regions": LayerSpec(
        "mali_regions.geojson", "region_code", ("region_code", "name_fr", "name_en"), (-13.0, 9.0, 5.0, 26.0)
    ),
    "sahel_countries": LayerSpec(
        "sahel_countries.geojson", "iso3", ("iso3", "name_fr", "name_en", "g5_sahel"), (-20.0, 0.0, 30.0, 30.0)
    ),
}


def read_layer(path: Path, spec: LayerSpec) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """Read and check one layer; return it in EPSG:4326, or ``None`` with the problems."""
    name = path.name
    if not path.exists() and not path.is_symlink():
        return None, [Problem(name, 0, "", str(path), "the layer file to exist (run scripts/build_geo.py)")]
    doc, found = read_json_file(path, name, limit=MAX_GEO_BYTES, max_depth=MAX_GEO_DEPTH)
    if doc is None:
        return None, found
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return None, [Problem(name, 0, "type", str(doc.get("type") if isinstance(doc, dict) else type(doc).__name__), "a GeoJSON FeatureCollection")]
    crs = doc.get("crs")
    if crs is not None:
        props = crs.get("properties") if isinstance(crs, dict) else None
        crs_name = str(props.get("name", "")) if isinstance(props, dict) else str(crs)[:60]
        if not crs_name.endswith(("CRS84", "4326")):
            return None, [Problem(name, 0, "crs", crs_name, "EPSG:4326 / CRS84 longitude-latitude")]
    features = doc.get("features") or []
    if not isinstance(features, list) or not features:
        return None, [Problem(name, 0, "features", str(features)[:40], "a non-empty list of features")]
    if len(features) > MAX_FEATURES:
        return None, [Problem(name, 0, "features", f"{len(features)} features", f"at most {MAX_FEATURES} features")]
    problems: list[Problem] = []
    records = []
    for i, feature in enumerate(features):
        label = f"feature {i}"
        if not isinstance(feature, dict):
            problems.append(Problem(name, 0, label, str(feature)[:40], "a GeoJSON Feature object"))
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(Problem(name, 0, label, str(props)[:40], "a properties object"))
            continue
        missing = [p for p in spec.properties if p not in props]
        if missing:
            problems.append(Problem(name, 0, label, str(sorted(props))[:80], f"properties {', '.join(missing)}"))
            continue
        wrong = _property_problem(props, spec)
        if wrong:
            problems.append(Problem(name, 0, f"{label} {wrong[0]}", str(props[wrong[0]])[:80], wrong[1]))
            continue
        open_ring = _first_open_ring(feature.get("geometry"))
        if open_ring:
            problems.append(Problem(name, 0, label, open_ring, "closed rings of at least 4 positions, first = last (RFC 7946)"))
            continue
        try:
            geom = shapely.geometry.shape(feature.get("geometry"))
        except (AttributeError, TypeError, ValueError, shapely.errors.ShapelyError) as exc:
            problems.append(Problem(name, 0, label, str(exc)[:80], "a valid GeoJSON geometry (closed rings)"))
            continue
        problems += _check_geometry(name, f"{label} ({props.get(spec.key)})", geom, spec)
        records.append({**props, "geometry": geom})
    keys = [r[spec.key] for r in records]
    for dup in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Problem(name, 0, spec.key, str(dup), "one feature per id (dissolve duplicates)"))
    if problems:
        return None, problems
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    return frame.set_index(spec.key, drop=False), []


def _property_problem(props: dict, spec: LayerSpec) -> tuple[str, str] | None:
    """The first required property of the wrong type, and what it should be: the id a short
    text (a list or a number as a region code would break every lookup), names short plain
    text, flags true or false.
    """
    for key in spec.properties:
        value = props[key]
        if key.startswith("g5_"):
            if not isinstance(value, bool):
                return key, "true or false"
        elif not isinstance(value, str) or not value.strip():
            return key, "a non-empty text" + (" id" if key == spec.key else "")
        elif key == spec.key and len(value) > 20:  # noqa: PLR2004  (ML-BKO, MLI: codes are short)
            return key, "an id of at most 20 characters"
        else:
            problem = text_problem(value, MAX_NAME)
            if problem:
                return key, problem
    return None


def _first_open_ring(geometry: object) -> str:
    """Describe the first ring that is not closed (shapely would silently close it)."""
    if not isinstance(geometry, dict):
        return ""
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry.get("type") == "Polygon" else coords if geometry.get("type") == "MultiPolygon" else []
    for polygon in polygons if isinstance(polygons, list) else []:
        if not isinstance(polygon, list):
            return f"polygon {str(polygon)[:30]}"
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < MIN_RING_POSITIONS or ring[0] != ring[-1]:
                return f"ring of {len(ring) if isinstance(ring, list) else 0} positions, first {ring[0] if ring else None} last {ring[-1] if ring else None}"
    return ""


def _check_geometry(name: str, label: str, geom: shapely.Geometry, spec: LayerSpec) -> list[Problem]:
    if geom.is_empty:
        return [Problem(name, 0, label, "empty geometry", "a non-empty polygon")]
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return [Problem(name, 0, label, geom.geom_type, "a Polygon or MultiPolygon")]
    problems = []
    if not geom.is_valid:
        problems.append(Problem(name, 0, label, explain_validity(geom), "a valid polygon (no self-intersection)"))
    lon0, lat0, lon1, lat1 = spec.bbox
    x0, y0, x1, y1 = geom.bounds
    if x0 < lon0 or y0 < lat0 or x1 > lon1 or y1 > lat1:
        hint = " (lat/lon swapped?)" if lat0 <= x0 and x1 <= lat1 and lon0 <= y0 and y1 <= lon1 else ""
        problems.append(Problem(name, 0, label, f"bounds {x0:.2f},{y0:.2f},{x1:.2f},{y1:.2f}",
                                f"lon {lon0}..{lon1}, lat {lat0}..{lat1}{hint}"))
    return problems
