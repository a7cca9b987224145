"""An on-disk cache of the validated tables, so that a restart on unchanged data skips the checks.

Validating ``data/`` cell by cell is most of a cold start (seconds at x100, minutes at x1000).
Only data that passed validation in strict mode is written; an entry is named by a key over
every byte the loader reads (every file under the data folder, hidden ones aside) and over the
loader's own code, so any edit to the data, and any change to the rules that type it,
rebuilds. Row contents alone (the release content hash) would not do as the key: it is
deliberately blind to how a file is written (a byte-order mark, line ends, column order, a
missing final line break), and validation refuses the last of these; it also costs a full
parse of every table, most of what a restart is meant to save.
The release content hash is kept in the entry instead, with the content index, so the data
version needs no second pass over the tables either.

Entries hold no pickle (a writable cache folder must not let anyone run code): typed columns
go to one ``.npz`` read with ``allow_pickle=False``, each distinct text once to JSON (the columns
as codes into that pool, in the ``.npz``). A missing or unwritable folder, or an unreadable
entry, only costs the time to rebuild (with a log line).

The folder is ``$SAHEL_CACHE_DIR`` if set (``off`` or empty: no cache), else
``$XDG_CACHE_HOME/sahel-dashboard`` (``~/.cache/sahel-dashboard``); never inside the package.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

log = logging.getLogger(__name__)

FORMAT = 2  # 2: one pool of texts per entry, columns as codes into it
KEEP_ENTRIES = 3  # entries of other data versions kept beside the newest (each is about the data's size)
_CHUNK = 1 << 20
_LOADER_CODE = Path(__file__).resolve().parent  # sahel_data/*.py: how the tables are read and typed


class CacheError(ValueError):
    """An entry that cannot be read back as written (corrupt, truncated, another format)."""


@dataclass(frozen=True)
class CachedTables:
    """What an entry holds: the typed tables, the day they were validated, the content hash."""

    tables: dict[str, pd.DataFrame]
    validated_on: date
    content_hash: str
    index_file: Path  # the content index as JSON (sahel_data.releases.DataIndex.to_json)


def cache_dir() -> Path | None:
    """The cache folder (``None``: caching is off)."""
    env = os.environ.get("SAHEL_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sahel-dashboard"


def data_key(data_dir: Path) -> str:
    """A digest of every file under ``data_dir`` (path and bytes) and of the loader's code."""
    digest = hashlib.sha256(f"format {FORMAT} python {sys.version_info[:2]} pandas {pd.__version__} "
                            f"numpy {np.__version__}\n".encode())
    for path in sorted(_LOADER_CODE.glob("*.py")):
        digest.update(f"code {path.name}\n".encode())
        digest.update(path.read_bytes())
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        digest.update(f"file {relative.as_posix()} {path.stat().st_size}\n".encode())
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()[:32]


# ---- columns to files and back ---------------------------------------------------------------
#
# Text is stored once per entry: every distinct text (a cell, or an item of a tuple) goes into
# one pool, and a column holds int32 codes into it (-1: missing). Read back, each distinct text
# is one Python object shared by every cell that holds it (and a tuple column's equal tuples
# are one object). At x1000 that is 0.6 million objects instead of 8.5 million (texts, tuples
# and their items): the master's memory from 1.2 GB to under 0.5 GB, a read several times
# faster, and far fewer pages for a forked worker to copy when its reference counts touch them
# (tests/test_data_cache.py; BENCHMARKS.md, "Start and memory").


@dataclass
class _Encoded:
    """Tables as files: the layout (meta.json), arrays (npz), the text pool and tuples (JSON)."""

    layout: dict[str, dict] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    pool: dict[str, int] = field(default_factory=dict)  # text -> its code
    # "table/column" -> the pool codes of each distinct tuple of the column
    tuples: dict[str, list[list[int]]] = field(default_factory=dict)

    def codes(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """int32 codes of ``values`` in the pool (-1 where missing), each distinct value coded once."""
        local, uniques = pd.factorize(values, use_na_sentinel=True)
        remap = np.array([self.pool.setdefault(u, len(self.pool)) for u in uniques], dtype=np.int32)
        if not len(remap):  # nothing but gaps
            return np.full(len(local), -1, dtype=np.int32)
        return np.where(local < 0, -1, remap[local]).astype(np.int32)

    def texts(self) -> dict:
        """What texts.json holds."""
        return {"pool": list(self.pool), "tuples": self.tuples}


def _encode_column(name: str, series: pd.Series, out: _Encoded, prefix: str) -> list[str]:
    """Store one column; returns its [name, codec, dtype]. Raises ``CacheError`` for a kind
    this cache does not know (nothing is written then).
    """
    dtype, key = series.dtype, f"{prefix}/{name}"
    if isinstance(dtype, pd.StringDtype):
        out.arrays[key] = out.codes(series)
        return [name, "text", str(dtype)]
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.name in ("Int64", "Float64"):
        masked = series.array
        out.arrays[f"{key}/values"] = masked.to_numpy(dtype=dtype.numpy_dtype, na_value=0)
        out.arrays[f"{key}/mask"] = masked.isna()
        return [name, "masked", dtype.name]
    if dtype == np.dtype(object):
        values = series.to_numpy(object)
        if not all(isinstance(v, tuple) and all(isinstance(x, str) for x in v) for v in values):
            raise CacheError(f"column {name}: values other than tuples of text")
        local, uniques = pd.factorize(values)
        out.arrays[key] = local.astype(np.int32)
        out.tuples[key] = [[out.pool.setdefault(x, len(out.pool)) for x in v] for v in uniques]
        return [name, "tuples", "object"]
    if isinstance(dtype, np.dtype) and dtype.kind in "biufM":
        out.arrays[key] = series.to_numpy()
        return [name, "array", str(dtype)]
    raise CacheError(f"column {name}: dtype {dtype}")


def _decode_column(spec: list[str], key: str, arrays: dict[str, np.ndarray], texts: dict,
                   pool: np.ndarray) -> pd.Series:
    """One column back from what ``_encode_column`` stored (``pool``: every text, as objects)."""
    name, codec, dtype = spec
    if codec == "text":
        codes = arrays[key]
        values = pool[codes] if len(pool) else np.full(len(codes), None, dtype=object)
        values[codes < 0] = None
        return pd.Series(values, dtype=dtype, name=name)
    if codec == "masked":
        values, mask = arrays[f"{key}/values"], arrays[f"{key}/mask"]
        array = pd.arrays.IntegerArray(values, mask) if dtype == "Int64" else pd.arrays.FloatingArray(values, mask)
        return pd.Series(array, name=name)
    if codec == "tuples":
        distinct = np.empty(len(texts["tuples"][key]), dtype=object)
        for i, items in enumerate(texts["tuples"][key]):  # one at a time: numpy reads a list of tuples as 2-D
            distinct[i] = tuple(pool[items].tolist()) if items else ()
        return pd.Series(distinct[arrays[key]], dtype=object, name=name)
    if codec == "array":
        array = arrays[key]
        if str(array.dtype) != dtype:
            raise CacheError(f"column {name}: dtype {array.dtype}, expected {dtype}")
        return pd.Series(array, name=name)
    raise CacheError(f"column {name}: unknown codec {codec!r}")


def _encode_tables(tables: dict[str, pd.DataFrame]) -> _Encoded:
    out = _Encoded()
    for table, frame in tables.items():
        key = frame.index.name
        if key not in frame.columns or not frame.index.equals(pd.Index(frame[key])):
            raise CacheError(f"table {table}: an index that is not one of its columns")
        columns = [_encode_column(str(c), frame[c], out, table) for c in frame.columns]
        out.layout[table] = {"index": key, "columns": columns, "rows": len(frame)}
    return out


def _decode_tables(layout: dict, arrays: dict[str, np.ndarray], texts: dict) -> dict[str, pd.DataFrame]:
    pool = np.empty(len(texts["pool"]), dtype=object)
    pool[:] = texts["pool"]
    tables = {}
    for table, spec in layout.items():
        columns = {c[0]: _decode_column(c, f"{table}/{c[0]}", arrays, texts, pool) for c in spec["columns"]}
        frame = pd.DataFrame(columns) if columns else pd.DataFrame()
        if len(frame) != spec["rows"] or any(len(c) != spec["rows"] for c in columns.values()):
            raise CacheError(f"table {table}: {len(frame)} rows, expected {spec['rows']}")
        tables[table] = frame.set_index(spec["index"], drop=False)
    return tables


def shared_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The same tables with one object per distinct text (what a cache hit returns), so that a
    first start after a data change serves from the same memory layout as a restart (the
    tables as they are if a column is of a kind the cache does not store).
    """
    try:
        encoded = _encode_tables(tables)
    except CacheError:
        return tables
    return _decode_tables(encoded.layout, encoded.arrays, encoded.texts())


# ---- entries ---------------------------------------------------------------------------------

def read_entry(folder: Path | None, key: str, today: date) -> CachedTables | None:
    """The entry for ``key`` (``None`` if there is none, it was validated after ``today`` (a
    clock set back: plausibility depends on the day), or it cannot be read: logged, rebuilt).
    """
    entry = folder / key if folder is not None else None
    if entry is None or not (entry / "meta.json").is_file():
        return None
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("key") != key:
            raise CacheError("another format or key")
        validated_on = date.fromisoformat(meta["validated_on"])
        if validated_on > today:
            return None
        with np.load(entry / "arrays.npz", allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        texts = orjson.loads((entry / "texts.json").read_bytes())
        tables = _decode_tables(meta["tables"], arrays, texts)
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile, orjson.JSONDecodeError) as exc:
        log.warning("sahel_data cache: entry %s is unreadable (%s); rebuilding it", entry, exc)
        with contextlib.suppress(OSError):
            shutil.rmtree(entry)
        return None
    return CachedTables(tables, validated_on, str(meta["content_hash"]), entry / "index.json")


def write_entry(folder: Path, key: str, tables: dict[str, pd.DataFrame], *, validated_on: date,
                content_hash: str, index_json: str) -> tuple[dict[str, pd.DataFrame], Path | None]:
    """Write an entry atomically (a folder renamed into place) and return the tables as a hit
    reads them back (``shared_tables``), encoded once for both; the path is ``None`` if the entry
    was not written (the folder not writable, a column kind the cache does not know: logged).
    """
    try:
        encoded = _encode_tables(tables)
    except CacheError as exc:
        log.warning("sahel_data cache: not written to %s (%s); the next start validates again", folder, exc)
        return tables, None
    texts = encoded.texts()
    shared = _decode_tables(encoded.layout, encoded.arrays, texts)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=folder))
        try:
            meta = {"format": FORMAT, "key": key, "validated_on": validated_on.isoformat(),
                    "content_hash": content_hash, "tables": encoded.layout}
            with (tmp / "arrays.npz").open("wb") as handle:
                np.savez(handle, **encoded.arrays)
            (tmp / "texts.json").write_bytes(orjson.dumps(texts))
            (tmp / "index.json").write_text(index_json, encoding="utf-8")
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")  # last: an entry without it is ignored
            try:
                tmp.rename(folder / key)
            except OSError:
                if not (folder / key / "meta.json").is_file():
                    raise
                # another process wrote the same entry first: same key, same content
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # left only if the rename failed (another process was first)
        _prune(folder, keep=key)
    except OSError as exc:
        log.warning("sahel_data cache: not written to %s (%s); the next start validates again", folder, exc)
        return shared, None
    return shared, folder / key


def _prune(folder: Path, keep: str) -> None:
    """Remove all but the ``KEEP_ENTRIES`` newest entries (never ``keep``)."""
    entries = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != keep),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_ENTRIES - 1:]:
        shutil.rmtree(old, ignore_errors=True)
