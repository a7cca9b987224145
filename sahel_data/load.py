"""The one data-access module: load ``data/`` once, validate it, and hand out typed frames.

Nothing here runs at import time and nothing touches the network. ``load_catalog`` reads
every table and layer, checks each cell, key, reference and geometry, and either returns a
:class:`Catalog` or raises :class:`DataError` listing every problem. In lenient mode it
returns the valid rows and lists every rejected row in ``Catalog.rejected`` so the UI can
show them: nothing is dropped silently. A row that refers to a rejected row is rejected (and
listed) too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sahel_data.boundaries import BoundaryVersion, base_version, load_versions
from sahel_data.briefings import Briefing, load_briefings, load_markings
from sahel_data.cache import cache_dir, data_key, read_entry, shared_tables, write_entry
from sahel_data.checks import check_drawn_regions, find_row_problems, reject_dependents
from sahel_data.files import read_json_file
from sahel_data.geo import GEO_FILES, read_layer
from sahel_data.problems import DataError, Problem
from sahel_data.releases import Release, content_index, read_releases
from sahel_data.schema import GEO_TABLES, TABLES, Table
from sahel_data.tables import (
    END_COLUMNS,
    RawTable,
    parse_date,
    read_raw,
    split_list,
    split_locators,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Catalog:
    """Every table as a typed DataFrame, every layer as a GeoDataFrame in EPSG:4326."""

    tables: dict[str, pd.DataFrame]
    layers: dict[str, gpd.GeoDataFrame]
    geo_manifest: dict[str, dict[str, str]]
    data_dir: Path
    rejected: tuple[Problem, ...] = field(default=())
    briefings: dict[str, Briefing] = field(default_factory=dict)
    markings: dict[str, dict[str, str]] = field(default_factory=dict)  # marking and contact lines, en/fr
    releases: tuple[Release, ...] = ()  # data/releases.csv: the data's releases, oldest first (sahel_data.releases)
    boundaries: tuple[BoundaryVersion, ...] = ()  # the bundled layout, then imported ones, oldest first
    content_hash: str = ""  # the release content hash (sahel_data.releases) when the load knows it
    index_file: Path | None = None  # the content index as JSON in the on-disk cache (read on the first ?since=)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def _typed_frame(raw: RawTable, keep: list[int]) -> pd.DataFrame:
    """Turn kept raw rows into a typed frame; ``_row`` keeps each row's file line number."""
    table = raw.table
    kept = set(keep)
    records = [dict(row, _row=line) for line, row in raw.rows if line in kept]
    frame = pd.DataFrame.from_records(records, columns=[c.name for c in table.columns] + ["_row"])
    for col in table.columns:
        series = frame[col.name].fillna("").astype(str)
        if col.kind in ("int", "float"):
            frame[col.name] = pd.to_numeric(series.replace("", None), errors="raise").astype(
                "Int64" if col.kind == "int" else "Float64"
            )
        elif col.kind == "date":
            end = col.name in END_COLUMNS
            frame[f"{col.name}_text"] = series
            frame[col.name] = pd.to_datetime(
                [parse_date(v, end=end) if v else pd.NaT for v in series], errors="raise"
            )
        elif col.kind == "bool":
            frame[col.name] = series.eq("true")
        elif col.kind in ("list", "reflist"):
            frame[col.name] = [split_list(v) for v in series]
        else:
            frame[col.name] = series
    if table.sourced:
        frame["locators"] = [split_locators(v) for v in frame["locators"]]
    return frame.set_index(table.key, drop=False)


def frame_from_records(table: Table, records: list[dict[str, str]]) -> pd.DataFrame:
    """A typed frame from rows written as CSV text (missing columns empty), unchecked.

    For tests and generated data: the same typing as a loaded file, without reading one.
    """
    raw = RawTable(table, [(i + 2, {c.name: r.get(c.name, "") for c in table.columns}) for i, r in enumerate(records)])
    return _typed_frame(raw, [line for line, _ in raw.rows])


def validate(data_dir: Path | str = DEFAULT_DATA_DIR) -> list[Problem]:
    """Every problem in ``data_dir`` (tables and geo layers); an empty list means valid."""
    try:
        load_catalog(data_dir, lenient=False, use_cache=False)
    except DataError as exc:
        return exc.problems
    return []


def load_catalog(
    data_dir: Path | str = DEFAULT_DATA_DIR, *, lenient: bool = False, use_cache: bool = True
) -> Catalog:
    """Load and validate every table and layer under ``data_dir``.

    Strict mode raises :class:`DataError` on any problem. Lenient mode loads the valid rows
    and records every rejected row's problems in ``Catalog.rejected``; a file that cannot be
    read at all still raises, because a half-loaded app would mislead. With ``use_cache``, a
    catalog is loaded once per process, and a strict load of data validated before (the same
    bytes) reads its tables from the on-disk cache (``sahel_data.cache``) instead of checking
    them again.
    """
    path = Path(data_dir).resolve()
    if use_cache:
        return _cached_catalog(path, lenient)
    return _load(path, lenient)


@cache
def _cached_catalog(path: Path, lenient: bool) -> Catalog:
    folder = cache_dir()
    if lenient or folder is None:  # lenient answers depend on the day (plausibility): always checked
        return _shared(_load(path, lenient))
    try:
        key = data_key(path)
    except OSError:
        return _shared(_load(path, lenient))  # a file that cannot be read: the loader names it
    today = datetime.now(UTC).date()
    hit = read_entry(folder, key, today)
    if hit is not None and (catalog := _catalog_from_tables(path, hit.tables)) is not None:
        return replace(catalog, content_hash=hit.content_hash, index_file=hit.index_file)
    catalog = _load(path, lenient)  # raises DataError as ever: only valid data reaches the cache
    index = content_index(path)
    # Encoded once: written to the cache, and read back shared, as a restart will have them.
    tables, written = write_entry(folder, key, catalog.tables, validated_on=today, content_hash=index.content_hash(),
                                  index_json=index.to_json())
    return replace(catalog, tables=tables, content_hash=index.content_hash(),
                   index_file=written / "index.json" if written else None)


def _shared(catalog: Catalog) -> Catalog:
    """The catalog with one object per distinct text, as a cache hit has it (``shared_tables``):
    the app serves from the same memory whether its data was validated now or read back.
    """
    return replace(catalog, tables=shared_tables(catalog.tables))


# Tables without which nothing can be shown: each must keep at least one valid row, even in
# lenient mode (an app with no engagements would show "0" where it means "nothing loaded").
CORE_TABLES = ("sources", "regions", "engagements")


@dataclass
class _Parts:
    """What is read besides the tables: layers and manifest, briefings, markings, releases."""

    layers: dict[str, gpd.GeoDataFrame]
    manifest: dict[str, dict[str, str]]
    briefings: dict[str, Briefing]
    markings: dict[str, dict[str, str]]
    releases: list[Release]
    problems: list[Problem]
    fatal: list[Problem]


def _read_parts(data_dir: Path) -> _Parts:
    layers, geo_problems, manifest = _load_layers(data_dir / "geo")
    briefings, briefing_problems = load_briefings(data_dir / "briefings")
    markings, marking_problems = load_markings(data_dir / "markings.json")
    releases, release_problems = read_releases(data_dir)
    return _Parts(layers, manifest, briefings, markings, releases,
                  [*geo_problems, *briefing_problems, *marking_problems, *release_problems], list(geo_problems))


def _versions(data_dir: Path, layers: dict[str, gpd.GeoDataFrame],
              regions: list[tuple[str, str]]) -> tuple[tuple[BoundaryVersion, ...], list[Problem]]:
    """The boundary versions, from ``regions.csv``'s (region_code, drawn_as) pairs."""
    base_drawn = {code: drawn for code, drawn in regions if code.startswith("ML-") and drawn}
    versions, problems = load_versions(data_dir / "geo", base_version(layers["mali_regions"], base_drawn), set(base_drawn))
    return tuple(versions), problems


def _catalog_from_tables(data_dir: Path, tables: dict[str, pd.DataFrame]) -> Catalog | None:
    """A catalog of tables validated before, with everything else read as usual (it is small);
    ``None`` if any of that reports a problem (then the full load reports it).
    """
    parts = _read_parts(data_dir)
    if parts.problems or "mali_regions" not in parts.layers:
        return None
    regions = tables["regions"]
    versions, problems = _versions(data_dir, parts.layers, list(zip(regions["region_code"], regions["drawn_as"], strict=True)))
    if problems:
        return None
    return Catalog(tables, parts.layers, parts.manifest, data_dir, (), parts.briefings, parts.markings,
                   tuple(parts.releases), versions)


def _load(data_dir: Path, lenient: bool) -> Catalog:
    today = datetime.now(UTC).date()
    tables_dir = data_dir / "tables"
    raws = {t.name: read_raw(tables_dir / t.file, t) for t in TABLES}
    raws |= {t.name: read_raw(data_dir / t.folder / t.file, t) for t in GEO_TABLES}  # towns, map labels
    problems: list[Problem] = [p for r in raws.values() for p in r.problems]
    fatal = [p for r in raws.values() if r.fatal for p in r.problems]
    parts = _read_parts(data_dir)
    problems += parts.problems
    fatal += parts.fatal
    layers = parts.layers

    row_problems: dict[tuple[str, int], list[Problem]] = {}
    if not fatal:
        row_problems = find_row_problems(raws, today)
        if "mali_regions" in layers:
            # A crosswalk that points nowhere would misplace figures: never load around it.
            drawn_problems = check_drawn_regions(raws["regions"], layers["mali_regions"])
            problems += drawn_problems
            fatal += drawn_problems
    # File-level findings (ids other rows name that a table lacks) are listed, never rows to drop.
    problems += [p for key, found in list(row_problems.items()) if key[1] < 0 for p in row_problems.pop(key)]
    if lenient and not fatal and row_problems:
        reject_dependents(raws, row_problems)
    problems += [p for found in row_problems.values() for p in found]
    if not fatal:
        for name in CORE_TABLES:
            kept = sum((name, line) not in row_problems for line, _ in raws[name].rows)
            if not kept:
                n = len(raws[name].rows)
                empty = Problem(raws[name].table.file, 0, "", f"{n} rows, none valid" if n else "a header and no rows",
                                "at least one valid row (without it the dashboard has nothing to show)")
                problems.append(empty)
                fatal.append(empty)

    versions: tuple[BoundaryVersion, ...] = ()
    if "mali_regions" in layers and not fatal:
        versions, version_problems = _versions(data_dir, layers, [(row["region_code"], row["drawn_as"])
                                                                  for _, row in raws["regions"].rows])
        problems += version_problems
        fatal += version_problems  # a version that cannot place every area would misplace figures

    if fatal or (problems and not lenient):
        raise DataError(fatal or problems)

    tables = {
        name: _typed_frame(raw, [line for line, _ in raw.rows if (name, line) not in row_problems])
        for name, raw in raws.items()
    }
    return Catalog(tables, layers, parts.manifest, data_dir, tuple(sorted(problems)), parts.briefings, parts.markings,
                   tuple(parts.releases), versions)


def _load_layers(geo_dir: Path) -> tuple[dict[str, gpd.GeoDataFrame], list[Problem], dict[str, dict[str, str]]]:
    layers: dict[str, gpd.GeoDataFrame] = {}
    problems: list[Problem] = []
    for name, spec in GEO_FILES.items():
        frame, found = read_layer(geo_dir / spec.file, spec)
        problems += found
        if frame is not None:
            layers[name] = frame
    manifest: dict[str, dict[str, str]] = {}
    manifest_path = geo_dir / "manifest.json"
    if manifest_path.exists() or manifest_path.is_symlink():
        doc, found = read_json_file(manifest_path, "manifest.json", limit=MAX_MANIFEST_BYTES, max_depth=MAX_MANIFEST_DEPTH)
        problems += found
        if doc is not None and not (isinstance(doc, dict) and isinstance(doc.get("attribution", ""), str)):
            problems.append(Problem("manifest.json", 0, "attribution", str(doc)[:60],
                                    'an object whose "attribution" is text (written by scripts/build_geo.py)'))
        elif isinstance(doc, dict):
            manifest = doc
    else:
        problems.append(Problem("manifest.json", 0, "", str(manifest_path), "the geo manifest with licences"))
    return layers, problems, manifest


MAX_MANIFEST_BYTES = 256 * 1024
MAX_MANIFEST_DEPTH = 8
