"""The checks of ``data/``'s raw tables: each cell and row, each table's own rules (capitals,
p-codes, preferred IDP counts, parent chains, disputes), the references between tables, and the
regions drawn on the map. ``sahel_data.load`` runs them and decides what a problem rejects.

Each check reports problems (``Problem`` names the file, row, column, value and what was
expected), by file line where a row is at fault; none drops or changes a row.
``reject_dependents`` adds, to a row that refers to a rejected one, the problem of that
reference (``load.py`` decides, by the mode, whether problems reject rows or the load).
"""

from __future__ import annotations

import re
from datetime import date

import geopandas as gpd

from sahel_data.plausible import plausibility_problems
from sahel_data.problems import Problem
from sahel_data.schema import TABLES_BY_NAME, TOWNS
from sahel_data.tables import RawTable, check_cell, parse_date, split_list, split_locators

# Points must fall in this box (lon, lat): West Africa, the Sahel and the Maghreb's south.
SAHEL_BBOX = (-20.0, 0.0, 30.0, 30.0)


def check_rows(raw: RawTable, today: date) -> dict[int, list[Problem]]:
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


def reject_dependents(raws: dict[str, RawTable], row_problems: dict[tuple[str, int], list[Problem]]) -> None:
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


def find_row_problems(raws: dict[str, RawTable], today: date) -> dict[tuple[str, int], list[Problem]]:
    """Every row's problems, by (table, line); file-level findings have a negative line."""
    row_problems: dict[tuple[str, int], list[Problem]] = {}
    for name, raw in raws.items():
        for line, found in check_rows(raw, today).items():
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


def check_drawn_regions(regions: RawTable, drawn: gpd.GeoDataFrame) -> list[Problem]:
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
