"""Column arrays of the catalog, built once, that answer a view's questions without pandas
row work: which engagements a filter keeps, their areas, budgets and staff in a year, the
sites they use.

``layers.view_model`` states the rules one engagement at a time and stays the reference:
``tests/test_view_index.py`` checks that every answer here equals the reference for every
year and many filter states, on the shipped data and on a synthetic copy. What this module
adds is speed: the per-year answers (areas, budgets, staff) do not depend on filters, so they
are computed once per year for every engagement with vectorised pandas, and a filter change
is then a few boolean array operations (x1000 data: ~1 s of per-engagement Python per view
before, a few milliseconds now).

Areas are bit masks over the drawn Mali regions (fewer than 64), so "covers any of the
selected regions" is one ``&`` and per-region counts are a few sums.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from layers import view_model as vm
from layers.sites import SitePoints
from layers.view_state import ViewState


@dataclass(frozen=True)
class YearFacts:
    """Every indexed engagement's area, budget and latest staff figure at one date."""

    at: pd.Timestamp
    active: np.ndarray  # bool: active in the year (see view_model rules)
    area_bits: np.ndarray  # int64 bit mask of drawn regions
    budget_eur: np.ndarray  # float64, NaN = unknown
    budget_basis: np.ndarray  # object: period_total | annual | pledge | unknown
    budget_sources: np.ndarray  # object: tuple of source ids
    staff: np.ndarray  # float64 latest personnel figure dated on or before ``at``, NaN = none
    staff_year: np.ndarray  # int64 year of that figure (0 = none)
    staff_sources: np.ndarray  # object: tuple of source ids


def _filled_tuple(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: bool(v) if isinstance(v, tuple) else False).to_numpy(bool)


class ViewIndex:
    """Arrays over the top-level Sahel engagements (in table order) and over the sites."""

    def __init__(self, tables: dict[str, pd.DataFrame], today: date) -> None:
        self.tables = tables
        self.today = today
        eng_all = tables["engagements"]
        keep = (eng_all["parent_id"] == "") & vm.in_sahel_scope(tables)
        self.eng = eng_all[keep]
        self.ids = self.eng["engagement_id"].to_numpy(object)
        self.position = {eid: i for i, eid in enumerate(self.ids)}
        self.countable = ~self.eng["kind"].isin(vm.NOT_ADDED_KINDS).to_numpy(bool)
        self.actor = self.eng["actor_type"].to_numpy(object)
        self.scope = self.eng["scope"].to_numpy(object)
        drawn = vm.drawn_region_codes(tables["regions"])
        self.drawn = drawn
        self.bit = {code: 1 << i for i, code in enumerate(sorted(set(drawn.values())))}
        self.all_bits = sum(self.bit.values())
        self.own_bits = np.array([self._own_bits(r) for r in self.eng.itertuples()], dtype=np.int64)
        self._years: dict[int, YearFacts] = {}
        self._areas: dict[int, frozenset[str]] = {}
        self._memo: dict[tuple[str, int], Any] = {}
        self._lock = threading.Lock()

    # -- static parts -------------------------------------------------------------------

    def codes_to_bits(self, codes: tuple[str, ...]) -> int:
        """Bit mask of area codes (drawn or not; "ML" means all of Mali)."""
        if "ML" in codes:
            return self.all_bits
        return sum({self.bit[self.drawn[c]] for c in codes if c in self.drawn})

    def bits_to_area(self, bits: int) -> frozenset[str]:
        """The drawn region codes of a bit mask."""
        area = self._areas.get(bits)
        if area is None:
            area = self._areas[bits] = frozenset(c for c, b in self.bit.items() if bits & b)
        return area

    def _own_bits(self, row: Any) -> int:
        # No mandate states the area: the engagement's own regions, or all of Mali for a
        # national scope (or a multi-country scope that includes Mali without listed regions).
        if not row.regions and (row.scope == "national" or (row.scope == "multi_country" and "ML" in row.countries)):
            return self.all_bits
        return self.codes_to_bits(row.regions)

    @cached_property
    def sector_masks(self) -> dict[str, np.ndarray]:
        """Sector -> engagements that list it."""
        pairs = self.eng[["engagement_id", "sectors"]].explode("sectors").dropna()
        return self._masks(pairs["sectors"], pairs["engagement_id"])

    @cached_property
    def donor_masks(self) -> dict[str, np.ndarray]:
        """Donor -> engagements it funds (or leads, when an engagement has no funding rows)."""
        funding = self.tables["funding"]
        unfunded = self.eng[~self.eng["engagement_id"].isin(set(funding["engagement_id"]))]
        names = pd.concat([funding["donor"], unfunded["lead_actor"]], ignore_index=True)
        eids = pd.concat([funding["engagement_id"], unfunded["engagement_id"]], ignore_index=True)
        return self._masks(names, eids)

    def _masks(self, names: pd.Series, eids: pd.Series) -> dict[str, np.ndarray]:
        """Name -> bool array over indexed engagements, from (name, engagement id) pairs."""
        positions = eids.map(self.position)
        keep = positions.notna()
        out = {}
        for name, pos in positions[keep].astype(int).groupby(names[keep].to_numpy()):
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[pos.to_numpy()] = True
            out[name] = mask
        return out

    def warm(self) -> ViewIndex:
        """Compute every year's facts and every filter mask now (at start, not on a click)."""
        lo = vm.FIRST_YEAR
        for year in range(lo, max(lo, self.today.year) + 1):
            self.year(year)
        _ = (self.sector_masks, self.donor_masks, self.haystack, self._site_links, self._site_period, self._site_mapped,
             self.funding_budget, self.site_points)
        # The detail panel's per-table lookups (first use would otherwise cost seconds at x1000).
        for name in ("mandates", "funding", "indicators"):
            vm.records_by_engagement(self.tables[name])
        for name in ("sources", "disputes"):
            vm.records_by_index(self.tables[name])
        vm.sites_by_engagement(self.tables["sites"])
        vm.children_of(self.tables["engagements"])
        return self

    @cached_property
    def haystack(self) -> pd.Series:
        """The text the search box matches, casefolded (same fields as the reference rule)."""
        cols = ("engagement_id", "name_en", "name_fr", "acronym", "lead_actor", "implementer")
        text = self.eng[cols[0]].astype(str)
        for col in cols[1:]:
            text = text + " " + self.eng[col].astype(str)
        return text.str.casefold().reset_index(drop=True)

    @cached_property
    def funding_budget(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(amount, basis, sources) arrays of each engagement's budget from its funding rows,
        used when no mandate in force states one (funding rows are not dated: once for all years).
        """
        budgets = [vm.engagement_budget_from_funding(self.tables, eid) for eid in self.ids]
        amount = np.array([np.nan if b.amount_eur is None else b.amount_eur for b in budgets], dtype=float)
        basis = np.array([b.basis for b in budgets], dtype=object)
        sources = np.empty(len(budgets), dtype=object)
        sources[:] = [b.source_ids for b in budgets]
        return amount, basis, sources

    @cached_property
    def mandates(self) -> pd.DataFrame:
        """Mandates of indexed engagements with their effective end and table position."""
        m = self.tables["mandates"]
        m = m.assign(pos=np.arange(len(m)), effective_end=effective_ends(m))
        return m[m["engagement_id"].isin(self.position)]

    # -- per-year facts -----------------------------------------------------------------

    def year(self, year: int) -> YearFacts:
        """The facts of ``year`` (computed on first use, then kept: they never change)."""
        facts = self._years.get(year)
        if facts is None:
            with self._lock:
                facts = self._years.get(year) or self._build_year(year)
                self._years[year] = facts
        return facts

    def _capped_at(self, at: pd.Timestamp) -> pd.Series:
        """Per engagement: ``at``, or its end if it ended earlier (``within_engagement``)."""
        end = self.eng["end_date"]
        return end.where(end.notna() & (end < at), at).set_axis(self.ids)

    def _in_force(self, at: pd.Timestamp, need: np.ndarray) -> pd.DataFrame:
        """Per engagement, the mandate in force at its capped date that fills ``need``:
        the latest-starting one, the first in table order among equal starts.
        """
        m = self.mandates[need]
        at_e = m["engagement_id"].map(self._capped_at(at))
        m = m[(m["start_date"] <= at_e) & (m["effective_end"].isna() | (m["effective_end"] >= at_e))]
        m = m.sort_values(["start_date", "pos"], ascending=[False, True], kind="stable")
        return m.drop_duplicates("engagement_id").set_index("engagement_id")

    def _build_year(self, year: int) -> YearFacts:
        at = vm.as_of_date(year, self.today)
        mandates = self.mandates
        n = len(self.ids)
        # Areas: the mandate in force with an area, else the engagement's own.
        area = self._in_force(at, _filled_tuple(mandates["area_regions"]))
        area_bits = self.own_bits.copy()
        for eid, codes in zip(area.index, area["area_regions"], strict=True):
            area_bits[self.position[eid]] = self.codes_to_bits(codes)
        # Budgets: the mandate in force with a budget, else the funding rows.
        budget_eur, basis, sources = (a.copy() for a in self.funding_budget)
        with_budget = self._in_force(at, mandates["budget_eur"].notna().to_numpy(bool))
        for eid, amount, b_basis, b_sources in zip(with_budget.index, with_budget["budget_eur"], with_budget["budget_basis"],
                                                   with_budget["source_ids"], strict=True):
            i = self.position[eid]
            budget_eur[i], basis[i], sources[i] = float(amount), b_basis or "unknown", b_sources
        # Staff: the latest personnel figure dated on or before ``at`` (not capped at the end).
        ind = self.tables["indicators"]
        ind = ind.assign(pos=np.arange(len(ind)))
        ind = ind[(ind["indicator"] == "personnel") & (ind["date"] <= at) & ind["engagement_id"].isin(self.position)]
        ind = ind.sort_values(["date", "pos"], ascending=[False, True], kind="stable").drop_duplicates("engagement_id")
        staff = np.full(n, np.nan)
        staff_year = np.zeros(n, dtype=np.int64)
        staff_sources = np.empty(n, dtype=object)
        for eid, value, when, src in zip(ind["engagement_id"], ind["value"], ind["date"], ind["source_ids"], strict=True):
            i = self.position[eid]
            staff[i], staff_year[i], staff_sources[i] = float(value), when.year, src
        return YearFacts(
            at=at, active=vm.active_mask(self.eng, year).to_numpy(bool), area_bits=area_bits, budget_eur=budget_eur,
            budget_basis=basis, budget_sources=sources, staff=staff, staff_year=staff_year, staff_sources=staff_sources,
        )

    # -- a view -------------------------------------------------------------------------

    def selection(self, state: ViewState) -> np.ndarray:
        """Positions of the engagements ``filter_engagements`` keeps, in table order."""
        facts = self.year(state.year)
        mask = facts.active.copy()
        if state.actors:
            mask &= np.isin(self.actor, list(state.actors))
        if state.sectors:
            mask &= _any_of(self.sector_masks, state.sectors, len(mask))
        if state.donors:
            mask &= _any_of(self.donor_masks, state.donors, len(mask))
        if state.search:
            mask &= self.haystack.str.contains(state.search.casefold(), regex=False).to_numpy(bool)
        if state.regions:
            wanted = sum(self.bit[r] for r in state.regions if r in self.bit)
            mask &= (facts.area_bits & wanted) != 0
        return np.flatnonzero(mask)

    def active_frame(self, positions: np.ndarray) -> pd.DataFrame:
        """The selected engagements' rows (without the reference's ``area`` column: see
        :meth:`areas`; building 20,000 frozensets per view was a third of its time).
        """
        return self.eng.iloc[positions]

    def areas(self, positions: np.ndarray, facts: YearFacts) -> list[frozenset[str]]:
        """The ``area`` column of ``filter_engagements`` for these engagements."""
        return [self.bits_to_area(int(b)) for b in facts.area_bits[positions]]

    def area(self, engagement_id: str, facts: YearFacts) -> frozenset[str]:
        """``engagement_area`` of an engagement (indexed: an array lookup; else the reference)."""
        i = self.position.get(engagement_id)
        if i is None:
            return vm.engagement_area(self.tables, engagement_id, facts.at)
        return self.bits_to_area(int(facts.area_bits[i]))

    def budget(self, engagement_id: str, facts: YearFacts) -> vm.Budget:
        """``engagement_budget`` of an indexed engagement (the reference for any other)."""
        i = self.position.get(engagement_id)
        if i is None:
            return vm.engagement_budget(self.tables, engagement_id, facts.at)
        amount = facts.budget_eur[i]
        sources = facts.budget_sources[i] or ()
        return vm.Budget(None if np.isnan(amount) else float(amount), facts.budget_basis[i], tuple(sources))

    def region_counts(self, positions: np.ndarray, facts: YearFacts, codes: list[str]) -> pd.DataFrame:
        """``engagements_by_region``: countable engagements covering each region."""
        bits = facts.area_bits[positions][self.countable[positions]]
        values = [float(np.count_nonzero(bits & self.bit[c])) if c in self.bit else 0.0 for c in codes]
        return pd.DataFrame({"region_code": codes, "value": values})

    def budget_split(self, positions: np.ndarray, facts: YearFacts, codes: list[str]) -> vm.BudgetSplit:
        """``budget_by_region``: period totals split equally over listed regions."""
        p = positions[self.countable[positions]]
        amount = facts.budget_eur[p]
        ok = ~np.isnan(amount) & (facts.budget_basis[p] == "period_total")
        p, amount = p[ok], amount[ok]
        bits, scope = facts.area_bits[p], self.scope[p]
        regional = (scope == "regions") & (bits != 0)
        multi = scope == "multi_country"
        national = ~regional & ~multi
        values = dict.fromkeys(codes, 0.0)
        if regional.any():
            r_bits, r_amount = bits[regional], amount[regional]
            share = r_amount / _popcount(r_bits)
            for code in codes:
                if code in self.bit:
                    values[code] = float(share[(r_bits & self.bit[code]) != 0].sum())
        frame = pd.DataFrame({"region_code": list(values), "value": list(values.values())})
        return vm.BudgetSplit(frame, float(amount[national].sum()), float(amount[multi].sum()))

    def key_figures(self, positions: np.ndarray, facts: YearFacts, state: ViewState) -> vm.KeyFigures:
        """``key_figures``: totals added only where adding is honest."""
        countable = self.countable[positions]
        amount, basis = facts.budget_eur[positions], facts.budget_basis[positions]
        known = countable & ~np.isnan(amount) & (basis == "period_total")
        unknown = countable & ~known & (np.isnan(amount) | (basis == "unknown"))
        staffed = ~np.isnan(facts.staff[positions])
        years = sorted(set(facts.staff_year[positions][staffed].tolist()))
        idp = self.national_idps(state.year)
        return vm.KeyFigures(
            active=int(countable.sum()),
            funds=int((~countable).sum()),
            personnel_years="" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}",
            undated=self.undated,
            budget_period_total=float(amount[known].sum()),
            budget_known=int(known.sum()),
            budget_unknown=int(unknown.sum()),
            personnel=int(facts.staff[positions][staffed].sum()),
            personnel_known=int(staffed.sum()),
            idps=None if idp is None else int(idp["count"]),
            idp_date_text="" if idp is None else idp["date_text"],
            budget_sources=_ordered_union(facts.budget_sources[positions][known]),
            personnel_sources=_ordered_union(facts.staff_sources[positions][staffed]),
            idp_sources=() if idp is None else tuple(idp["source_ids"]),
        )

    @cached_property
    def undated(self) -> int:
        """Top-level engagements with no dates (never counted in a year)."""
        return len(vm.undated_engagements(self.tables))

    def national_idps(self, year: int) -> pd.Series | None:
        """``national_idps`` of a year, kept (it depends on nothing else)."""
        key = ("national_idps", year)
        if key not in self._memo:
            self._memo[key] = vm.national_idps(self.tables, year)
        return self._memo[key]

    def idp_by_region(self, year: int) -> pd.DataFrame:
        """``idp_by_region`` of a year, kept (it depends on nothing else)."""
        key = ("idp_by_region", year)
        if key not in self._memo:
            self._memo[key] = vm.idp_by_region(self.tables, year)
        return self._memo[key]

    # -- sites ----------------------------------------------------------------------------

    @cached_property
    def _site_links(self) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
        """(site position, engagement position in the full table) for every link."""
        sites = self.tables["sites"]
        all_ids = {eid: i for i, eid in enumerate(self.tables["engagements"]["engagement_id"])}
        site_pos, eng_pos = [], []
        for s, linked in enumerate(sites["engagement_ids"]):
            for eid in linked:
                if eid in all_ids:
                    site_pos.append(s)
                    eng_pos.append(all_ids[eid])
        return np.array(site_pos, dtype=np.int64), np.array(eng_pos, dtype=np.int64), all_ids

    @cached_property
    def site_points(self) -> SitePoints:
        """Every mapped site sorted by place once, so a view takes its subset without a sort."""
        return SitePoints.from_frame(self.tables["sites"])

    @cached_property
    def _site_period(self) -> tuple[np.ndarray, np.ndarray]:
        """Each site's open period as datetime64 arrays; an unknown start or end is open."""
        sites = self.tables["sites"]
        start = sites["active_from"].to_numpy("datetime64[us]").copy()
        end = sites["active_to"].to_numpy("datetime64[us]").copy()
        start[np.isnat(start)] = np.datetime64("0001-01-01", "us")
        end[np.isnat(end)] = np.datetime64("9999-12-31", "us")
        return start, end

    @cached_property
    def _site_mapped(self) -> np.ndarray:
        return self.tables["sites"]["lat"].notna().to_numpy(bool)

    def sites_of(self, engagement_ids: list[str], at: pd.Timestamp | None = None) -> np.ndarray:
        """Bool per site: linked to any of ``engagement_ids`` (and open at ``at`` if given)."""
        site_pos, eng_pos, all_ids = self._site_links
        wanted = np.zeros(len(all_ids), dtype=bool)
        wanted[[all_ids[e] for e in engagement_ids if e in all_ids]] = True
        linked = np.zeros(len(self.tables["sites"]), dtype=bool)
        linked[site_pos[wanted[eng_pos]]] = True
        if at is None:
            return linked
        start, end = self._site_period
        when = np.datetime64(at.to_datetime64(), "us")
        return linked & (start <= when) & (end >= when) & self._site_mapped


def effective_ends(mandates: pd.DataFrame) -> pd.Series:
    """Vectorised ``effective_end`` of the reference: a mandate row with no end date stays in
    force until the day before the engagement's next later-starting mandate row (else NaT).
    """
    starts = mandates[["engagement_id", "start_date"]].dropna().drop_duplicates()
    starts = starts.sort_values(["engagement_id", "start_date"], kind="stable")
    starts = starts.assign(next_start=starts.groupby("engagement_id")["start_date"].shift(-1))
    following = mandates[["engagement_id", "start_date"]].merge(starts, on=["engagement_id", "start_date"], how="left")
    derived = (following["next_start"] - pd.Timedelta(days=1)).set_axis(mandates.index)
    return mandates["end_date"].where(mandates["end_date"].notna(), derived)


def _any_of(masks: dict[str, np.ndarray], names: tuple[str, ...], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for name in names:
        if name in masks:
            out |= masks[name]
    return out


def _popcount(bits: np.ndarray) -> np.ndarray:
    return np.bitwise_count(bits).astype(float)


def _ordered_union(groups: np.ndarray) -> tuple[str, ...]:
    """Source ids of several rows, first appearance first, each once."""
    return tuple(dict.fromkeys(s for ids in groups for s in ids))
