"""The one data-access module: load ``data/`` once, validate it, and hand out typed frames.

Nothing here runs at import time and nothing touches the network. ``load_catalog`` reads
every table and layer, checks each cell, key, reference and geometry, and either returns a
:class:`Catalog` or raises :class:`DataError` listing every problem. In lenient mode it
returns the valid rows and lists every rejected row in ``Catalog.rejected`` so the UI can
show them: nothing is dropped silently. A row that refers to a rejected row is rejected (and
listed) too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sahel_data.boundaries import BoundaryVersion, base_version, load_versions
from sahel_data.briefings import Briefing, load_briefings, load_markings
from sahel_data.cache import cache_dir, data_key, read_entry, shared_tables, write_entry
from sahel_data.files import read_json_file
from sahel_data.geo import GEO_FILES, read_layer
from sahel_data.plausible import plausibility_problems
from sahel_data.problems import DataError, Problem
from sahel_data.releases import Release, content_index, read_releases
from sahel_data.schema import GEO_TABLES, TABLES, TABLES_BY_NAME, TOWNS, Table
from sahel_data.tables import (
    END_COLUMNS,
    RawTable,
    check_cell,
    parse_date,
    read_raw,
    split_list,
    split_locators,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Points must fall in this box (lon, lat): West Africa, the Sahel and the Maghreb's south.
SAHEL_BBOX = (-20.0, 0.0, 30.0, 30.0)


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

    @property
    def data_as_of(self) -> str:
        """Latest dated figure in the data (ISO date), the "data as of" stamp."""
        dates = [self.tables["idp_counts"]["date"].max(), self.tables["events"]["date"].max()]
        return max(d for d in dates if pd.notna(d)).date().isoformat()


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


def _check_rows(raw: RawTable, today: date) -> dict[int, list[Problem]]:
    """Cell-level and row-level checks that need only this table (and plausibility at ``today``)."""
    table, name = raw.table, raw.table.file
    bad: dict[int, list[Problem]] = {}
    keys: dict[str, int] = {}
    for line, row in raw.rows:
        found: list[Problem] = list(raw.row_problems.get(line, ()))
        for col in table.columns:
            expected = check_cell(col, row[col.name])
            if expected:
                found.append(Problem(name, line, col.name, row[col.name], expected))
        key = row[table.key]
        if key in keys:
            found.append(Problem(name, line, table.key, key, f"a unique id (also on row {keys[key]})"))
        else:
            keys[key] = line
        for start, end in table.date_order:
            a, b = row[start], row[end]
            clean = a and b and not any(p.column in (start, end) for p in found)
            if clean and parse_date(a) > parse_date(b, end=True):
                found.append(Problem(name, line, end, b, f"a date on or after {start} {a}"))
        if table.sourced and not any(p.column in ("source_ids", "locators") for p in found):
            n_src = len(split_list(row["source_ids"]))
            n_loc = len(split_locators(row["locators"]))
            if n_loc not in (1, n_src):
                found.append(Problem(
                    name, line, "locators", row["locators"],
                    f"one locator per source ({n_src} sources, {n_loc} locators, separated by ' | ')",
                ))
        found.extend(_domain_checks(name, line, row))
        checked = {p.column for p in found}
        found.extend(p for p in plausibility_problems(table, line, row, today) if p.column not in checked)
        if found:
            bad[line] = found
    return bad


def _domain_checks(name: str, line: int, row: dict[str, str]) -> list[Problem]:
    """Rules that tie columns together: currencies, coordinates, precision."""
    found: list[Problem] = []
    for amount, needs, eur in (("amount", ("currency",), "amount_eur"),
                               ("budget_amount", ("budget_currency", "budget_basis", "budget_type", "budget_scope"), "budget_eur")):
        if row.get(amount):
            found += [Problem(name, line, col, "", f"a value when {amount} is given") for col in needs if not row.get(col)]
            currency = row.get(needs[0])
            if row.get(eur) and currency and currency != "EUR":
                found.append(Problem(name, line, eur, row[eur], f"empty: the amount is in {currency} (never converted)"))
            elif row.get(eur) and currency == "EUR" and _number(row[eur]) != _number(row[amount]):
                found.append(Problem(name, line, eur, row[eur], f"the same as {amount} ({row[amount]}) for an amount in EUR"))
        elif row.get(eur):
            found.append(Problem(name, line, eur, row[eur], f"empty unless {amount} is given"))
    if name == TOWNS.file:
        found += _town_checks(name, line, row)
    if "lat" in row:
        lat, lon, precision = row["lat"], row["lon"], row.get("precision")  # towns and map labels have none
        if bool(lat) != bool(lon):
            found.append(Problem(name, line, "lat" if not lat else "lon", "", "lat and lon both given or both empty"))
        elif lat and lon and precision == "unknown":
            found.append(Problem(name, line, "precision", precision, "a precision other than unknown when lat/lon are given"))
        elif not lat and precision is not None and precision != "unknown":
            found.append(Problem(name, line, "precision", precision, "unknown when lat/lon are empty"))
        if lat and lon and check_cell(TABLES_BY_NAME["sites"].column("lat"), lat) is None:
            try:
                x, y = float(lon), float(lat)
            except ValueError:
                return found
            lon0, lat0, lon1, lat1 = SAHEL_BBOX
            if not (lon0 <= x <= lon1 and lat0 <= y <= lat1):
                hint = " (lat and lon swapped?)" if lon0 <= y <= lon1 and lat0 <= x <= lat1 else ""
                found.append(Problem(name, line, "lat", f"{lat},{lon}", f"a point inside the Sahel box lon {lon0}..{lon1}, lat {lat0}..{lat1}{hint}"))
    return found


def _town_checks(name: str, line: int, row: dict[str, str]) -> list[Problem]:
    """A town in Mali names its region (``admin1``, an ``ML-`` code); a town abroad names none,
    and only Mali's towns are regional capitals here.
    """
    found: list[Problem] = []
    country, admin1 = row["country"], row["admin1"]
    if country == "ML" and not admin1:
        found.append(Problem(name, line, "admin1", "", "the region of a town in Mali (ISO 3166-2, e.g. ML-6)"))
    elif country == "ML" and not admin1.startswith("ML-"):
        found.append(Problem(name, line, "admin1", admin1, "a region of Mali (a code starting ML-) for a town in Mali"))
    elif country != "ML" and admin1:
        found.append(Problem(name, line, "admin1", admin1, f"empty: regions are given for towns in Mali only (country {country})"))
    if row["kind"] == "regional_capital" and country != "ML":
        found.append(Problem(name, line, "kind", row["kind"], "capital or town: regional capitals are listed for Mali only"))
    return found


def _check_capitals(raw: RawTable) -> dict[int, list[Problem]]:
    """At most one capital per country in ``towns.csv`` (a second would be labelled as the capital)."""
    first: dict[str, int] = {}
    bad: dict[int, list[Problem]] = {}
    for line, row in raw.rows:
        if row["kind"] != "capital":
            continue
        if row["country"] in first:
            bad[line] = [Problem(raw.table.file, line, "kind", "capital",
                                 f"one capital per country ({row['country']} has one on row {first[row['country']]})")]
        else:
            first[row["country"]] = line
    return bad


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None  # reported by the cell check


def _check_references(raws: dict[str, RawTable]) -> dict[tuple[str, int], list[Problem]]:
    """Every ``ref``/``reflist`` value must exist in the table and column it points to, and
    every engagement's chain of parents must end (no cycle).
    """
    known: dict[str, set[str]] = {
        name: {row[raw.table.key] for _, row in raw.rows} for name, raw in raws.items()
    }
    bad: dict[tuple[str, int], list[Problem]] = {}
    orphans: dict[str, dict[str, None]] = {}  # table -> ids other rows name that it lacks
    for name, raw in raws.items():
        refs = [c for c in raw.table.columns if c.ref]
        for line, row in raw.rows:
            for col in refs:
                target = col.ref.split(".")[0]
                values = split_list(row[col.name]) if col.kind == "reflist" else (row[col.name],)
                missing = [v for v in values if v and v not in known.get(target, set())]
                for value in missing:
                    orphans.setdefault(target, {})[value] = None
                    bad.setdefault((name, line), []).append(
                        Problem(raw.table.file, line, col.name, value, f"an id that exists in {target}.csv")
                    )
            if name == "disputes" and row["table_name"] in known and row["row_id"] not in known[row["table_name"]]:
                orphans.setdefault(row["table_name"], {})[row["row_id"]] = None
                bad.setdefault((name, line), []).append(
                    Problem(raw.table.file, line, "row_id", row["row_id"], f"an id in {row['table_name']}.csv")
                )
    for target, ids in orphans.items():
        # A file cut at a row boundary parses cleanly: the rows that name its lost rows show it.
        shown = ", ".join(list(ids)[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")  # noqa: PLR2004
        line = raws[target].rows[-1][0] if target in raws and raws[target].rows else 1
        bad.setdefault((target, -1), []).append(Problem(
            f"{target}.csv", 0, "", f"{len(ids)} id(s) named by other rows are missing: {shown}",
            f"every id that other rows name (is {target}.csv truncated after its row {line}, or were rows deleted?)"))
    for line, found in _check_disputes(raws).items():
        bad.setdefault(("disputes", line), []).extend(found)
    for line, found in _check_parent_chains(raws["engagements"]).items():
        bad.setdefault(("engagements", line), []).extend(found)
    return bad


def _check_parent_chains(raw: RawTable) -> dict[int, list[Problem]]:
    """Every engagement's chain of parents must end: a ``parent_id`` equal to the row's own id,
    or a chain that comes back to an engagement on it, would make an engagement its own
    ancestor (its components would be added to it, and it to them). Each engagement on a
    cycle is reported; one whose chain only leads into a cycle is not (its own parent is fine).
    """
    parent: dict[str, str] = {}
    line_of: dict[str, int] = {}
    for line, row in raw.rows:
        eid = row["engagement_id"]
        if eid not in line_of:  # a second row with the same id is reported by the row check
            line_of[eid], parent[eid] = line, row["parent_id"]
    bad: dict[int, list[Problem]] = {}
    settled: set[str] = set()  # engagements whose chain was walked already
    for start in parent:
        path: list[str] = []
        where: dict[str, int] = {}
        eid = start
        while eid in parent and eid not in settled and eid not in where:  # a missing parent ends the walk
            where[eid] = len(path)
            path.append(eid)
            eid = parent[eid]
        if eid in where:
            cycle = path[where[eid]:]
            for i, member in enumerate(cycle):
                if parent[member] == member:
                    expected = "a parent other than the engagement itself (a parent chain that ends, no cycle)"
                else:
                    chain = " → ".join([*cycle[i:], *cycle[:i], member])
                    expected = f"a parent chain that ends (no cycle: {chain})"
                bad[line_of[member]] = [Problem(raw.table.file, line_of[member], "parent_id", parent[member], expected)]
        settled.update(path)
    return bad


def _reject_dependents(raws: dict[str, RawTable], row_problems: dict[tuple[str, int], list[Problem]]) -> None:
    """Lenient mode: a row that refers to a rejected row (a mandate of a rejected engagement, a
    contingent of a rejected parent, a row citing a rejected source...) is rejected too, with a
    problem naming the reference, until no kept row refers to a rejected one. Otherwise the app
    would meet ids it does not have, or show a component without its parent.
    """
    while True:
        gone: dict[str, dict[str, int]] = {}  # table -> id with no loaded row -> its first rejected line
        for name, raw in raws.items():
            kept = {row[raw.table.key] for line, row in raw.rows if (name, line) not in row_problems}
            gone[name] = {}
            for line, row in raw.rows:
                if row[raw.table.key] not in kept:
                    gone[name].setdefault(row[raw.table.key], line)
        added = False
        for name, raw in raws.items():
            refs = [c for c in raw.table.columns if c.ref]
            for line, row in raw.rows:
                if (name, line) in row_problems:
                    continue
                pointers = [(col.name, col.ref.split(".")[0], v) for col in refs
                            for v in (split_list(row[col.name]) if col.kind == "reflist" else (row[col.name],))]
                if name == "disputes":
                    pointers.append(("row_id", row["table_name"], row["row_id"]))
                found = [Problem(raw.table.file, line, column, value,
                                 f"an id of a row that loads ({target}.csv row {gone[target][value]} is rejected)",
                                 cause=(f"{target}.csv", gone[target][value]))
                         for column, target, value in pointers if value and value in gone.get(target, {})]
                if found:
                    row_problems[(name, line)] = found
                    added = True
        if not added:
            return


# A shown value must equal the cell it disputes for these kinds (text columns may paraphrase).
_COMPARED_KINDS = ("date", "int", "float", "enum", "ref", "bool")


def _check_disputes(raws: dict[str, RawTable]) -> dict[int, list[Problem]]:
    """Each dispute names a real column; at most one value is shown per disputed cell, and a
    shown date, number or code equals what the table holds (else the UI would show another).
    """
    cells = {name: {row[raw.table.key]: row for _, row in raw.rows} for name, raw in raws.items()}
    bad: dict[int, list[Problem]] = {}
    shown: dict[tuple[str, str, str], int] = {}
    for line, row in raws["disputes"].rows:
        table = TABLES_BY_NAME.get(row["table_name"])
        if table is None:
            continue  # reported by the cell check
        column = next((c for c in table.columns if c.name == row["column_name"]), None)
        if column is None:
            bad.setdefault(line, []).append(Problem("disputes.csv", line, "column_name", row["column_name"],
                                                    f"a column of {table.file}"))
            continue
        if row["shown"] != "true":
            continue
        key = (row["table_name"], row["row_id"], row["column_name"])
        if key in shown:
            bad.setdefault(line, []).append(Problem("disputes.csv", line, "shown", "true",
                                                    f"one shown value per cell (also shown on row {shown[key]})"))
        shown[key] = line
        target = cells.get(row["table_name"], {}).get(row["row_id"])
        if target is not None and column.kind in _COMPARED_KINDS and target[column.name] != row["value"]:
            bad.setdefault(line, []).append(Problem("disputes.csv", line, "value", row["value"],
                                                    f"the value {table.file} holds ({target[column.name]!r}), as it is shown"))
    return bad


def _check_preferred_idps(raw: RawTable) -> dict[int, list[Problem]]:
    """Exactly one preferred count per (date, area): duplicates are kept, never summed."""
    groups: dict[tuple[object, str], list[tuple[int, bool]]] = {}
    for line, row in raw.rows:
        try:
            when: object = parse_date(row["date"])  # "2019-12" and "2019-12-01" are the same day
        except ValueError:
            when = row["date"]  # reported by the cell check
        groups.setdefault((when, row["area_code"]), []).append((line, row["preferred"] == "true"))
    bad: dict[int, list[Problem]] = {}
    for (when, area), members in groups.items():
        n = sum(flag for _, flag in members)
        if n != 1:
            line = members[-1][0]
            bad[line] = [Problem("idp_counts.csv", line, "preferred", str(n),
                                 f"exactly one preferred row for {when} {area} (rows {[m[0] for m in members]})")]
    return bad


def _check_pcodes(raw: RawTable) -> dict[int, list[Problem]]:
    """OCHA p-codes in ``regions.csv``: shaped like one (``ML05``, ``ML``: no hyphen, so never an
    ISO code), each on one area only, never another area's ``region_code`` (``ML09`` must not mean
    two places), and dated: a p-code without its COD vintage (``pcode_vintage``) is refused.
    """
    bad: dict[int, list[Problem]] = {}
    codes = {row["region_code"]: line for line, row in raw.rows}
    seen: dict[str, int] = {}
    for line, row in raw.rows:
        pcode = row.get("pcode", "")
        if not pcode:
            if row.get("pcode_vintage"):
                bad.setdefault(line, []).append(Problem("regions.csv", line, "pcode_vintage", row["pcode_vintage"],
                                                        "empty when there is no pcode"))
            continue
        found = []
        if not _PCODE_SHAPE.fullmatch(pcode):
            found.append(Problem("regions.csv", line, "pcode", pcode, "an OCHA p-code: two capital letters and digits (ML05; ML for the country)"))
        if pcode in seen:
            found.append(Problem("regions.csv", line, "pcode", pcode, f"a p-code of one area only (also on row {seen[pcode]})"))
        seen.setdefault(pcode, line)
        if codes.get(pcode, line) != line:
            found.append(Problem("regions.csv", line, "pcode", pcode, f"a p-code that is not the region_code of another area (row {codes[pcode]})"))
        if not row.get("pcode_vintage"):
            found.append(Problem("regions.csv", line, "pcode_vintage", "", "the validOn date of the COD release the p-code comes from"))
        if found:
            bad.setdefault(line, []).extend(found)
    return bad


_PCODE_SHAPE = re.compile(r"[A-Z]{2}(?:[0-9]{2})*")


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


def _row_problems(raws: dict[str, RawTable], today: date) -> dict[tuple[str, int], list[Problem]]:
    """Every row's problems, by (table, line); file-level findings have a negative line."""
    row_problems: dict[tuple[str, int], list[Problem]] = {}
    for name, raw in raws.items():
        for line, found in _check_rows(raw, today).items():
            row_problems.setdefault((name, line), []).extend(found)
    for line, found in _check_preferred_idps(raws["idp_counts"]).items():
        row_problems.setdefault(("idp_counts", line), []).extend(found)
    for line, found in _check_capitals(raws["towns"]).items():
        row_problems.setdefault(("towns", line), []).extend(found)
    for line, found in _check_pcodes(raws["regions"]).items():
        row_problems.setdefault(("regions", line), []).extend(found)
    for key, found in _check_references(raws).items():
        row_problems.setdefault(key, []).extend(found)
    return row_problems


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
        row_problems = _row_problems(raws, today)
        if "mali_regions" in layers:
            # A crosswalk that points nowhere would misplace figures: never load around it.
            drawn_problems = _check_drawn_regions(raws["regions"], layers["mali_regions"])
            problems += drawn_problems
            fatal += drawn_problems
    # File-level findings (ids other rows name that a table lacks) are listed, never rows to drop.
    problems += [p for key, found in list(row_problems.items()) if key[1] < 0 for p in row_problems.pop(key)]
    if lenient and not fatal and row_problems:
        _reject_dependents(raws, row_problems)
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


def _check_drawn_regions(regions: RawTable, drawn: gpd.GeoDataFrame) -> list[Problem]:
    """Each region the crosswalk says is drawn must have a boundary feature, and vice versa."""
    codes = set(drawn["region_code"])
    problems = []
    for line, row in regions.rows:
        target = row["drawn_as"]
        if target and row["region_code"].startswith("ML-") and target not in codes:
            problems.append(Problem("regions.csv", line, "drawn_as", target, "a region_code of mali_regions.geojson"))
    listed = {row["region_code"] for _, row in regions.rows}
    problems += [
        Problem("mali_regions.geojson", 0, "region_code", code, "a region listed in regions.csv")
        for code in sorted(codes - listed)
    ]
    return problems
