"""Each kind of defect in a corrupted copy of the shipped data gives the exact expected error
(the corrupted-data catalogue below), or is a stated acceptance."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from sahel_data.load import load_catalog, validate
from sahel_data.problems import DataError, Problem


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(data: Path, table: str, line: int, column: str, value: str) -> str:
    """Set one cell (line is the 1-based file line); returns the previous value."""
    path = data / "tables" / f"{table}.csv"
    rows = read_rows(path)
    col = rows[0].index(column)
    old = rows[line - 1][col]
    rows[line - 1][col] = value
    write_rows(path, rows)
    return old


def cell(data: Path, table: str, line: int, column: str) -> str:
    rows = read_rows(data / "tables" / f"{table}.csv")
    return rows[line - 1][rows[0].index(column)]


# --- The corrupted-data catalogue (issue 19) ---------------------------------------------------
#
# One entry per kind of damage a data file can suffer, by accident or on purpose. Each either is
# refused with a problem naming the file, the row (0: the file as a whole), the column, the value
# and what was expected, or is a stated acceptance: valid data, listed with its reason in
# data/README.md ("What the loader accepts"). Reading never blocks (a FIFO, a device) and never
# recurses without bound (deep JSON): each load runs against a deadline.

ANY = object()  # a value or row the entry does not pin (a path, a line that depends on the data)
DEADLINE_S = 20


@dataclass(frozen=True)
class Refused:
    """The problem a kind must produce (``expected`` is the start of what the message expects)."""

    file: str
    row: object
    column: str
    value: object
    expected: str


@dataclass(frozen=True)
class Accepted:
    """Valid data: loads without a problem; ``readme`` is its line in data/README.md."""

    readme: str


@dataclass(frozen=True)
class Kind:
    name: str
    mutate: Callable[[Path], object]  # may return {"row": n, "value": v} to fill in ANY
    outcome: Refused | Accepted
    lenient: bool = False  # load as `run --lenient` does (and build the app's data from it)
    briefing_views: bool = False  # also check briefing scene views (as `validate` and create_app do)


def _lines(data: Path, table: str) -> list[str]:
    return (data / "tables" / f"{table}.csv").read_text(encoding="utf-8").split("\n")


def _write_text(data: Path, table: str, text: str) -> None:
    (data / "tables" / f"{table}.csv").write_text(text, encoding="utf-8")


def _replace_file(path: Path, make: Callable[[Path], None]) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    make(path)


def _line_where(data: Path, table: str, column: str, test: Callable[[str], bool]) -> int:
    rows = read_rows(data / "tables" / f"{table}.csv")
    index = rows[0].index(column)
    return next(i + 1 for i, r in enumerate(rows[1:], start=1) if test(r[index]))


def _set(table: str, column: str, value: str, line: int = 2) -> Callable[[Path], None]:
    return lambda data: set_cell(data, table, line, column, value)


def _set_many(*changes: tuple[str, str, str]) -> Callable[[Path], None]:
    """Several cells of row 2 of one table each: (table, column, value)."""
    def mutate(data: Path) -> None:
        for table, column, value in changes:
            set_cell(data, table, 2, column, value)
    return mutate


def _cell_kind(name: str, table: str, column: str, value: str, expected: str, *, row: int = 2) -> Kind:
    return Kind(name, _set(table, column, value, row), Refused(f"{table}.csv", row, column, value, expected))


def _geo(edit: Callable[[dict], None], name: str = "mali_regions.geojson") -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        path = data / "geo" / name
        doc = json.loads(path.read_text(encoding="utf-8"))
        edit(doc)
        path.write_text(json.dumps(doc), encoding="utf-8")
    return mutate


def _props(key: str, value: object) -> Callable[[dict], None]:
    def edit(doc: dict) -> None:
        doc["features"][0]["properties"][key] = value
    return edit


def _geometry(geometry: dict) -> Callable[[dict], None]:
    def edit(doc: dict) -> None:
        doc["features"][1]["geometry"] = geometry
    return edit


BRIEFING = "eu-mali-2013-2023"


def _briefing(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def mutate(data: Path) -> None:
        path = data / "briefings" / f"{BRIEFING}.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        edit(doc)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return mutate


def _truncate_engagements_at_row_boundary(data: Path) -> dict:
    lines = _lines(data, "engagements")
    _write_text(data, "engagements", "\n".join(lines[:40]) + "\n")  # the header and 39 rows, cut cleanly
    return {}


def _cut_last_row_in_its_fields(data: Path) -> dict:
    text = (data / "tables" / "events.csv").read_text(encoding="utf-8")
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    _write_text(data, "events", text.rstrip("\n")[: -len(last)] + last[: last.index(",", last.index(",") + 1)])
    return {"row": text.count("\n")}


def _cut_last_field(data: Path) -> dict:
    text = (data / "tables" / "events.csv").read_text(encoding="utf-8")
    _write_text(data, "events", text[:-6])  # inside the last row's last field: all its fields still there
    return {"row": text.count("\n")}


def _reject_eutm(data: Path) -> dict:
    line = _engagement_line(data, "EUTM-MALI")
    set_cell(data, "engagements", line, "kind", "spaceship")
    return {"value": "EUTM-MALI", "expected_row": line}


def _two_preferred(data: Path) -> dict:
    rows = read_rows(data / "tables" / "idp_counts.csv")
    header = rows[0]
    first = rows[1]
    clone = list(first)
    clone[header.index("idp_id")] = "IDP-CLONE"
    rows.insert(2, clone)
    write_rows(data / "tables" / "idp_counts.csv", rows)
    return {"row": 3}


def _dispute_shown_twice(data: Path) -> None:
    set_cell(data, "disputes", 3, "shown", "true")  # rows 2 and 3 dispute EUCAP's start; both shown


def _parent_cycle(data: Path) -> dict:
    line = _engagement_line(data, "MINUSMA")
    set_cell(data, "engagements", line, "parent_id", "DE-MINUSMA")
    return {"row": line}


def _self_parent(data: Path) -> dict:
    line = _engagement_line(data, "EUTM-MALI")
    set_cell(data, "engagements", line, "parent_id", "EUTM-MALI")
    return {"row": line}


def _usd_with_eur(data: Path) -> dict:
    line = _line_where(data, "funding", "currency", lambda v: v == "USD")
    set_cell(data, "funding", line, "amount_eur", "90000000")
    return {"row": line}


def _xof_too_large(data: Path) -> dict:
    line = _line_where(data, "funding", "currency", lambda v: v == "XOF")
    set_cell(data, "funding", line, "amount", "99000000000000")
    return {"row": line}


def _mapped_site(edit: Callable[[Path, int], None]) -> Callable[[Path], dict]:
    def mutate(data: Path) -> dict:
        line = _line_where(data, "sites", "lat", bool)
        edit(data, line)
        return {"row": line}
    return mutate


def _huge_sparse(data: Path) -> None:
    import sahel_data.tables as tables_module

    with (data / "tables" / "events.csv").open("r+b") as handle:
        handle.truncate(tables_module.MAX_FILE_BYTES + 1)  # sparse: costs no disk, refused before reading


def _excel_save(data: Path, table: str) -> None:
    """What Excel's "CSV UTF-8" save writes: a BOM, CRLF row ends, a cell's own line break (Alt+Enter) as LF in quotes."""
    path = data / "tables" / f"{table}.csv"
    rows = read_rows(path)
    column = rows[0].index("description_en")
    rows[1][column] = rows[1][column].replace(". ", ".\n", 1)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def _crlf(data: Path) -> None:
    for table in ("events", "sources"):
        path = data / "tables" / f"{table}.csv"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def _columns_reordered(data: Path) -> None:
    path = data / "tables" / "events.csv"
    write_rows(path, [list(reversed(r)) for r in read_rows(path)])


def _blank_lines(data: Path) -> None:
    path = data / "tables" / "events.csv"
    text = path.read_text(encoding="utf-8").replace("\n", "\n\n", 3)
    path.write_text(text + "\n,,,,,,,,,,\n", encoding="utf-8")


def _symlinked_table(data: Path) -> None:
    path = data / "tables" / "events.csv"
    target = data / "events-real.csv"
    path.rename(target)
    path.symlink_to(target)


def _extra_file_in_briefings(data: Path) -> None:
    (data / "briefings" / "README.txt").write_text("notes for curators", encoding="utf-8")


CATALOGUE: list[Kind] = [
    # Files that are not readable tables: type, size, encoding, shape.
    Kind("table missing", lambda d: (d / "tables" / "indicators.csv").unlink(),
         Refused("indicators.csv", 0, "", ANY, "the file to exist")),
    Kind("table is a FIFO", lambda d: _replace_file(d / "tables" / "events.csv", os.mkfifo),
         Refused("events.csv", 0, "", "a named pipe (FIFO)", "a regular file")),
    Kind("table is a directory", lambda d: _replace_file(d / "tables" / "events.csv", Path.mkdir),
         Refused("events.csv", 0, "", "a directory", "a regular file")),
    Kind("table is a broken symlink", lambda d: _replace_file(d / "tables" / "events.csv", lambda p: p.symlink_to(d / "nowhere.csv")),
         Refused("events.csv", 0, "", ANY, "a regular file")),
    Kind("table is a symlink loop", lambda d: _replace_file(d / "tables" / "events.csv", lambda p: p.symlink_to(p)),
         Refused("events.csv", 0, "", "a symbolic link loop", "a regular file")),
    Kind("table is /dev/zero", lambda d: _replace_file(d / "tables" / "events.csv", lambda p: p.symlink_to("/dev/zero")),
         Refused("events.csv", 0, "", "a character device", "a regular file")),
    Kind("table larger than the limit", _huge_sparse, Refused("events.csv", 0, "", ANY, f"at most {128 * 1024 * 1024} bytes")),
    Kind("table empty", lambda d: _write_text(d, "events", ""), Refused("events.csv", 0, "", "empty file", "a header row")),
    Kind("NUL byte (a spreadsheet saved as CSV)", lambda d: (d / "tables" / "events.csv").write_bytes(b"PK\x03\x04\x00\x00"),
         Refused("events.csv", 0, "", "NUL byte", "a text file")),
    Kind("Latin-1 text", lambda d: (d / "tables" / "events.csv").write_bytes((d / "tables" / "events.csv").read_bytes() + "Coup d'État\n".encode("latin-1")),
         Refused("events.csv", ANY, "", ANY, "UTF-8 text")),
    Kind("semicolon delimiter", lambda d: _write_text(d, "regions", "\n".join(";".join(r) for r in read_rows(d / "tables" / "regions.csv"))),
         Refused("regions.csv", 1, "", ANY, "comma-delimited columns")),
    Kind("column missing", lambda d: write_rows(d / "tables" / "mandates.csv", [r[:-1] for r in read_rows(d / "tables" / "mandates.csv")]),
         Refused("mandates.csv", 1, "locators", "(missing)", "this required column in the header")),
    Kind("column extra", lambda d: write_rows(d / "tables" / "events.csv", [[*r, "x"] for r in read_rows(d / "tables" / "events.csv")]),
         Refused("events.csv", 1, "x", "x", "only the columns")),
    Kind("header names a column twice", lambda d: write_rows(d / "tables" / "events.csv", [[*read_rows(d / "tables" / "events.csv")[0][:-1], "event_id"], *read_rows(d / "tables" / "events.csv")[1:]]),
         Refused("events.csv", 1, "event_id", "event_id", "each column name once")),
    Kind("row with too few fields", lambda d: _write_text(d, "events", "\n".join(_lines(d, "events")[:2]) + "\nEV-X,2019\n"),
         Refused("events.csv", 3, "", "EV-X,2019", "11 fields, found 2")),
    Kind("unterminated quote", lambda d: _write_text(d, "events", "\n".join(_lines(d, "events")[:3]) + '\n"EV-X,2019\n'),
         Refused("events.csv", ANY, "", ANY, "well-formed CSV (is the file truncated?)")),
    Kind("truncated inside the last row", _cut_last_row_in_its_fields, Refused("events.csv", ANY, "", ANY, "11 fields, found 2")),
    Kind("truncated inside the last field", _cut_last_field, Refused("events.csv", ANY, "", ANY, "a file that ends with a line break")),
    Kind("truncated at a row boundary (orphans name it)", _truncate_engagements_at_row_boundary,
         Refused("engagements.csv", 0, "", ANY, "every id that other rows name (is engagements.csv truncated after its row 40")),
    Kind("engagements.csv empty under --lenient", lambda d: _write_text(d, "engagements", ""),
         Refused("engagements.csv", 0, "", "empty file", "a header row and data rows"), lenient=True),
    Kind("engagements.csv header only under --lenient", lambda d: _write_text(d, "engagements", _lines(d, "engagements")[0] + "\n"),
         Refused("engagements.csv", 0, "", "a header and no rows", "at least one valid row"), lenient=True),
    Kind("every source row invalid under --lenient",
         lambda d: write_rows(d / "tables" / "sources.csv", [r if i == 0 else [*r[:5], "bogus", *r[6:]] for i, r in enumerate(read_rows(d / "tables" / "sources.csv"))]),
         Refused("sources.csv", 0, "", ANY, "at least one valid row"), lenient=True),
    # Dates.
    _cell_kind("date: no such day", "engagements", "start_date", "2013-02-30", "a date YYYY, YYYY-MM or YYYY-MM-DD"),
    _cell_kind("date: day first", "engagements", "start_date", "18/02/2013", "a date YYYY, YYYY-MM or YYYY-MM-DD"),
    _cell_kind("date: Arabic-Indic digits", "engagements", "start_date", "٢٠١٣-٠٢-١٨", "a date YYYY, YYYY-MM or YYYY-MM-DD"),
    _cell_kind("date: full-width digits", "events", "date", "２０１３", "a date YYYY, YYYY-MM or YYYY-MM-DD"),
    _cell_kind("date: five-digit year", "events", "date", "20190", "a date YYYY, YYYY-MM or YYYY-MM-DD"),
    _cell_kind("date: year 1850", "events", "date", "1850", "a year between 1900 and 2100"),
    _cell_kind("date: before independence (plausibility)", "engagements", "start_date", "1950", "a year from 1960"),
    _cell_kind("date: end far in the future (plausibility)", "engagements", "end_date", "2090", "a year up to"),
    _cell_kind("date: a count dated next year (plausibility)", "idp_counts", "date", "2099-01", "a date on or before today"),
    _cell_kind("date: an event dated in the future (plausibility)", "events", "date", "2098-05-01", "a date on or before today"),
    Kind("date: end before start", _set_many(("mandates", "start_date", "2013-02-18"), ("mandates", "end_date", "2012-01-01")),
         Refused("mandates.csv", 2, "end_date", "2012-01-01", "a date on or after start_date 2013-02-18")),
    # Codes, ids, booleans, required cells, spaces.
    _cell_kind("enum: unknown kind", "engagements", "kind", "spaceship", "one of "),
    _cell_kind("enum: wrong case", "engagements", "status", "Active", "one of "),
    _cell_kind("list: unknown item", "engagements", "sectors", "training;cooking", "items from "),
    _cell_kind("bool: yes", "funding", "is_component", "yes", "true or false"),
    _cell_kind("bool: TRUE", "events", "key_event", "TRUE", "true or false"),
    _cell_kind("id: lower case with a space", "engagements", "engagement_id", "eutm mali", "an id matching"),
    _cell_kind("id: 61 characters", "events", "event_id", "E" * 61, "an id matching"),
    Kind("id: duplicated", lambda d: set_cell(d, "events", 3, "event_id", cell(d, "events", 2, "event_id")),
         Refused("events.csv", 3, "event_id", ANY, "a unique id (also on row 2)")),
    _cell_kind("required cell empty", "engagements", "name_en", "", "a value (this column is required)"),
    _cell_kind("leading space", "events", "title_en", " padded", "no leading or trailing spaces"),
    _cell_kind("trailing line break in a cell", "events", "title_en", "Coup\n", "no leading or trailing spaces"),
    # Numbers.
    _cell_kind("int: thousands comma", "idp_counts", "count", "12,000", "a whole number (digits only, no separators)"),
    _cell_kind("int: 1_000", "mandates", "personnel_ceiling", "1_000", "a whole number (digits only, no separators)"),
    _cell_kind("int: Arabic-Indic digits", "idp_counts", "count", "١٠٠", "a whole number (digits only, no separators)"),
    _cell_kind("int: 30 digits", "idp_counts", "count", "1" * 30, "a whole number (digits only, no separators)"),
    _cell_kind("int: decimal", "idp_counts", "count", "12.5", "a whole number (digits only, no separators)"),
    _cell_kind("int: plus sign", "indicators", "value", "+5", "a whole number (digits only, no separators)"),
    _cell_kind("int: negative", "idp_counts", "count", "-5", "a number >= 0"),
    _cell_kind("float: spaces as separators", "mandates", "budget_eur", "12 300 000", "a number (digits, optional decimal point)"),
    _cell_kind("float: 1.7e308", "mandates", "budget_amount", "1.7e308", "a number (digits, optional decimal point)"),
    _cell_kind("float: inf", "mandates", "budget_amount", "inf", "a number (digits, optional decimal point)"),
    _cell_kind("float: NaN", "sites", "lat", "NaN", "a number (digits, optional decimal point)"),
    _cell_kind("float: decimal comma", "sites", "lon", "-8,0", "a number (digits, optional decimal point)"),
    _cell_kind("float: negative budget", "mandates", "budget_eur", "-5", "a number >= 0"),
    # Plausibility: well formed, absurd.
    Kind("amount: 99 trillion EUR", _set_many(("mandates", "budget_amount", "99000000000000"), ("mandates", "budget_eur", "99000000000000")),
         Refused("mandates.csv", 2, "budget_amount", "99000000000000", "at most 50,000,000,000 EUR")),
    Kind("amount: zero", _set_many(("funding", "amount", "0"), ("funding", "amount_eur", "0")),
         Refused("funding.csv", 2, "amount", "0", "an amount above 0 (leave it empty when it is unknown")),
    Kind("amount: 99 trillion XOF", _xof_too_large, Refused("funding.csv", ANY, "amount", "99000000000000", "at most 33,000,000,000,000 XOF")),
    _cell_kind("strength: two million soldiers", "engagements", "personnel_peak", "2000000", "at most 100,000 people"),
    _cell_kind("strength: ceiling of a million", "mandates", "personnel_ceiling", "1000000", "at most 100,000 people"),
    Kind("strength: 500,000 deployed", _set_many(("indicators", "indicator", "personnel"), ("indicators", "value", "500000")),
         Refused("indicators.csv", 2, "value", "500000", "at most 100,000 for personnel")),
    Kind("indicator: 500 contributing countries", _set_many(("indicators", "indicator", "contributing_countries"), ("indicators", "value", "500")),
         Refused("indicators.csv", 2, "value", "500", "at most 193 for contributing_countries")),
    _cell_kind("displaced: fifty million", "idp_counts", "count", "50000000", "at most 10,000,000 people in one area"),
    # Rules between columns.
    _cell_kind("amount without its currency", "funding", "currency", "", "a value when amount is given"),
    Kind("EUR value of a USD amount", _usd_with_eur, Refused("funding.csv", ANY, "amount_eur", "90000000", "empty: the amount is in USD")),
    _cell_kind("EUR value differs from the EUR amount", "funding", "amount_eur", "1", "the same as amount"),
    Kind("EUR value without an amount", _set_many(("funding", "amount", ""), ("funding", "currency", "")),
         Refused("funding.csv", 2, "amount_eur", ANY, "empty unless amount is given")),
    Kind("latitude without longitude", _mapped_site(lambda d, line: set_cell(d, "sites", line, "lon", "")),
         Refused("sites.csv", ANY, "lon", "", "lat and lon both given or both empty")),
    Kind("point outside the Sahel", _mapped_site(lambda d, line: set_cell(d, "sites", line, "lat", "48.85")),
         Refused("sites.csv", ANY, "lat", ANY, "a point inside the Sahel box")),
    Kind("latitude and longitude swapped", _mapped_site(lambda d, line: (set_cell(d, "sites", line, "lat", "-8.0"), set_cell(d, "sites", line, "lon", "12.65"))),
         Refused("sites.csv", ANY, "lat", "-8.0,12.65", "a point inside the Sahel box lon -20.0..30.0, lat 0.0..30.0 (lat and lon swapped?)")),
    Kind("coordinates with precision unknown", _mapped_site(lambda d, line: set_cell(d, "sites", line, "precision", "unknown")),
         Refused("sites.csv", ANY, "precision", "unknown", "a precision other than unknown")),
    Kind("three sources, two locators", _set_many(("events", "source_ids", "SEED-001;SEED-002;SEED-003"), ("events", "locators", "p. 1 | p. 2")),
         Refused("events.csv", 2, "locators", "p. 1 | p. 2", "one locator per source (3 sources, 2 locators")),
    # References, disputes, parents.
    _cell_kind("reference to no engagement", "mandates", "engagement_id", "NO-SUCH-ID", "an id that exists in engagements.csv"),
    _cell_kind("reference list naming no source", "funding", "source_ids", "NO-SUCH-ID", "an id that exists in sources.csv"),
    _cell_kind("site in no region", "sites", "region_code", "NO-SUCH-ID", "an id that exists in regions.csv"),
    _cell_kind("dispute about no row", "disputes", "row_id", "NO-SUCH-ROW", "an id in engagements.csv"),
    _cell_kind("dispute naming a column that does not exist", "disputes", "column_name", "budget_in_dollars", "a column of engagements.csv"),
    Kind("dispute: two values shown for one cell", _dispute_shown_twice, Refused("disputes.csv", 3, "shown", "true", "one shown value per cell (also shown on row 2)")),
    _cell_kind("dispute shows a value the table does not hold", "disputes", "value", "2015-01-16", "the value engagements.csv holds"),
    Kind("engagement its own parent", _self_parent, Refused("engagements.csv", ANY, "parent_id", "EUTM-MALI", "a parent other than the engagement itself")),
    Kind("parent cycle", _parent_cycle, Refused("engagements.csv", ANY, "parent_id", "DE-MINUSMA", "a parent chain that ends (no cycle: MINUSMA → DE-MINUSMA → MINUSMA)")),
    Kind("two preferred counts for one date and area", _two_preferred, Refused("idp_counts.csv", ANY, "preferred", "2", "exactly one preferred row")),
    _cell_kind("region drawn as a boundary that does not exist", "regions", "drawn_as", "ML-99", "a region_code of mali_regions.geojson", row=3),
    # Text: formulas, control and invisible characters, size, markup, link schemes.
    _cell_kind("formula: =HYPERLINK", "events", "title_en", '=HYPERLINK("http://evil","x")', "text that does not start with = + - @"),
    _cell_kind("formula: +cmd", "engagements", "lead_actor", "+cmd|' /C calc'!A0", "text that does not start with = + - @"),
    _cell_kind("formula: @SUM", "funding", "donor", "@SUM(1+1)", "text that does not start with = + - @"),
    _cell_kind("control character (BEL) in a name", "engagements", "name_en", "EU Training\x07 Mission", "one line of text without control"),
    _cell_kind("bidi override (U+202E) in a name", "engagements", "name_en", "EUTM \u202eilaM", "one line of text without control, invisible or bidirectional-override characters (found U+202E"),
    _cell_kind("bidi isolate (U+2066) in a title", "events", "title_fr", "Coup \u2066x\u2069 d'État", "one line of text without control"),
    _cell_kind("zero-width space in an acronym", "engagements", "acronym", "EUTM\u200bMali", "one line of text without control"),
    _cell_kind("line separator (U+2028) in a note", "funding", "note", "a\u2028b", "one line of text without control"),
    _cell_kind("line break inside a quoted name", "engagements", "name_fr", "Mission\nde formation", "one line of text without control"),
    _cell_kind("10,000-character name", "engagements", "name_en", "a" * 10_000, "at most 300 characters (got 10000)"),
    _cell_kind("5,000-character description", "engagements", "description_en", "a" * 5_000, "at most 2000 characters"),
    _cell_kind("50-character acronym", "engagements", "acronym", "A" * 50, "at most 40 characters"),
    _cell_kind("plotly link markup in an acronym", "engagements", "acronym", "<a href='//e.xx'>X</a>", "plain text without markup tags"),
    _cell_kind("bold markup in a title", "events", "title_en", "Coup <b>now</b>", "plain text without markup tags"),
    _cell_kind("line-break markup in a locator", "events", "locators", "p. 3<br>p. 4", "plain text without markup tags"),
    _cell_kind("source location javascript:", "sources", "location", "javascript:alert(1)", "an http(s) address"),
    _cell_kind("source location data:", "sources", "location", "data:text/html;base64,PGI+eDwvYj4=", "an http(s) address"),
    # GeoJSON layers and their manifest.
    Kind("layer missing", lambda d: (d / "geo" / "mali_regions.geojson").unlink(),
         Refused("mali_regions.geojson", 0, "", ANY, "the layer file to exist")),
    Kind("layer is a FIFO", lambda d: _replace_file(d / "geo" / "mali_regions.geojson", os.mkfifo),
         Refused("mali_regions.geojson", 0, "", "a named pipe (FIFO)", "a regular file")),
    Kind("layer is a directory", lambda d: _replace_file(d / "geo" / "mali_regions.geojson", Path.mkdir),
         Refused("mali_regions.geojson", 0, "", "a directory", "a regular file")),
    Kind("layer truncated", lambda d: (d / "geo" / "mali_regions.geojson").write_bytes((d / "geo" / "mali_regions.geojson").read_bytes()[:5000]),
         Refused("mali_regions.geojson", ANY, "", ANY, "valid JSON (is the file truncated?)")),
    Kind("layer nested 100,000 deep", lambda d: (d / "geo" / "mali_regions.geojson").write_text("[" * 100_000 + "]" * 100_000),
         Refused("mali_regions.geojson", 0, "", "JSON nested 100000 levels deep", "at most 12 levels of nesting")),
    Kind("layer not UTF-8", lambda d: (d / "geo" / "mali_regions.geojson").write_bytes(b'{"type": "\xff"}'),
         Refused("mali_regions.geojson", 1, "", ANY, "UTF-8 text")),
    Kind("layer with NaN", _geo(_props("name_en", float("nan"))), Refused("mali_regions.geojson", 0, "", "NaN", "finite numbers")),
    Kind("region code as a list", _geo(_props("region_code", ["ML-1"])),
         Refused("mali_regions.geojson", 0, "feature 0 region_code", "['ML-1']", "a non-empty text id")),
    Kind("region code as a number", _geo(_props("region_code", 5)), Refused("mali_regions.geojson", 0, "feature 0 region_code", "5", "a non-empty text id")),
    Kind("country flag not a boolean", _geo(_props("g5_sahel", "yes"), "sahel_countries.geojson"),
         Refused("sahel_countries.geojson", 0, "feature 0 g5_sahel", "yes", "true or false")),
    Kind("markup in a region name", _geo(_props("name_fr", "<a href='//e.xx'>Kayes</a>")),
         Refused("mali_regions.geojson", 0, "feature 0 name_fr", ANY, "plain text without markup tags")),
    Kind("not a FeatureCollection", _geo(lambda doc: doc.update(type="Feature")),
         Refused("mali_regions.geojson", 0, "type", "Feature", "a GeoJSON FeatureCollection")),
    Kind("no features", _geo(lambda doc: doc.update(features=[])), Refused("mali_regions.geojson", 0, "features", ANY, "a non-empty list of features")),
    Kind("a feature that is not an object", _geo(lambda doc: doc["features"].__setitem__(0, [1, 2])),
         Refused("mali_regions.geojson", 0, "feature 0", "[1, 2]", "a GeoJSON Feature object")),
    Kind("a feature without its name", _geo(lambda doc: doc["features"][0]["properties"].pop("name_en")),
         Refused("mali_regions.geojson", 0, "feature 0", ANY, "properties name_en")),
    Kind("self-intersecting polygon", _geo(_geometry({"type": "Polygon", "coordinates": [[[-10, 12], [-8, 14], [-8, 12], [-10, 14], [-10, 12]]]})),
         Refused("mali_regions.geojson", 0, ANY, ANY, "a valid polygon (no self-intersection)")),
    Kind("empty geometry", _geo(_geometry({"type": "Polygon", "coordinates": []})),
         Refused("mali_regions.geojson", 0, ANY, "empty geometry", "a non-empty polygon")),
    Kind("unclosed ring", _geo(_geometry({"type": "Polygon", "coordinates": [[[-10, 12], [-8, 14], [-8, 12]]]})),
         Refused("mali_regions.geojson", 0, ANY, ANY, "closed rings of at least 4 positions")),
    Kind("a point where a region goes", _geo(_geometry({"type": "Point", "coordinates": [-8, 12]})),
         Refused("mali_regions.geojson", 0, ANY, "Point", "a Polygon or MultiPolygon")),
    Kind("projected CRS", _geo(lambda doc: doc.update(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}), "sahel_countries.geojson"),
         Refused("sahel_countries.geojson", 0, "crs", "urn:ogc:def:crs:EPSG::3857", "EPSG:4326 / CRS84")),
    Kind("region drawn in Paris", _geo(lambda doc: doc["features"][0].update(geometry={"type": "Polygon", "coordinates": [[[2, 48], [3, 48], [3, 49], [2, 49], [2, 48]]]})),
         Refused("mali_regions.geojson", 0, ANY, ANY, "lon -13.0..5.0")),
    Kind("two features with one id", _geo(lambda doc: doc["features"][1]["properties"].update(region_code=doc["features"][0]["properties"]["region_code"])),
         Refused("mali_regions.geojson", 0, "region_code", ANY, "one feature per id")),
    Kind("manifest missing", lambda d: (d / "geo" / "manifest.json").unlink(), Refused("manifest.json", 0, "", ANY, "the geo manifest with licences")),
    Kind("manifest is a FIFO", lambda d: _replace_file(d / "geo" / "manifest.json", os.mkfifo), Refused("manifest.json", 0, "", "a named pipe (FIFO)", "a regular file")),
    Kind("manifest not JSON", lambda d: (d / "geo" / "manifest.json").write_text("{"), Refused("manifest.json", ANY, "", ANY, "valid JSON")),
    Kind("manifest a list", lambda d: (d / "geo" / "manifest.json").write_text("[]"), Refused("manifest.json", 0, "attribution", ANY, 'an object whose "attribution" is text')),
    # Briefings and markings.
    Kind("briefing is a FIFO", lambda d: os.mkfifo(d / "briefings" / "x.json"), Refused("briefings/x.json", 0, "", "a named pipe (FIFO)", "a regular file")),
    Kind("briefing is a directory", lambda d: (d / "briefings" / "x.json").mkdir(), Refused("briefings/x.json", 0, "", "a directory", "a regular file")),
    Kind("briefing is a broken symlink", lambda d: (d / "briefings" / "x.json").symlink_to(d / "nowhere.json"),
         Refused("briefings/x.json", 0, "", ANY, "a regular file")),
    Kind("briefing nested 100,000 deep", lambda d: (d / "briefings" / "x.json").write_text("[" * 100_000 + "]" * 100_000),
         Refused("briefings/x.json", 0, "", "JSON nested 100000 levels deep", "at most 20 levels of nesting")),
    Kind("briefing of 2 MB", lambda d: (d / "briefings" / "x.json").write_text(" " * 2_000_000 + "{}"),
         Refused("briefings/x.json", 0, "", "2000002 bytes", "at most 1048576 bytes")),
    Kind("briefing file name with a space", lambda d: (d / "briefings" / "My Briefing.json").write_text("{}"),
         Refused("briefings/My Briefing.json", 0, "", "My Briefing", "a file name of lowercase letters")),
    Kind("briefing not an object", lambda d: (d / "briefings" / "x.json").write_text("[]"), Refused("briefings/x.json", 0, "", "list", "a JSON object")),
    Kind("briefing without scenes", _briefing(lambda doc: doc.update(scenes=[])), Refused(f"briefings/{BRIEFING}.json", 0, "scenes", "list", "a list of 1 to 50 scenes")),
    Kind("scene view that does not parse", _briefing(lambda doc: doc["scenes"][0].update(view="?year=99999999999")),
         Refused(f"briefings/{BRIEFING}.json", 1, "view", "?year=99999999999", "year=99999999999"), briefing_views=True),
    Kind("scene view with a typo'd parameter", _briefing(lambda doc: doc["scenes"][1].update(view="?yaer=2019")),
         Refused(f"briefings/{BRIEFING}.json", 2, "view", "?yaer=2019", "unknown parameter 'yaer=2019'"), briefing_views=True),
    Kind("scene view not a query", _briefing(lambda doc: doc["scenes"][0].update(view="year=2019")),
         Refused(f"briefings/{BRIEFING}.json", 1, "view", "year=2019", "a URL query starting with ?")),
    Kind("briefing title in one language", _briefing(lambda doc: doc.update(title={"en": "x"})),
         Refused(f"briefings/{BRIEFING}.json", 0, "title", ANY, 'an object {"en": "...", "fr": "..."}')),
    Kind("briefing title with a bidi override", _briefing(lambda doc: doc.update(title={"en": "EU \u202eilaM", "fr": "UE"})),
         Refused(f"briefings/{BRIEFING}.json", 0, "title.en", ANY, "one line of text without control")),
    Kind("briefings folder is a file", lambda d: _replace_file(d / "briefings", lambda p: p.write_text("x")),
         Refused("briefings", 0, "", "not a directory", "a directory of briefing files")),
    Kind("markings.json is a FIFO", lambda d: os.mkfifo(d / "markings.json"), Refused("markings.json", 0, "", "a named pipe (FIFO)", "a regular file")),
    Kind("markings.json with an unknown key", lambda d: (d / "markings.json").write_text('{"marking": {"en": "x", "fr": "x"}, "colour": "red"}'),
         Refused("markings.json", 0, "", ANY, 'an object with "marking" and/or "contact"')),
    # --lenient: the rows that refer to a rejected row are rejected with it, under its cause.
    Kind("rejected engagement's dependants under --lenient", _reject_eutm,
         Refused("mandates.csv", ANY, "engagement_id", "EUTM-MALI", "an id of a row that loads (engagements.csv row"), lenient=True),
    # Stated acceptances: valid data that may look odd (each listed in data/README.md).
    Kind("CRLF line ends", _crlf, Accepted("CRLF line ends")),
    Kind("UTF-8 byte-order mark", lambda d: (d / "tables" / "sources.csv").write_bytes(b"\xef\xbb\xbf" + (d / "tables" / "sources.csv").read_bytes()),
         Accepted("A UTF-8 byte-order mark")),
    Kind("line break inside a quoted note", _set("funding", "note", "First line\nsecond line"), Accepted("A line break inside a quoted long text")),
    Kind("saved by Excel as CSV UTF-8 (BOM, CRLF, a line break in a description)", lambda d: _excel_save(d, "engagements"),
         Accepted("A table saved by Excel")),
    Kind("full-width equals sign", _set("events", "title_en", '＝HYPERLINK("http://e.xx")'), Accepted("A full-width equals sign")),
    Kind("columns in another order", _columns_reordered, Accepted("Columns in another order")),
    Kind("blank lines and a line of empty cells", _blank_lines, Accepted("Blank lines, and lines of empty cells")),
    Kind("quoted commas and quotes", _set("events", "title_en", 'Accord "for peace", signed'), Accepted("Quoted fields")),
    Kind("Arabic script and accents", _set("regions", "name_fr", "Tombouctou — تمبكتو", 8), Accepted("Any script")),
    Kind("zero-width joiner and marks", _set("events", "title_fr", "Accord d\u2019Alger \u200f\u200d"), Accepted("Zero-width joiners")),
    Kind("a lone < > or & in text", _set("events", "title_en", "Fewer than < 5,000 & more > 10"), Accepted("A lone `<`, `>` or `&`")),
    Kind("entity text", _set("events", "title_en", "R&amp;D &lt;b&gt;"), Accepted("Entity text")),
    Kind("leading zeros", _set("idp_counts", "count", "0609"), Accepted("Leading zeros")),
    Kind("table that is a symlink to a regular file", _symlinked_table, Accepted("A table that is a symbolic link")),
    Kind("other files in briefings/", _extra_file_in_briefings, Accepted("Files in `briefings/` that do not end in `.json`")),
    Kind("no markings.json", lambda d: (d / "markings.json").unlink(missing_ok=True), Accepted("No `markings.json`")),
    Kind("extra GeoJSON properties", _geo(lambda doc: doc["features"][0]["properties"].update(source="NE", pop=1)), Accepted("Extra feature properties")),
    Kind("CRS84 declared", _geo(lambda doc: doc.update(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}})),
         Accepted("A declared CRS84")),
]


def _problems_of(data: Path, kind: Kind) -> list[Problem]:
    """Load as ``validate`` (or ``run --lenient``) does; any exception but DataError propagates."""
    from dashboard.briefing import briefing_problems
    from dashboard.view import build_app_data, build_options

    if kind.lenient:
        try:
            catalog = load_catalog(data, lenient=True, use_cache=False)
        except DataError as exc:
            return exc.problems
        build_app_data(catalog, date(2026, 11, 22))  # what `run --lenient` starts from
        return list(catalog.rejected)
    problems = validate(data)
    if not problems and kind.briefing_views:
        catalog = load_catalog(data, use_cache=False)
        options = build_options(catalog.tables, date(2026, 11, 22), {b: len(x.scenes) for b, x in catalog.briefings.items()})
        problems = briefing_problems(catalog.briefings, options)
    return problems


def _with_deadline(function: Callable[[], object]) -> object:
    """``function()`` in a thread: a hang fails the test after DEADLINE_S, never the whole run."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["value"] = function()
        except BaseException as exc:  # noqa: BLE001  (re-raised in the test's thread)
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE_S)
    assert not thread.is_alive(), f"reading the data hung (no answer in {DEADLINE_S} s)"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]  # a traceback: the kind was not handled
    return result["value"]


def _matches(problem: Problem, want: Refused, facts: dict) -> bool:
    row = facts.get("row", ANY) if want.row is ANY else want.row
    value = facts.get("value", ANY) if want.value is ANY else want.value
    return (problem.file == want.file and (row is ANY or problem.row == row) and (want.column is ANY or problem.column == want.column)
            and (value is ANY or problem.value == value) and problem.expected.startswith(want.expected))


def test_the_catalogue_is_complete():
    """At least 90 kinds of damage, and every acceptance stated in data/README.md with its reason."""
    refused = [k for k in CATALOGUE if isinstance(k.outcome, Refused)]
    accepted = [k for k in CATALOGUE if isinstance(k.outcome, Accepted)]
    assert len(CATALOGUE) >= 90 and len({k.name for k in CATALOGUE}) == len(CATALOGUE)
    readme = (Path(__file__).resolve().parent.parent / "data" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What the loader accepts", 1)[1].split("\n## ", 1)[0]
    for kind in accepted:
        assert f"**{kind.outcome.readme}" in section, kind.name  # type: ignore[union-attr]
    assert refused and accepted


@pytest.mark.parametrize("kind", CATALOGUE, ids=[k.name for k in CATALOGUE])
def test_corrupted_data_catalogue(data_copy, kind):
    facts = kind.mutate(data_copy)
    facts = facts if isinstance(facts, dict) else {}
    problems = _with_deadline(lambda: _problems_of(data_copy, kind))
    if isinstance(kind.outcome, Accepted):
        assert problems == [], problems[:3]
        return
    want = kind.outcome
    found = [p for p in problems if _matches(p, want, facts)]
    assert found, (want, [str(p) for p in problems[:5]])
    text = str(found[0])  # the message a curator reads names the file, row, column, value and expectation
    assert text.startswith(want.file) and want.expected in text
    assert (f"row {found[0].row}" in text) == bool(found[0].row) and (not found[0].column or repr(found[0].column) in text)
    if kind.lenient and "expected_row" in facts:  # the dependant names its cause, and the banner groups it there
        assert found[0].cause == ("engagements.csv", facts["expected_row"])


def test_shipped_data_is_valid(data_copy):
    assert validate(data_copy) == []


def _engagement_line(data: Path, engagement_id: str) -> int:
    rows = read_rows(data / "tables" / "engagements.csv")
    return next(i + 1 for i, r in enumerate(rows) if r[0] == engagement_id)


def test_parent_cycle_names_every_engagement_on_it(data_copy):
    minusma, german = _engagement_line(data_copy, "MINUSMA"), _engagement_line(data_copy, "DE-MINUSMA")
    assert cell(data_copy, "engagements", german, "parent_id") == "MINUSMA"
    set_cell(data_copy, "engagements", minusma, "parent_id", "DE-MINUSMA")
    problems = [p for p in validate(data_copy) if p.column == "parent_id"]
    assert problems == sorted([
        Problem("engagements.csv", minusma, "parent_id", "DE-MINUSMA",
                "a parent chain that ends (no cycle: MINUSMA → DE-MINUSMA → MINUSMA)"),
        Problem("engagements.csv", german, "parent_id", "MINUSMA",
                "a parent chain that ends (no cycle: DE-MINUSMA → MINUSMA → DE-MINUSMA)"),
    ])  # NL-MINUSMA and the other contingents lead into the cycle but their own parent is fine


def test_longer_parent_cycle(data_copy):
    lines = {e: _engagement_line(data_copy, e) for e in ("EUTM-MALI", "EUCAP-SAHEL-MALI", "MINUSMA")}
    set_cell(data_copy, "engagements", lines["EUTM-MALI"], "parent_id", "EUCAP-SAHEL-MALI")
    set_cell(data_copy, "engagements", lines["EUCAP-SAHEL-MALI"], "parent_id", "MINUSMA")
    set_cell(data_copy, "engagements", lines["MINUSMA"], "parent_id", "EUTM-MALI")
    problems = [p for p in validate(data_copy) if p.column == "parent_id"]
    assert {p.row for p in problems} == set(lines.values())
    assert all(p.expected.startswith("a parent chain that ends (no cycle: ") for p in problems)


def test_parent_equal_to_own_id_is_refused(data_copy):
    line = _engagement_line(data_copy, "EUTM-MALI")
    set_cell(data_copy, "engagements", line, "parent_id", "EUTM-MALI")
    assert [p for p in validate(data_copy) if p.column == "parent_id"] == [
        Problem("engagements.csv", line, "parent_id", "EUTM-MALI",
                "a parent other than the engagement itself (a parent chain that ends, no cycle)"),
    ]


def _loaded_and_listed(data: Path, catalog) -> None:
    """Every row of every table either loads or is listed in ``rejected``: none dropped silently."""
    from sahel_data.schema import TABLES

    listed = {(p.file, p.row) for p in catalog.rejected}
    for table in TABLES:
        rows = read_rows(data / "tables" / table.file)[1:]
        loaded = set(catalog.tables[table.name]["_row"])
        assert all((i in loaded) != ((table.file, i) in listed) for i in range(2, len(rows) + 2)), table.file


def test_lenient_load_rejects_and_lists_the_rows_of_a_cycle(data_copy):
    from dashboard.view import build_app_data
    from layers.view_state import parse_query

    minusma, german = _engagement_line(data_copy, "MINUSMA"), _engagement_line(data_copy, "DE-MINUSMA")
    set_cell(data_copy, "engagements", minusma, "parent_id", "DE-MINUSMA")
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    cycle = [p for p in catalog.rejected if p.expected.startswith("a parent chain that ends (no cycle")]
    assert [(p.file, p.row, p.column) for p in cycle] == sorted([("engagements.csv", minusma, "parent_id"),
                                                                 ("engagements.csv", german, "parent_id")])
    engagements = catalog.tables["engagements"]
    assert not {"MINUSMA", "DE-MINUSMA", "NL-MINUSMA"} & set(engagements.index) and "EUTM-MALI" in engagements.index
    # The rows that refer to them (their mandates, figures, contingents...) are rejected and listed too.
    mandate = next(p for p in catalog.rejected if p.file == "mandates.csv" and p.value == "MINUSMA")
    assert mandate.column == "engagement_id" and mandate.expected == f"an id of a row that loads (engagements.csv row {minusma} is rejected)"
    assert any(p.row == _engagement_line(data_copy, "NL-MINUSMA") and p.column == "parent_id" for p in catalog.rejected)
    _loaded_and_listed(data_copy, catalog)
    app = build_app_data(catalog, date(2026, 11, 22))  # the rest still loads and answers a view
    listed = app.engine.facts(parse_query("?year=2019", app.options)).selection.listed
    assert "EUTM-MALI" in set(app.tables["engagements"]["engagement_id"].to_numpy()[listed])


def test_lenient_load_rejects_the_rows_of_a_rejected_engagement(data_copy):
    from dashboard.view import build_app_data

    set_cell(data_copy, "engagements", _engagement_line(data_copy, "MINUSMA"), "kind", "spaceship")
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    assert "MINUSMA" not in catalog.tables["engagements"].index
    assert "MINUSMA" not in set(catalog.tables["mandates"]["engagement_id"])  # was kept, and the engine crashed
    _loaded_and_listed(data_copy, catalog)
    build_app_data(catalog, date(2026, 11, 22))


def test_strict_load_raises_with_every_problem(data_copy):
    set_cell(data_copy, "events", 2, "kind", "party")
    set_cell(data_copy, "events", 3, "date", "yesterday")
    with pytest.raises(DataError, match=r"2 data problem\(s\)") as err:
        load_catalog(data_copy, use_cache=False)
    assert {p.row for p in err.value.problems} == {2, 3}


def test_lenient_load_keeps_valid_rows_and_lists_rejected(data_copy):
    total = len(read_rows(data_copy / "tables" / "events.csv")) - 1
    bad_id = cell(data_copy, "events", 2, "event_id")
    set_cell(data_copy, "events", 2, "kind", "party")
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    assert len(catalog.tables["events"]) == total - 1
    assert bad_id not in catalog.tables["events"].index
    assert [(p.file, p.row, p.column) for p in catalog.rejected] == [("events.csv", 2, "kind")]


def test_lenient_load_still_refuses_an_unreadable_file(data_copy):
    (data_copy / "tables" / "events.csv").write_bytes(b"\xff\xfe garbage")
    with pytest.raises(DataError):
        load_catalog(data_copy, lenient=True, use_cache=False)


def test_formula_cells_are_neutralised_in_downloads():
    import openpyxl
    import pandas as pd

    from dashboard.export_table import neutralise

    assert neutralise('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    assert neutralise("+1") == "'+1" and neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("plain") == "plain"
    assert neutralise(12.5) == 12.5
    frame = pd.DataFrame({"a": ["=1+1", "ok"]}).map(neutralise)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"


def test_lenient_banner_lists_the_dependants_of_a_rejected_row_under_it(data_copy):
    """Rejecting EUTM-MALI used to leave its mandates, figures, events and sites pointing at
    nothing, unlisted: now each is rejected and shown under the row that caused it."""
    import plotly

    from dashboard.outputs import warning_output
    from dashboard.view import build_app_data
    from layers.period import Period
    from layers.view_state import ViewState
    from sahel_data.problems import group_by_cause

    line = _engagement_line(data_copy, "EUTM-MALI")
    set_cell(data_copy, "engagements", line, "kind", "spaceship")
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    _loaded_and_listed(data_copy, catalog)
    groups = group_by_cause(catalog.rejected)
    assert [(g.file, g.row) for g in groups] == [("engagements.csv", line)]  # one cause
    cause = groups[0]
    assert [p.column for p in cause.problems] == ["kind"]
    by_file = {f: {p.row for p in cause.dependants if p.file == f} for f in {p.file for p in cause.dependants}}
    assert {"mandates.csv", "indicators.csv", "events.csv"} <= set(by_file)
    eutm = catalog.tables  # nothing that loads names the rejected engagement
    for table, column in (("mandates", "engagement_id"), ("indicators", "engagement_id"), ("events", "engagement_id")):
        assert "EUTM-MALI" not in set(eutm[table][column])
    assert not any("EUTM-MALI" in ids for ids in eutm["sites"]["engagement_ids"])
    app = build_app_data(catalog, date(2026, 11, 22))
    banner = json.loads(plotly.io.json.to_json_plotly(warning_output(app, ViewState(period=Period.year(2019)), [])))
    text = json.dumps(banner, ensure_ascii=False)
    assert f"engagements.csv, row {line}, column 'kind'" in text
    assert f"{cause.dependant_rows} rows that refer to it were rejected with it" in text
    assert "mandates.csv, row" in text  # listed under the cause, one click away
