"""One entry point: the facts of a view, from the rules built once per catalog.

``Engine(tables, today)`` builds every array once; ``engine.facts(state)`` answers a view:
which engagements it lists and counts, the four key figures with their lines, the values the
map colours regions by, and the sites to draw. Pure: no Dash, no figures, no I/O.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from layers.changes import NO_CHANGES, ViewChanges, view_changes
from layers.rules.areas import Areas, Layout
from layers.rules.base import NOT_COUNTED_KINDS, Rules
from layers.rules.displacement import Displacement
from layers.rules.headlines import Headline, Line, Total
from layers.rules.money import earmark, in_force, money_headline, static_reasons
from layers.rules.rows import amount_rows, strength_rows
from layers.rules.selection import Selection, Selector
from layers.rules.strength import strength_headline
from layers.view_state import ViewState


@dataclass(frozen=True, eq=False)
class ViewFacts:
    """Everything a view shows, before any formatting."""

    state: ViewState
    as_at: pd.Timestamp
    selection: Selection
    bits: np.ndarray  # area bits of every engagement on the view's date (money in force, earmarks)
    engagements: Headline
    money: Headline
    personnel: Headline
    idps: Headline
    region_values: pd.DataFrame  # region_code, value (NaN: none, unknown or excluded), status, date_text, note
    footprint: frozenset[str]  # the selected engagement's regions
    site_mask: np.ndarray  # bool per site: drawn in this view
    selected_sites: np.ndarray  # bool per site: linked to the selected engagement
    layout_id: str = "base"  # the boundary version in force on the view's date (the map draws it)
    past_data: bool = False  # the period runs on past the data's date, so its figures stand at that date
    changes: ViewChanges = NO_CHANGES  # ?since=: engagements, regions and sites changed since a release (layers.changes)
    # Area bits over the view's period (Areas.over): where an engagement worked at any time in it,
    # for what counts engagements "active in" the period (the region filter, the map, the footprint).
    span_bits: np.ndarray | None = None


def group_reasons(rules: Rules, listed: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Why each listed engagement is or is not counted, first that applies: counted; part of a
    parent; planned (not started); dates unknown; a fund or portfolio; outside Mali; else not in
    force in the period. The card's groups and the table's groups both come from here.
    """
    e = rules.eng
    return np.select(
        [counted, e.parent[listed] != "", e.planned[listed], ~e.dated[listed],
         np.isin(e.kind[listed], list(NOT_COUNTED_KINDS)), np.isin(e.geo[listed], ["sahel", "comparator"])],
        ["counted", "sub_engagement", "not_started", "dates_unknown", "fund", "outside_mali"], default="not_in_force",
    )


class Engine:
    """The rules and their arrays for one catalog (per process; read-only after warm-up)."""

    def __init__(self, tables: dict[str, pd.DataFrame], today: date, layouts: tuple[Layout, ...] = ()) -> None:
        """``layouts`` are the boundary versions, oldest first (default: the bundled one)."""
        self.tables = tables
        self.today = pd.Timestamp(today)
        self.rules = Rules(tables, today)
        # The last day the data vouches for (its latest dated figure): no figure stands later.
        self.latest = self.rules.data_date()
        self.areas = Areas(self.rules, layouts)
        self.selector = Selector(self.rules, self.areas)
        self.amounts = amount_rows(self.rules)
        self.amount_reasons = static_reasons(self.amounts, self.rules)
        self.strengths = strength_rows(self.rules)
        regions = tables["regions"]
        created = dict(zip(regions["region_code"], regions["created"], strict=True))
        # One displacement index per boundary version: a region's count covers the polygon of its day.
        self.displacements = {layout.version_id: Displacement(tables["idp_counts"], layout.drawn, created=created)
                              for layout in self.areas.regions.layouts}
        self._lock = threading.Lock()
        self.facts = lru_cache(maxsize=256)(self._facts)

    def retire(self) -> None:
        """Drop this engine's memos of views and counts: the day it stands at is over and a new
        engine answers (dashboard/day.py). Its own references keep it from being freed at once.
        """
        self.facts.cache_clear()
        for index in self.displacements.values():
            for memo in (index.headline, index.by_region, index.regions_at):
                memo.cache_clear()

    def layout_at(self, when: pd.Timestamp) -> Layout:
        """The boundary version in force on ``when``."""
        return self.areas.regions.layout_at(when)

    def displacement_at(self, when: pd.Timestamp) -> Displacement:
        """The displacement index of the boundary version in force on ``when``."""
        return self.displacements[self.layout_at(when).version_id]

    @property
    def displacement(self) -> Displacement:
        """The displacement index of the bundled boundaries (national counts are the same in all)."""
        return self.displacements[self.areas.regions.layouts[0].version_id]

    @property
    def region_codes(self) -> list[str]:
        """Every polygon of every boundary version, in code order (the region filter's choices)."""
        return sorted({p for layout in self.areas.regions.layouts for p in layout.polygons})

    def warm(self, periods: list) -> Engine:
        """Compute the per-date arrays and filter masks of ``periods`` now (at start, not on a
        click). ``serve`` does it in the gunicorn master, so every worker shares one copy
        instead of building its own after the fork.
        """
        rules = self.rules
        _ = (self.selector.sector_masks, self.selector.donor_masks, self.selector.haystack, self._site_links)
        for period in periods:
            as_at = period.as_at(self.latest)
            self.areas.at(as_at)
            self.areas.over(period.start, as_at)
            for mask in (rules.overlaps, rules.active_in, rules.listable_in):
                mask(period)
            rules.active_at(as_at)
            rules.last_cut(as_at)
        return self

    def _facts(self, state: ViewState) -> ViewFacts:
        as_at = state.period.as_at(self.latest)
        selection = self.selector.select(state, self.latest)
        bits = self.areas.at(as_at)
        span = self.areas.over(state.period.start, as_at)
        layout = self.layout_at(as_at)
        wanted = 0
        for region in state.regions:
            wanted |= self.areas.regions.mask(region, layout)
        earmarks = earmark(self.rules, bits, wanted) if state.regions else None
        footprint = self.areas.regions.codes(int(span[self.rules.position[state.selected]]), layout) if state.selected else frozenset()
        return ViewFacts(
            state=state, as_at=as_at, selection=selection, bits=bits, span_bits=span,
            engagements=self._count(selection),
            money=money_headline(self.rules, self.amounts, selection, as_at, period_start=state.period.start,
                                 static=self.amount_reasons, earmarks=earmarks),
            personnel=strength_headline(self.rules, self.strengths, selection, as_at, period=state.period, earmarks=earmarks),
            idps=self.displacement_at(as_at).headline(state.period, as_at, self._polygons(state.regions, layout)),
            region_values=self._region_values(state, selection, bits, as_at, span),
            layout_id=layout.version_id, past_data=as_at < state.period.as_at(self.today),
            footprint=footprint, site_mask=self._sites(selection, state.selected, as_at),
            selected_sites=self.sites_of([state.selected]) if state.selected else np.zeros(len(self.tables["sites"]), bool),
            changes=self._changes(state, selection, as_at),
        )

    # Where ?since= finds its changes: a sahel_data.releases.ReleaseLog (set by dashboard.view.build_app_data),
    # whose changes_since(since) is (the release, its diff to the data now) or None. None: nothing is marked.
    changes: Any = None

    def _changes(self, state: ViewState, selection: Selection, as_at: pd.Timestamp) -> ViewChanges:
        """What the view marks as changed since ``state.since`` (``layers.changes``)."""
        answer = self.changes.changes_since(state.since) if state.since and self.changes is not None else None
        if answer is None:
            return NO_CHANGES
        release, diff = answer
        drawn = self.tables["sites"]["site_id"].to_numpy()[self._sites(selection, state.selected, as_at)]
        return view_changes(diff.rows, self.tables, listed=self.rules.eng.ids[selection.listed].tolist(),
                            drawn_sites=drawn.tolist(), drawn=self.region_codes, since=state.since, baseline=release.version)

    def _count(self, selection: Selection) -> Headline:
        """How many engagements the view counts; every listed one not counted says why."""
        e = self.rules.eng
        listed = selection.listed
        counted = np.isin(listed, selection.counted)
        reason = group_reasons(self.rules, listed, counted)
        groups = {str(r): tuple(e.ids[listed[reason == r]]) for r in dict.fromkeys(reason)}
        n = int(counted.sum())
        return Headline("engagements", "value" if n else "none", (Total(float(n), "engagements", "exact", n),) if n else (),
                        extra={"groups": groups, "listed": len(listed)})

    def _polygons(self, regions: tuple[str, ...], layout: Layout) -> tuple[str, ...]:
        """The selected regions as polygons of ``layout`` (a region it does not draw: the polygon
        that contains it), each once.
        """
        return tuple(dict.fromkeys(layout.drawn.get(r, r) for r in regions))

    def _region_values(self, state: ViewState, selection: Selection, bits: np.ndarray, as_at: pd.Timestamp,
                       span: np.ndarray) -> pd.DataFrame:
        layout = self.layout_at(as_at)
        codes = layout.polygons
        if not state.maps_mali:  # Where leaves Mali out: its regions have nothing to say, which is not 0
            return pd.DataFrame({"region_code": codes, "value": np.nan, "status": "excluded", "country_wide": 0})
        if state.metric == "idp":
            # A value only where counts of one date cover the whole polygon; "partial" lists its parts.
            regions = self.tables["regions"]
            names = dict(zip(regions["region_code"], regions["name_fr" if state.lang == "fr" else "name_en"], strict=True))
            return self.displacement_at(as_at).region_values(state.period, as_at, codes, names, state.lang)
        if state.metric == "budget":
            return self._earmarked_by_region(selection, bits, as_at, layout)
        return self._region_specific_counts(selection, span, layout)

    def _region_specific_counts(self, selection: Selection, bits: np.ndarray, layout: Layout) -> pd.DataFrame:
        """Per region: counted engagements working in it but not country-wide, and the country-wide ones."""
        own = bits[selection.counted]
        all_bits = self.areas.regions.all_bits
        regional, national = own[(own != 0) & (own != all_bits)], int((own == all_bits).sum())
        masks = self.areas.regions.masks(layout)
        codes = layout.polygons
        counts = [float(np.count_nonzero(regional & masks[c])) for c in codes]
        return pd.DataFrame({"region_code": codes, "value": counts, "status": "value", "country_wide": national})

    def _earmarked_by_region(self, selection: Selection, bits: np.ndarray, as_at: pd.Timestamp, layout: Layout) -> pd.DataFrame:
        """Per region, the money rules of ``money`` applied to the amounts in force earmarked for
        that region alone: annual committed or appropriated EUR amounts are summed ("value");
        earmarked amounts that may not be added (a total for several years, another currency,
        a pledge...) are listed with their reasons ("listed", no colour value); earmarked
        engagements active with no amount are "unknown"; no earmarked engagement is "none".
        ``lines`` holds every earmarked row considered, for the hover.
        """
        rows, e = self.amounts, self.rules.eng
        counted = np.zeros(len(e), dtype=bool)
        counted[selection.counted] = True
        regional = counted & (e.scope == "regions")
        live = in_force(rows, self.rules, as_at)
        active = self.rules.active_at(as_at)
        out = []
        for code, mask in self.areas.regions.masks(layout).items():
            mine = regional & (bits != 0) & ((bits & ~np.int64(mask)) == 0)  # earmarked for this region alone on the date
            considered = live & mine[rows.eng]
            added = considered & (self.amount_reasons == "counted")
            euros = added & (rows.unit == "EUR")
            if added.any() and (euros == added).all():
                value, status = float(rows.value[euros].sum()), "value"
            elif (considered & ~np.isnan(rows.value)).any():
                value, status = np.nan, "listed"
            else:
                value, status = np.nan, ("unknown" if (mine & active).any() else "none")
            lines = rows.lines(np.flatnonzero(considered), self.amount_reasons, e.ids, limit=12)
            out.append({"region_code": code, "value": value, "status": status, "engagements": tuple(e.ids[mine]), "lines": lines})
        return pd.DataFrame(out, columns=["region_code", "value", "status", "engagements", "lines"])

    def amounts_in_force(self, positions: np.ndarray, as_at: pd.Timestamp) -> dict[str, tuple[Line, ...]]:
        """Each engagement's amount rows in force on ``as_at`` (components included, marked so)."""
        rows = self.amounts
        wanted = np.zeros(len(self.rules.eng), dtype=bool)
        wanted[positions] = True
        live = np.flatnonzero(wanted[rows.eng] & in_force(rows, self.rules, as_at))
        reasons = np.where(rows.component, "component", "counted").astype(object)
        out: dict[str, list[Line]] = {}
        for line in sorted(rows.lines(live, reasons, self.rules.eng.ids, limit=None), key=lambda x: x.row_id):
            out.setdefault(line.engagement_id, []).append(line)
        return {k: tuple(v) for k, v in out.items()}

    def status(self, position: int, as_at: pd.Timestamp) -> tuple[str, pd.Timestamp | None]:
        """An engagement's status on ``as_at`` (see ``Rules.status_at``)."""
        return self.rules.status_at(str(self.rules.eng.ids[position]), as_at)

    # -- sites --------------------------------------------------------------------------

    @cached_property
    def _site_links(self) -> tuple[np.ndarray, np.ndarray]:
        """(site position, engagement position) for every link."""
        site_pos, eng_pos = [], []
        for s, linked in enumerate(self.tables["sites"]["engagement_ids"]):
            for eid in linked:
                if eid in self.rules.position:
                    site_pos.append(s)
                    eng_pos.append(self.rules.position[eid])
        return np.array(site_pos, dtype=np.int64), np.array(eng_pos, dtype=np.int64)

    def sites_of(self, engagement_ids: list[str], positions: np.ndarray | None = None) -> np.ndarray:
        """Bool per site: linked to any of these engagements (ids, or table positions)."""
        site_pos, eng_pos = self._site_links
        wanted = np.zeros(len(self.rules.eng), dtype=bool)
        wanted[[self.rules.position[e] for e in engagement_ids if e in self.rules.position]] = True
        if positions is not None:
            wanted[positions] = True
        linked = np.zeros(len(self.tables["sites"]), dtype=bool)
        linked[site_pos[wanted[eng_pos]]] = True
        return linked

    def _sites(self, selection: Selection, selected: str, as_at: pd.Timestamp) -> np.ndarray:
        sites = self.tables["sites"]
        shown = [selected] if selected else []
        start = sites["active_from"].to_numpy("datetime64[ns]")
        end = sites["active_to"].to_numpy("datetime64[ns]")
        day = np.datetime64(as_at, "ns")
        open_now = (np.isnat(start) | (start <= day)) & (np.isnat(end) | (end >= day))
        return self.sites_of(shown, selection.listed) & open_now & sites["lat"].notna().to_numpy(bool)
