"""What a view shows, computed from the catalog: pure pandas, no figures, no Dash.

The rules here are the ones ``data/README.md`` documents for users:

* **Active in a year**: an engagement is active in year Y if its known period overlaps Y.
  An engagement with no start and no end date is *undated* and never counted in a year; one
  with only an end date is counted in its end year only (we do not guess its start).
* **Area at a date**: the area of the mandate in force at the view's date, else the
  engagement's own regions; national scope (or a multi-country scope that includes Mali
  without listed regions) covers every Mali region. Regions the boundaries do not draw
  (Ménaka, Taoudénit, the 2023 regions) count toward the polygon that contains them.
* **Budget**: period totals only are added; annual figures and pledges are reported apart.
  A budget is attributed to regions only for engagements whose scope is listed regions,
  split equally between them; national and multi-country amounts are reported apart.
* **IDPs in a year**: the latest preferred count dated within the year; no carrying forward.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import pandas as pd

from layers.view_state import Options, ViewState

FIRST_YEAR = 2012
# Funds and aggregate portfolios finance other engagements or sum many of them: adding their
# totals to engagement budgets would count the same money twice.
NOT_ADDED_KINDS = frozenset({"trust_fund", "aggregate_portfolio"})
T = TypeVar("T")


@dataclass(frozen=True)
class Budget:
    """One engagement's budget at a date, with its basis and its sources."""

    amount_eur: float | None
    basis: str  # period_total | annual | pledge | unknown
    source_ids: tuple[str, ...] = ()


def per_frame(build: Callable[[pd.DataFrame], T]) -> Callable[[pd.DataFrame], T]:
    """Cache ``build(frame)`` per frame object.

    The frames are read-only after loading, and grouping them per call made every interaction
    pay pandas' boolean-indexing cost for each engagement. DataFrames are unhashable, so
    entries are keyed by id() and dropped when the frame dies.
    """
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
    """Rows of ``frame`` as dicts grouped by ``engagement_id`` (cached per frame object)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        grouped.setdefault(record["engagement_id"], []).append(record)
    return grouped


@per_frame
def records_by_index(frame: pd.DataFrame) -> dict[Any, dict[str, Any]]:
    """Rows of ``frame`` as dicts keyed by its index (cached per frame object)."""
    return dict(zip(frame.index, frame.to_dict("records"), strict=True))


@per_frame
def children_of(engagements: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Parent engagement id -> its child engagement ids (cached per frame object)."""
    return {parent: tuple(group) for parent, group in engagements.groupby("parent_id")["engagement_id"] if parent}


@per_frame
def sites_by_engagement(sites: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Engagement id -> the site rows (dicts, table order) that list it (cached per frame)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record in sites.to_dict("records"):
        for eid in record["engagement_ids"]:
            out.setdefault(eid, []).append(record)
    return out


def as_of_date(year: int, today: date) -> pd.Timestamp:
    """The date a year's view stands for: its last day, or today for the current year."""
    return min(pd.Timestamp(year, 12, 31), pd.Timestamp(today))


@per_frame
def drawn_region_codes(regions: pd.DataFrame) -> dict[str, str]:
    """Map every Mali area code (drawn or not) to the code of the polygon that shows it."""
    mali = regions[regions["region_code"].str.startswith("ML-") & regions["drawn_as"].ne("")]
    return dict(zip(mali["region_code"], mali["drawn_as"], strict=True))


def build_options(tables: dict[str, pd.DataFrame], today: date, briefings: dict[str, int] | None = None) -> Options:
    """The filter choices the data allows (years, regions, donors, actors, sectors)."""
    years = [FIRST_YEAR]
    for name, col in (("events", "date"), ("idp_counts", "date"), ("mandates", "start_date")):
        values = tables[name][col].dropna()
        if len(values):
            years.append(int(values.dt.year.max()))
    last = min(max(years), today.year)
    drawn = drawn_region_codes(tables["regions"])
    return Options(
        years=(FIRST_YEAR, last),
        regions=frozenset(set(drawn.values())),
        donors=frozenset(donor_options(tables)),
        actors=frozenset(tables["engagements"]["actor_type"]),
        sectors=frozenset(s for row in tables["engagements"]["sectors"] for s in row),
        engagements=frozenset(tables["engagements"]["engagement_id"]),
        briefings=tuple(sorted((briefings or {}).items())),
    )


def donor_options(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Donor names: funding donors, plus lead actors of engagements with no funding rows."""
    funding = tables["funding"]
    donors = set(funding["donor"])
    funded = set(funding["engagement_id"])
    eng = tables["engagements"]
    donors |= set(eng.loc[~eng["engagement_id"].isin(funded), "lead_actor"])
    return sorted(d for d in donors if d)


def engagement_donors(tables: dict[str, pd.DataFrame]) -> dict[str, frozenset[str]]:
    """Each engagement's donors (funding rows; else its lead actor)."""
    grouped = tables["funding"].groupby("engagement_id")["donor"].agg(frozenset).to_dict()
    return {
        eid: grouped.get(eid, frozenset({lead}))
        for eid, lead in zip(tables["engagements"]["engagement_id"], tables["engagements"]["lead_actor"], strict=True)
    }


def is_active_in(start: pd.Timestamp, end: pd.Timestamp, status: str, year: int) -> bool:
    """Whether a period with possibly missing ends overlaps ``year`` (see module rules)."""
    y0, y1 = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    if pd.isna(start) and pd.isna(end):
        return False
    if pd.isna(start):
        return end.year == year
    if pd.isna(end):
        return start <= y1 and (status != "ended" or start.year == year)
    return start <= y1 and end >= y0


def _filled(value: Any) -> bool:
    if isinstance(value, tuple):
        return bool(value)
    return value is not None and not pd.isna(value)


def active_mask(eng: pd.DataFrame, year: int) -> pd.Series:
    """Vectorised :func:`is_active_in` over an engagements frame (same rules)."""
    start, end, status = eng["start_date"], eng["end_date"], eng["status"]
    y0, y1 = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    only_end = start.isna() & end.notna() & (end.dt.year == year)
    open_end = start.notna() & end.isna() & (start <= y1) & ((status != "ended") | (start.dt.year == year))
    closed = start.notna() & end.notna() & (start <= y1) & (end >= y0)
    return only_end | open_end | closed


def mandate_in_force(mandates: pd.DataFrame, engagement_id: str, at: pd.Timestamp, *, need: str = "") -> dict[str, Any] | None:
    """The latest-starting mandate of an engagement in force at ``at`` (a row as a dict).

    ``need`` names a column that must be filled (``area_regions`` for footprints,
    ``budget_eur`` for budgets), so an amendment without an area does not blank the map.
    """
    rows = [
        m for m in _with_effective_end(mandates, engagement_id)
        if m["start_date"] <= at and (pd.isna(m["effective_end"]) or m["effective_end"] >= at) and (not need or _filled(m[need]))
    ]
    return max(rows, key=lambda m: m["start_date"]) if rows else None


def _with_effective_end(mandates: pd.DataFrame, engagement_id: str) -> list[dict[str, Any]]:
    """Mandate rows with ``effective_end``: an amendment or decision with no end date stays
    in force only until the engagement's next mandate row starts (never for ever).
    """
    return _effective_ends_by_engagement(mandates).get(engagement_id, [])


@per_frame
def _effective_ends_by_engagement(mandates: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    table = {}
    for eid, group in records_by_engagement(mandates).items():
        rows = sorted(group, key=lambda m: m["start_date"])
        out = []
        for i, m in enumerate(rows):
            end = m["end_date"]
            if pd.isna(end):
                later = [r["start_date"] for r in rows[i + 1:] if r["start_date"] > m["start_date"]]
                end = min(later) - pd.Timedelta(days=1) if later else pd.NaT
            out.append({**m, "effective_end": end})
        table[eid] = out
    return table


RECORD_COLUMNS = ["engagement_id", "end_date", "scope", "regions", "countries"]


def engagement_record(tables: dict[str, pd.DataFrame], engagement_id: str) -> dict[str, Any] | None:
    """The columns the area rules read (``RECORD_COLUMNS``) of one engagement, as a dict.

    A dict lookup (``.loc`` per call dominated big views); only those columns, because
    converting every column of 52,000 rows to dicts took seconds.
    """
    return _area_records(tables["engagements"]).get(engagement_id)


@per_frame
def _area_records(engagements: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {r["engagement_id"]: r for r in engagements[RECORD_COLUMNS].to_dict("records")}


def within_engagement(tables: dict[str, pd.DataFrame], engagement_id: str, at: pd.Timestamp) -> pd.Timestamp:
    """``at``, or the engagement's end if it ended earlier: a mission that ended in May is
    described by its last mandate in that year's view, not by nothing.
    """
    record = engagement_record(tables, engagement_id)
    end = record["end_date"] if record else pd.NaT
    return min(at, end) if pd.notna(end) else at


def engagement_area(tables: dict[str, pd.DataFrame], engagement_id: str, at: pd.Timestamp) -> frozenset[str]:
    """Drawn Mali region codes covered by an engagement at ``at`` (see module rules)."""
    drawn = drawn_region_codes(tables["regions"])
    all_mali = frozenset(drawn.values())
    at = within_engagement(tables, engagement_id, at)
    mandate = mandate_in_force(tables["mandates"], engagement_id, at, need="area_regions")
    if mandate is not None:
        codes: tuple[str, ...] = mandate["area_regions"]
    else:
        eng = engagement_record(tables, engagement_id) or {"regions": (), "scope": "unknown", "countries": ()}
        codes = eng["regions"]
        if not codes and (eng["scope"] == "national" or (eng["scope"] == "multi_country" and "ML" in eng["countries"])):
            return all_mali
    if "ML" in codes:
        return all_mali
    return frozenset(drawn[c] for c in codes if c in drawn)


def engagement_budget(tables: dict[str, pd.DataFrame], engagement_id: str, at: pd.Timestamp) -> Budget:
    """An engagement's budget at ``at``: the mandate in force if it states one, else its funding."""
    at = within_engagement(tables, engagement_id, at)
    mandate = mandate_in_force(tables["mandates"], engagement_id, at, need="budget_eur")
    if mandate is not None:
        return Budget(float(mandate["budget_eur"]), mandate["budget_basis"] or "unknown", mandate["source_ids"])
    return engagement_budget_from_funding(tables, engagement_id)


def engagement_budget_from_funding(tables: dict[str, pd.DataFrame], engagement_id: str) -> Budget:
    """An engagement's budget from its funding rows (they are not dated: one answer for all years)."""
    rows = [f for f in records_by_engagement(tables["funding"]).get(engagement_id, [])
            if not f["is_component"] and _filled(f["amount_eur"])]
    # One basis per engagement: prefer period totals; never add annual or pledges to them.
    for basis in ("period_total", "annual", "pledge", "unknown"):
        part = [f for f in rows if f["basis"] == basis]
        if part:
            sources = tuple(dict.fromkeys(s for f in part for s in f["source_ids"]))
            return Budget(float(sum(f["amount_eur"] for f in part)), basis, sources)
    return Budget(None, "unknown")


def _matches_search(row: pd.Series, needle: str) -> bool:
    hay = " ".join(str(row[c]) for c in ("engagement_id", "name_en", "name_fr", "acronym", "lead_actor", "implementer"))
    return needle.casefold() in hay.casefold()


def in_sahel_scope(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Engagements in Mali or a Sahel-context country (not comparators such as EUTM Somalia)."""
    regions = tables["regions"]
    countries = set(regions.loc[regions["kind"] == "country", "region_code"])
    drawn = set(regions.loc[regions["drawn_as"] != "", "region_code"])
    sahel = {c for c in countries if c in drawn} | {"ML"}
    eng = tables["engagements"]
    return eng["scope"].isin(["national", "regions"]) | eng["countries"].map(lambda cs: bool(set(cs) & sahel))


def filter_engagements(tables: dict[str, pd.DataFrame], state: ViewState, at: pd.Timestamp) -> pd.DataFrame:
    """Top-level Sahel engagements active in the view's year that match every filter.

    Adds an ``area`` column (frozenset of drawn region codes at ``at``).
    """
    eng = tables["engagements"]
    eng = eng[(eng["parent_id"] == "") & in_sahel_scope(tables) & active_mask(eng, state.year)]
    if state.actors:
        eng = eng[eng["actor_type"].isin(state.actors)]
    if state.sectors:
        eng = eng[eng["sectors"].map(lambda s: bool(set(s) & set(state.sectors))).astype(bool)]
    if state.donors:
        donors = engagement_donors(tables)
        # astype(bool): mapping an empty column gives an object Series, which would select columns.
        eng = eng[eng["engagement_id"].map(lambda e: bool(donors[e] & set(state.donors))).astype(bool)]
    if state.search:
        eng = eng[eng.apply(_matches_search, axis=1, needle=state.search)] if len(eng) else eng
    eng = eng.assign(area=[engagement_area(tables, e, at) for e in eng["engagement_id"]])
    if state.regions:
        eng = eng[eng["area"].map(lambda a: bool(a & set(state.regions))).astype(bool)]
    return eng


def undated_engagements(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Top-level engagements with neither start nor end date (never counted in a year)."""
    eng = tables["engagements"]
    return eng[(eng["parent_id"] == "") & eng["start_date"].isna() & eng["end_date"].isna()]


def idp_by_region(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Latest preferred IDP count within ``year`` per drawn polygon, via the crosswalk.

    Columns: region_code, value, date, members (area codes summed), source_ids.
    """
    drawn = drawn_region_codes(tables["regions"])
    idp = tables["idp_counts"]
    idp = idp[idp["preferred"] & (idp["date"].dt.year == year) & idp["area_code"].isin(drawn)]
    idp = idp.assign(polygon=idp["area_code"].map(drawn))
    out = []
    for polygon, group in idp.groupby("polygon"):
        # The latest count of each area drawn in this polygon, then their sum: a newer count
        # for one sub-area (e.g. Bandiagara) must not hide the region's own count.
        rows = group.sort_values("date").groupby("area_code").tail(1)
        dates = sorted(set(rows["date_text"]))
        out.append({
            "region_code": polygon,
            "value": float(rows["count"].sum()),
            "date": rows["date"].max(),
            "date_text": " / ".join(dates),
            "members": tuple(sorted(rows["area_code"])),
            "source_ids": tuple(dict.fromkeys(s for ids in rows["source_ids"] for s in ids)),
        })
    return pd.DataFrame(out, columns=["region_code", "value", "date", "date_text", "members", "source_ids"])


def national_idps(tables: dict[str, pd.DataFrame], year: int) -> pd.Series | None:
    """The latest preferred national count dated within ``year``, or ``None``."""
    idp = tables["idp_counts"]
    rows = idp[idp["preferred"] & (idp["area_code"] == "ML") & (idp["date"].dt.year == year)]
    return None if rows.empty else rows.sort_values("date").iloc[-1]


def engagements_by_region(active: pd.DataFrame, region_codes: list[str]) -> pd.DataFrame:
    """Number of active engagements whose area covers each region (funds and aggregate
    portfolios are listed but not counted: they are not engagements on the ground).
    """
    counts = dict.fromkeys(region_codes, 0)
    for area in active.loc[~active["kind"].isin(NOT_ADDED_KINDS), "area"]:
        for code in area:
            if code in counts:
                counts[code] += 1
    return pd.DataFrame({"region_code": list(counts), "value": [float(v) for v in counts.values()]})


@dataclass(frozen=True)
class BudgetSplit:
    """Budget attributed to regions, and what stays unattributed (national, multi-country)."""

    by_region: pd.DataFrame
    national: float
    multi_country: float


def budgets_at(tables: dict[str, pd.DataFrame], active: pd.DataFrame, at: pd.Timestamp) -> dict[str, Budget]:
    """Every active engagement's budget at ``at`` (computed once, shared by the totals)."""
    return {eid: engagement_budget(tables, eid, at) for eid in active["engagement_id"]}


def budget_by_region(tables: dict[str, pd.DataFrame], active: pd.DataFrame, region_codes: list[str], at: pd.Timestamp,
                     budgets: dict[str, Budget] | None = None) -> BudgetSplit:
    """Period-total budgets of active engagements, split equally over listed regions."""
    values = dict.fromkeys(region_codes, 0.0)
    national = multi = 0.0
    for eid, kind, scope, area in zip(active["engagement_id"], active["kind"], active["scope"], active["area"], strict=True):
        if kind in NOT_ADDED_KINDS:
            continue
        budget = budgets[eid] if budgets and eid in budgets else engagement_budget(tables, eid, at)
        if budget.amount_eur is None or budget.basis != "period_total":
            continue
        if scope == "regions" and area:
            share = budget.amount_eur / len(area)
            for code in area:
                if code in values:
                    values[code] += share
        elif scope == "multi_country":
            multi += budget.amount_eur
        else:
            national += budget.amount_eur
    frame = pd.DataFrame({"region_code": list(values), "value": list(values.values())})
    return BudgetSplit(frame, national, multi)


@dataclass(frozen=True)
class KeyFigures:
    """The key-figure strip: each figure with the sources behind it."""

    active: int
    funds: int  # funds and aggregate portfolios in the view, not counted in ``active``
    personnel_years: str  # years of the personnel figures added, e.g. "2017-2020"
    undated: int
    budget_period_total: float
    budget_known: int
    budget_unknown: int
    personnel: int
    personnel_known: int
    idps: int | None
    idp_date_text: str
    budget_sources: tuple[str, ...]
    personnel_sources: tuple[str, ...]
    idp_sources: tuple[str, ...]


def latest_indicator(indicators: pd.DataFrame, engagement_id: str, indicator: str, at: pd.Timestamp) -> dict[str, Any] | None:
    """The latest value of an indicator for an engagement dated on or before ``at``."""
    rows = [i for i in records_by_engagement(indicators).get(engagement_id, []) if i["indicator"] == indicator and i["date"] <= at]
    return max(rows, key=lambda i: i["date"]) if rows else None


def key_figures(tables: dict[str, pd.DataFrame], active: pd.DataFrame, state: ViewState, at: pd.Timestamp,
                budgets: dict[str, Budget] | None = None) -> KeyFigures:
    """Totals for the current view, added only where adding is honest."""
    total = 0.0
    known = unknown = 0
    budget_sources: list[str] = []
    personnel = staffed = 0
    personnel_sources: list[str] = []
    staff_years: list[int] = []
    for eid, kind in zip(active["engagement_id"], active["kind"], strict=True):
        budget = budgets[eid] if budgets and eid in budgets else engagement_budget(tables, eid, at)
        if kind in NOT_ADDED_KINDS:
            pass  # counted in the strip's note, never in the total
        elif budget.amount_eur is not None and budget.basis == "period_total":
            total += budget.amount_eur
            known += 1
            budget_sources += budget.source_ids
        elif budget.amount_eur is None or budget.basis == "unknown":
            unknown += 1  # a figure whose basis is unknown cannot be added to period totals
        staff = latest_indicator(tables["indicators"], eid, "personnel", at)
        if staff is not None:
            personnel += int(staff["value"])
            staffed += 1
            staff_years.append(staff["date"].year)
            personnel_sources += staff["source_ids"]
    idp = national_idps(tables, state.year)
    years = sorted(set(staff_years))
    personnel_years = "" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return KeyFigures(
        active=int((~active["kind"].isin(NOT_ADDED_KINDS)).sum()),
        funds=int(active["kind"].isin(NOT_ADDED_KINDS).sum()),
        personnel_years=personnel_years,
        undated=len(undated_engagements(tables)),
        budget_period_total=total,
        budget_known=known,
        budget_unknown=unknown,
        personnel=personnel,
        personnel_known=staffed,
        idps=None if idp is None else int(idp["count"]),
        idp_date_text="" if idp is None else idp["date_text"],
        budget_sources=tuple(dict.fromkeys(budget_sources)),
        personnel_sources=tuple(dict.fromkeys(personnel_sources)),
        idp_sources=() if idp is None else tuple(idp["source_ids"]),
    )


def active_sites(tables: dict[str, pd.DataFrame], engagement_ids: set[str], at: pd.Timestamp) -> pd.DataFrame:
    """Mapped sites linked to the given engagements and open at ``at``."""
    sites = tables["sites"]
    sites = sites[sites["lat"].notna()]
    linked = sites["engagement_ids"].map(lambda ids: bool(set(ids) & engagement_ids))
    opened = sites["active_from"].isna() | (sites["active_from"] <= at)
    not_closed = sites["active_to"].isna() | (sites["active_to"] >= at)
    return sites[linked & opened & not_closed]
