"""The tables as one Excel workbook, and back: curating in a spreadsheet without fear.

``sahel-dashboard export-data --format xlsx -o FILE`` writes :func:`write_workbook`: one sheet per
table of ``data/tables/`` (the map context tables of ``data/geo/`` are rebuilt by a script, never
edited, and are left out), columns in the file's order, with

* **sources and locators side by side**: ``source 1``, ``locator 1``, ``source 2``, ``locator 2``
  ... in place of ``source_ids`` and ``locators`` (one locator per source, or one locator in
  ``locator 1`` for all of them), and one empty pair more to add a source;
* **lists easy to edit**: ``ML-5; ML-7`` (items separated by ``;``, spaces allowed);
* **drop-downs** (data validation) for every vocabulary (kinds, statuses, qualifiers...), for
  ``true``/``false``, and for the codes a cell refers to (an engagement, a region, a source),
  taken from the workbook's own sheets, so a row added to ``engagements`` is offered at once;
* every cell formatted as text, so Excel keeps ``2015-01``, ``0609`` and ``1.50`` as written;
* an ``about`` sheet: the data version and how to import.

``sahel-dashboard import xlsx FILE`` plans with :func:`plan_workbook_import` and writes with
:func:`apply_workbook_import`:

* rows are matched by id: a row whose cells are as exported is **unchanged and keeps its exact
  bytes**; an edited row is **changed** (the columns named, and only those cells rewritten); a row
  with a new id is **added** (after the row above it in the sheet when that row is in the file,
  else at the end); a row whose id is no longer in the sheet is **removed**;
* a file with no change is not written at all, so a round trip with no edits changes nothing, byte
  for byte; a rewritten file keeps its byte-order mark and line ends (Excel's or not);
* the result is validated, with every other file, in a scratch copy; every problem names the
  workbook, the sheet, the row, the column, the value and what is expected, and nothing is
  written unless everything passes; then each changed table is replaced atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sahel_data.atomic import write_bytes_atomic
from sahel_data.files import read_limited
from sahel_data.problems import Problem
from sahel_data.schema import TABLES, Column, Table
from sahel_data.tables import UTF8_BOM, split_list, split_records

WORKBOOK_NAME = "sahel-security-assistance.xlsx"
ABOUT_SHEET = "about"
LISTS_SHEET = "lists"
SPARE_ROWS = 500  # rows under the data that keep the drop-downs and the text format (for new rows)
SPARE_SOURCES = 1  # empty source/locator pairs after the widest row's
MAX_WORKBOOK_BYTES = 64 * 1024 * 1024
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 200
TEXT_FORMAT = "@"
LIST_SHOWN = "; "
SOURCE_HEADER = re.compile(r"(source|locator) ([1-9][0-9]{0,2})")


# ---- the CSV files, record by record, bytes kept --------------------------------------------

@dataclass
class CsvFile:
    """A table file split into its header and records, each with its exact text."""

    bom: bool
    head: str
    header: list[str]
    records: list[tuple[dict[str, str] | None, str]]  # (row by column, or None for a blank line; its text)
    newline: str = "\n"

    @classmethod
    def parse(cls, data: bytes) -> CsvFile:
        """Split a table's bytes (UTF-8, a BOM allowed) into header and records."""
        bom = data.startswith(UTF8_BOM)
        text = data.removeprefix(UTF8_BOM).decode("utf-8")
        head, header, split = split_records(text)
        # A record of blank cells (Excel's ",,,") is no row either; cells past the header count.
        records = [(row if row and any(cell.strip() for cell in next(csv.reader(io.StringIO(raw, newline="")))) else None, raw)
                   for row, raw in split]
        return cls(bom, head, header, records, "\r\n" if head.endswith("\r\n") else "\n")

    def row_text(self, row: dict[str, str]) -> str:
        """One record in this file's style (its column order and line end)."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=self.newline).writerow([row.get(c, "") for c in self.header])
        return buffer.getvalue()

    def rows(self) -> list[dict[str, str]]:
        """The data rows (blank lines left out)."""
        return [row for row, _ in self.records if row is not None]


# ---- a table as a sheet ---------------------------------------------------------------------

def _pairs(sources: str, locators: str) -> list[tuple[str, str]]:
    ids = list(split_list(sources))
    locs = [item.strip() for item in locators.split(" | ")] if locators else []
    size = max(len(ids), len(locs))
    return [(ids[k] if k < len(ids) else "", locs[k] if k < len(locs) else "") for k in range(size)]


def sheet_headers(file_header: list[str], pairs: int) -> list[str]:
    """The sheet's columns: the file's, with ``source k``/``locator k`` pairs in place of
    ``source_ids`` and ``locators``.
    """
    out: list[str] = []
    for name in file_header:
        if name == "source_ids":
            out += [h for k in range(1, pairs + 1) for h in (f"source {k}", f"locator {k}")]
        elif name != "locators":
            out.append(name)
    return out


def sheet_cells(table: Table, row: dict[str, str]) -> dict[str, str]:
    """A row's cells as the sheet shows them (lists with ``; ``, sources and locators paired)."""
    out: dict[str, str] = {}
    for column in table.columns:
        value = row.get(column.name, "")
        if column.name == "source_ids":
            for k, (source, locator) in enumerate(_pairs(value, row.get("locators", "")), start=1):
                out[f"source {k}"], out[f"locator {k}"] = source, locator
        elif column.name == "locators":
            continue
        elif column.kind in ("list", "reflist"):
            out[column.name] = LIST_SHOWN.join(split_list(value))
        else:
            out[column.name] = value
    return out


def _width(rows: list[dict[str, str]]) -> int:
    return max([len(_pairs(r.get("source_ids", ""), r.get("locators", ""))) for r in rows] or [1]) + SPARE_SOURCES


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _vocabularies() -> dict[tuple[str, ...], str]:
    """Each distinct vocabulary of the tables (and true/false), with its column in the lists sheet."""
    out: dict[tuple[str, ...], str] = {("true", "false"): ""}
    for table in TABLES:
        for column in table.columns:
            if column.kind == "enum" and column.choices:
                out.setdefault(column.choices, "")
    return {choices: _letter(i) for i, choices in enumerate(out, start=1)}


def _drop_down(column: Column | None, name: str, vocab: dict[tuple[str, ...], str],
               key_columns: dict[str, tuple[str, int]]) -> str:
    """The list a column's cells are chosen from (a range of the lists sheet or of a table's
    id column), or "" for free text and for lists of several values.
    """
    if column is None:
        return ""
    if column.kind == "enum":
        letter = vocab[column.choices]
        return f"{LISTS_SHEET}!${letter}$1:${letter}${len(column.choices)}"
    if column.kind == "bool":
        letter = vocab[("true", "false")]
        return f"{LISTS_SHEET}!${letter}$1:${letter}$2"
    # One id per cell: a reference, or one source of a source/locator pair.
    if column.kind == "ref" or name == "source_ids":
        target = column.ref.split(".")[0]
        if target in key_columns:
            key_letter, key_last = key_columns[target]
            return f"{target}!${key_letter}$2:${key_letter}${key_last}"  # as Excel writes it: no leading =
    return ""


def _hint(column: Column) -> str:
    kinds = {"id": "an id: A-Z, 0-9 and -", "date": "a date YYYY, YYYY-MM or YYYY-MM-DD", "int": "a whole number",
             "float": "a number", "bool": "true or false", "ref": f"an id from {column.ref.split('.')[0]}",
             "reflist": f"ids from {column.ref.split('.')[0]}, separated by ;", "enum": "one of: " + ", ".join(column.choices),
             "list": "items separated by ;, from: " + ", ".join(column.choices), "text": "text (one line for names and titles)"}
    return ("Required. " if column.required else "") + kinds.get(column.kind, "")


def write_workbook(data_dir: Path, target: Path, *, version: str = "", today: dt.date | None = None) -> Path:
    """The tables of ``data_dir`` as one workbook at ``target`` (written atomically)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    today = today or dt.datetime.now(dt.UTC).date()
    files = {t.name: CsvFile.parse((Path(data_dir) / "tables" / t.file).read_bytes()) for t in TABLES}
    book = Workbook()
    about = book.active
    about.title = ABOUT_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    vocab = _vocabularies()
    for choices, letter in vocab.items():
        for i, choice in enumerate(choices, start=1):
            lists[f"{letter}{i}"] = choice
    lists.sheet_state = "hidden"
    key_columns: dict[str, tuple[str, int]] = {}  # table -> (key column letter, last row with drop-downs)
    layouts = {}
    for table in TABLES:
        csv_file = files[table.name]
        rows = csv_file.rows()
        headers = sheet_headers(csv_file.header, _width(rows) if table.sourced else 0)
        layouts[table.name] = (headers, rows)
        key_columns[table.name] = (_letter(headers.index(table.key) + 1), len(rows) + 1 + SPARE_ROWS)
    for table in TABLES:
        headers, rows = layouts[table.name]
        _write_sheet(book.create_sheet(table.name), table, headers, rows, vocab=vocab, key_columns=key_columns)
    _about(about, version, today, Font(bold=True))
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(Path(target), buffer.getvalue())
    return Path(target)


def _write_sheet(sheet: object, table: Table, headers: list[str], rows: list[dict[str, str]], *,
                 vocab: dict[tuple[str, ...], str], key_columns: dict[str, tuple[str, int]]) -> None:
    """One table's sheet: a header row with notes, drop-downs, every cell as text."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, top, fill = Font(bold=True), Alignment(vertical="top"), PatternFill("solid", fgColor="E8EEF4")
    ws = sheet  # an openpyxl worksheet
    shown = [sheet_cells(table, r) for r in rows]
    last = len(rows) + 1 + SPARE_ROWS
    names = {c.name for c in table.columns}
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(1, j, header)  # type: ignore[attr-defined]
        cell.font, cell.fill = bold, fill
        source = SOURCE_HEADER.fullmatch(header)
        name = ("source_ids" if source.group(1) == "source" else "locators") if source else header
        column = table.column(name) if name in names else None
        if column is not None:
            note = _hint(column) if not source else (
                "A source id (sources sheet)." if name == "source_ids" else
                "Where in the source beside it: a page, a section or a short quote; or one locator, in locator 1, for all the sources.")
            cell.comment = Comment(note, "sahel-dashboard")
        letter = _letter(j)
        ws.column_dimensions[letter].number_format = TEXT_FORMAT  # type: ignore[attr-defined]
        ws.column_dimensions[letter].width = min(60, max(12, len(header) + 2, *(len(c.get(header, "")) for c in shown[:200])))  # type: ignore[attr-defined]
        formula = _drop_down(column, name, vocab, key_columns)
        if formula:
            check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                   errorTitle="Not in the list", error=f"{header}: choose a value from the list.")
            check.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(check)  # type: ignore[attr-defined]
    for i, cells in enumerate(shown, start=2):
        for j, header in enumerate(headers, start=1):
            value = cells.get(header, "")
            cell = ws.cell(i, j)  # type: ignore[attr-defined]
            if value:
                cell.value = value
                cell.data_type = "s"  # text, whatever it looks like (a leading = stays text)
            cell.number_format = TEXT_FORMAT
            cell.alignment = top
    ws.freeze_panes = "B2"  # type: ignore[attr-defined]
    ws.auto_filter.ref = f"A1:{_letter(len(headers))}{len(rows) + 1}"  # type: ignore[attr-defined]


def _about(sheet: object, version: str, today: dt.date, bold: object) -> None:
    lines = [
        ("Sahel security assistance: the data tables, for editing", True),
        (f"Data version {version}, exported {today.isoformat()}." if version else f"Exported {today.isoformat()}.", False),
        ("", False),
        ("One sheet per table of data/tables/ (data/README.md describes every column; the header's note says what a cell takes).", False),
        ("Edit cells; add a row at the bottom of a sheet (its id is required); delete a row to remove it.", False),
        ("Lists: items separated by ; (spaces allowed), e.g. ML-5; ML-7.", False),
        (("Sources: each source id in its own 'source N' column, its locator in 'locator N' beside it; "
          "one locator in 'locator 1' may cover all the sources. Add a source in the empty pair on the right."), False),
        ("Every cell is text: type dates as written (2015, 2015-01, 2015-01-15), numbers without separators.", False),
        ("", False),
        ("Then: sahel-dashboard import xlsx THIS-FILE --dry-run   (what would be added, changed, removed)", False),
        ("and:  sahel-dashboard import xlsx THIS-FILE             (validates everything; writes only if all is valid)", False),
        ("Rows you did not edit keep their exact bytes; a file with no edit is not rewritten.", False),
        ("Save as Excel Workbook (.xlsx). Sheets other than the tables' are ignored.", False),
    ]
    for i, (text, strong) in enumerate(lines, start=1):
        cell = sheet.cell(i, 1, text or None)  # type: ignore[attr-defined]
        if strong:
            cell.font = bold
    sheet.column_dimensions["A"].width = 120  # type: ignore[attr-defined]


# ---- reading a workbook back ----------------------------------------------------------------

def cell_text(value: object) -> str:
    """A cell's value as table text (what Excel may have turned into a number or a date, back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)  # noqa: PLR2004
    return str(value)


@dataclass
class SheetRow:
    """One row of a sheet: its number, and its cells by header."""

    number: int
    cells: dict[str, str]


@dataclass
class Sheet:
    """A table's sheet as read: headers and rows (blank rows left out)."""

    name: str
    headers: list[str]
    rows: list[SheetRow]


def read_workbook(path: Path) -> tuple[dict[str, Sheet], list[str], list[Problem]]:
    """The table sheets of the workbook at ``path``, the other sheets' names, and the problems:
    a file that is not a workbook, a missing sheet, a formula or an error value in a cell.
    """
    from openpyxl import load_workbook

    name = path.name
    data, problems = read_limited(path, name, MAX_WORKBOOK_BYTES)
    if data is None:
        return {}, [], problems
    if not data.startswith(b"PK\x03\x04"):
        return {}, [], [Problem(name, 0, "", "not a zip archive", "an Excel workbook (.xlsx) written by export-data --format xlsx")]
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many kinds for a damaged file)
        return {}, [], [Problem(name, 0, "", f"{type(exc).__name__}: {exc}"[:120], "an Excel workbook (.xlsx) that opens")]
    sheets: dict[str, Sheet] = {}
    wanted = {t.name for t in TABLES}
    try:
        others = [s for s in book.sheetnames if s not in wanted]
        for table in TABLES:
            if table.name not in book.sheetnames:
                problems.append(Problem(name, 0, "", f"no sheet {table.name!r}",
                                        f"a sheet per table ({', '.join(t.name for t in TABLES)}): export the workbook again"))
                continue
            sheet, found = _read_sheet(name, book[table.name], table.name)
            problems += found
            if sheet is not None:
                sheets[table.name] = sheet
    finally:
        book.close()
    return sheets, others, problems


def _read_sheet(book_name: str, ws: object, sheet_name: str) -> tuple[Sheet | None, list[Problem]]:
    where = f"{book_name}, sheet {sheet_name!r}"
    problems: list[Problem] = []
    rows_iter = ws.iter_rows(max_col=MAX_SHEET_COLUMNS)  # type: ignore[attr-defined]
    try:
        header_cells = next(rows_iter)
    except StopIteration:
        return None, [Problem(where, 1, "", "an empty sheet", "a header row and data rows")]
    headers = [cell_text(c.value).strip() for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    rows: list[SheetRow] = []
    for number, cells in enumerate(rows_iter, start=2):
        if number > MAX_SHEET_ROWS:
            problems.append(Problem(where, number, "", "more rows", f"at most {MAX_SHEET_ROWS} rows"))
            break
        values: dict[str, str] = {}
        for j, cell in enumerate(cells):
            if cell.value is None:
                continue
            header = headers[j] if j < len(headers) else ""
            if cell.data_type == "f":
                problems.append(Problem(where, number, header or _letter(j + 1), str(cell.value)[:80], "a value, not a formula"))
                continue
            if cell.data_type == "e":
                problems.append(Problem(where, number, header or _letter(j + 1), str(cell.value), "a value, not a spreadsheet error"))
                continue
            text = cell_text(cell.value)
            if text and not header:
                problems.append(Problem(where, number, _letter(j + 1), text[:80], "a cell under a header (this column has none)"))
                continue
            if header:
                values[header] = text
        if any(v for v in values.values()):
            rows.append(SheetRow(number, values))
    return Sheet(sheet_name, headers, rows), problems


def row_from_sheet(table: Table, where: str, row: SheetRow) -> tuple[dict[str, str], list[Problem]]:
    """A sheet row as the table's cells (lists joined with ``;``, sources and locators paired
    back into ``source_ids`` and ``locators``), and what is wrong with its source columns.
    """
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for column in table.columns:
        if column.name in ("source_ids", "locators"):
            continue
        value = row.cells.get(column.name, "")
        out[column.name] = ";".join(split_list(value)) if column.kind in ("list", "reflist") else value
    if table.sourced:
        numbers = sorted({int(m.group(2)) for h in row.cells if (m := SOURCE_HEADER.fullmatch(h))})
        pairs = [(k, row.cells.get(f"source {k}", "").strip(), row.cells.get(f"locator {k}", "")) for k in numbers]
        pairs = [p for p in pairs if p[1] or p[2]]
        for k, source, locator in pairs:
            if not source:
                problems.append(Problem(where, row.number, f"source {k}", "", f"a source id for locator {k} ({locator[:40]!r})"))
        sources = [s for _, s, _ in pairs if s]
        locators = [loc for _, _, loc in pairs]
        if len(locators) > 1 and all(not loc for loc in locators[1:]):
            locators = locators[:1]  # one locator for all the sources
        problems += [Problem(where, row.number, f"locator {k}", "", "a locator for this source (or one locator, in locator 1, for all the sources)")
                     for k, s, loc in pairs if s and not loc and len(locators) > 1]
        out["source_ids"] = ";".join(sources)
        out["locators"] = " | ".join(locators)
    return out, problems


# ---- planning an import ---------------------------------------------------------------------

@dataclass(frozen=True)
class RowEdit:
    """One row the import adds, changes (the columns named) or removes."""

    table: str
    row_id: str
    action: str  # added, changed, removed
    columns: tuple[str, ...] = ()
    sheet_row: int = 0

    def describe(self) -> str:
        """``changed EUTM-MALI (sheet row 12): personnel_peak, source 2``."""
        where = f" (sheet row {self.sheet_row})" if self.sheet_row else ""
        cols = f": {', '.join(self.columns)}" if self.columns else ""
        return f"{self.action} {self.row_id}{where}{cols}"


@dataclass
class WorkbookImport:
    """Everything an import would do, decided before anything is written."""

    workbook: Path
    data_dir: Path
    edits: list[RowEdit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, bytes] = field(default_factory=dict)  # table file name -> new bytes (changed files only)
    read: dict[str, str] = field(default_factory=dict)  # table file name -> SHA-256 of the bytes planned from
    ignored_sheets: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """Whether the import must write nothing."""
        return bool(self.problems)

    def by_table(self, table: str) -> list[RowEdit]:
        """The edits of one table."""
        return [e for e in self.edits if e.table == table]

    def report(self, *, dry_run: bool) -> str:
        """The row-level diff (added, changed with the columns, removed, each by id) and the verdict."""
        out = [f"workbook {self.workbook.name}: {len(self.edits)} row(s) to change"]
        for table in TABLES:
            edits = self.by_table(table.name)
            if not edits:
                continue
            counts = ", ".join(f"{sum(e.action == a for e in edits)} {a}" for a in ("added", "changed", "removed"))
            out.append(f"{table.file}: {counts}")
            out += [f"  {e.describe()}" for e in edits]
        if self.ignored_sheets:
            out.append(f"sheets ignored (not tables): {', '.join(self.ignored_sheets)}")
        if self.problems:
            out.append(f"refused: nothing is written ({len(self.problems)} problem(s))")
            out += [f"  {p}" for p in self.problems]
        elif not self.texts:
            out.append("nothing to write: the workbook holds the data as it is")
        elif dry_run:
            out.append("dry run: the result validates; nothing written")
        return "\n".join(out)


def _changed_columns(table: Table, old: dict[str, str], sheet: dict[str, str]) -> tuple[str, ...]:
    shown = sheet_cells(table, old)
    headers = list(dict.fromkeys([*shown, *sheet]))
    return tuple(h for h in headers if shown.get(h, "") != sheet.get(h, ""))


def _merge(table: Table, old: dict[str, str], new: dict[str, str], changed: tuple[str, ...]) -> dict[str, str]:
    """The old row with only the edited cells taken from the sheet (untouched cells keep their text)."""
    touched = {("source_ids" if SOURCE_HEADER.fullmatch(h) else h) for h in changed}
    if "source_ids" in touched:
        touched.add("locators")
    return {c.name: (new[c.name] if c.name in touched else old.get(c.name, "")) for c in table.columns} | \
        {k: v for k, v in old.items() if k not in {c.name for c in table.columns}}


def _plan_table(table: Table, csv_file: CsvFile, sheet: Sheet, book: str) -> tuple[list[RowEdit], bytes | None, dict[str, int], list[Problem]]:
    """One table: its edits, its new bytes (``None`` if unchanged), each row id's sheet row, problems."""
    where = f"{book}, sheet {table.name!r}"
    problems = _header_problems(where, sheet_headers(csv_file.header, 1), sheet.headers)
    if problems:
        return [], None, {}, problems
    old_rows = {row[table.key]: row for row in csv_file.rows() if row.get(table.key)}
    sheet_rows: dict[str, SheetRow] = {}
    order: list[str] = []
    for row in sheet.rows:
        key = row.cells.get(table.key, "").strip()
        if not key:
            problems.append(Problem(where, row.number, table.key, "", "an id (every row needs one)"))
        elif key in sheet_rows:
            problems.append(Problem(where, row.number, table.key, key, f"a unique id (also on sheet row {sheet_rows[key].number})"))
        else:
            sheet_rows[key] = row
            order.append(key)
    edits: list[RowEdit] = []
    writes: dict[str, dict[str, str]] = {}
    for key in order:
        row = sheet_rows[key]
        new, found = row_from_sheet(table, where, row)
        problems += found
        if key not in old_rows:
            writes[key] = new
            edits.append(RowEdit(table.name, key, "added", sheet_row=row.number))
            continue
        cells = {h: v for h, v in row.cells.items() if h}
        changed = _changed_columns(table, old_rows[key], cells)
        if changed:
            writes[key] = _merge(table, old_rows[key], new, changed)
            edits.append(RowEdit(table.name, key, "changed", changed, row.number))
    removed = [key for key in old_rows if key not in sheet_rows]
    edits += [RowEdit(table.name, key, "removed") for key in removed]
    lines = {key: row.number for key, row in sheet_rows.items()}
    if not edits:
        return edits, None, lines, problems
    return edits, _new_bytes(table, csv_file, order, old_rows, writes=writes, removed=set(removed)), lines, problems


def _header_problems(where: str, expected_headers: list[str], headers: list[str]) -> list[Problem]:
    """A sheet's header row against the exported one (spare source/locator pairs may go or come)."""
    expected = set(expected_headers)
    missing = [h for h in expected_headers if h not in headers and h != "locator 1"
               and (not SOURCE_HEADER.fullmatch(h) or h == "source 1")]
    problems = [Problem(where, 1, h, "(missing)", "this column in the header row (as exported)") for h in missing]
    problems += [Problem(where, 1, h, h, f"only the table's columns ({', '.join(expected_headers)[:200]})")
                 for h in headers if h and h not in expected and not SOURCE_HEADER.fullmatch(h)]
    if len(set(headers)) != len(headers):
        problems.append(Problem(where, 1, "", ", ".join(headers)[:120], "each column once"))
    return problems


def _new_bytes(table: Table, csv_file: CsvFile, order: list[str], old_rows: dict[str, dict[str, str]], *,
               writes: dict[str, dict[str, str]], removed: set[str]) -> bytes:
    """The table's new bytes: untouched records as they were, edited ones rewritten in place,
    removed ones left out, added ones after the row above them in the sheet (else at the end).
    """
    after: dict[str, list[str]] = {}
    tail: list[str] = []
    previous = ""
    for key in order:
        if key not in old_rows:
            (after.setdefault(previous, []) if previous in old_rows else tail).append(key)
        previous = key
    out = [csv_file.head]
    for row, raw in csv_file.records:
        key = row.get(table.key, "") if row else ""
        if row is None or key not in removed:
            text = csv_file.row_text(writes[key]) if row is not None and key in writes else raw
            out.append(text if text.endswith("\n") else text + csv_file.newline)
        if row is not None:
            out += [csv_file.row_text(writes[k]) for k in after.pop(key, ())]
    out += [csv_file.row_text(writes[k]) for k in tail]
    data = "".join(out).encode("utf-8")
    return UTF8_BOM + data if csv_file.bom else data


def _row_lines(table: Table, data: bytes) -> dict[int, str]:
    """Each record's first file line -> its id, numbered as the loader numbers them."""
    text = data.removeprefix(UTF8_BOM).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    index = header.index(table.key) if table.key in header else 0
    out: dict[int, str] = {}
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if record and index < len(record):
            out[line] = record[index]
    return out


def _sheet_column(column: str, value: str, cells: dict[str, str]) -> str:
    """The sheet column a table column's problem is in (a source id's own ``source k``)."""
    if column == "source_ids":
        hit = next((h for h, v in cells.items() if h.startswith("source ") and value and v.strip() == value), None)
        return hit or "source 1…"
    if column == "locators":
        return "locator 1…"
    return column


def plan_workbook_import(path: Path | str, data_dir: Path | str) -> WorkbookImport:
    """Decide what importing the workbook at ``path`` into ``data_dir`` would do, validating the
    result in a scratch copy; nothing in ``data_dir`` is written.
    """
    from sahel_data.load import validate

    path, data_dir = Path(path), Path(data_dir)
    plan = WorkbookImport(path, data_dir)
    sheets, plan.ignored_sheets, plan.problems = read_workbook(path)
    if plan.problems:
        return plan
    book = path.name
    sheet_row: dict[str, dict[str, int]] = {}
    for table in TABLES:
        target = data_dir / "tables" / table.file
        data = target.read_bytes()
        plan.read[table.file] = hashlib.sha256(data).hexdigest()
        try:
            csv_file = CsvFile.parse(data)
        except (UnicodeDecodeError, csv.Error, StopIteration) as exc:
            plan.problems.append(Problem(table.file, 0, "", str(exc)[:80], "a table that reads (run sahel-dashboard validate)"))
            continue
        edits, new, lines, problems = _plan_table(table, csv_file, sheets[table.name], book)
        plan.edits += edits
        plan.problems += problems
        sheet_row[table.name] = lines
        if new is not None:
            plan.texts[table.file] = new
    if plan.problems or not plan.texts:
        return plan
    with tempfile.TemporaryDirectory(prefix="sahel-import-xlsx-") as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(data_dir, copy, symlinks=False)
        for name, data in plan.texts.items():
            (copy / "tables" / name).write_bytes(data)
        found = validate(copy)
        lines_of = {t.file: _row_lines(t, (copy / "tables" / t.file).read_bytes()) for t in TABLES}
    by_file = {t.file: t for t in TABLES}
    for problem in found:
        table = by_file.get(problem.file)
        key = lines_of.get(problem.file, {}).get(problem.row) if table else None
        number = sheet_row.get(table.name, {}).get(key, 0) if table and key is not None else 0
        if table is None or not number:
            plan.problems.append(problem)  # a file-level problem, or a file outside the workbook
            continue
        cells = next((r.cells for r in sheets[table.name].rows if r.number == number), {})
        plan.problems.append(Problem(f"{book}, sheet {table.name!r}", number, _sheet_column(problem.column, problem.value, cells),
                                     problem.value, problem.expected))
    return plan


def apply_workbook_import(plan: WorkbookImport) -> list[Path]:
    """Write the plan's tables, each atomically, in schema order (sources first); returns the
    files written. Writes nothing when the plan is refused, and raises ``RuntimeError`` if a table
    changed on disk after the plan read it (another edit would otherwise be lost).
    """
    if plan.blocked:
        return []
    for name in plan.texts:
        now = hashlib.sha256((plan.data_dir / "tables" / name).read_bytes()).hexdigest()
        if now != plan.read.get(name):
            raise RuntimeError(f"{name} changed since the import was planned: nothing written (run the import again)")
    written = []
    for table in TABLES:
        if table.file in plan.texts:
            target = plan.data_dir / "tables" / table.file
            write_bytes_atomic(target, plan.texts[table.file])
            written.append(target)
    return written


__all__ = ["WORKBOOK_NAME", "WorkbookImport", "apply_workbook_import", "plan_workbook_import", "read_workbook", "write_workbook"]
