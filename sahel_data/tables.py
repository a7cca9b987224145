"""Reading one CSV table strictly: encoding, delimiter, header, shape and cell types.

Rows are parsed with the standard ``csv`` module rather than pandas so that every problem
can name its line, and so that no row is ever dropped or coerced silently.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sahel_data.problems import Problem
from sahel_data.schema import ID_PATTERN, LIST_SEP, LOCATOR_SEP, Column, Table

MIN_YEAR, MAX_YEAR = 1900, 2100  # plausible dates for this subject (typos such as 20190 fail)
MAX_FILE_BYTES = 64 * 1024 * 1024  # far above real tables (the x1000 benchmark copy is ~46 MB)
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ID_RE = re.compile(ID_PATTERN)
# Spreadsheet programs execute cells starting with these characters as formulas.
FORMULA_PREFIXES = ("=", "+", "@", "-", "\t", "\r")
END_COLUMNS = frozenset({"end_date", "active_to", "period_end"})


def parse_date(text: str, *, end: bool = False) -> pd.Timestamp:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a partial date resolves to its period's
    first day, or to its last day when ``end`` is true. Raises ``ValueError`` if invalid.
    """
    m = _DATE_RE.match(text)
    if not m:
        msg = f"not an ISO date: {text!r}"
        raise ValueError(msg)
    year, month, day = m.group(1), m.group(2), m.group(3)
    if day:
        return pd.Timestamp(int(year), int(month), int(day))
    if month:
        start = pd.Timestamp(int(year), int(month), 1)
        return start + pd.offsets.MonthEnd(0) if end else start
    return pd.Timestamp(int(year), 12, 31) if end else pd.Timestamp(int(year), 1, 1)


def split_list(text: str) -> tuple[str, ...]:
    """Split a ``;`` list cell into its stripped, non-empty items."""
    return tuple(item.strip() for item in text.split(LIST_SEP) if item.strip())


def split_locators(text: str) -> tuple[str, ...]:
    """Split a locators cell into one locator per source."""
    return tuple(item.strip() for item in text.split(LOCATOR_SEP))


@dataclass
class RawTable:
    """A table as read: header, rows keyed by file line number, and the problems found."""

    table: Table
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False  # the file could not be read as a table at all


def read_raw(path: Path, table: Table) -> RawTable:
    """Read ``path`` as ``table``: bytes, encoding, delimiter, header and row shape."""
    raw = RawTable(table)
    name = path.name

    def fail(row: int, column: str, value: str, expected: str) -> RawTable:
        raw.problems.append(Problem(name, row, column, value, expected))
        raw.fatal = True
        return raw

    if not path.is_file():
        return fail(0, "", str(path), "the file to exist")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return fail(0, "", f"{size} bytes", f"at most {MAX_FILE_BYTES} bytes")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return fail(1, "", "UTF-8 byte-order mark", "UTF-8 without BOM (save as 'CSV UTF-8' without BOM)")
    if b"\x00" in data:
        return fail(0, "", "NUL byte", "a text file (is it a spreadsheet or compressed?)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return fail(line, "", repr(data[exc.start : exc.start + 4]), f"UTF-8 text ({exc.reason})")
    if not text.strip():
        return fail(0, "", "empty file", "a header row and data rows")

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return fail(1, "", str(exc), "a valid CSV header")
    expected = [c.name for c in table.columns]
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        return fail(1, "", header[0][:60], f"comma-delimited columns {', '.join(expected)}")
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raw.problems.append(Problem(name, 1, col, col, "each column name once (duplicate header)"))
        seen.add(col)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    for col in missing:
        raw.problems.append(Problem(name, 1, col, "(missing)", "this required column in the header"))
    for col in extra:
        raw.problems.append(Problem(name, 1, col, col, f"only the columns {', '.join(expected)}"))
    if raw.problems:
        raw.fatal = True
        return raw

    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank line: nothing to lose
            if len(record) != len(header):
                raw.problems.append(
                    Problem(name, line, "", ",".join(record)[:80], f"{len(header)} fields, found {len(record)}")
                )
                continue
            raw.rows.append((line, dict(zip(header, record, strict=True))))
    except csv.Error as exc:
        return fail(reader.line_num, "", str(exc), "well-formed CSV (is the file truncated?)")
    return raw


def check_cell(column: Column, value: str) -> str | None:
    """Return what was expected if ``value`` is not valid for ``column``, else ``None``."""
    if value != value.strip():
        return "no leading or trailing spaces"
    if not value:
        return "a value (this column is required)" if column.required else None
    kind = column.kind
    if kind == "id" and not _ID_RE.match(value):
        return f"an id matching {ID_PATTERN}"
    if kind == "int":
        if not re.fullmatch(r"-?\d+", value):
            return "a whole number (digits only, no separators)"
        if column.minimum is not None and int(value) < column.minimum:
            return f"a number >= {column.minimum:g}"
    if kind == "float":
        try:
            number = float(value)
        except ValueError:
            return "a number (digits, optional decimal point)"
        if not math.isfinite(number):
            return "a finite number"
        if column.minimum is not None and number < column.minimum:
            return f"a number >= {column.minimum:g}"
    if kind == "date":
        try:
            parse_date(value)
        except ValueError:
            return "a date YYYY, YYYY-MM or YYYY-MM-DD"
        if not MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
            return f"a year between {MIN_YEAR} and {MAX_YEAR}"
    if kind == "bool" and value not in ("true", "false"):
        return "true or false"
    if kind == "enum" and value not in column.choices:
        return f"one of {', '.join(column.choices)}"
    if kind == "list" and column.choices:
        bad = [v for v in split_list(value) if v not in column.choices]
        if bad:
            return f"items from {', '.join(column.choices)} separated by ';'"
    if kind == "text" and value.startswith(FORMULA_PREFIXES):
        return "text that does not start with = + - @ (spreadsheet formula injection)"
    return None
