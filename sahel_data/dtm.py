"""Importing IOM DTM displacement figures into ``idp_counts.csv``.

A DTM export as published on HDX is an HXL-tagged table (CSV, or the XLSX of a baseline round):
a row of hashtags under (or instead of) the header says what each column is. Columns are found
by their hashtags, never by position or header text:

* the figure: ``#affected+idps`` (``+ind``: individuals; ``+hh`` households, ``+m``/``+f`` and
  origin columns are not it);
* where: ``#adm1+code`` (an admin-1 p-code, ``ML05`` or DTM's ``MLI05``), ``#country+code`` for a
  national row, ``#adm+level`` when the file says the level, ``#adm2+code``/``#adm3+code`` for
  rows below admin 1;
* when: ``#date+reported`` (else ``#date+occurred``, a baseline round's snapshot date);
* which count: ``#round+code``, ``#assessment+type`` (BA baseline, SA site, ETT event tracking)
  and ``#operation+name``; ``#cause+type`` (displacement reason) splits a figure into parts.

Rules (``data/README.md``, "Importing DTM rounds"):

* Codes are placed with :class:`sahel_data.codes.AreaCodes` (ISO or p-code, never by digits or
  names). A code it cannot place (another country's, a p-code of another vintage, an ambiguous
  one) is listed with its rows, and nothing is written unless ``skip_unplaced``.
* One figure per area, date, assessment type, round and operation. Rows of one such key are
  parts (by displacement reason or origin) and are added; an admin-1 area's figure is the file's
  admin-1 row(s) when it has them, else the sum of its rows below admin 1 (a baseline file lists
  communes), and the note says which. A part with no count leaves the area without a figure
  (listed, never added as zero). National figures come only from national rows.
* One preferred figure per date and area: a count already preferred in ``idp_counts.csv`` stays
  preferred (the import never overrides a curated choice) and the imported one is kept as not
  preferred; otherwise the file's best count is preferred (baseline over site over event
  tracking, then the latest round) and the others are kept.
* The file gets a source row (id from its SHA-256, so the same file is the same source) and
  every figure a locator (the file's rows and column). Importing the same file again changes
  nothing: ids are stable, identical rows are left alone and no file is rewritten.
* The new tables are validated, with every other table, in a scratch copy before anything is
  written; then each changed file is replaced atomically (sources before counts, so the data is
  valid at every moment).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from sahel_data.atomic import write_text_atomic
from sahel_data.codes import AreaCodes
from sahel_data.files import read_limited
from sahel_data.problems import Problem
from sahel_data.tables import parse_date, split_records

MAX_DTM_BYTES = 64 * 1024 * 1024
HXL_SCAN_ROWS = 25  # the hashtag row must be among the first rows (as libhxl looks for it)
IMPORT_PREFIX = "IDP-DTM-"  # ids of imported figures
SOURCE_PREFIX = "DTM-FILE-"
PUBLISHER = "International Organization for Migration (IOM), Displacement Tracking Matrix (DTM)"
ASSESSMENTS = {"BA": "baseline assessment", "SA": "site assessment", "ETT": "event tracking"}
ASSESSMENT_RANK = {"BA": 0, "SA": 1, "ETT": 2}
_TAG_RE = re.compile(r"^#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*$")
_ISO_DATE_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][0-9:.]+Z?)?")
_COUNT_RE = re.compile(r"[0-9]{1,12}(?:\.0+)?")
COUNT_PARTS_OK = frozenset({"idps", "ind", "total"})  # attributes of the IDP individuals column


class DtmError(Exception):
    """The file cannot be read as a DTM export; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Tag:
    """One hashtag spec: ``#affected+idps+ind`` is tag ``affected`` with ``{idps, ind}``."""

    text: str
    name: str
    attrs: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Tag:
        parts = [p.strip().lower() for p in text.strip().lstrip("#").split("+")]
        return cls(text.strip(), parts[0], frozenset(p for p in parts[1:] if p))


@dataclass(frozen=True)
class DtmRow:
    """One data row of the file, its cells read by hashtag (text stripped, ``count`` None if empty)."""

    line: int
    country: str
    adm1_code: str
    adm1_name: str
    finer: int  # 0 national, 1 admin 1, 2 or 3 below admin 1
    count: int | None
    date: str
    round: str
    assessment: str
    operation: str
    cause: str


@dataclass
class DtmFile:
    """A DTM export as read: its rows, the hashtags used, and its identity."""

    name: str
    sha256: str
    size: int
    columns: dict[str, Tag]
    rows: list[DtmRow]
    given: dict[str, str] = field(default_factory=dict)  # round / assessment given for rows without them


# field -> (tag, attributes it must have, attributes it may have besides those), in order of preference
_FIELDS: dict[str, list[tuple[str, frozenset[str], frozenset[str]]]] = {
    "country": [("country", frozenset({"code"}), frozenset({"iso3", "iso2"}))],
    "adm1_code": [("adm1", frozenset({"code"}), frozenset({"pcode"}))],
    "adm1_name": [("adm1", frozenset({"name"}), frozenset({"i_fr", "i_en"}))],
    "adm2_code": [("adm2", frozenset({"code"}), frozenset({"pcode"}))],
    "adm3_code": [("adm3", frozenset({"code"}), frozenset({"pcode"}))],
    "level": [("adm", frozenset({"level"}), frozenset())],
    "count": [("affected", frozenset({"idps", "ind"}), COUNT_PARTS_OK), ("affected", frozenset({"idps"}), COUNT_PARTS_OK)],
    "date": [("date", frozenset({"reported"}), frozenset()), ("date", frozenset({"occurred"}), frozenset()),
             ("date", frozenset(), frozenset())],
    "round": [("round", frozenset(), frozenset({"code", "num", "id"}))],
    "assessment": [("assessment", frozenset({"type"}), frozenset())],
    "operation": [("operation", frozenset({"name"}), frozenset())],
    "cause": [("cause", frozenset({"type"}), frozenset())],
}
_EXPECTED = {
    "count": "a column tagged #affected+idps (IDP individuals; +ind allowed)",
    "date": "a column tagged #date+reported (or #date+occurred, a round's snapshot date)",
    "where": "a column tagged #adm1+code (admin-1 p-codes) or #country+code (national rows)",
}


def _find_columns(tags: list[Tag | None], name: str, tag_line: int) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for field_name, options in _FIELDS.items():
        for tag, required, optional in options:
            hits = [i for i, t in enumerate(tags) if t and t.name == tag and required <= t.attrs and t.attrs <= required | optional]
            if len(hits) > 1:
                shown = ", ".join(str(tags[i].text) for i in hits if tags[i])
                problems.append(Problem(name, tag_line, shown, shown, f"one column for {field_name} (several match: which one?)"))
            if hits:
                found[field_name] = hits[0]
                break
    problems += [Problem(name, tag_line, "", "(missing)", _EXPECTED[need]) for need in ("count", "date") if need not in found]
    if "adm1_code" not in found and "country" not in found:
        problems.append(Problem(name, tag_line, "", "(missing)", _EXPECTED["where"]))
    return found, problems


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_grid(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    """Every row of the file as text cells, with its row number (CSV line or sheet row)."""
    if data[:4] == b"PK\x03\x04":  # an .xlsx (zip) workbook: HDX publishes DTM baseline rounds so
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                grid = [(i, [_cell_text(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
                if _hashtag_row(grid) is not None:
                    return grid
            return [(i, [_cell_text(v) for v in row]) for i, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)]
        finally:
            workbook.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DtmError([Problem(path.name, line, "", repr(data[exc.start : exc.start + 4]), "UTF-8 text (a CSV or an .xlsx workbook)")]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise DtmError([Problem(path.name, reader.line_num, "", str(exc), "well-formed CSV")]) from exc


def _hashtag_row(grid: list[tuple[int, list[str]]]) -> int | None:
    """Index in ``grid`` of the HXL hashtag row: the first row whose non-empty cells are all hashtags."""
    for index, (_, cells) in enumerate(grid[:HXL_SCAN_ROWS]):
        filled = [c.strip() for c in cells if c and c.strip()]
        if filled and all(_TAG_RE.match(c) for c in filled):
            return index
    return None


def read_dtm(path: Path | str) -> DtmFile:
    """Read a DTM export (HXL-tagged CSV or XLSX); raises :class:`DtmError` listing every problem
    (no hashtag row, a needed column missing, a date or count that is not one).
    """
    path = Path(path)
    data, found = read_limited(path, path.name, MAX_DTM_BYTES)
    if data is None:
        raise DtmError(found)
    grid = _read_grid(path, data)
    index = _hashtag_row(grid)
    if index is None:
        raise DtmError([Problem(path.name, 0, "", "no hashtag row",
                                f"an HXL hashtag row (#adm1+code, #affected+idps...) in the first {HXL_SCAN_ROWS} rows")])
    tag_line, tag_cells = grid[index]
    tags = [Tag.parse(c) if c and c.strip() else None for c in tag_cells]
    found_columns, problems = _find_columns(tags, path.name, tag_line)
    if problems:
        raise DtmError(problems)
    columns: dict[str, tuple[int, Tag]] = {k: (i, tags[i]) for k, i in found_columns.items()}  # type: ignore[misc]
    rows: list[DtmRow] = []
    for line, cells in grid[index + 1 :]:
        if any(c and c.strip() for c in cells):
            row, row_problems = _parse_row(path.name, line, cells, columns)
            problems += row_problems
            if row is not None:
                rows.append(row)
    if problems:
        raise DtmError(problems)
    return DtmFile(path.name, hashlib.sha256(data).hexdigest(), len(data), {k: t for k, (_, t) in columns.items()}, rows)


def _parse_row(name: str, line: int, cells: list[str], columns: dict[str, tuple[int, Tag]]) -> tuple[DtmRow | None, list[Problem]]:
    """One data row read by hashtag, or the problems of its cells."""

    def cell(key: str) -> str:
        i = columns[key][0] if key in columns else None
        return cells[i].strip() if i is not None and i < len(cells) and cells[i] is not None else ""

    problems: list[Problem] = []
    count_text, date_text, level_text = cell("count"), cell("date"), cell("level")
    if count_text and not _COUNT_RE.fullmatch(count_text):
        problems.append(Problem(name, line, columns["count"][1].text, count_text, "a whole number of people (digits only), or empty"))
    match = _ISO_DATE_RE.fullmatch(date_text)
    try:
        when = parse_date(match.group(1)) if match else None
    except ValueError:
        when = None
    if when is None:
        problems.append(Problem(name, line, columns["date"][1].text, date_text, "a date YYYY-MM-DD (or an ISO date and time)"))
    if level_text and not level_text.isdigit():
        problems.append(Problem(name, line, columns["level"][1].text, level_text, "an admin level: 0, 1, 2 ..."))
    if problems or match is None:
        return None, problems
    if level_text:
        finer = int(level_text)
    else:
        finer = 3 if cell("adm3_code") else 2 if cell("adm2_code") else 1 if cell("adm1_code") else 0
    return DtmRow(
        line=line, country=cell("country"), adm1_code=cell("adm1_code"), adm1_name=cell("adm1_name"), finer=finer,
        count=int(float(count_text)) if count_text else None, date=match.group(1), round=cell("round"),
        assessment=cell("assessment").upper(), operation=cell("operation"), cause=cell("cause"),
    ), []


# ---------------------------------------------------------------------------------------------
# Planning: what the file adds, changes and leaves alone


@dataclass(frozen=True)
class Unplaced:
    """A code no area of ``regions.csv`` has, with the rows that carry it."""

    column: str
    code: str
    reason: str
    lines: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.code!r} ({self.column}, {_lines_text(self.lines)}): {self.reason}"


@dataclass(frozen=True)
class Change:
    """One row the import adds (``add``), rewrites (``change``) or finds as it is (``same``)."""

    action: str
    table: str
    key: str
    row: dict[str, str]
    old: dict[str, str] | None = None

    def describe(self) -> str:
        """One line for the report."""
        row = self.row
        if self.table == "sources":
            what = f"source {self.key}: {row['title']}"
        else:
            what = f"{self.key}: {row['area_code']} {row['date']} {int(row['count']):,} ({'preferred' if row['preferred'] == 'true' else 'not preferred'})"
        if self.action == "change" and self.old is not None:
            diffs = [f"{k} {self.old.get(k, '')!r} -> {v!r}" for k, v in row.items() if self.old.get(k, "") != v]
            what += "; " + "; ".join(d if len(d) < 120 else d[:117] + "..." for d in diffs)  # noqa: PLR2004
        return what


@dataclass
class ImportPlan:
    """Everything an import would do, decided before anything is written."""

    file: DtmFile
    data_dir: Path
    changes: list[Change] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # file rows not imported, and why
    problems: list[Problem] = field(default_factory=list)  # validation of the result: nothing is written
    texts: dict[str, str] = field(default_factory=dict)  # table file name -> new text (changed files only)
    read: dict[str, str] = field(default_factory=dict)  # table file name -> SHA-256 of the text the plan was made from

    @property
    def added(self) -> list[Change]:
        """Rows the import adds."""
        return [c for c in self.changes if c.action == "add"]

    @property
    def changed(self) -> list[Change]:
        """Rows the import rewrites."""
        return [c for c in self.changes if c.action == "change"]

    @property
    def same(self) -> list[Change]:
        """Rows the import finds as they are."""
        return [c for c in self.changes if c.action == "same"]

    def blocked(self, *, skip_unplaced: bool) -> bool:
        """Whether the import must write nothing."""
        return bool(self.problems) or (bool(self.unplaced) and not skip_unplaced)

    def report(self, *, skip_unplaced: bool, dry_run: bool) -> str:
        """What the import adds, changes and leaves alone, and why anything is refused."""
        f = self.file
        out = [f"DTM file {f.name} ({f.size:,} bytes, sha256 {f.sha256[:16]}...): {len(f.rows)} data rows"]
        words = {"add": "to add", "change": "to change", "same": "left alone (already there, unchanged)"}
        out += [f"{words[c.action]}: {c.describe()}" for c in self.changes if c.table == "sources"]
        figures = [c for c in self.changes if c.table == "idp_counts"]
        for action, title in words.items():
            items = [c for c in figures if c.action == action]
            out.append(f"figures {title}: {len(items)}")
            out += [f"  {c.describe()}" for c in items]
        if self.left_out:
            out.append(f"leave alone (file rows not imported): {len(self.left_out)}")
            out += [f"  {x}" for x in self.left_out]
        if self.unplaced:
            head = "codes no area has (left out: --skip-unplaced)" if skip_unplaced else \
                "codes no area has: nothing is written (fix them, or give --skip-unplaced to leave their rows out)"
            out.append(f"{head}: {len(self.unplaced)}")
            out += [f"  {u}" for u in self.unplaced]
        if self.problems:
            out.append(f"the result would not validate: nothing is written ({len(self.problems)} problem(s))")
            out += [f"  {p}" for p in self.problems]
        if dry_run:
            out.append("dry run: nothing written")
        elif self.blocked(skip_unplaced=skip_unplaced):
            out.append("nothing written")
        elif not self.texts:
            out.append("nothing to write: the data already holds this file's figures")
        return "\n".join(out)


def _lines_text(lines: tuple[int, ...] | list[int], limit: int = 12) -> str:
    """``rows 3-8, 12`` for row numbers (ranges compressed; long lists cut with a count)."""
    ranges: list[str] = []
    ordered = sorted(set(lines))
    start = prev = ordered[0] if ordered else 0
    for n in [*ordered[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        ranges.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    shown = ", ".join(ranges[:limit]) + (f" ... ({len(ordered)} rows)" if len(ranges) > limit else "")
    return ("row " if len(ordered) == 1 else "rows ") + shown


def _source_row(dtm: DtmFile, groups: list[_Group], source_url: str | None) -> dict[str, str]:
    dates = sorted({g.date for g in groups})
    rounds = sorted({g.round for g in groups if g.round}, key=lambda r: (len(r), r))
    when = (dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}") if dates else "no dates"
    title = f"IOM DTM export {dtm.name}: internally displaced people, {when}"
    if rounds:
        title += f", round{'s' if len(rounds) > 1 else ''} {', '.join(rounds[:6])}{' ...' if len(rounds) > 6 else ''}"  # noqa: PLR2004
    notes = (f"Imported with sahel-dashboard import dtm from the file {dtm.name} ({dtm.size} bytes, sha256 {dtm.sha256}). "
             f"Columns read by their HXL hashtags: {', '.join(t.text for t in dtm.columns.values())}. "
             "IOM's terms on HDX ask users to credit 'Source: International Organization for Migration (IOM), "
             "Displacement Tracking Matrix (DTM)' and to give the HDX address of the data.")
    return {
        "source_id": SOURCE_PREFIX + dtm.sha256[:10].upper(),
        "title": title[:300],
        "publisher": PUBLISHER,
        "published": "",
        "location": source_url or dtm.name,
        "kind": "dataset",
        "notes": notes[:2000],
    }


@dataclass
class _Group:
    """The file's rows for one figure: one area, date, assessment type, round and operation."""

    area: str
    date: str
    assessment: str
    round: str
    operation: str
    rows: list[DtmRow] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.area, self.date, self.assessment, self.round, self.operation)

    def used(self) -> list[DtmRow]:
        """The rows that make the figure: the admin-1 (or national) rows, else the finer ones."""
        top = [r for r in self.rows if r.finer <= 1]
        return top or self.rows

    def rank(self) -> tuple[int, int, str]:
        """Lower is preferred: baseline over site over event tracking, then the latest round."""
        rnd = int(self.round) if self.round.isdigit() else -1
        return (ASSESSMENT_RANK.get(self.assessment, len(ASSESSMENT_RANK)), -rnd, self.operation)

    def label(self) -> str:
        """``IOM DTM baseline assessment, round 72`` (what the figure is)."""
        what = ASSESSMENTS.get(self.assessment, f"assessment {self.assessment}" if self.assessment else "assessment type not stated")
        rnd = f"round {self.round}" if self.round else "round not stated"
        op = f", operation '{self.operation}'" if self.operation else ""
        return f"IOM DTM {what}, {rnd}{op}"


def _idp_id(group: _Group, taken: set[str]) -> str:
    parts = [IMPORT_PREFIX.rstrip("-"), group.date, group.area]
    if group.assessment:
        parts.append(re.sub(r"[^A-Z0-9]", "", group.assessment.upper()) or "X")
    if group.round:
        parts.append("R" + (re.sub(r"[^A-Z0-9]", "", group.round.upper()) or "X"))
    base = "-".join(parts)
    if base in taken:  # another operation with the same area, date, assessment and round
        base += "-" + hashlib.sha256(group.operation.encode()).hexdigest()[:6].upper()
    taken.add(base)
    return base


def _group_figure(group: _Group, dtm: DtmFile) -> tuple[int | None, str, str]:
    """The figure, its note and its locator; ``None`` when a part has no count."""
    used = group.used()
    lines = tuple(r.line for r in used)
    column = dtm.columns["count"].text
    names = ", ".join(dict.fromkeys(f"{r.adm1_name or '?'} {r.adm1_code}".strip() for r in used if r.adm1_code)) or "national"
    locator = f"{dtm.name}, {_lines_text(lines)}, column {column} ({names}, {group.date})"
    if any(r.count is None for r in used):
        return None, "", locator
    total = sum(r.count or 0 for r in used)
    level = max(r.finer for r in used)
    if len(used) == 1:
        how = "the file's national row" if level == 0 else "the file's admin-1 row" if level == 1 else f"the file's only admin-{level} row for this area"
    elif level <= 1:
        how = f"the sum of the file's {len(used)} {'national' if level == 0 else 'admin-1'} rows for this area"
    else:
        how = f"the sum of the file's {len(used)} rows below admin 1 (admin {level}) for this area"
    causes = [(r.cause, r.count) for r in used if r.cause]
    note = f"{group.label()}: {how}"
    if len(used) > 1 and causes and len({c for c, _ in causes}) > 1:
        by: dict[str, int] = {}
        for cause, n in causes:
            by[cause] = by.get(cause, 0) + (n or 0)
        note += "; by displacement reason " + "; ".join(f"{c} {n:,}" for c, n in by.items())
    if any(r.finer > 1 for r in group.rows) and level <= 1:
        note += " (its rows below admin 1 are not added again)"
    if dtm.given:
        given = " and ".join(f"{k} {v}" for k, v in dtm.given.items())
        note += f"; {given} as given on import (the file does not state {'them' if len(dtm.given) > 1 else 'it'})"
    return total, note + ".", locator


def _row_text(header: list[str], row: dict[str, str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row.get(c, "") for c in header])
    return buffer.getvalue()


def _same_day(a: str, b: str) -> bool:
    try:
        return parse_date(a) == parse_date(b)
    except ValueError:
        return a == b


def _place(dtm: DtmFile, codes: AreaCodes) -> tuple[dict[tuple[str, str, str, str, str], _Group], list[Unplaced]]:
    """Place every row on a Mali area and group the placed rows into figures."""
    unplaced: dict[tuple[str, str, str], list[int]] = {}
    groups: dict[tuple[str, str, str, str, str], _Group] = {}
    country_column = dtm.columns["country"].text if "country" in dtm.columns else "#country+code"
    adm1_column = dtm.columns["adm1_code"].text if "adm1_code" in dtm.columns else "#adm1+code"
    for row in dtm.rows:
        if row.country:
            country = codes.place(row.country)
            if country.region_code != "ML":
                reason = country.reason or f"another country's row ({country.region_code}): only Mali's areas are imported"
                unplaced.setdefault((country_column, row.country, reason), []).append(row.line)
                continue
        area = "ML"
        if row.finer > 0:
            placement = codes.place(row.adm1_code)
            if placement.region_code is None or not placement.region_code.startswith("ML-"):
                reason = placement.reason or f"{placement.region_code} is not an admin-1 area of Mali"
                if not row.adm1_code:
                    reason = "no admin-1 p-code on a row below national level (names are not matched)"
                unplaced.setdefault((adm1_column, row.adm1_code, reason), []).append(row.line)
                continue
            area = placement.region_code
        key = (area, row.date, row.assessment, row.round, row.operation)
        groups.setdefault(key, _Group(*key)).rows.append(row)
    return groups, [Unplaced(c, code, reason, tuple(lines)) for (c, code, reason), lines in unplaced.items()]


def _figures(groups: list[_Group], dtm: DtmFile, source_id: str, left_out: list[str]) -> list[tuple[_Group, dict[str, str]]]:
    """One ``idp_counts`` row per group that has a figure; the others are listed in ``left_out``."""
    taken: set[str] = set()
    figures: list[tuple[_Group, dict[str, str]]] = []
    for group in groups:
        total, note, locator = _group_figure(group, dtm)
        if total is None:
            missing = [r.line for r in group.used() if r.count is None]
            left_out.append(f"{group.area} {group.date} ({group.label()}): no count on {_lines_text(missing)}; "
                            "no figure (never added as zero)")
            continue
        finer = [r.line for r in group.rows if r.finer > 1 and r not in group.used()]
        if finer:
            left_out.append(f"{group.area} {group.date}: {_lines_text(finer)} below admin 1, covered by the admin-1 figure")
        names = list(dict.fromkeys(f"{r.adm1_name} ({r.adm1_code})" if r.adm1_name else r.adm1_code
                                   for r in group.used() if r.adm1_code))
        figures.append((group, {
            "idp_id": _idp_id(group, taken), "date": group.date, "area_code": group.area,
            "as_stated": (" / ".join(names) if names else "national")[:300], "count": str(total), "qualifier": "exact",
            "preferred": "", "note": note, "source_ids": source_id, "locators": locator,
        }))
    return figures


def _prefer(figures: list[tuple[_Group, dict[str, str]]], existing: dict[str, dict[str, str]]) -> None:
    """One preferred figure per date and area: a count already preferred (not this file's) stays
    preferred; otherwise the file's best-ranked figure is.
    """
    ours = {row["idp_id"] for _, row in figures}
    by_cell: dict[tuple[str, str], list[tuple[_Group, dict[str, str]]]] = {}
    for group, row in figures:
        by_cell.setdefault((group.date, group.area), []).append((group, row))
    for (when, area), members in by_cell.items():
        kept = [r for r in existing.values() if r["idp_id"] not in ours and r["area_code"] == area
                and _same_day(r["date"], when) and r["preferred"] == "true"]
        best = min(members, key=lambda m: m[0].rank())
        for group, row in members:
            if kept:
                row["preferred"] = "false"
                row["note"] += f" Not preferred: {kept[0]['idp_id']} is the preferred count for this date and area (kept)."
            elif group is best[0]:
                row["preferred"] = "true"
            else:
                row["preferred"] = "false"
                row["note"] += f" Not preferred: {best[1]['idp_id']} ({best[0].label()}) is preferred."
            row["note"] = row["note"][:2000]


def _fill(dtm: DtmFile, round_: str | None, assessment: str | None) -> DtmFile:
    """Rows with no round or assessment type take the ones given on the command line (a baseline
    file names them only in its file name); the figures' notes say so.
    """
    if not round_ and not assessment:
        return dtm
    rows = [replace(r, round=r.round or (round_ or ""), assessment=r.assessment or (assessment or "").upper()) for r in dtm.rows]
    given = {**dtm.given, **({"round": round_} if round_ else {}), **({"assessment": assessment.upper()} if assessment else {})}
    return replace(dtm, rows=rows, given=given)


def plan_dtm_import(path: Path | str, data_dir: Path | str, *, source_url: str | None = None,
                    skip_unplaced: bool = False, round_: str | None = None, assessment: str | None = None) -> ImportPlan:
    """Decide what importing the DTM file at ``path`` into ``data_dir`` would do, validating the
    result in a scratch copy; nothing in ``data_dir`` is written. Raises :class:`DtmError` when the
    file cannot be read as a DTM export. ``round_`` and ``assessment`` stand in for a file that does
    not state them (never over a value the file gives).
    """
    data_dir = Path(data_dir)
    dtm = _fill(read_dtm(path), round_, assessment)
    tables = data_dir / "tables"
    _, _, region_records = split_records((tables / "regions.csv").read_text(encoding="utf-8-sig"))  # a BOM (Excel) is not text
    plan = ImportPlan(dtm, data_dir)
    groups, plan.unplaced = _place(dtm, AreaCodes([r for r, _ in region_records if r]))

    raw = {name: (tables / name).read_bytes() for name in ("sources.csv", "idp_counts.csv")}
    texts = {name: data.decode("utf-8-sig") for name, data in raw.items()}  # a file saved by Excel starts with a BOM
    plan.read = {name: hashlib.sha256(data).hexdigest() for name, data in raw.items()}
    src_head, src_header, src_records = split_records(texts["sources.csv"])
    idp_head, idp_header, idp_records = split_records(texts["idp_counts.csv"])
    existing = {r["idp_id"]: r for r, _ in idp_records if r}

    ordered = sorted(groups.values(), key=lambda g: (g.date, g.area, g.rank()))  # stable: date, area, preferred first
    source = _source_row(dtm, ordered, source_url)
    figures = _figures(ordered, dtm, source["source_id"], plan.left_out)
    _prefer(figures, existing)

    if figures:
        old_source = next((r for r, _ in src_records if r and r["source_id"] == source["source_id"]), None)
        plan.changes.append(Change(_action(old_source, source), "sources", source["source_id"], source, old_source))
    for _, row in figures:
        old = existing.get(row["idp_id"])
        plan.changes.append(Change(_action(old, row), "idp_counts", row["idp_id"], row, old))
    for table, (head, header, records, key) in (("sources", (src_head, src_header, src_records, "source_id")),
                                                  ("idp_counts", (idp_head, idp_header, idp_records, "idp_id"))):
        writes = {c.key: c.row for c in plan.changes if c.table == table and c.action != "same"}
        if writes:
            plan.texts[f"{table}.csv"] = _rebuild(head, header, records, key, writes)
    if plan.texts and not (plan.unplaced and not skip_unplaced):
        plan.problems = _validate_scratch(data_dir, plan.texts)
    return plan


def _action(old: dict[str, str] | None, new: dict[str, str]) -> str:
    return "add" if old is None else "same" if old == new else "change"


def _rebuild(head: str, header: list[str], records: list[tuple[dict[str, str] | None, str]], key: str,
             writes: dict[str, dict[str, str]]) -> str:
    """The table's text with the rows in ``writes`` replaced in place or appended; every other
    record keeps its exact bytes.
    """
    out = [head]
    done: set[str] = set()
    for row, raw in records:
        if row and row.get(key) in writes:
            out.append(_row_text(header, writes[row[key]]))
            done.add(row[key])
        else:
            out.append(raw if raw.endswith("\n") else raw + "\n")
    out += [_row_text(header, row) for k, row in writes.items() if k not in done]
    return "".join(out)


def _validate_scratch(data_dir: Path, texts: dict[str, str]) -> list[Problem]:
    """Every problem of ``data_dir`` with ``texts`` written over its tables, checked in a copy."""
    from sahel_data.load import validate

    with tempfile.TemporaryDirectory(prefix="sahel-import-") as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(data_dir, copy, symlinks=False)
        for name, text in texts.items():
            (copy / "tables" / name).write_text(text, encoding="utf-8")
        return validate(copy)


def apply_plan(plan: ImportPlan, *, skip_unplaced: bool = False) -> list[Path]:
    """Write the plan's tables atomically (sources first); returns the files written.
    Refuses (writes nothing) when the plan is blocked, and raises ``RuntimeError`` if a table
    changed on disk after the plan read it (another edit would otherwise be lost).
    """
    if plan.blocked(skip_unplaced=skip_unplaced):
        return []
    for name in plan.texts:
        now = hashlib.sha256((plan.data_dir / "tables" / name).read_bytes()).hexdigest()
        if now != plan.read.get(name):
            msg = f"{name} changed since the import was planned: nothing written (run the import again)"
            raise RuntimeError(msg)
    written = []
    for name in ("sources.csv", "idp_counts.csv"):
        if name in plan.texts:
            target = plan.data_dir / "tables" / name
            write_text_atomic(target, plan.texts[name])
            written.append(target)
    return written


__all__ = ["DtmError", "DtmFile", "ImportPlan", "apply_plan", "plan_dtm_import", "read_dtm"]
