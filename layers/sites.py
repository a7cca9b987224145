"""Site markers: sites grouped by place, and aggregated into grid cells when there are many.

A view may hold 100,000 points (project locations, incidents), so the work is numpy over
column arrays: ``SitePoints`` keeps the sites sorted by place once per catalog, a view takes
a subset in that order (no per-view sort), and Python loops only over the markers finally
drawn (at most ``MAX_MARKERS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SITE_KINDS = ("training_site", "headquarters", "base", "police_unit", "border_post", "school", "project_site", "town")
SITE_COLUMNS = ("site_id", "name", "kind", "precision", "placed_at")
MAX_MARKERS = 400  # above this many places, markers are aggregated into grid cells
MIN_CELL_DEG = 0.5  # the finest aggregation cell, doubled until the markers fit
MAX_CELL_DEG = 4.0  # the coarsest aggregation cell
CLUSTER_HOVER_ROWS = 3  # sites named in an aggregated marker's hover (400 of them go with every change)


@dataclass(frozen=True)
class Marker:
    """One site symbol on the map: a place, or a cell of places when there are too many."""

    lon: float
    lat: float
    kind: str
    site_ids: tuple[str, ...]
    place: str
    hover_rows: tuple[tuple[str, str, str], ...]  # (name, kind, precision) of the sites shown in the hover
    approximate: bool  # every site here is shown at its nearest town
    count: int | None = None  # sites in a cell marker (None: one place, not aggregated)
    selected: bool = False  # holds a site of the selected engagement


def site_kind_rank(kinds: pd.Series) -> pd.Series:
    """Importance of each site's kind (its index in ``SITE_KINDS``; unknown kinds last)."""
    return kinds.map({k: i for i, k in enumerate(SITE_KINDS)}).fillna(len(SITE_KINDS)).astype(int)


@dataclass(frozen=True)
class SitePoints:
    """Mapped sites as column arrays, sorted by place (lat, lon), then importance of kind,
    then table order; ``rows`` are their positions in the table they came from.
    """

    lat: np.ndarray
    lon: np.ndarray
    rank: np.ndarray
    columns: dict[str, np.ndarray]
    rows: np.ndarray

    @classmethod
    def from_frame(cls, sites: pd.DataFrame) -> SitePoints:
        """Sort a sites frame (columns ``SITE_COLUMNS``, lat, lon) by place; unmapped rows dropped."""
        lat = pd.to_numeric(sites["lat"]).to_numpy(float, na_value=np.nan) if len(sites) else np.zeros(0)
        lon = pd.to_numeric(sites["lon"]).to_numpy(float, na_value=np.nan) if len(sites) else np.zeros(0)
        rank = site_kind_rank(sites["kind"]).to_numpy(int) if len(sites) else np.zeros(0, dtype=int)
        order = np.lexsort((np.arange(len(lat)), rank, lon, lat))
        order = order[~np.isnan(lat[order]) & ~np.isnan(lon[order])]
        return cls(lat[order], lon[order], rank[order],
                   {c: sites[c].to_numpy(object)[order] for c in SITE_COLUMNS}, order)

    def where(self, table_mask: np.ndarray) -> SitePoints:
        """The subset whose table rows ``table_mask`` keeps, still sorted."""
        keep = table_mask[self.rows]
        return SitePoints(self.lat[keep], self.lon[keep], self.rank[keep],
                          {c: v[keep] for c, v in self.columns.items()}, self.rows[keep])

    def __len__(self) -> int:
        return len(self.lat)


@dataclass(frozen=True)
class _Locations:
    """Sorted sites grouped by exact place: rows ``bounds[j]:bounds[j + 1]`` are place j's."""

    points: SitePoints
    bounds: np.ndarray
    kind: np.ndarray
    approximate: np.ndarray
    selected: np.ndarray  # bool per place: holds a selected site

    @property
    def lon(self) -> np.ndarray:
        return self.points.lon[self.bounds[:-1]]

    @property
    def lat(self) -> np.ndarray:
        return self.points.lat[self.bounds[:-1]]

    def count(self) -> np.ndarray:
        return np.diff(self.bounds)

    def _slice(self, j: int, limit: int | None = None) -> slice:
        end = self.bounds[j + 1] if limit is None else min(self.bounds[j + 1], self.bounds[j] + limit)
        return slice(self.bounds[j], end)

    def ids(self, j: int) -> tuple[str, ...]:
        return tuple(self.points.columns["site_id"][self._slice(j)])

    def place(self, j: int) -> str:
        r = self.bounds[j]
        placed_at = str(self.points.columns["placed_at"][r])
        return placed_at.removeprefix("GeoNames:").split(",")[0].strip() or str(self.points.columns["name"][r])

    def hover_rows(self, j: int, limit: int | None = None) -> tuple[tuple[str, str, str], ...]:
        part = self._slice(j, limit)
        cols = self.points.columns
        return tuple(zip(cols["name"][part], cols["kind"][part], cols["precision"][part], strict=True))


def group_sites(sites: SitePoints | pd.DataFrame, selected_sites: frozenset[str] = frozenset(),
                aggregate_above: int | None = MAX_MARKERS) -> list[Marker]:
    """One marker per place (its kind: the most important kind there); above
    ``aggregate_above`` places (``None``: never), markers for grid cells instead.
    """
    points = sites if isinstance(sites, SitePoints) else SitePoints.from_frame(sites)
    n = len(points)
    if n == 0:
        return []
    first = np.flatnonzero(np.r_[True, (points.lat[1:] != points.lat[:-1]) | (points.lon[1:] != points.lon[:-1])])
    approx = np.logical_and.reduceat(points.columns["precision"] == "nearest_town", first)
    kinds = np.array((*SITE_KINDS, "project_site"), dtype=object)[np.minimum(points.rank[first], len(SITE_KINDS))]
    chosen = np.isin(points.columns["site_id"], list(selected_sites)) if selected_sites else np.zeros(n, dtype=bool)
    locations = _Locations(points, np.r_[first, n], kinds, approx, np.logical_or.reduceat(chosen, first))
    if aggregate_above is not None and len(first) > aggregate_above:
        return cluster_sites(locations, aggregate_above)
    lon, lat = locations.lon, locations.lat
    return [
        Marker(float(lon[j]), float(lat[j]), kinds[j], locations.ids(j), locations.place(j), locations.hover_rows(j),
               bool(approx[j]), selected=bool(locations.selected[j]))
        for j in range(len(first))
    ]


def cluster_sites(locations: _Locations, max_markers: int = MAX_MARKERS, cell_deg: float = MIN_CELL_DEG) -> list[Marker]:
    """Aggregate places into grid cells per kind when there are too many to draw or send.

    Server-side aggregation keeps the payload bounded (thousands of project or incident points
    would otherwise cost megabytes per filter change). The cell doubles until the markers fit
    ``max_markers``; each marker sits at its places' mean position and its hover says how
    many sites it stands for. A cell lists no site ids: sending ids for 400 cells on every
    change was a third of the payload at scale.
    """
    lon, lat = locations.lon, locations.lat
    kinds, kind_code = np.unique(locations.kind, return_inverse=True)
    while True:
        # A dense integer key per (column, row, kind) over the points' bounding box: counting
        # the cells in use is a bincount, not a sort.
        col = np.floor(lon / cell_deg).astype(np.int64)
        row = np.floor(lat / cell_deg).astype(np.int64)
        col -= col.min()
        row -= row.min()
        keys = (col * (row.max() + 1) + row) * len(kinds) + kind_code
        used = np.bincount(keys) > 0
        if used.sum() <= max_markers or cell_deg >= MAX_CELL_DEG:
            break
        cell_deg *= 2
    cell = (np.cumsum(used) - 1)[keys]  # cells numbered in key order
    first = np.full(int(used.sum()), len(keys))
    np.minimum.at(first, cell, np.arange(len(keys)))  # each cell's first place
    counts = np.bincount(cell, weights=locations.count()).astype(int)
    n_members = np.bincount(cell)
    mean_lon = np.bincount(cell, weights=lon) / n_members
    mean_lat = np.bincount(cell, weights=lat) / n_members
    all_approx = np.bincount(cell, weights=~locations.approximate) == 0
    any_selected = np.bincount(cell, weights=locations.selected) > 0
    members = np.argsort(cell, kind="stable")  # places of each cell, in place order
    starts = np.r_[0, np.cumsum(n_members)]
    markers = []
    for c in np.argsort(first, kind="stable"):  # cells in order of their first place
        mine = members[starts[c]:starts[c + 1]]
        hover: list[tuple[str, str, str]] = []
        for j in mine:
            hover += locations.hover_rows(j, CLUSTER_HOVER_ROWS - len(hover))
            if len(hover) >= CLUSTER_HOVER_ROWS:
                break
        kind, total = locations.kind[mine[0]], int(counts[c])
        markers.append(Marker(
            float(mean_lon[c]), float(mean_lat[c]), kind, (),
            locations.place(mine[0]) if len(mine) == 1 else f"×{total}",
            tuple(hover), bool(all_approx[c]), total, selected=bool(any_selected[c]),
        ))
    return markers


def empty_points() -> SitePoints:
    """No sites."""
    return SitePoints.from_frame(pd.DataFrame({c: pd.Series([], dtype=object) for c in (*SITE_COLUMNS, "lat", "lon")}))


__all__: list[Any] = ["MAX_MARKERS", "SITE_KINDS", "Marker", "SitePoints", "empty_points", "group_sites", "site_kind_rank"]
