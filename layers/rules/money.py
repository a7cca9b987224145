"""The money headline of a view: what may be added, and everything else listed with its reason.

Rules (``data/README.md``, "Headlines"):

* A view's money is the amounts **in force on its date** (the period's end), of the engagements
  it lists.
* Only **annual** amounts that are **committed or appropriated** for **Mali alone** (or a
  stated Mali share) are added, **per currency**: EUR, USD and XOF are never converted or mixed.
* A total for several months or years is listed with its period, never spread over years and
  never added as one year's money. Pledges, projected budgets and estimated costs are listed.
* Multi-country amounts that include Mali, and amounts outside Mali, are listed apart.
* Components (part of a listed total), the own budgets of sub-engagements (part of their
  parent's), funds and portfolios (they finance others), and amounts of unknown type are listed
  and never added.
* With a region filter, only amounts *earmarked* for the selected regions (an engagement whose
  whole area lies in them) may be added; national and multi-country engagements active there
  are listed with their amounts, never summed into the region.
* An engagement counted in the view with no amount in force is a "no figure" line: unknown is
  never zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.rules.base import NOT_COUNTED_KINDS, Rules
from layers.rules.headlines import Headline
from layers.rules.rows import RowArrays
from layers.rules.selection import Selection

ADDED_TYPES = ("committed", "appropriated")  # the only amount types ever added


def earmark(rules: Rules, bits: np.ndarray, wanted: int) -> np.ndarray:
    """Per engagement: "earmarked" (whole area in the selected regions), "shared" (regional,
    partly elsewhere) or "" (national or multi-country: never earmarked).
    """
    regional = (rules.eng.scope == "regions") & (bits != 0)
    inside = regional & ((bits & ~np.int64(wanted)) == 0) & ((bits & wanted) != 0)
    shared = regional & ~inside & ((bits & wanted) != 0)
    return np.where(inside, "earmarked", np.where(shared, "shared", ""))


def _window(rows: RowArrays, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """Each row's period; an open side takes the engagement's activity window."""
    e = rules.eng
    start = np.where(np.isnat(rows.start), e.active_from[rows.eng], rows.start)
    end = np.where(np.isnat(rows.end), e.active_to[rows.eng], rows.end)
    return start, end


def in_force(rows: RowArrays, rules: Rules, when: pd.Timestamp) -> np.ndarray:
    """Rows whose period contains ``when``."""
    return overlapping(rows, rules, when, when)


def overlapping(rows: RowArrays, rules: Rules, first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
    """Rows whose period overlaps ``first`` to ``last`` (both included)."""
    start, end = _window(rows, rules)
    return ~np.isnat(start) & (start <= np.datetime64(last, "ns")) & ~np.isnat(end) & (end >= np.datetime64(first, "ns"))


_BEFORE_EARMARKS = ("fund", "component", "sub_engagement", "scope_outside")


def static_reasons(rows: RowArrays, rules: Rules) -> np.ndarray:
    """Each row's reason in a view without a region filter (it depends on no other filter)."""
    e = rules.eng
    kind, geo = e.kind[rows.eng], e.geo[rows.eng]
    conditions = [
        np.isin(kind, list(NOT_COUNTED_KINDS)),
        rows.component,
        e.parent[rows.eng] != "",  # a sub-engagement's own budget is part of its parent's
        np.isin(geo, ["sahel", "comparator"]) | (rows.scope == "outside_mali"),
        rows.scope == "multi_country",
        np.isnan(rows.value),
        rows.amount_type == "pledged",
        rows.amount_type == "projected",
        rows.amount_type == "estimated",
        ~np.isin(rows.amount_type, ADDED_TYPES),
        rows.kind == "period_total",
        rows.kind != "annual",
    ]
    choices = [*_BEFORE_EARMARKS, "scope_multi", "no_figure", "pledged", "projected", "estimated", "type_unknown",
               "basis_period", "basis_unknown"]
    return np.select(conditions, choices, default="counted").astype(object)


def money_reasons(static: np.ndarray, rows: RowArrays, earmarks: np.ndarray | None) -> np.ndarray:
    """Each row's reason, first rule that applies (order as in the module's rules): with a region
    filter, not-earmarked and shared money come right after funds, components and non-Mali money.
    """
    if earmarks is None:
        return static
    mark = earmarks[rows.eng]
    first = np.isin(static, _BEFORE_EARMARKS)
    return np.where(first, static, np.where(mark == "shared", "shared", np.where(mark == "", "not_earmarked", static))).astype(object)


def money_headline(rules: Rules, rows: RowArrays, selection: Selection, as_at: pd.Timestamp, *, period_start: pd.Timestamp,
                   static: np.ndarray, earmarks: np.ndarray | None = None) -> Headline:
    """The money key figure of a view (see the module's rules)."""
    listed = np.zeros(len(rules.eng), dtype=bool)
    listed[selection.listed] = True
    mine = listed[rows.eng]
    live = mine & in_force(rows, rules, as_at)
    reasons = money_reasons(static, rows, earmarks)
    # Rows of the period that ended before its date: context, never added.
    earlier = mine & ~live & overlapping(rows, rules, period_start, as_at)
    reasons = np.where(earlier, "not_in_force", reasons)
    considered = np.flatnonzero(live | earlier)
    lines = rows.lines(considered, reasons, rules.eng.ids)
    # Engagements counted and active on the date with no amount in force: unknown, not zero.
    has_amount = np.zeros(len(rules.eng), dtype=bool)
    has_amount[rows.eng[live & ~np.isnan(rows.value)]] = True
    counted_now = np.intersect1d(selection.counted, selection.active_at)
    if earmarks is not None:
        counted_now = counted_now[earmarks[counted_now] == "earmarked"]
    missing = counted_now[~has_amount[counted_now]]
    status = _status(reasons[live], rows.value[live], len(counted_now))
    own = np.ones(len(rows), dtype=bool) if earmarks is None else earmarks[rows.eng] == "earmarked"
    latest, latest_text = rows.latest(live | earlier)
    return Headline(
        key="money", status=status, totals=rows.totals(live & (reasons == "counted")), lines=lines,
        latest=latest, latest_text=latest_text,
        extra={"no_figure": tuple(rules.eng.ids[missing]), "region": earmarks is not None,
               "n_left_out": int(((reasons != "counted") & live).sum()),
               "n_listed_values": int((live & ~np.isnan(rows.value) & (reasons != "counted")).sum()),
               # of those, the view's own money (with a region filter: earmarked for its regions)
               "n_own_listed": int((live & ~np.isnan(rows.value) & (reasons != "counted") & own).sum())},
    )


def _status(reasons: np.ndarray, values: np.ndarray, engagements: int) -> str:
    if (reasons == "counted").any():
        return "value"
    if (~np.isnan(values)).any():
        return "listed"
    return "unknown" if engagements else "none"
