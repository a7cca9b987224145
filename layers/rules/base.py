"""The catalog as arrays, built once: engagements with their activity periods, and the rows
that carry figures (amounts, strengths, displacement counts) in one shape each.

Activity (``data/README.md``, "Rules"):

* start and end known: active from start to end;
* only an end: active from the first day of the end's year (the start is not guessed earlier);
* only a start: active until its **last dated evidence** (a mandate, a funding period, a
  figure, an event, a site, or the same of its components) **plus 12 months**; after that its
  status is unknown, never active. An event that *ended* it closes it on that day instead; a
  table status ``ended`` with no end date closes it at its last evidence ("ended after");
* status ``planned``: never active (no evidence it started);
* no dates at all: *dates unknown*, listed in every view and counted in none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from layers.period import Period

# Funds and aggregate portfolios finance or sum other engagements: listed, never counted or added.
NOT_COUNTED_KINDS = frozenset({"trust_fund", "aggregate_portfolio"})
EVIDENCE_GRACE = pd.DateOffset(months=12)
GEO = ("mali", "multi", "sahel", "comparator")  # where an engagement works, from its scope and countries
NAT = np.datetime64("NaT", "ns")


def _frozen_cache(method: Callable[[Any], np.ndarray]) -> Callable[[Any], np.ndarray]:
    @functools.lru_cache(maxsize=256)
    def cached(key: Any) -> np.ndarray:
        out = method(key)
        out.setflags(write=False)
        return out

    return cached


def _dt(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[ns]")


def end_of_precision(texts: pd.Series, dates: pd.Series) -> pd.Series:
    """A date column read at the *end* of its stated precision ("2020" counts as 31 Dec 2020)."""
    text = texts.fillna("").astype(str)
    year_end = dates + pd.offsets.YearEnd(0)
    month_end = dates + pd.offsets.MonthEnd(0)
    return dates.where(text.str.len() > 7, month_end.where(text.str.len() == 7, year_end))  # noqa: PLR2004  (YYYY-MM)


@dataclass(frozen=True)
class Engagements:
    """Column arrays over every engagement, in table order."""

    ids: np.ndarray
    parent: np.ndarray  # parent id, "" for a top-level engagement
    root: np.ndarray  # position of the top-level ancestor (itself when top-level)
    kind: np.ndarray
    actor: np.ndarray
    scope: np.ndarray
    status: np.ndarray
    geo: np.ndarray  # mali | multi | sahel | comparator
    countable: np.ndarray  # top-level, not a fund or portfolio
    dated: np.ndarray  # has a start or an end
    active_from: np.ndarray  # datetime64 start of its window (NaT when undated)
    active_to: np.ndarray  # datetime64 end of its window (NaT when undated)
    planned: np.ndarray  # status planned: its window is a plan, never activity
    end_assumed: np.ndarray  # active_to comes from evidence + 12 months, not a stated end
    ended_after: np.ndarray  # status "ended", no end date or ending event: ended after active_to
    evidence: np.ndarray  # datetime64: last dated evidence (NaT: none)

    def __len__(self) -> int:
        return len(self.ids)


class Rules:
    """Every rule's inputs as arrays, built once per catalog; pure functions of the tables."""

    def __init__(self, tables: dict[str, pd.DataFrame], today: date) -> None:
        self.tables = tables
        self.today = today
        eng = tables["engagements"]
        self.position = {eid: i for i, eid in enumerate(eng["engagement_id"].to_numpy(object))}
        self.eng = self._engagements(eng)
        # The masks of a period or a day are asked for by several figures of one view: kept
        # (read-only arrays, so a caller cannot change another's answer).
        for name in ("overlaps", "active_in", "listable_in", "active_at", "last_cut"):
            setattr(self, name, _frozen_cache(getattr(self, name)))

    # -- engagements --------------------------------------------------------------------

    def _engagements(self, eng: pd.DataFrame) -> Engagements:
        ids = eng["engagement_id"].to_numpy(object)
        parent = eng["parent_id"].to_numpy(object)
        parent_of = dict(zip(ids, parent, strict=True))  # a dict, not eng.at: thousands of lookups at start
        root = np.array([self._root(eid, parent_of) for eid in ids], dtype=np.int64)
        geo = np.array([self._geo(scope, countries) for scope, countries
                        in zip(eng["scope"].to_numpy(object), eng["countries"].to_numpy(object), strict=True)], dtype=object)
        own_unknown = (eng["scope"] == "unknown").to_numpy(bool) & (eng["countries"].map(len) == 0).to_numpy(bool)
        geo = np.where(own_unknown, geo[root], geo)  # a contingent works where its parent works
        start, end = _dt(eng["start_date"]), _dt(eng["end_date"])
        status = eng["status"].to_numpy(object)
        evidence = self._evidence(eng)
        # Only an end: from 1 January of the end's year (an end on 1 January starts that day).
        active_from = np.where(np.isnat(start), _dt(eng["end_date"].dt.to_period("Y").dt.start_time), start)
        assumed = _dt(pd.Series(evidence).add(EVIDENCE_GRACE))
        start_only = ~np.isnat(start) & np.isnat(end)
        ended_by_event = self._first_ending(start)
        closed = start_only & ~np.isnat(ended_by_event)
        ended_after = start_only & ~closed & (status == "ended") & ~np.isnat(evidence)
        end_assumed = start_only & ~closed & ~ended_after
        active_to = np.where(end_assumed, np.maximum(assumed, start), end)
        active_to = np.where(closed, np.maximum(ended_by_event, start), active_to)
        active_to = np.where(ended_after, np.maximum(evidence, start), active_to)
        kind = eng["kind"].to_numpy(object)
        return Engagements(
            ids=ids, parent=parent, root=root, kind=kind, actor=eng["actor_type"].to_numpy(object),
            scope=eng["scope"].to_numpy(object), status=status, geo=geo,
            countable=(parent == "") & ~np.isin(kind, list(NOT_COUNTED_KINDS)),
            dated=~(np.isnat(start) & np.isnat(end)), active_from=active_from, active_to=active_to,
            planned=status == "planned", end_assumed=end_assumed, ended_after=ended_after, evidence=evidence,
        )

    def _first_ending(self, start: np.ndarray) -> np.ndarray:
        """Per engagement, its first event with effect "ends" on or after its start (NaT: none)."""
        events = self.tables["events"]
        ends = events[(events["effect"] == "ends") & events["engagement_id"].isin(self.position)].sort_values("date", kind="stable")
        out = np.full(len(start), NAT)
        for eid, when in zip(ends["engagement_id"], _dt(ends["date"]), strict=True):
            i = self.position[eid]
            if np.isnat(out[i]) and not np.isnat(when) and (np.isnat(start[i]) or when >= start[i]):
                out[i] = when
        return out

    def _root(self, eid: str, parent_of: dict[str, str]) -> int:
        seen = {eid}
        parent = parent_of[eid]
        while parent and parent in self.position and parent not in seen:  # cycles are refused by validation
            seen.add(parent)
            eid, parent = parent, parent_of[parent]
        return self.position[eid]

    @cached_property
    def sahel_countries(self) -> frozenset[str]:
        """Country codes drawn on the map (the Sahel context); others are comparators."""
        regions = self.tables["regions"]
        return frozenset(regions.loc[(regions["kind"] == "country") & (regions["drawn_as"] != ""), "region_code"])

    def _geo(self, scope: str, countries: tuple[str, ...]) -> str:
        if scope in ("national", "regions") or set(countries) == {"ML"}:
            return "mali"
        if "ML" in countries:
            return "multi"
        if set(countries) & self.sahel_countries:
            return "sahel"
        return "comparator"

    def _evidence(self, eng: pd.DataFrame) -> np.ndarray:
        """Each engagement's last dated evidence (its components' count for it too)."""
        t = self.tables
        pairs = [
            (eng["engagement_id"], end_of_precision(eng["start_date_text"], eng["start_date"])),
            (eng["engagement_id"], end_of_precision(eng["end_date_text"], eng["end_date"])),
            (t["mandates"]["engagement_id"], end_of_precision(t["mandates"]["start_date_text"], t["mandates"]["start_date"])),
            (t["mandates"]["engagement_id"], end_of_precision(t["mandates"]["end_date_text"], t["mandates"]["end_date"])),
            (t["funding"]["engagement_id"], end_of_precision(t["funding"]["period_start_text"], t["funding"]["period_start"])),
            (t["funding"]["engagement_id"], end_of_precision(t["funding"]["period_end_text"], t["funding"]["period_end"])),
            (t["indicators"]["engagement_id"], end_of_precision(t["indicators"]["date_text"], t["indicators"]["date"])),
            (t["events"]["engagement_id"], end_of_precision(t["events"]["date_text"], t["events"]["date"])),
        ]
        sites = t["sites"][["engagement_ids", "active_from", "active_to", "active_from_text", "active_to_text"]].explode("engagement_ids")
        pairs += [(sites["engagement_ids"], end_of_precision(sites["active_from_text"], sites["active_from"])),
                  (sites["engagement_ids"], end_of_precision(sites["active_to_text"], sites["active_to"]))]
        # The latest date per id first (one grouped max, not a Python step per row), then each
        # id's latest goes to the engagement and its ancestors.
        found = pd.concat([pd.DataFrame({"e": eids.to_numpy(object), "d": dates.to_numpy("datetime64[ns]")})
                           for eids, dates in pairs], ignore_index=True).dropna()
        latest = found.groupby("e", sort=False)["d"].max()
        ids = eng["engagement_id"].to_numpy(object)
        parent_of = dict(zip(ids, eng["parent_id"].to_numpy(object), strict=True))
        out = np.full(len(eng), NAT)
        for eid, when in zip(latest.index.to_numpy(object), latest.to_numpy("datetime64[ns]"), strict=True):
            if eid not in self.position:
                continue
            for i in self._ancestors(eid, parent_of):
                if np.isnat(out[i]) or when > out[i]:
                    out[i] = when
        return out

    def _ancestors(self, eid: str, parent_of: dict[str, str]) -> tuple[int, ...]:
        chain = [self.position[eid]]
        parent = parent_of[eid]
        while parent and parent in self.position and self.position[parent] not in chain:
            chain.append(self.position[parent])
            parent = parent_of[parent]
        return tuple(chain)

    @cached_property
    def _cut_events(self) -> tuple[np.ndarray, np.ndarray]:
        """(engagement position, date) of every event that ended or cut an engagement, by date."""
        events = self.tables["events"]
        events = events[events["effect"].isin(["ends", "cuts"]) & events["engagement_id"].isin(self.position)]
        events = events.sort_values("date", kind="stable")
        return events["engagement_id"].map(self.position).to_numpy(np.int64), _dt(events["date"])

    def last_cut(self, when: pd.Timestamp) -> np.ndarray:
        """Per engagement, the latest event on or before ``when`` that ended or cut it (NaT: none)."""
        eng, dates = self._cut_events
        out = np.full(len(self.eng), NAT)
        keep = dates <= np.datetime64(when, "ns")
        out[eng[keep]] = dates[keep]  # dates are sorted: the last write per engagement is its latest
        return out

    # -- activity -----------------------------------------------------------------------

    def overlaps(self, period: Period) -> np.ndarray:
        """Engagements whose window (activity, or plan) overlaps ``period``."""
        e = self.eng
        start, end = np.datetime64(period.start, "ns"), np.datetime64(period.end, "ns")
        return e.dated & (e.active_from <= end) & (e.active_to >= start)

    def active_in(self, period: Period) -> np.ndarray:
        """Engagements active at any time in ``period`` (see the module's rules)."""
        return self.overlaps(period) & ~self.eng.planned

    def listable_in(self, period: Period) -> np.ndarray:
        """What a view of ``period`` lists: active or planned in it, or with dates unknown."""
        return self.overlaps(period) | ~self.eng.dated

    def active_at(self, when: pd.Timestamp) -> np.ndarray:
        """Engagements active on the day ``when``."""
        e = self.eng
        day = np.datetime64(when, "ns")
        return e.dated & ~e.planned & (e.active_from <= day) & (e.active_to >= day)

    def status_at(self, engagement_id: str, when: pd.Timestamp) -> tuple[str, pd.Timestamp | None]:
        """(status key, its date) of an engagement on ``when``: active, ended, ended_after (the
        table says ended, the date is its last evidence), not_started, status_unknown (after the
        date shown), dates_unknown or planned.
        """
        i = self.position[engagement_id]
        e = self.eng
        if e.status[i] == "planned":
            return "planned", None
        if not e.dated[i]:
            return "dates_unknown", None
        day = np.datetime64(when, "ns")
        if day < e.active_from[i]:
            return "not_started", pd.Timestamp(e.active_from[i])
        if day <= e.active_to[i]:
            return "active", None
        if e.end_assumed[i]:
            return "status_unknown", pd.Timestamp(e.active_to[i])
        return ("ended_after" if e.ended_after[i] else "ended"), pd.Timestamp(e.active_to[i])

    def data_date(self) -> pd.Timestamp:
        """The latest dated figure in the tables (counts, events, figures, amounts): "data as of"."""
        return data_date(self.tables, self.today)


def data_date(tables: dict[str, pd.DataFrame], today: date) -> pd.Timestamp:
    """The latest dated figure in ``tables`` (counts, events, figures, amounts) up to ``today``:
    "data as of", and the latest day a view's figures may stand at. A row dated after today (a
    mandate decided to start next year) says nothing about how recent the data are: left out.
    """
    day = pd.Timestamp(today)
    columns = [tables["idp_counts"]["date"], tables["events"]["date"], tables["indicators"]["date"],
               tables["mandates"]["start_date"], tables["funding"]["period_start"]]
    found = [d for d in (c[c <= day].max() for c in columns) if pd.notna(d)]
    return max(found) if found else day
