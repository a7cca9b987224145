"""Data releases: a version for the data, and what changed between two versions, row by row.

``sahel-dashboard release`` stamps the data in ``data/tables/`` and ``data/geo/`` with a
**version**, ``<date>-<first 8 hex of the content hash>`` (``2026-11-30-3fa9c2d1``), and records
what changed since the previous release. The diff is computed from the content, never from the
tools that changed it: a hand edit in a text editor, an Excel round trip (``import xlsx``) and a
DTM import all show the same way.

Storage (``data/releases/``; see ``data/README.md``, "Releases"):

* ``data/releases.csv``: one row per release (version, date, content hash, previous version,
  counts of rows added, changed and removed, a note). The table conventions apply.
* ``releases/<version>.json``: the release's row-level diff against the previous release, one
  changed row per line (table, id, added / changed with the columns named / removed, and the ids
  the row points to), small and read in review beside the tables' own diffs.
* ``releases/<version>.index.json.gz``: the release's **content index**, what a later diff is
  computed against: for every row of every table its id, a 40-bit hash of the whole row, a
  16-bit hash of each cell (so a diff can name the columns that changed) and, in clear, the ids
  it points to (its engagement, region, sites: a row removed later still says what it belonged
  to); and a hash of every other file (GeoJSON layers, manifest, notes). About 50 KB per release
  for today's 1,150 rows, and no copy of the data itself: the tables in git are the record.

A cell hash of 16 bits can collide (1 in 65,536 per changed cell): the row is still found
changed by its row hash, and named "changed (columns not identified)".

The **content hash** is computed from the rows' values (by column name) and the other files'
bytes, so a file saved with a byte-order mark, CRLF line ends or its columns in another order
has the same content, and the same version, as before. :func:`data_version` is the one notion
of "data version" everywhere (the header, exports, rehearsals): the version of the release the
data matches, or its content hash when it matches none.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from sahel_data.atomic import write_bytes_atomic, write_text_atomic
from sahel_data.files import json_depth, read_limited
from sahel_data.problems import Problem
from sahel_data.schema import GEO_TABLES, TABLES, Column, Table
from sahel_data.tables import read_raw, split_list

RELEASES_FILE = "releases.csv"
RELEASES_DIR = "releases"
INDEX_FORMAT = 1
MAX_INDEX_BYTES = 8 * 1024 * 1024  # compressed; today's index is about 40 KB
MAX_INDEX_TEXT = 64 * 1024 * 1024  # decompressed: a gzip bomb stops here
MAX_DIFF_BYTES = 16 * 1024 * 1024
MAX_RELEASES = 10_000
VERSION_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})-([0-9a-f]{8})")
HASH_RE = re.compile(r"[0-9a-f]{12}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ROW_HASH_HEX = 10
CELL_HASH_HEX = 4
CONTENT_HASH_HEX = 12
ACTIONS = ("added", "changed", "removed")

RELEASES = Table(
    "releases",
    (
        Column("version", "text", required=True),
        Column("date", "date", required=True),
        Column("content_hash", "text", required=True),
        Column("previous", "text"),
        Column("added", "int", required=True, minimum=0),
        Column("changed", "int", required=True, minimum=0),
        Column("removed", "int", required=True, minimum=0),
        Column("note", "text"),
    ),
    key="version",
    sourced=False,
    folder=".",
    description="Every data release: its version, date, content hash and how many rows it changed.",
)

# Tables whose rows are indexed row by row (every other file under tables/ and geo/ by its bytes).
INDEXED: tuple[Table, ...] = (*TABLES, *GEO_TABLES)


# ---- the content index ----------------------------------------------------------------------

def _h(text: str, size: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def link_columns(table: Table) -> tuple[str, ...]:
    """The columns of ``table`` that point at other rows (kept in clear in the index)."""
    cols = tuple(c.name for c in table.columns if c.ref and c.name != table.key)
    return (*cols, "table_name", "row_id") if table.name == "disputes" else cols


@dataclass(frozen=True)
class RowEntry:
    """One row in an index: its hash, one short hash per column (schema order) and its links."""

    row_hash: str
    cells: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class DataIndex:
    """The content of ``data/`` as hashes: rows by table and id, other files by name."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table -> its columns when indexed
    rows: dict[str, dict[str, RowEntry]] = field(default_factory=dict)  # table -> id -> entry
    files: dict[str, str] = field(default_factory=dict)  # "geo/mali_regions.geojson" -> hash

    def content_hash(self) -> str:
        """One hash of everything indexed (row hashes in id order, file hashes by name)."""
        digest = hashlib.sha256()
        for table in sorted(self.rows):
            digest.update(f"T {table}\n".encode())
            for key in sorted(self.rows[table]):
                digest.update(f"{key} {self.rows[table][key].row_hash}\n".encode())
        for name in sorted(self.files):
            digest.update(f"F {name} {self.files[name]}\n".encode())
        return digest.hexdigest()[:CONTENT_HASH_HEX]

    def row_count(self) -> int:
        """Rows over every table."""
        return sum(len(rows) for rows in self.rows.values())

    def to_json(self) -> str:
        """The index as compact JSON (one table per line)."""
        tables = {}
        for name in sorted(self.rows):
            rows = {key: [e.row_hash, ",".join(e.cells), e.links] if e.links else [e.row_hash, ",".join(e.cells)]
                    for key, e in sorted(self.rows[name].items())}
            tables[name] = {"columns": list(self.columns[name]), "rows": rows}
        lines = [f'{{"format": {INDEX_FORMAT},', f' "files": {json.dumps(dict(sorted(self.files.items())), ensure_ascii=False)},',
                 ' "tables": {']
        lines.append(",\n".join(f"  {json.dumps(name)}: {json.dumps(doc, ensure_ascii=False, separators=(',', ':'))}"
                                for name, doc in tables.items()))
        lines.append(" }}")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_json(cls, doc: object) -> DataIndex:
        """An index from its JSON; raises ``ValueError`` if it is not one."""
        if not isinstance(doc, dict) or doc.get("format") != INDEX_FORMAT:
            raise ValueError(f"a release index of format {INDEX_FORMAT}")
        index = cls(files={str(k): str(v) for k, v in dict(doc.get("files", {})).items()})
        for name, table in dict(doc.get("tables", {})).items():
            index.columns[name] = tuple(str(c) for c in table["columns"])
            index.rows[name] = {
                str(key): RowEntry(str(entry[0]), tuple(str(entry[1]).split(",")), {str(k): str(v) for k, v in entry[2].items()}
                                   if len(entry) > 2 else {})  # noqa: PLR2004
                for key, entry in dict(table["rows"]).items()
            }
        return index


def row_entry(table: Table, row: dict[str, str]) -> RowEntry:
    """The index entry of one row (values by column name, as read)."""
    values = [row.get(c.name, "") for c in table.columns]
    cells = tuple(_h(v, CELL_HASH_HEX) if v else "" for v in values)
    links = {c: row[c] for c in link_columns(table) if row.get(c)}
    # Empty cells play no part: a new, empty column changes no row's hash.
    filled = [[c.name, v] for c, v in zip(table.columns, values, strict=True) if v]
    return RowEntry(_h(json.dumps(filled, ensure_ascii=False), ROW_HASH_HEX), cells, links)


def content_index(data_dir: Path) -> DataIndex:
    """The content index of ``data_dir``: every table row by row, every other file by its bytes.

    Tables are read as the loader reads them (a BOM skipped, CRLF like LF, columns by name); a
    row without an id, or a second row with the same id, is left out (such data does not validate).
    """
    data_dir = Path(data_dir)
    index = DataIndex()
    indexed = set()
    for table in INDEXED:
        path = data_dir / table.folder / table.file
        indexed.add(path.resolve())
        raw = read_raw(path, table) if path.exists() else None
        index.columns[table.name] = tuple(c.name for c in table.columns)
        rows: dict[str, RowEntry] = {}
        for _, row in (raw.rows if raw is not None else ()):
            key = row.get(table.key, "")
            if key and key not in rows:
                rows[key] = row_entry(table, row)
        index.rows[table.name] = rows
    for folder in ("tables", "geo"):
        base = data_dir / folder
        for path in sorted(base.rglob("*")) if base.is_dir() else ():  # boundary versions may sit in subfolders
            hidden = any(part.startswith(".") for part in path.relative_to(base).parts)
            if path.is_file() and path.resolve() not in indexed and not hidden:
                name = f"{folder}/{path.relative_to(base).as_posix()}"
                index.files[name] = hashlib.sha256(path.read_bytes()).hexdigest()[:CONTENT_HASH_HEX]
    return index


# ---- diffs ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowChange:
    """One row added, changed (``columns`` names what changed) or removed between two versions.

    ``links`` holds the ids the row points to, old and new (``engagement_id``, ``regions``...:
    lists split), so a removed row still says what it belonged to.
    """

    table: str
    row_id: str
    action: str
    columns: tuple[str, ...] = ()
    links: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def link(self, column: str) -> tuple[str, ...]:
        """The ids the row points to through ``column`` (old and new)."""
        return next((ids for name, ids in self.links if name == column), ())

    def as_json(self) -> dict[str, object]:
        """The change as one line of a diff file."""
        out: dict[str, object] = {"table": self.table, "id": self.row_id, "action": self.action}
        if self.columns:
            out["columns"] = list(self.columns)
        if self.links:
            out["links"] = {name: list(ids) for name, ids in self.links}
        return out

    @classmethod
    def from_json(cls, doc: dict) -> RowChange:
        """A change from a diff file's line; raises ``ValueError``/``KeyError``/``TypeError`` if it is not one."""
        action = str(doc["action"])
        if action not in ACTIONS:
            raise ValueError(f"an action among {', '.join(ACTIONS)}")
        links = tuple((str(k), tuple(str(x) for x in v)) for k, v in dict(doc.get("links", {})).items())
        return cls(str(doc["table"]), str(doc["id"]), action, tuple(str(c) for c in doc.get("columns", ())), links)

    def describe(self) -> str:
        """``engagements EUTM-MALI changed (personnel_peak, locators)``."""
        what = f"{self.table} {self.row_id} {self.action}"
        if self.action == "changed":
            what += f" ({', '.join(self.columns)})" if self.columns else " (columns not identified)"
        return what


@dataclass(frozen=True)
class FileChange:
    """A file other than a table (a GeoJSON layer, the manifest) added, changed or removed."""

    name: str
    action: str


@dataclass(frozen=True)
class Diff:
    """What changed between two indexes, row by row."""

    rows: tuple[RowChange, ...] = ()
    files: tuple[FileChange, ...] = ()

    def count(self, action: str) -> int:
        """Rows with ``action`` (added, changed, removed)."""
        return sum(r.action == action for r in self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows or self.files)


def _links(old: RowEntry | None, new: RowEntry | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    names = dict.fromkeys([*(old.links if old else {}), *(new.links if new else {})])
    out = []
    for name in names:
        ids: list[str] = []
        for entry in (old, new):
            value = entry.links.get(name, "") if entry else ""
            ids += [value] if name in ("table_name", "row_id") else list(split_list(value))  # a dispute's target is one id
        out.append((name, tuple(dict.fromkeys(i for i in ids if i))))
    return tuple(out)


def diff_indexes(old: DataIndex, new: DataIndex) -> Diff:
    """Every row added, changed (with the columns named) and removed from ``old`` to ``new``,
    table by table in schema order, then by id; and every other file that changed.
    """
    rows: list[RowChange] = []
    order = [t.name for t in INDEXED] + sorted((set(old.rows) | set(new.rows)) - {t.name for t in INDEXED})
    for table in order:
        before, after = old.rows.get(table, {}), new.rows.get(table, {})
        old_cols, new_cols = old.columns.get(table, ()), new.columns.get(table, ())
        for key in sorted(set(before) | set(after)):
            a, b = before.get(key), after.get(key)
            if a is None:
                rows.append(RowChange(table, key, "added", links=_links(None, b)))
            elif b is None:
                rows.append(RowChange(table, key, "removed", links=_links(a, None)))
            elif a.row_hash != b.row_hash:
                old_cells = dict(zip(old_cols, a.cells, strict=False))
                new_cells = dict(zip(new_cols, b.cells, strict=False))
                columns = tuple(c for c in dict.fromkeys([*new_cols, *old_cols]) if old_cells.get(c, "") != new_cells.get(c, ""))
                rows.append(RowChange(table, key, "changed", columns, _links(a, b)))
    files = [FileChange(name, "added" if name not in old.files else "removed" if name not in new.files else "changed")
             for name in sorted(set(old.files) | set(new.files)) if old.files.get(name) != new.files.get(name)]
    return Diff(tuple(rows), tuple(files))


# ---- releases.csv and the stored releases ---------------------------------------------------

@dataclass(frozen=True)
class Release:
    """One row of ``releases.csv``."""

    version: str
    date: str
    content_hash: str
    previous: str
    added: int
    changed: int
    removed: int
    note: str = ""


def read_releases(data_dir: Path) -> tuple[list[Release], list[Problem]]:
    """The releases of ``data_dir`` (none when there is no ``releases.csv``), oldest first, and
    every problem: a version not of the form date-hash, a version listed twice, dates out of
    order, a ``previous`` that is not the release before, a release whose stored index is missing.
    """
    data_dir = Path(data_dir)
    path = data_dir / RELEASES_FILE
    if not path.exists() and not path.is_symlink():
        return [], []
    raw = read_raw(path, RELEASES)
    problems = list(raw.problems)
    if raw.fatal:
        return [], problems
    from sahel_data.tables import check_cell

    releases: list[Release] = []
    name = RELEASES_FILE
    for line, row in raw.rows[:MAX_RELEASES]:
        found = [Problem(name, line, c.name, row[c.name], e) for c in RELEASES.columns if (e := check_cell(c, row[c.name]))]
        version = row["version"]
        match = VERSION_RE.fullmatch(version)
        if not match:
            found.append(Problem(name, line, "version", version, "a version <YYYY-MM-DD>-<8 hex digits> (written by sahel-dashboard release)"))
        elif match.group(1) != row["date"]:
            found.append(Problem(name, line, "date", row["date"], f"the date of the version ({match.group(1)})"))
        if not HASH_RE.fullmatch(row["content_hash"]):
            found.append(Problem(name, line, "content_hash", row["content_hash"], f"{CONTENT_HASH_HEX} lowercase hex digits"))
        elif match and not row["content_hash"].startswith(match.group(2)):
            found.append(Problem(name, line, "content_hash", row["content_hash"], f"a hash that starts with the version's {match.group(2)}"))
        if any(r.version == version for r in releases):
            found.append(Problem(name, line, "version", version, "each version once"))
        before = releases[-1] if releases else None
        if (before.version if before else "") != row["previous"]:
            found.append(Problem(name, line, "previous", row["previous"], f"the version of the release before ({before.version if before else 'none: the first release'})"))
        if before and row["date"] < before.date:
            found.append(Problem(name, line, "date", row["date"], f"a date on or after the release before ({before.date})"))
        index = data_dir / RELEASES_DIR / f"{version}.index.json.gz"
        if match and not index.is_file():
            found.append(Problem(name, line, "version", version, f"its stored index {RELEASES_DIR}/{index.name} (written by sahel-dashboard release)"))
        if found:
            problems += found
            continue
        releases.append(Release(version, row["date"], row["content_hash"], row["previous"], int(row["added"]),
                                int(row["changed"]), int(row["removed"]), row["note"]))
    if len(raw.rows) > MAX_RELEASES:
        problems.append(Problem(name, 0, "", f"{len(raw.rows)} releases", f"at most {MAX_RELEASES}"))
    return releases, problems


def read_index(data_dir: Path, version: str) -> DataIndex:
    """The stored index of release ``version``; raises ``ValueError`` naming the file if it is
    missing, too large (compressed or not), not gzip, or not an index.
    """
    name = f"{RELEASES_DIR}/{version}.index.json.gz"
    data, problems = read_limited(Path(data_dir) / name, name, MAX_INDEX_BYTES)
    if data is None:
        raise ValueError("; ".join(str(p) for p in problems))
    try:
        inflate = zlib.decompressobj(wbits=31)
        text = inflate.decompress(data, MAX_INDEX_TEXT)
        if inflate.unconsumed_tail:
            raise ValueError(f"{name}: more than {MAX_INDEX_TEXT} bytes once decompressed")
        doc_text = text.decode("utf-8")
        if json_depth(doc_text) > 8:  # noqa: PLR2004  (an index nests 5 levels)
            raise ValueError(f"{name}: nested too deeply for a release index")
        return DataIndex.from_json(json.loads(doc_text))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ValueError(f"{name}: not a release index ({exc})") from exc


def read_diff(data_dir: Path, version: str) -> Diff:
    """The stored row-level diff of release ``version`` (empty for the first release)."""
    name = f"{RELEASES_DIR}/{version}.json"
    data, problems = read_limited(Path(data_dir) / name, name, MAX_DIFF_BYTES)
    if data is None:
        raise ValueError("; ".join(str(p) for p in problems))
    try:
        doc = json.loads(data.decode("utf-8"))
        rows = tuple(RowChange.from_json(r) for r in doc.get("rows", ()))
        files = tuple(FileChange(str(f["file"]), str(f["action"])) for f in doc.get("files", ()))
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{name}: not a release diff ({exc})") from exc
    return Diff(rows, files)


def data_version(data_dir: Path, releases: list[Release] | None = None, index: DataIndex | None = None) -> str:
    """The data's version: the release whose content the data has (the latest such), else the
    content hash of the data (12 hex digits), the same everywhere a version is shown or recorded.
    """
    data_dir = Path(data_dir)
    if releases is None:
        releases, _ = read_releases(data_dir)
    return _version_of(releases, (index or content_index(data_dir)).content_hash())


def _version_of(releases: list[Release] | tuple[Release, ...], content_hash: str) -> str:
    """The latest release with this content, else the content hash itself."""
    return next((r.version for r in reversed(releases) if r.content_hash == content_hash), content_hash)


# ---- "since": a release by version or date ---------------------------------------------------

def find_baseline(releases: list[Release] | tuple[Release, ...], since: str) -> tuple[Release | None, str]:
    """The release ``since`` names: a version, a date ``YYYY-MM-DD`` (the latest release on or
    before it) or a release's content hash; else ``None`` and why.
    """
    if not releases:
        return None, "no data release yet (sahel-dashboard release makes one)"
    for release in releases:
        if release.version == since:
            return release, ""
    if HASH_RE.fullmatch(since):  # a content hash (a rehearsal records one when the data matched no release)
        same = [r for r in releases if r.content_hash == since]
        return (same[-1], "") if same else (None, "a content hash that no release has")
    if DATE_RE.fullmatch(since):
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            return None, "not a date"
        before = [r for r in releases if r.date <= since]
        if before:
            return before[-1], ""
        return None, f"no release on or before {since} (the first is {releases[0].version})"
    return None, "not a release version or a date YYYY-MM-DD"


def _read_index_file(path: Path | None, content_hash: str) -> DataIndex | None:
    """The index stored at ``path`` if it is readable and hashes to ``content_hash``, else ``None``."""
    if path is None:
        return None
    try:
        index = DataIndex.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return index if index.content_hash() == content_hash else None


class ReleaseLog:
    """The releases of a data folder and the current content, for "what changed since".

    Built once per process; :meth:`changes_since` reads a release's stored index when first
    asked and keeps the answer (the data does not change while the app runs).
    """

    def __init__(self, data_dir: Path, releases: list[Release] | tuple[Release, ...], current: DataIndex | None = None,
                 *, content_hash: str = "", index_file: Path | None = None) -> None:
        """``content_hash`` and ``index_file`` (the index as JSON, from the load's cache) spare
        indexing the data again: the index is then read on the first :meth:`changes_since`.
        """
        self.data_dir = Path(data_dir)
        self.releases = tuple(releases)
        self._current = current
        self._content_hash = content_hash
        self._index_file = index_file
        self._version: str | None = None
        self._answers: dict[str, tuple[Release, Diff] | None] = {}
        self._lock = threading.Lock()

    @property
    def current(self) -> DataIndex:
        """The content index of the data as it is now."""
        if self._current is None:
            self._current = _read_index_file(self._index_file, self._content_hash) or content_index(self.data_dir)
        return self._current

    @property
    def version(self) -> str:
        """The data version (:func:`data_version`)."""
        if self._version is None:
            self._version = _version_of(self.releases, self._content_hash or self.current.content_hash())
        return self._version

    def baseline(self, since: str) -> Release | None:
        """The release ``since`` names, or ``None``."""
        return find_baseline(self.releases, since)[0]

    def changes_since(self, since: str) -> tuple[Release, Diff] | None:
        """The release ``since`` names and every change from it to the data as it is now
        (including edits not released yet); ``None`` when ``since`` names no release or its
        index cannot be read.
        """
        with self._lock:
            if since not in self._answers:
                release = self.baseline(since)
                answer = None
                if release is not None:
                    try:
                        answer = (release, diff_indexes(read_index(self.data_dir, release.version), self.current))
                    except ValueError:
                        answer = None
                self._answers[since] = answer
            return self._answers[since]


# ---- making a release -----------------------------------------------------------------------

@dataclass
class ReleasePlan:
    """What ``release`` would write, decided before anything is written."""

    data_dir: Path
    version: str
    date: str
    content_hash: str
    note: str
    index: DataIndex
    previous: Release | None
    diff: Diff
    problems: list[Problem] = field(default_factory=list)
    same_as: Release | None = None  # the data is exactly this release already: nothing to write

    def release_row(self) -> Release:
        """The row the release adds to ``releases.csv``."""
        if self.previous is None:
            return Release(self.version, self.date, self.content_hash, "", self.index.row_count(), 0, 0, self.note)
        return Release(self.version, self.date, self.content_hash, self.previous.version, self.diff.count("added"),
                       self.diff.count("changed"), self.diff.count("removed"), self.note)

    def diff_json(self) -> str:
        """The release's diff file: a header, then one changed row per line."""
        row = self.release_row()
        head = {"version": row.version, "date": row.date, "content_hash": row.content_hash, "previous": row.previous,
                "note": row.note, "counts": {"added": row.added, "changed": row.changed, "removed": row.removed}}
        if self.previous is None:
            head["first_release"] = True  # every row is new: none is listed
        lines = ["{" + json.dumps(head, ensure_ascii=False)[1:-1] + ","]
        files = [] if self.previous is None else self.diff.files
        lines.append(' "files": [' + ", ".join(json.dumps({"file": f.name, "action": f.action}) for f in files) + "],")
        rows = [] if self.previous is None else self.diff.rows
        if rows:
            lines.append(' "rows": [')
            lines.append(",\n".join("  " + json.dumps(r.as_json(), ensure_ascii=False) for r in rows))
            lines.append(" ]")
        else:
            lines.append(' "rows": []')
        return "\n".join(lines) + "\n}\n"

    def report(self, *, dry_run: bool) -> str:
        """What the release records, or why it records nothing."""
        if self.problems:
            out = [f"the data does not validate: no release ({len(self.problems)} problem(s))"]
            return "\n".join(out + [f"  {p}" for p in self.problems])
        if self.same_as is not None:
            return f"nothing changed since release {self.same_as.version} ({self.same_as.date}): no new release"
        row = self.release_row()
        out = [f"release {row.version} (content hash {row.content_hash})"]
        if self.previous is None:
            out.append(f"first release: {row.added} rows in {len(self.index.rows)} tables, {len(self.index.files)} other files")
        else:
            out.append(f"since {self.previous.version}: {row.added} added, {row.changed} changed, {row.removed} removed")
            out += [f"  {r.describe()}" for r in self.diff.rows]
            out += [f"  file {f.name} {f.action}" for f in self.diff.files]
        out.append("dry run: nothing written" if dry_run else "")
        return "\n".join(line for line in out if line)


def plan_release(data_dir: Path | str, *, note: str = "", today: dt.date | None = None) -> ReleasePlan:
    """Decide the next release of ``data_dir``: validate the data, index it, and diff it
    against the latest release's stored index. Nothing is written.
    """
    from sahel_data.load import validate
    from sahel_data.tables import check_cell

    data_dir = Path(data_dir)
    today = today or dt.datetime.now(dt.UTC).date()
    releases, problems = read_releases(data_dir)
    problems = [*problems, *validate(data_dir)]
    index = content_index(data_dir)
    content = index.content_hash()
    version = f"{today.isoformat()}-{content[:8]}"
    previous = releases[-1] if releases else None
    wrong_note = check_cell(RELEASES.column("note"), note)
    if wrong_note:
        problems.append(Problem("--note", 0, "note", note[:80], wrong_note))
    plan = ReleasePlan(data_dir, version, today.isoformat(), content, note, index, previous, Diff(), sorted(set(problems)))
    if previous is not None:
        if previous.content_hash == content:
            plan.same_as = previous
            return plan
        if previous.date > plan.date:
            plan.problems.append(Problem(RELEASES_FILE, 0, "date", previous.date, f"a last release dated on or before today ({plan.date})"))
        try:
            plan.diff = diff_indexes(read_index(data_dir, previous.version), index)
        except ValueError as exc:
            plan.problems.append(Problem(RELEASES_DIR, 0, "", str(exc)[:200], "the stored index of the last release"))
    else:
        plan.diff = diff_indexes(DataIndex(), index)
    if any(r.version == version for r in releases):
        plan.problems.append(Problem(RELEASES_FILE, 0, "version", version, "a version not released already"))
    return plan


def _release_line(row: Release) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        [row.version, row.date, row.content_hash, row.previous, row.added, row.changed, row.removed, row.note])
    return buffer.getvalue()


def apply_release(plan: ReleasePlan) -> list[Path]:
    """Write the release: its index and diff (each atomically), then its row in
    ``releases.csv`` (atomically, earlier rows byte for byte), so a release is listed only once
    its files exist. Raises ``RuntimeError`` if the data changed since the plan was made.
    Returns the files written (none when the plan is refused or the data is a release already).
    """
    if plan.problems or plan.same_as is not None:
        return []
    if content_index(plan.data_dir).content_hash() != plan.content_hash:
        raise RuntimeError("the data changed since the release was planned: nothing written (run release again)")
    folder = plan.data_dir / RELEASES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    index_path = folder / f"{plan.version}.index.json.gz"
    diff_path = folder / f"{plan.version}.json"
    write_bytes_atomic(index_path, gzip.compress(plan.index.to_json().encode("utf-8"), compresslevel=9, mtime=0))
    write_text_atomic(diff_path, plan.diff_json())
    table = plan.data_dir / RELEASES_FILE
    if table.exists():
        text = table.read_bytes().decode("utf-8-sig")
        text = text if text.endswith("\n") or not text else text + "\n"
    else:
        text = ",".join(c.name for c in RELEASES.columns) + "\n"
    write_text_atomic(table, text + _release_line(plan.release_row()))
    return [index_path, diff_path, table]


__all__ = [
    "RELEASES", "DataIndex", "Diff", "FileChange", "Release", "ReleaseLog", "ReleasePlan", "RowChange", "apply_release",
    "content_index", "data_version", "diff_indexes", "find_baseline", "plan_release", "read_diff", "read_index",
    "read_releases",
]
