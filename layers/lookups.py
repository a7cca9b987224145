"""Per-table lookups built once per frame: rows grouped by engagement, by key, by parent.

The frames are read-only after loading, and grouping them per call made every click pay
pandas' boolean-indexing cost. DataFrames are unhashable, so entries are keyed by id() and
dropped when the frame dies.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")


def per_frame(build: Callable[[pd.DataFrame], T]) -> Callable[[pd.DataFrame], T]:
    """Cache ``build(frame)`` per frame object."""
    cache: dict[int, T] = {}

    @functools.wraps(build)
    def cached(frame: pd.DataFrame) -> T:
        key = id(frame)
        if key not in cache:
            cache[key] = build(frame)
            weakref.finalize(frame, cache.pop, key, None)
        return cache[key]

    return cached


class Rows(Mapping[Any, list[dict[str, Any]]]):
    """A frame's rows grouped by a key: positions kept, each group made into dicts when asked for.

    Dicts of every row, kept, took seconds at x1000 on a worker's first detail panel and a few
    hundred MB in each worker (the tables are shared with the gunicorn master; such dicts
    cannot be). A group's dicts are the rows ``frame.to_dict("records")`` gives, in table order.
    """

    def __init__(self, frame: pd.DataFrame, positions: dict[Any, np.ndarray]) -> None:
        # A weak reference: ``per_frame`` keeps this object for as long as the frame lives, and a
        # strong one would keep the frame (and so this entry) alive for ever.
        self._frame = weakref.ref(frame)
        self.positions = positions

    @property
    def frame(self) -> pd.DataFrame:
        """The table the rows come from (while it lives)."""
        frame = self._frame()
        if frame is None:
            raise LookupError("the table these rows were grouped from is gone")
        return frame

    def __getitem__(self, key: Any) -> list[dict[str, Any]]:
        return self.frame.iloc[self.positions[key]].to_dict("records")

    def __contains__(self, key: object) -> bool:
        return key in self.positions

    def __iter__(self) -> Iterator[Any]:
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self.positions)


def _positions(keys: np.ndarray, rows: np.ndarray) -> dict[Any, np.ndarray]:
    """Key -> the row positions that hold it, in table order (one pass, no Series per group)."""
    if not len(keys):
        return {}
    codes, uniques = pd.factorize(keys, use_na_sentinel=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    return dict(zip(uniques.tolist(), np.split(rows[order], bounds), strict=True))


@per_frame
def records_by_engagement(frame: pd.DataFrame) -> Rows:
    """Rows of ``frame`` as dicts grouped by ``engagement_id``."""
    return Rows(frame, _positions(frame["engagement_id"].to_numpy(object), np.arange(len(frame))))


@per_frame
def records_by_index(frame: pd.DataFrame) -> dict[Any, dict[str, Any]]:
    """Rows of ``frame`` as dicts keyed by its index (small tables: sources, disputes)."""
    return dict(zip(frame.index, frame.to_dict("records"), strict=True))


@per_frame
def children_of(engagements: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Parent engagement id -> its child engagement ids."""
    ids = engagements["engagement_id"].to_numpy(object)
    by_parent = _positions(engagements["parent_id"].to_numpy(object), np.arange(len(engagements)))
    parents = sorted(p for p in by_parent if isinstance(p, str) and p)  # sorted, as groupby gave them
    return {parent: tuple(ids[by_parent[parent]].tolist()) for parent in parents}


@per_frame
def sites_by_engagement(sites: pd.DataFrame) -> Rows:
    """Engagement id -> the site rows (dicts, table order) that list it."""
    linked = sites["engagement_ids"].to_numpy(object)
    rows = np.repeat(np.arange(len(sites)), [len(ids) for ids in linked])
    return Rows(sites, _positions(np.array([eid for ids in linked for eid in ids], dtype=object), rows))
