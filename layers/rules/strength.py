"""The personnel headline: deployed strengths that are current, in Mali, and nothing else added.

Rules (``data/README.md``, "Headlines"):

* For each engagement the view lists, the latest figure of each kind dated on or before the
  view's date: deployed (``personnel``), planned, authorised (a ceiling), beneficiary staff.
* Only **deployed** strengths are added. Planned and authorised strengths are listed apart;
  beneficiary staff (the partner's own people) are never personnel.
* A figure dated only to a year or a month counts from the **end** of that year or month (a
  strength "2018" may have been stated in December: it is not current in January 2018).
* A strength is **current** only if it is dated within 12 months of the view's date (counted
  from the start of its stated precision: conservative both ways), its engagement is still
  active on that date, and no later event ended or cut the engagement; otherwise it is shown as
  "last known: <value>, <date>".
* Only strengths for Mali alone (scope ``mali``, or a stated Mali share ``mali_share``) are
  added; multi-country strengths (Barkhane's, across five states) are listed apart. The latest
  figure is taken per engagement, kind *and* scope, so a newer multi-country figure never hides
  an older Mali-only one. A contingent's strength is part of its parent's.
* With a region filter, only engagements whose whole area lies in the selected regions add
  (national and multi-country ones active there are listed, as for money).
* A sum keeps the weakest qualifier of its parts ("about", "up to"). When an engagement the
  view counts, active on its date, has no current deployed figure, the sum is a lower bound
  ("at least"), and the headline says for how many of them a current figure exists.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from layers.period import Period
from layers.rules.base import EVIDENCE_GRACE, Rules
from layers.rules.headlines import Headline, weakest
from layers.rules.rows import RowArrays
from layers.rules.selection import Selection

KIND_REASON = {"planned_strength": "planned", "personnel_ceiling": "authorised", "beneficiary_staff": "beneficiary"}


def latest_per_kind(rows: RowArrays, candidates: np.ndarray) -> np.ndarray:
    """Positions of the latest row per (engagement, kind, scope) among ``candidates`` (table
    order on ties).
    """
    idx = np.flatnonzero(candidates)
    if not len(idx):
        return idx
    _, kind = np.unique((rows.kind[idx] + "|" + rows.scope[idx]).astype(str), return_inverse=True)
    eng, when = rows.eng[idx], rows.start[idx].view(np.int64)
    order = np.lexsort((idx, -when, kind, eng))  # per (engagement, kind, scope): latest first, then table order
    first = np.r_[True, (eng[order][1:] != eng[order][:-1]) | (kind[order][1:] != kind[order][:-1])]
    return np.sort(idx[order][first])


def strength_reasons(rows: RowArrays, rules: Rules, as_at: pd.Timestamp, earmarks: np.ndarray | None,
                     positions: np.ndarray) -> np.ndarray:
    """The reason of each row in ``positions`` (others ""), first rule that applies (order as in
    the module's rules). Only the chosen rows are worked out: a view picks a few from thousands.
    """
    e = rules.eng
    eng, kind, scope, start = rows.eng[positions], rows.kind[positions], rows.scope[positions], rows.start[positions]
    stale_before = np.datetime64(as_at - EVIDENCE_GRACE, "ns")
    cut = rules.last_cut(as_at)[eng]
    was_cut = ~np.isnat(cut) & (cut > start)
    active = rules.active_at(as_at)[eng]
    conditions = [np.isin(kind, list(KIND_REASON)), e.parent[eng] != "",
                  np.isin(e.geo[eng], ["sahel", "comparator"]) | (scope == "outside_mali")]
    kind_reason = np.select([kind == k for k in KIND_REASON], list(KIND_REASON.values()), default="")
    choices = [kind_reason, "sub_engagement", "scope_outside"]
    if earmarks is not None:
        conditions += [earmarks[eng] == "shared", earmarks[eng] == ""]
        choices += ["shared", "not_earmarked"]
    conditions += [scope == "multi_country", ~active & e.end_assumed[eng], ~active, (start < stale_before) | was_cut]
    choices += ["scope_multi", "status_unknown", "ended", "stale"]
    out = np.full(len(rows), "", dtype=object)
    if len(positions):
        out[positions] = np.select(conditions, choices, default="counted")
    return out


def strength_headline(rules: Rules, rows: RowArrays, selection: Selection, as_at: pd.Timestamp, *, period: Period,
                      earmarks: np.ndarray | None = None) -> Headline:
    """The personnel key figure of a view (see the module's rules)."""
    listed = np.zeros(len(rules.eng), dtype=bool)
    listed[selection.listed] = True
    # Figures of engagements active in the period; an undated one's only if dated in the period.
    relevant = listed[rows.eng] & (rules.active_in(period)[rows.eng] | (rows.start >= np.datetime64(period.start, "ns")))
    candidates = relevant & (rows.stated <= np.datetime64(as_at, "ns"))
    chosen = latest_per_kind(rows, candidates)
    reasons = strength_reasons(rows, rules, as_at, earmarks, chosen)
    counted = np.zeros(len(rows), dtype=bool)
    counted[chosen] = reasons[chosen] == "counted"
    has_figure = np.zeros(len(rules.eng), dtype=bool)
    has_figure[rows.eng[chosen[rows.kind[chosen] == "personnel"]]] = True
    counted_now = np.intersect1d(selection.counted, selection.active_at)
    if earmarks is not None:
        counted_now = counted_now[earmarks[counted_now] == "earmarked"]
    missing = counted_now[~has_figure[counted_now]]
    if counted.any():
        status = "value"
    elif len(chosen):
        status = "listed"
    else:
        status = "unknown" if len(counted_now) else "none"
    chosen_mask = np.zeros(len(rows), dtype=bool)
    chosen_mask[chosen] = True
    # Coverage: of the engagements counted and active on the date, how many add a current figure.
    covered = np.intersect1d(counted_now, rows.eng[counted])
    totals = rows.totals(counted)
    if len(covered) < len(counted_now):  # some have no current figure: the sum is a lower bound
        totals = tuple(replace(x, qualifier=weakest([x.qualifier, "at_least"])) for x in totals)
    latest, latest_text = rows.latest(chosen_mask)
    return Headline(
        key="personnel", status=status, totals=totals, lines=rows.lines(chosen, reasons, rules.eng.ids),
        latest=latest, latest_text=latest_text,
        extra={"no_figure": tuple(rules.eng.ids[missing]), "region": earmarks is not None,
               "n_left_out": int((reasons[chosen] != "counted").sum()),
               "coverage": (len(covered), len(counted_now))},
    )
