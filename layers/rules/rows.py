"""The rows behind figures, in one shape per kind: amounts (mandate budgets and funding rows)
and dated figures (strengths), as column arrays built once per catalog.

Headlines pick rows from these with boolean masks, decide each row's reason with vectorised
rules, and turn only the rows a reader will see into :class:`~layers.rules.headlines.Line`
objects (a view at scale considers tens of thousands of rows; nobody reads them all).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.rules.areas import effective_ends
from layers.rules.base import Rules, end_of_precision
from layers.rules.headlines import Line, Total, weakest

MAX_LINES = 120  # lines materialised per headline (counted first); counts are exact in Headline.extra


@dataclass(frozen=True)
class RowArrays:
    """Columns of figure rows; ``eng`` is the engagement's position in the engagements table."""

    table: np.ndarray
    row_id: np.ndarray
    eng: np.ndarray
    value: np.ndarray  # float, NaN = no figure
    unit: np.ndarray  # EUR, USD, XOF, people
    qualifier: np.ndarray
    kind: np.ndarray  # money: basis (period_total, annual, unknown); strengths: the indicator
    amount_type: np.ndarray  # money: committed, appropriated, pledged, projected, estimated, unknown
    scope: np.ndarray  # mali, mali_share, multi_country, outside_mali
    start: np.ndarray  # datetime64; strengths: the date
    end: np.ndarray  # datetime64 (NaT: open, bounded by the engagement's activity)
    stated: np.ndarray  # datetime64: by when the figure had been stated (a "2018" strength: 31 Dec 2018)
    component: np.ndarray  # bool: part of a total listed elsewhere
    sources: np.ndarray  # object: tuple of source ids
    locators: np.ndarray  # object: tuple of locators
    date_text: np.ndarray

    def __len__(self) -> int:
        return len(self.row_id)

    def totals(self, mask: np.ndarray) -> tuple[Total, ...]:
        """One total per unit over the rows in ``mask`` with a value (units in row order)."""
        keep = mask & ~np.isnan(self.value)
        units = self.unit[keep].astype(str)
        _, first = np.unique(units, return_index=True)
        out = []
        for unit in units[np.sort(first)]:
            part = keep & (self.unit == unit)
            out.append(Total(float(self.value[part].sum()), str(unit), weakest(self.qualifier[part]), int(part.sum())))
        return tuple(out)

    def latest(self, mask: np.ndarray) -> tuple[pd.Timestamp | None, str]:
        """The latest date a figure was stated among the rows in ``mask``, with that date as the
        source gives it ("2018", "2019-12"), so it is never shown more precisely than stated.
        """
        keep = np.flatnonzero(mask & ~np.isnan(self.value) & ~np.isnat(self.start))
        if not len(keep):
            return None, ""
        i = keep[np.argmax(self.start[keep])]  # a planned end is not a figure's date: the start
        return pd.Timestamp(self.start[i]), str(self.date_text[i])

    def lines(self, positions: np.ndarray, reasons: np.ndarray, engagement_ids: np.ndarray,
              limit: int | None = MAX_LINES) -> tuple[Line, ...]:
        """Lines for these rows (counted first, at most ``limit``)."""
        chosen = positions[np.argsort(reasons[positions] != "counted", kind="stable")[:limit]]
        starts, ends = _stamps(self.start[chosen]), _stamps(self.end[chosen])
        out = []
        for k, i in enumerate(chosen):
            value = self.value[i]
            out.append(Line(
                table=str(self.table[i]), row_id=str(self.row_id[i]), engagement_id=str(engagement_ids[self.eng[i]]),
                reason=str(reasons[i]), value=None if np.isnan(value) else float(value), unit=str(self.unit[i]),
                qualifier=str(self.qualifier[i]) or "exact", start=starts[k], end=ends[k],
                basis=str(self.kind[i]), amount_type=str(self.amount_type[i]), scope=str(self.scope[i]),
                source_ids=tuple(self.sources[i]), locators=tuple(self.locators[i]), date_text=str(self.date_text[i]),
            ))
        return tuple(out)


def _stamps(values: np.ndarray) -> list[pd.Timestamp | None]:
    return [None if pd.isna(v) else v for v in pd.DatetimeIndex(values)]


def _objects(values: pd.Series) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def amount_rows(rules: Rules) -> RowArrays:
    """Every mandate budget and funding row (with or without an amount), in one shape."""
    m, f = rules.tables["mandates"], rules.tables["funding"]
    m = m[m["budget_amount"].notna() | m["budget_basis"].ne("")]
    m_end = effective_ends(rules.tables["mandates"]).loc[m.index]
    frames = [
        pd.DataFrame({
            "table": "mandates", "row_id": m["mandate_id"], "engagement_id": m["engagement_id"],
            "value": m["budget_amount"].astype(float), "unit": m["budget_currency"], "qualifier": m["budget_qualifier"],
            "kind": m["budget_basis"], "amount_type": m["budget_type"], "scope": m["budget_scope"],
            "start": m["start_date"], "end": m_end, "component": False, "sources": m["source_ids"],
            "locators": m["locators"], "date_text": m["start_date_text"],
            "stated": m["start_date"],
        }),
        pd.DataFrame({
            "table": "funding", "row_id": f["funding_id"], "engagement_id": f["engagement_id"],
            "value": f["amount"].astype(float), "unit": f["currency"], "qualifier": f["qualifier"], "kind": f["basis"],
            "amount_type": f["amount_type"], "scope": f["amount_scope"], "start": f["period_start"], "end": f["period_end"],
            "component": f["is_component"], "sources": f["source_ids"], "locators": f["locators"],
            "date_text": f["period_start_text"],
            "stated": f["period_start"],
        }),
    ]
    return _arrays(pd.concat(frames, ignore_index=True), rules)


def strength_rows(rules: Rules) -> RowArrays:
    """Every dated strength figure (deployed, planned, authorised, beneficiary staff)."""
    ind = rules.tables["indicators"]
    ind = ind[ind["indicator"].isin(["personnel", "planned_strength", "personnel_ceiling", "beneficiary_staff"])]
    frame = pd.DataFrame({
        "table": "indicators", "row_id": ind["indicator_id"], "engagement_id": ind["engagement_id"],
        "value": ind["value"].astype(float), "unit": "people", "qualifier": ind["qualifier"], "kind": ind["indicator"],
        "amount_type": "", "scope": ind["scope"], "start": ind["date"], "end": ind["date"], "component": False,
        "sources": ind["source_ids"], "locators": ind["locators"], "date_text": ind["date_text"],
        # A strength dated "2018" may have been stated in December: it is not a figure in January.
        "stated": end_of_precision(ind["date_text"], ind["date"]),
    })
    return _arrays(frame.reset_index(drop=True), rules)


def _arrays(frame: pd.DataFrame, rules: Rules) -> RowArrays:
    return RowArrays(
        table=frame["table"].to_numpy(object), row_id=frame["row_id"].to_numpy(object),
        eng=frame["engagement_id"].map(rules.position).to_numpy(np.int64),
        value=frame["value"].to_numpy(float, na_value=np.nan), unit=frame["unit"].fillna("").to_numpy(object),
        qualifier=frame["qualifier"].fillna("").to_numpy(object), kind=frame["kind"].fillna("").to_numpy(object),
        amount_type=frame["amount_type"].fillna("").to_numpy(object), scope=frame["scope"].fillna("").to_numpy(object),
        start=frame["start"].to_numpy("datetime64[ns]"), end=frame["end"].to_numpy("datetime64[ns]"),
        stated=frame["stated"].to_numpy("datetime64[ns]"),
        component=frame["component"].to_numpy(bool), sources=_objects(frame["sources"]),
        locators=_objects(frame["locators"]), date_text=frame["date_text"].fillna("").to_numpy(object),
    )
