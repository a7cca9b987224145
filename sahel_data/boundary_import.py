"""``sahel-dashboard import boundaries FILE --valid-from DATE``: a boundary version the user brings.

No open file with Mali's post-2016 regions can be had through the package registries, so the
product takes one a user brings: OCHA's COD-AB admin-1 layer from HDX, or geoBoundaries, as
GeoJSON or a zipped shapefile with COD-style fields (``admin1Pcode``, ``admin1Name_fr``,
``admin1Name_en``; the COD's ``ADM1_PCODE``/``ADM1_FR``/``ADM1_EN`` are read too).

What it does (``data/README.md``, "Boundary versions"):

* each polygon's p-code is placed on a ``regions.csv`` code with :mod:`sahel_data.codes` (ISO or
  p-code, never by digits); a p-code that ``regions.csv`` lacks becomes a new region
  ``ML-P<digits>`` (its names from the file, ``created`` = the version's date);
* geometry is repaired (``make_valid``), clipped to Mali's outline as the bundled layers draw it
  (so the countries layer and the regions never disagree), snapped to a 0.0001-degree grid and
  simplified as a coverage (shared edges stay shared), then checked: a valid coverage, inside
  Mali, and within 5 % of Mali's area;
* the crosswalk places every Mali area code on a polygon of the new version: a code the version
  draws is itself; another goes to the new polygon that overlaps most the polygon that showed it
  in the version before;
* the file gets a source row (id from its SHA-256) and the version its provenance and licence in
  ``data/geo/boundaries.json``; everything is validated in a scratch copy before anything is
  written, then written atomically. Importing the same file with the same date again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from sahel_data.atomic import write_text_atomic
from sahel_data.boundaries import FOLDER, MANIFEST, load_versions
from sahel_data.codes import AreaCodes, UnplacedCode
from sahel_data.dtm import _rebuild  # the same exact-bytes CSV editing as the DTM import
from sahel_data.problems import Problem
from sahel_data.tables import split_records

FIELDS = {"pcode": ("admin1Pcode", "ADM1_PCODE"), "fr": ("admin1Name_fr", "ADM1_FR"), "en": ("admin1Name_en", "ADM1_EN")}
GRID = 1e-4
TOLERANCE = 0.01  # degrees, as scripts/build_geo.py
MAX_AREA_CHANGE = 0.05
SOURCE_PREFIX = "BOUNDARIES-"


class BoundaryError(ValueError):
    """A boundary file that cannot be imported; the message says why."""


@dataclass(frozen=True)
class Provenance:
    """Where a boundary file comes from, as recorded beside it."""

    path: Path
    sha256: str
    source: str
    licence: str
    attribution: str
    source_id: str


@dataclass
class BoundaryPlan:
    """What an import would write, and why it may not."""

    version_id: str
    valid_from: date
    regions: gpd.GeoDataFrame
    drawn: dict[str, str]
    new_regions: list[dict[str, str]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # data-relative path -> new text
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """What the import adds, in words."""
        lines = [f"Boundary version {self.version_id}, from {self.valid_from.isoformat()}: {len(self.regions)} regions"]
        lines += [f"  new region {r['region_code']} ({r['name_en']}, p-code {r['pcode']})" for r in self.new_regions]
        moved = sorted(c for c, p in self.drawn.items() if c != p)
        if moved:
            lines.append("  drawn inside another polygon: " + ", ".join(f"{c} -> {self.drawn[c]}" for c in moved))
        lines += [f"  would write {name}" for name in sorted(self.texts)]
        return "\n".join(lines)


def read_boundary_file(path: Path) -> gpd.GeoDataFrame:
    """A GeoJSON or zipped shapefile as features with pcode, name_fr, name_en (EPSG:4326)."""
    if not path.is_file():
        raise BoundaryError(f"{path}: not a regular file")
    source = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        frame = pyogrio.read_dataframe(source)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise BoundaryError(f"{path.name}: not a readable GeoJSON or zipped shapefile ({exc})") from exc
    columns = {}
    for key, names in FIELDS.items():
        found = next((n for n in names if n in frame.columns), None)
        if found is None:
            raise BoundaryError(f"{path.name}: no column {' or '.join(names)} (COD-style admin-1 fields are needed)")
        columns[found] = key
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    elif frame.crs.to_epsg() != 4326:  # noqa: PLR2004
        frame = frame.to_crs("EPSG:4326")
    return frame.rename(columns=columns)[["pcode", "fr", "en", "geometry"]]


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    geom = shapely.make_valid(geom)
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _place(frame: gpd.GeoDataFrame, regions: list[dict[str, str]], valid_from: date,
           source_id: str, name: str) -> tuple[list[str], list[dict[str, str]], list[Problem]]:
    codes = AreaCodes(regions)
    placed, new, problems = [], [], []
    for row, (given, fr, en) in enumerate(zip(frame["pcode"], frame["fr"], frame["en"], strict=True), start=1):
        pcode = str(given or "").strip()
        try:
            placed.append(codes.resolve(pcode))
            continue
        except UnplacedCode:
            pass
        if not re.fullmatch(r"ML\d{2,3}", pcode):
            problems.append(Problem(name, row, "admin1Pcode", pcode[:20], "a Mali admin-1 p-code (ML followed by digits)"))
            placed.append("")
            continue
        code = f"ML-P{pcode[2:]}"
        placed.append(code)
        new.append({"region_code": code, "name_fr": str(fr), "name_en": str(en), "kind": "region", "drawn_as": "",
                    "pcode": pcode, "pcode_vintage": valid_from.isoformat(), "created": valid_from.isoformat(),
                    "note": f"Region of the boundary version from {valid_from.isoformat()} ({name}); not drawn before it.",
                    "source_ids": source_id, "locators": f"{name}, feature {row}: admin1Pcode '{pcode}'"})
    return placed, new, problems


def plan_boundary_import(path: Path | str, data_dir: Path | str, *, valid_from: date, source: str, licence: str,
                         version_id: str | None = None, attribution: str = "") -> BoundaryPlan:
    """Decide what importing ``path`` as the boundaries from ``valid_from`` would write; nothing
    in ``data_dir`` is written. Raises :class:`BoundaryError` when the file cannot be used.
    """
    from sahel_data.load import load_catalog

    path, data_dir = Path(path), Path(data_dir)
    catalog = load_catalog(data_dir, use_cache=False)
    if not path.is_file():
        raise BoundaryError(f"{path}: not a regular file")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path = data_dir / "geo" / MANIFEST
    done = json.loads(manifest_path.read_text(encoding="utf-8")).get("versions", []) if manifest_path.is_file() else []
    same = next((v for v in done if v.get("sha256") == sha and v.get("valid_from") == valid_from.isoformat()), None)
    if same is not None:  # the same file for the same date: already there, nothing to do
        version = next(v for v in catalog.boundaries if v.version_id == same["id"])
        return BoundaryPlan(version.version_id, valid_from, version.regions, version.drawn)
    if any(v.valid_from >= valid_from for v in catalog.boundaries[1:]):
        raise BoundaryError(f"--valid-from {valid_from}: a version from that date or later exists; versions are added oldest first")
    vid = version_id or f"from-{valid_from.isoformat()}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", vid) or vid == "base":
        raise BoundaryError(f"--id {vid!r}: lower-case letters, digits and hyphens")
    source_id = SOURCE_PREFIX + sha[:10].upper()
    frame = read_boundary_file(path)
    tables = data_dir / "tables"
    regions_text = (tables / "regions.csv").read_text(encoding="utf-8")
    _, _, records = split_records(regions_text)
    placed, new_regions, problems = _place(frame, [r for r, _ in records if r], valid_from, source_id, path.name)
    if problems:
        raise BoundaryError("\n".join(str(p) for p in problems))
    frame = frame.assign(region_code=placed)
    dup = sorted({c for c in placed if placed.count(c) > 1})
    if dup:
        raise BoundaryError(f"{path.name}: more than one feature for {', '.join(dup)}; dissolve them first")
    regions = _geometry(frame, catalog, path.name)
    previous = catalog.boundaries[-1]
    names = {r["region_code"]: (r["name_fr"], r["name_en"]) for r, _ in records if r}
    names |= {r["region_code"]: (r["name_fr"], r["name_en"]) for r in new_regions}
    regions = regions.assign(name_fr=[names[c][0] for c in regions["region_code"]],
                             name_en=[names[c][1] for c in regions["region_code"]])
    area_codes = {r["region_code"] for r, _ in records if r and r["region_code"].startswith("ML-") and r["drawn_as"]}
    for row in new_regions:  # a new region is drawn, before this version, in the polygon that holds most of it
        geom = regions.loc[regions["region_code"] == row["region_code"], "geometry"].iloc[0]
        row["drawn_as"] = _most_overlap(geom, catalog.boundaries[0].regions)
    area_codes |= {r["region_code"] for r in new_regions}
    drawn = _crosswalk(area_codes, regions, previous)
    plan = BoundaryPlan(vid, valid_from, regions, drawn, new_regions)
    plan.texts = _texts(data_dir, plan, records, regions_text, Provenance(path, sha, source, licence, attribution, source_id))
    plan.problems = _validate_scratch(data_dir, plan.texts)
    return plan


def _geometry(frame: gpd.GeoDataFrame, catalog: object, name: str) -> gpd.GeoDataFrame:
    """Repaired, clipped to Mali, on the grid, coverage-simplified, and checked."""
    outline = shapely.union_all(catalog.boundaries[0].regions.geometry.values, grid_size=GRID)  # type: ignore[attr-defined]
    geoms = _noded_coverage([shapely.set_precision(_polygonal(g), GRID) for g in frame.geometry.values], outline)
    if any(g.is_empty for g in geoms):
        empty = [c for c, g in zip(frame["region_code"], geoms, strict=True) if g.is_empty]
        raise BoundaryError(f"{name}: {', '.join(empty)} lie outside Mali as the bundled layers draw it")
    series = gpd.GeoSeries(geoms, crs="EPSG:4326")
    if not shapely.coverage_is_valid(series.values):
        raise BoundaryError(f"{name}: the regions overlap or leave slivers between them (not a valid coverage)")
    simplified = series.simplify_coverage(TOLERANCE).set_precision(GRID).apply(_polygonal).apply(shapely.orient_polygons)
    change = abs(float(shapely.area(simplified.values).sum()) - outline.area) / outline.area
    if change > MAX_AREA_CHANGE:
        raise BoundaryError(f"{name}: the regions cover {100 * (1 - change):.0f}% of Mali's area (expected all of it, within 5%)")
    return gpd.GeoDataFrame({"region_code": list(frame["region_code"])}, geometry=list(simplified.values), crs="EPSG:4326")


def _noded_coverage(geoms: list[shapely.Geometry], outline: shapely.Geometry) -> list[shapely.Geometry]:
    """The polygons as a clean coverage of ``outline``: every boundary is noded with every other
    (and with the outline), and each face goes to the polygon that holds it (a sliver or a gap
    between two files' edges: to the polygon that overlaps it most). Shared edges then carry the
    same vertices on both sides, which a coverage needs.
    """
    lines = shapely.union_all([shapely.boundary(g) for g in geoms if not g.is_empty] + [shapely.boundary(outline)], grid_size=GRID)
    owned: list[list[shapely.Geometry]] = [[] for _ in geoms]
    for face in shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))):
        point = face.point_on_surface()
        if not outline.contains(point):
            continue
        owner = next((i for i, g in enumerate(geoms) if g.contains(point)), None)
        if owner is None:
            owner = max(range(len(geoms)), key=lambda i: shapely.intersection(geoms[i], face.buffer(GRID)).area)
        owned[owner].append(face)
    return [shapely.union_all(parts, grid_size=GRID) if parts else shapely.Polygon() for parts in owned]


def _most_overlap(geom: shapely.Geometry, polygons: gpd.GeoDataFrame) -> str:
    shares = [(shapely.intersection(geom, g).area, code) for code, g in zip(polygons["region_code"], polygons.geometry, strict=True)]
    return max(shares)[1]


def _crosswalk(area_codes: set[str], regions: gpd.GeoDataFrame, previous: object) -> dict[str, str]:
    """Every Mali area code -> its polygon in the new version (see the module's rules)."""
    own = set(regions["region_code"])
    prev_regions = previous.regions  # type: ignore[attr-defined]
    prev_drawn: dict[str, str] = previous.drawn  # type: ignore[attr-defined]
    out = {}
    for code in sorted(area_codes):
        if code in own:
            out[code] = code
            continue
        shown_by = prev_drawn.get(code, code)
        geom = prev_regions.loc[prev_regions["region_code"] == shown_by, "geometry"]
        out[code] = _most_overlap(geom.iloc[0], regions) if len(geom) else code
    return out


def _geojson(plan: BoundaryPlan) -> str:
    features = [{"type": "Feature", "properties": {"region_code": c, "name_fr": fr, "name_en": en},
                 "geometry": shapely.geometry.mapping(g)}
                for c, fr, en, g in zip(plan.regions["region_code"], plan.regions["name_fr"], plan.regions["name_en"],
                                        plan.regions.geometry, strict=True)]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")) + "\n"


def _texts(data_dir: Path, plan: BoundaryPlan, records: list, regions_text: str, origin: Provenance) -> dict[str, str]:
    path, sha, source, licence, source_id = origin.path, origin.sha256, origin.source, origin.licence, origin.source_id
    attribution = origin.attribution
    texts = {f"geo/{FOLDER}/{plan.version_id}.geojson": _geojson(plan)}
    manifest_path = data_dir / "geo" / MANIFEST
    doc = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {"versions": []}
    entry = {"id": plan.version_id, "valid_from": plan.valid_from.isoformat(), "file": f"{FOLDER}/{plan.version_id}.geojson",
             "label": {"en": f"Regions from {plan.valid_from.isoformat()} ({source})",
                       "fr": f"Régions à partir du {plan.valid_from.isoformat()} ({source})"},
             "source": source, "licence": licence, "attribution": attribution or f"Boundaries: {source} ({licence})",
             "imported_from": path.name, "sha256": sha, "source_id": source_id, "drawn": plan.drawn}
    versions = [v for v in doc.get("versions", []) if v.get("id") != plan.version_id] + [entry]
    texts[f"geo/{MANIFEST}"] = json.dumps({"versions": versions}, ensure_ascii=False, indent=2) + "\n"
    if plan.new_regions:
        head, header, _ = split_records(regions_text)
        texts["tables/regions.csv"] = _rebuild(head, header, records, "region_code", {r["region_code"]: r for r in plan.new_regions})
    sources_text = (data_dir / "tables" / "sources.csv").read_text(encoding="utf-8")
    s_head, s_header, s_records = split_records(sources_text)
    row = {"source_id": source_id, "title": f"Admin-1 boundaries of Mali: {path.name}", "publisher": source, "published": "",
           "location": source, "kind": "dataset",
           "notes": f"Imported with sahel-dashboard import boundaries ({path.stat().st_size} bytes, sha256 {sha}); licence: {licence}."}
    texts["tables/sources.csv"] = _rebuild(s_head, s_header, s_records, "source_id", {source_id: row})
    return texts


def _validate_scratch(data_dir: Path, texts: dict[str, str]) -> list[Problem]:
    from sahel_data.load import validate

    with tempfile.TemporaryDirectory(prefix="sahel-boundaries-") as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(data_dir, copy, symlinks=False)
        for name, text in texts.items():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return validate(copy)


def apply_boundary_plan(plan: BoundaryPlan, data_dir: Path | str) -> list[Path]:
    """Write the plan (sources and regions first, then the geometry, then the manifest)."""
    if plan.problems:
        return []
    data_dir = Path(data_dir)
    order = sorted(plan.texts, key=lambda n: (not n.startswith("tables/"), n.endswith(MANIFEST), n))
    written = []
    for name in order:
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_text(encoding="utf-8") == plan.texts[name]:
            continue
        write_text_atomic(target, plan.texts[name])
        written.append(target)
    return written


__all__ = ["BoundaryError", "BoundaryPlan", "apply_boundary_plan", "load_versions", "plan_boundary_import", "read_boundary_file"]
