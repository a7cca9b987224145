"""What changed since a release, as a view shows it: engagements, regions and sites to mark.

``?since=<version or date>`` compares the data with a release (``sahel_data.releases``: a row-
level diff computed from content). This module turns those row changes into what one view
marks, and nothing else (pure: no I/O, no Dash):

* **engagements**: each engagement the view lists whose own row, or a row about it, changed — a
  mandate, a funding row, a dated figure (indicator), an event, a site, a dispute about one of
  them — with those changes (table, id, added / changed with columns / removed);
* **regions**: the drawn regions (map polygons) whose figures or rows changed — a displacement
  count of the region or of an area drawn in it, the region's own row, a site or an event placed
  in it, an engagement or mandate whose area changed (its old and new regions both);
* **sites**: the sites the view draws whose row changed.

A removed row is marked through the ids it pointed to when it was released (the diff keeps
them). A change of a source, a town or a map label marks nothing here (it is listed in the
release diff).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd


class RowChangeLike(Protocol):
    """A row change (``sahel_data.releases.RowChange``)."""

    table: str
    row_id: str
    action: str  # added, changed, removed
    columns: tuple[str, ...]

    def link(self, column: str) -> tuple[str, ...]:
        """The ids the row points to through ``column``, old and new."""
        ...


# Rows about one engagement, by the column that names it.
ENGAGEMENT_COLUMN = {"mandates": "engagement_id", "funding": "engagement_id", "indicators": "engagement_id",
                     "events": "engagement_id", "sites": "engagement_ids"}
# Rows placed in a region, by the column that names it (any change of such a row marks it).
PLACED_COLUMN = {"idp_counts": "area_code", "sites": "region_code", "events": "region_code"}
# Rows whose area is a list of regions: marked only when the area itself changed (or the row came or went).
AREA_COLUMNS = {"engagements": ("regions",), "mandates": ("area_regions",)}


@dataclass(frozen=True, eq=False)
class ViewChanges:
    """What a view marks as changed since a release (empty when the view has no ``since``).

    ``engagements`` maps each changed engagement the view lists to its row changes;
    ``regions`` holds drawn region codes (``ML-1`` … ``ML-8``, ``ML-BKO``: the map's polygons);
    ``sites`` holds the ``site_id`` of each changed site the view draws. ``since`` is the value
    asked for, ``baseline`` the release version compared with, ``total`` the rows changed in
    the whole data since then.
    """

    since: str = ""
    baseline: str = ""
    engagements: Mapping[str, tuple[RowChangeLike, ...]] = field(default_factory=dict)
    regions: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    total: int = 0

    @property
    def engagement_ids(self) -> frozenset[str]:
        """The changed engagements the view lists."""
        return frozenset(self.engagements)

    def __bool__(self) -> bool:
        return bool(self.engagements or self.regions or self.sites)


NO_CHANGES = ViewChanges()


def _dispute_target(change: RowChangeLike) -> tuple[str, tuple[str, ...]]:
    tables, ids = change.link("table_name"), change.link("row_id")
    return (tables[-1] if tables else ""), ids


def engagements_of(change: RowChangeLike, tables: Mapping[str, pd.DataFrame]) -> tuple[str, ...]:
    """The engagements a row change is about (a dispute: those of the row it disputes)."""
    if change.table == "engagements":
        return (change.row_id,)
    if change.table in ENGAGEMENT_COLUMN:
        return change.link(ENGAGEMENT_COLUMN[change.table])
    if change.table == "disputes":
        target, ids = _dispute_target(change)
        if target == "engagements":
            return ids
        frame = tables.get(target)
        column = ENGAGEMENT_COLUMN.get(target)
        if frame is None or column is None:
            return ()
        out: list[str] = []
        for row_id in ids:
            if row_id in frame.index:
                value = frame.at[row_id, column]
                out += list(value) if isinstance(value, tuple) else [str(value)] if value else []
        return tuple(dict.fromkeys(out))
    return ()


def regions_of(change: RowChangeLike) -> tuple[str, ...]:
    """The area codes a row change touches (not yet mapped to drawn regions)."""
    if change.table == "regions":
        return (change.row_id,)
    codes: list[str] = []
    if change.table in PLACED_COLUMN:
        codes += change.link(PLACED_COLUMN[change.table])
    for column in AREA_COLUMNS.get(change.table, ()):
        if change.action != "changed" or column in change.columns:
            codes += change.link(column)
    return tuple(dict.fromkeys(codes))


def drawn_regions(regions: pd.DataFrame, drawn: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The polygons each area code marks: itself when it is drawn (in any boundary version), and
    the polygon it is drawn as in the bundled boundaries (``drawn_as``: Ménaka in Gao).
    """
    drawn = set(drawn)
    out: dict[str, tuple[str, ...]] = {}
    for code, target in zip(regions["region_code"], regions["drawn_as"], strict=True):
        found = tuple(dict.fromkeys(c for c in (code, target) if c in drawn))
        if found:
            out[code] = found
    for code in drawn:
        out.setdefault(code, (code,))
    return out


def view_changes(rows: Iterable[RowChangeLike], tables: Mapping[str, pd.DataFrame], *, listed: Iterable[str],
                 drawn_sites: Iterable[str], drawn: Iterable[str], since: str = "", baseline: str = "") -> ViewChanges:
    """What one view marks: the changed engagements among ``listed``, the changed drawn regions
    (``drawn``: the map's region codes) and the changed sites among ``drawn_sites``.
    """
    rows = list(rows)
    listed, drawn_sites = set(listed), set(drawn_sites)
    polygon = drawn_regions(tables["regions"], drawn)
    by_engagement: dict[str, list[RowChangeLike]] = {}
    regions: set[str] = set()
    sites: set[str] = set()
    for change in rows:
        for eid in engagements_of(change, tables):
            if eid in listed:
                by_engagement.setdefault(eid, []).append(change)
        regions.update(p for c in regions_of(change) for p in polygon.get(c, ()))
        if change.table == "sites" and change.row_id in drawn_sites:
            sites.add(change.row_id)
    return ViewChanges(since, baseline, {eid: tuple(found) for eid, found in by_engagement.items()},
                       frozenset(regions), frozenset(sites), len(rows))
