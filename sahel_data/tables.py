"""Reading one CSV table strictly: encoding, delimiter, header, shape and cell types.

Rows are parsed with the standard ``csv`` module rather than pandas so that every problem
can name its line, and so that no row is ever dropped or coerced silently.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sahel_data.files import read_limited
from sahel_data.problems import Problem
from sahel_data.schema import (
    ID_PATTERN,
    LIST_SEP,
    LOCATOR_SEP,
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    Column,
    Table,
    text_limit,
)

MIN_YEAR, MAX_YEAR = 1900, 2100  # plausible dates for this subject (typos such as 20190 fail)
MAX_FILE_BYTES = 128 * 1024 * 1024  # far above real tables (the x1000 benchmark copy of engagements.csv is ~74 MB)
# Matched with fullmatch and [0-9]: "\d" takes other scripts' digits (٢٠١٩) and "$" a trailing newline.
_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_ID_RE = re.compile(ID_PATTERN)
# Numbers as people type them in a table, nothing else: no exponent (1.7e308), no separators
# (1_000, 12,000, 12 000), no sign but minus, no other scripts' digits, and at most 15 digits
# before the point (30 digits would not fit a 64-bit integer; no real figure needs them).
MAX_DIGITS = 15
_INT_RE = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
_FLOAT_RE = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{1,12}})?")
# Complete tags such as <a href=...>, <b>, </i>, <br>: plotly draws them as markup (a live link).
_TAG_RE = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
# Invisible format characters that are part of writing some scripts: zero-width (non-)joiners,
# left-to-right / right-to-left / Arabic letter marks, soft hyphen. Every other format character
# (bidirectional embeddings, overrides and isolates, zero-width space, BOM...) is refused.
ALLOWED_FORMAT_CHARS = frozenset("\u200c\u200d\u200e\u200f\u061c\u00ad")
_URL_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
LOCATION_SCHEMES = ("https:", "http:", "npm:", "pypi:")  # only http(s) locations become links
# Spreadsheet programs execute cells starting with these characters as formulas.
FORMULA_PREFIXES = ("=", "+", "@", "-", "\t", "\r")
END_COLUMNS = frozenset({"end_date", "active_to", "period_end"})
UTF8_BOM = b"\xef\xbb\xbf"
# A line break inside a quoted cell of a long text (Alt+Enter in Excel), with the spaces or tabs
# around it: read as one space. Names, ids, codes and addresses stay one line (refused).
_LINE_BREAK_RE = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


def parse_date(text: str, *, end: bool = False) -> pd.Timestamp:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a partial date resolves to its period's
    first day, or to its last day when ``end`` is true. Raises ``ValueError`` if invalid.
    """
    m = _DATE_RE.fullmatch(text)
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


def folds_line_breaks(column: Column) -> bool:
    """Whether a line break inside a quoted cell of ``column`` is read as a space: long texts
    (notes, descriptions, quotes, locators), not names, titles, ids, codes or a source's address.
    """
    return column.kind == "text" and text_limit(column.name) == MAX_TEXT_LENGTH and column.name != "location"


def _fold(row: dict[str, str], columns: list[str]) -> dict[str, str]:
    """``row`` with the line breaks of its long-text ``columns`` read as spaces."""
    for col in columns:
        if "\n" in row[col] or "\r" in row[col]:
            row[col] = _LINE_BREAK_RE.sub(" ", row[col])
    return row


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
    row_problems: dict[int, list[Problem]] = field(default_factory=dict)  # found while reading (a cut last row)


def read_raw(path: Path, table: Table) -> RawTable:
    """Read ``path`` as ``table``: bytes, encoding, delimiter, header and row shape."""
    raw = RawTable(table)
    name = path.name

    def fail(row: int, column: str, value: str, expected: str) -> RawTable:
        raw.problems.append(Problem(name, row, column, value, expected))
        raw.fatal = True
        return raw

    # A regular file of bounded size, opened without blocking (a FIFO would wait for ever).
    data, found = read_limited(path, name, MAX_FILE_BYTES)
    if data is None:
        raw.problems += found
        raw.fatal = True
        return raw
    data = data.removeprefix(UTF8_BOM)  # Excel's "CSV UTF-8" writes one: it marks the encoding, it is not text
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

    last_end = 0  # the file line on which the last row read ends
    folded = [c.name for c in table.columns if folds_line_breaks(c)]
    try:
        start = reader.line_num + 1
        for record in reader:
            # A row is named by the line it starts on (a quoted cell may run over several lines).
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue  # blank line: nothing to lose
            if len(record) != len(header):
                raw.problems.append(
                    Problem(name, line, "", ",".join(record)[:80], f"{len(header)} fields, found {len(record)}")
                )
                continue
            raw.rows.append((line, _fold(dict(zip(header, record, strict=True)), folded)))
            last_end = reader.line_num
    except csv.Error as exc:
        return fail(reader.line_num, "", str(exc), "well-formed CSV (is the file truncated?)")
    if not text.endswith("\n") and raw.rows and last_end == reader.line_num:
        # Every writer (spreadsheets, csv, editors) ends the last row with a line break: a file
        # cut inside its last row can still have the right number of fields, with a value cut short.
        line, row = raw.rows[-1]
        last = ",".join(row.values())
        raw.row_problems[line] = [Problem(name, line, "", last[-60:], "a file that ends with a line break (is it truncated? "
                                                                     "if not, add a line break after the last row)")]
    return raw


def text_problem(value: str, limit: int) -> str | None:
    """What is wrong with a text value shown to people, or ``None``: it must be one line of
    visible text, at most ``limit`` characters, without markup tags.
    """
    if len(value) > limit:
        return f"at most {limit} characters (got {len(value)})"
    for position, ch in enumerate(value, start=1):
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp", "Cs", "Cn") or (category == "Cf" and ch not in ALLOWED_FORMAT_CHARS):
            name = unicodedata.name(ch, "a control character")
            return (f"one line of text without control, invisible or bidirectional-override characters "
                    f"(found U+{ord(ch):04X} {name} at character {position})")
    tag = _TAG_RE.search(value)
    if tag:
        return f"plain text without markup tags (found {tag.group(0)[:30]!r}): names and notes are shown as written"
    return None


def check_cell(column: Column, value: str) -> str | None:
    """Return what was expected if ``value`` is not valid for ``column``, else ``None``."""
    if value != value.strip():
        return "no leading or trailing spaces"
    if not value:
        return "a value (this column is required)" if column.required else None
    kind = column.kind
    if kind == "id" and (not _ID_RE.fullmatch(value) or len(value) > MAX_ID_LENGTH):
        return f"an id matching {ID_PATTERN}, at most {MAX_ID_LENGTH} characters"
    if kind == "int":
        if not _INT_RE.fullmatch(value):
            return f"a whole number (digits only, no separators): ASCII digits 0-9, at most {MAX_DIGITS}"
        if column.minimum is not None and int(value) < column.minimum:
            return f"a number >= {column.minimum:g}"
    if kind == "float":
        if not _FLOAT_RE.fullmatch(value):
            return (f"a number (digits, optional decimal point): ASCII digits 0-9, no exponent or separators, "
                    f"at most {MAX_DIGITS} digits before the point")
        if column.minimum is not None and float(value) < column.minimum:
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
    if kind in ("reflist", "ref") and len(value) > text_limit(column.name):
        return f"at most {text_limit(column.name)} characters"
    if kind == "text":
        if value.startswith(FORMULA_PREFIXES):
            return "text that does not start with = + - @ (spreadsheet formula injection)"
        problem = text_problem(value, text_limit(column.name))
        if problem:
            return problem
        scheme = _URL_SCHEME_RE.match(value)
        if column.name == "location" and scheme and scheme.group(0).lower() not in LOCATION_SCHEMES:
            return "an http(s) address, an npm: or pypi: package path or a seed file name (no javascript:, data: or other schemes)"
    return None


def split_records(text: str) -> tuple[str, list[str], list[tuple[dict[str, str] | None, str]]]:
    """A CSV table's header text and columns, and each record with its exact text (kept as is),
    for tools that edit a table and must leave every other byte alone (imports, the workbook).
    An empty record is ``None``.
    """
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    reader = csv.reader(iter(lines))
    header = next(reader)
    consumed = reader.line_num
    head = "".join(lines[:consumed])
    records: list[tuple[dict[str, str] | None, str]] = []
    for record in reader:
        raw = "".join(lines[consumed : reader.line_num])
        consumed = reader.line_num
        records.append((dict(zip(header, record, strict=False)) if record else None, raw))
    return head, header, records
