"""Per-table lookups built once per frame: rows grouped by engagement, by key, by parent.

The frames are read-only after loading, and grouping them per call made every click pay
pandas' boolean-indexing cost. DataFrames are unhashable, so entries are keyed by id() and
dropped when the frame dies.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

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


@per_frame
def records_by_engagement(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Rows of ``frame`` as dicts grouped by ``engagement_id``."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        grouped.setdefault(record["engagement_id"], []).append(record)
    return grouped


@per_frame
def records_by_index(frame: pd.DataFrame) -> dict[Any, dict[str, Any]]:
    """Rows of ``frame`` as dicts keyed by its index."""
    return dict(zip(frame.index, frame.to_dict("records"), strict=True))


@per_frame
def children_of(engagements: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Parent engagement id -> its child engagement ids."""
    return {parent: tuple(group) for parent, group in engagements.groupby("parent_id")["engagement_id"] if parent}


@per_frame
def sites_by_engagement(sites: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Engagement id -> the site rows (dicts, table order) that list it."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record in sites.to_dict("records"):
        for eid in record["engagement_ids"]:
            out.setdefault(eid, []).append(record)
    return out
