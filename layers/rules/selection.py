"""Which engagements a view lists: filters over arrays, and the groups of the table.

A view lists the engagements active at any time in its period that match every filter, plus
every engagement with *dates unknown* that matches them. Where each engagement works decides
whether it can count: Mali (national, regional, or multi-country including Mali) by default;
"elsewhere in the Sahel" and "comparators" only when the ``geo`` filter asks for them, and
never in a Mali count. A search also finds sub-engagements and components, and lists them
under their parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from layers.rules.areas import Areas, Layout
from layers.rules.base import Rules
from layers.view_state import ViewState

GEO_FILTER = {"mali": ("mali", "multi"), "sahel": ("sahel",), "comparators": ("comparator",)}
SEARCH_COLUMNS = ("engagement_id", "name_en", "name_fr", "acronym", "lead_actor", "implementer")


@dataclass(frozen=True)
class Selection:
    """The engagements of a view, as positions in the engagements table (table order)."""

    listed: np.ndarray  # everything the table lists: active or undated, parents and their children
    counted: np.ndarray  # the count: top-level, countable, Mali, active in the period
    active_at: np.ndarray  # listed and active on the view's date (figures stand at that date)


class Selector:
    """Filter masks built once; a view's selection is then a few array operations."""

    def __init__(self, rules: Rules, areas: Areas) -> None:
        self.rules = rules
        self.areas = areas
        self.eng = rules.tables["engagements"]

    @cached_property
    def sector_masks(self) -> dict[str, np.ndarray]:
        """Sector -> engagements that list it."""
        pairs = self.eng[["engagement_id", "sectors"]].explode("sectors").dropna()
        return self._masks(pairs["sectors"], pairs["engagement_id"])

    @cached_property
    def donor_masks(self) -> dict[str, np.ndarray]:
        """Donor -> engagements it funds (or leads, when an engagement has no funding rows)."""
        funding = self.rules.tables["funding"]
        unfunded = self.eng[~self.eng["engagement_id"].isin(set(funding["engagement_id"]))]
        names = pd.concat([funding["donor"], unfunded["lead_actor"]], ignore_index=True)
        eids = pd.concat([funding["engagement_id"], unfunded["engagement_id"]], ignore_index=True)
        return self._masks(names, eids)

    def _masks(self, names: pd.Series, eids: pd.Series) -> dict[str, np.ndarray]:
        positions = eids.map(self.rules.position)
        keep = positions.notna()
        out = {}
        for name, pos in positions[keep].astype(int).groupby(names[keep].to_numpy()):
            mask = np.zeros(len(self.eng), dtype=bool)
            mask[pos.to_numpy()] = True
            out[name] = mask
        return out

    @cached_property
    def haystack(self) -> pd.Series:
        """The text a search matches, casefolded."""
        text = self.eng[SEARCH_COLUMNS[0]].astype(str)
        for col in SEARCH_COLUMNS[1:]:
            text = text + " " + self.eng[col].astype(str)
        return text.str.casefold().reset_index(drop=True)

    def _filters(self, state: ViewState, bits: np.ndarray, layout: Layout) -> np.ndarray:
        """Engagements (or their top-level ancestor) that match every filter but the period."""
        e = self.rules.eng
        n = len(e)
        mask = np.isin(e.geo, [g for f in state.geo for g in GEO_FILTER[f]])
        if state.actors:
            mask &= np.isin(e.actor, list(state.actors))
        if state.sectors:
            mask &= _any_of(self.sector_masks, state.sectors, n)
        if state.donors:
            mask &= _any_of(self.donor_masks, state.donors, n)
        if state.regions:
            wanted = 0
            for region in state.regions:  # a polygon of the boundaries in force, or a region inside one
                wanted |= self.areas.regions.mask(region, layout)
            mask &= (bits & wanted) != 0
        return mask

    def select(self, state: ViewState, latest: pd.Timestamp) -> Selection:
        """The engagements a view lists and counts (see the module's rules); ``latest`` is the
        data's date, the latest its figures may stand at.
        """
        rules, e = self.rules, self.rules.eng
        as_at = state.period.as_at(latest)
        # Where it worked at any time in the period: "Engagements in Mopti active in 2013-2023".
        bits = self.areas.over(state.period.start, as_at)
        base = self._filters(state, bits, self.areas.regions.layout_at(as_at))
        in_period = rules.listable_in(state.period)
        if state.search:
            hit = self.haystack.str.contains(state.search.casefold(), regex=False).to_numpy(bool)
            # A hit lists itself, and a parent's hit its children; a child's hit lists neither its
            # parent nor its siblings (they did not match, and the parent's money is not the child's).
            keep = hit | hit[e.root]
        else:
            keep = np.ones(len(e), dtype=bool)
        listed = (e.parent == "") & base & in_period & keep
        # Children: listed (under their parent) when they are in the period and match the
        # filters themselves, or their parent is listed.
        listed |= (e.parent != "") & in_period & keep & (base | listed[e.root])
        counted = listed & e.countable & np.isin(e.geo, ["mali", "multi"]) & e.dated & rules.active_in(state.period)
        return Selection(np.flatnonzero(listed), np.flatnonzero(counted), np.flatnonzero(listed & rules.active_at(as_at)))


def _any_of(masks: dict[str, np.ndarray], names: tuple[str, ...], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for name in names:
        if name in masks:
            out |= masks[name]
    return out
