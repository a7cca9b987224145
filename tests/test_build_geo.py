"""Tests for ``scripts/build_geo.py`` and the committed ``data/geo`` files.

The reader tests use tiny inline topologies (GDAL's TopoJSON driver, no network). The data tests
check the files committed in ``data/geo/`` without rebuilding them.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import shapely
from shapely.geometry import shape

if TYPE_CHECKING:
    from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = REPO_ROOT / "scripts" / "build_geo.py"
GEO_DIR = REPO_ROOT / "data" / "geo"


def _load_build_geo() -> ModuleType:
    """Import ``scripts/build_geo.py`` by path (``scripts`` is not a package)."""
    spec = importlib.util.spec_from_file_location("build_geo", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # needed by dataclasses at import time
    spec.loader.exec_module(module)
    return module


build_geo = _load_build_geo()


# --------------------------------------------------------------------------
# Tiny topologies: two unit squares sharing the edge x=1 (arc 0).
# Left square = arcs [0, 1]; right square = arcs [2, ~0] (= [2, -1]).
# --------------------------------------------------------------------------

PLAIN_TOPOLOGY: dict[str, Any] = {
    "type": "Topology",
    "objects": {
        "squares": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "L", "properties": {"n": 1}, "arcs": [[0, 1]]},
                {"type": "Polygon", "id": "R", "properties": {"n": 2}, "arcs": [[2, -1]]},
            ],
        }
    },
    "arcs": [
        [[1, 0], [1, 1]],
        [[1, 1], [0, 1], [0, 0], [1, 0]],
        [[1, 0], [2, 0], [2, 1], [1, 1]],
    ],
}

#: Same shapes, quantized: x = qx * 0.5 + 10, y = qy * 2 + 20, delta-encoded.
QUANTIZED_TOPOLOGY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 2], "translate": [10, 20]},
    "objects": copy.deepcopy(PLAIN_TOPOLOGY["objects"]),
    "arcs": [
        [[2, 0], [0, 1]],  # (2,0) (2,1)
        [[2, 1], [-2, 0], [0, -1], [2, 0]],  # (2,1) (0,1) (0,0) (2,0)
        [[2, 0], [2, 0], [0, 1], [-2, 0]],  # (2,0) (4,0) (4,1) (2,1)
    ],
}


@pytest.mark.parametrize(
    ("topology", "left", "right"),
    [(PLAIN_TOPOLOGY, (0, 0, 1, 1), (1, 0, 2, 1)), (QUANTIZED_TOPOLOGY, (10, 20, 11, 22), (11, 20, 12, 22))],
    ids=["plain", "quantized"],
)
def test_gdal_reads_two_polygons_sharing_an_arc(topology: dict[str, Any], left: tuple, right: tuple) -> None:
    """GDAL's TopoJSON driver stitches shared and reversed arcs, undoes the quantization and
    delta encoding, and keeps each member's id and properties.
    """
    frame = build_geo.read_topology_object(topology, "squares")
    assert list(frame["id"]) == ["L", "R"]
    assert list(frame["n"]) == [1, 2]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry[0].symmetric_difference(shapely.box(*left)).area == 0
    assert frame.geometry[1].symmetric_difference(shapely.box(*right)).area == 0
    assert frame.geometry[0].intersection(frame.geometry[1]).area == 0
    assert frame.geometry[0].boundary.intersection(frame.geometry[1]).length == pytest.approx(left[3] - left[1])


def test_gdal_reads_a_multipolygon() -> None:
    topology = copy.deepcopy(QUANTIZED_TOPOLOGY)
    topology["objects"] = {"both": {"type": "GeometryCollection",
                                    "geometries": [{"type": "MultiPolygon", "id": "B", "arcs": [[[0, 1]], [[2, -1]]]}]}}
    frame = build_geo.read_topology_object(topology, "both")
    assert list(frame["id"]) == ["B"]
    assert frame.geometry[0].area == pytest.approx(4.0)


def test_extract_js_topology() -> None:
    """The topology literal is parsed out of surrounding JavaScript."""
    js = "var a = 1;\n  Datamap.prototype.xTopo = " + json.dumps(PLAIN_TOPOLOGY)
    js += ";\n  Datamap.prototype.yTopo = '__Y__';\n"
    assert build_geo.extract_js_topology(js, "xTopo") == PLAIN_TOPOLOGY
    with pytest.raises(ValueError, match="not found"):
        build_geo.extract_js_topology(js, "zTopo")


# --------------------------------------------------------------------------
# Committed data files
# --------------------------------------------------------------------------


def _features(filename: str) -> list[dict[str, Any]]:
    """Load the features of a committed GeoJSON file."""
    data = json.loads((GEO_DIR / filename).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return data["features"]


def _geometries(filename: str, key: str) -> dict[str, Any]:
    """Map ``properties[key]`` to shapely geometry for a committed file."""
    return {f["properties"][key]: shape(f["geometry"]) for f in _features(filename)}


def test_mali_regions_codes_and_names() -> None:
    """Nine unique ISO 3166-2 codes with French and English names."""
    features = _features("mali_regions.geojson")
    rows = {
        f["properties"]["region_code"]: (
            f["id"],
            f["properties"]["name_fr"],
            f["properties"]["name_en"],
        )
        for f in features
    }
    assert len(features) == 9
    assert rows == {
        "ML-1": ("ML-1", "Kayes", "Kayes"),
        "ML-2": ("ML-2", "Koulikoro", "Koulikoro"),
        "ML-3": ("ML-3", "Sikasso", "Sikasso"),
        "ML-4": ("ML-4", "Ségou", "Segou"),
        "ML-5": ("ML-5", "Mopti", "Mopti"),
        "ML-6": ("ML-6", "Tombouctou", "Timbuktu"),
        "ML-7": ("ML-7", "Gao", "Gao"),
        "ML-8": ("ML-8", "Kidal", "Kidal"),
        "ML-BKO": ("ML-BKO", "Bamako", "Bamako"),
    }


@pytest.mark.parametrize("filename", ["mali_regions.geojson", "sahel_countries.geojson"])
def test_geometries_valid_non_empty_and_a_coverage(filename: str) -> None:
    """Geometries are valid, non-empty polygons that neither overlap nor gap."""
    geometries = [shape(f["geometry"]) for f in _features(filename)]
    assert all(g.is_valid and not g.is_empty for g in geometries)
    assert {g.geom_type for g in geometries} <= {"Polygon", "MultiPolygon"}
    assert shapely.coverage_is_valid(geometries)
    overlap = sum(g.area for g in geometries) - shapely.union_all(geometries).area
    assert overlap < 1e-6


def test_mali_regions_bounds_and_shared_edges() -> None:
    """Regions lie in Mali's bbox and neighbours share (not just touch) edges."""
    regions = _geometries("mali_regions.geojson", "region_code")
    lon_min, lat_min, lon_max, lat_max = shapely.union_all(list(regions.values())).bounds
    assert -13 <= lon_min < lon_max <= 5
    assert 9 <= lat_min < lat_max <= 26
    for a, b in [("ML-5", "ML-4"), ("ML-6", "ML-7"), ("ML-7", "ML-8"), ("ML-2", "ML-3")]:
        shared = regions[a].boundary.intersection(regions[b].boundary)
        assert shared.length > 0.5, (a, b)
    # Bamako is an enclave of Koulikoro: fully surrounded, no overlap.
    assert regions["ML-BKO"].boundary.difference(regions["ML-2"].boundary).length == 0
    assert regions["ML-BKO"].intersection(regions["ML-2"]).area == 0


def test_sahel_countries() -> None:
    """Nine countries with the expected codes, names and G5 Sahel flags."""
    features = _features("sahel_countries.geojson")
    rows = {
        f["properties"]["iso3"]: (
            f["id"],
            f["properties"]["name_fr"],
            f["properties"]["g5_sahel"],
        )
        for f in features
    }
    assert rows == {
        "MLI": ("MLI", "Mali", True),
        "MRT": ("MRT", "Mauritanie", True),
        "NER": ("NER", "Niger", True),
        "BFA": ("BFA", "Burkina Faso", True),
        "TCD": ("TCD", "Tchad", True),
        "SEN": ("SEN", "Sénégal", False),
        "GIN": ("GIN", "Guinée", False),
        "CIV": ("CIV", "Côte d'Ivoire", False),
        "DZA": ("DZA", "Algérie", False),
    }
    countries = _geometries("sahel_countries.geojson", "iso3")
    lon_min, lat_min, lon_max, lat_max = shapely.union_all(list(countries.values())).bounds
    assert -18 <= lon_min < lon_max <= 25
    assert 3 <= lat_min < lat_max <= 28
    assert countries["MLI"].boundary.intersection(countries["NER"].boundary).length > 1


def test_mali_regions_match_mali_country_outline() -> None:
    """The two independent sources agree on Mali's outline to within ~0.5%."""
    regions = shapely.union_all(list(_geometries("mali_regions.geojson", "region_code").values()))
    mali = _geometries("sahel_countries.geojson", "iso3")["MLI"]
    assert regions.symmetric_difference(mali).area / mali.area < 0.01


def test_manifest_matches_files() -> None:
    """Manifest sha256 values match the committed files; provenance is present."""
    manifest = json.loads((GEO_DIR / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    assert set(files) == {p.name for p in GEO_DIR.glob("*.geojson")}
    for filename, entry in files.items():
        digest = hashlib.sha256((GEO_DIR / filename).read_bytes()).hexdigest()
        assert entry["sha256"] == digest, filename
        assert entry["attribution"].startswith("Boundaries: Natural Earth")
        assert entry["licence"] in {"MIT", "ISC"}
    assert files["mali_regions.geojson"]["version"] == "0.5.9"
    assert files["sahel_countries.geojson"]["version"] == "2.0.2"
    sources = (GEO_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for entry in files.values():
        assert entry["sha256"] in sources


def test_file_sizes() -> None:
    """Outputs stay small enough to ship with the app."""
    assert (GEO_DIR / "mali_regions.geojson").stat().st_size < 60_000
    assert (GEO_DIR / "sahel_countries.geojson").stat().st_size < 150_000


def test_sources_md_keeps_sections_other_scripts_own() -> None:
    """build_geo rewrites SOURCES.md but keeps build_towns.py's marked section word for word."""
    block = "<!-- begin build_towns.py -->\n## `towns.csv`\n\n- Rows: 3\n<!-- end build_towns.py -->\n"
    old = f"# Old\n\nstale text\n\n{block}\n## Boundary disclaimer\n\nold disclaimer\n"
    assert build_geo.kept_sections(old) == [block]
    assert build_geo.kept_sections("# no marked sections\n") == []
    text = build_geo.build_sources_md([], build_geo.kept_sections(old))
    assert block in text
    assert "stale text" not in text
    assert text.index(block) < text.index("## Boundary disclaimer")
    assert text.endswith(build_geo.BOUNDARY_DISCLAIMER + "\n")


def test_committed_sources_md_has_the_towns_section() -> None:
    sources = (GEO_DIR / "SOURCES.md").read_text(encoding="utf-8")
    [section] = build_geo.kept_sections(sources)
    assert section.startswith("<!-- begin build_towns.py -->")
    assert "## `towns.csv`" in section and "## `map_labels.csv`" in section and "africa_50m.json" in section
    assert "CC BY 4.0" in section and "public domain" in section
