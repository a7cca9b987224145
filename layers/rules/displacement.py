"""Internally displaced people: the dated series, the view's count, and the regional map values.

Rules (``data/README.md``, "Headlines"):

* A view's count is the **latest preferred count dated within its period**, on or before its
  date; nothing is carried forward from before the period ("no figure in 2025; the latest is
  Sep 2024" rather than an old number shown as current).
* Every preferred count of the period is listed (the dated series), so any month's count is
  one click away; other sources' counts for the same date and area are listed as such.
* A drawn region shows the sum of the latest count of each area drawn inside it (the region's
  own and the newer regions carved from it), and says which areas and dates it adds.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from layers.period import Period
from layers.rules.headlines import Headline, Line, Total, weakest
from layers.rules.rows import MAX_LINES


def _line(row: dict, reason: str) -> Line:
    return Line(
        table="idp_counts", row_id=row["idp_id"], engagement_id="", reason=reason, value=float(row["count"]),
        unit="people", qualifier=row["qualifier"] or "exact", start=row["date"], end=row["date"], scope=row["area_code"],
        source_ids=tuple(row["source_ids"]), locators=tuple(row["locators"]), date_text=row["date_text"],
    )


class Displacement:
    """IDP counts indexed once; answers per period."""

    def __init__(self, idp: pd.DataFrame, drawn: dict[str, str]) -> None:
        self.idp = idp.reset_index(drop=True).sort_values(["date", "idp_id"], kind="stable")
        self.drawn = drawn
        self.preferred = self.idp[self.idp["preferred"]]
        # Answers depend only on the period and the regions, not on the other filters: kept.
        self.headline = functools.lru_cache(maxsize=128)(self._headline)  # type: ignore[method-assign]
        self.by_region = functools.lru_cache(maxsize=128)(self._by_region)  # type: ignore[method-assign]

    def _within(self, frame: pd.DataFrame, period: Period, as_at: pd.Timestamp) -> pd.DataFrame:
        return frame[(frame["date"] >= period.start) & (frame["date"] <= as_at)]

    def latest_overall(self, areas: tuple[str, ...]) -> pd.Series | None:
        """The latest preferred count for any of ``areas`` in the whole table."""
        rows = self.preferred[self.preferred["area_code"].isin(areas)]
        return None if rows.empty else rows.iloc[-1]

    def _headline(self, period: Period, as_at: pd.Timestamp, polygons: tuple[str, ...] = ()) -> Headline:
        """The national count (or the selected regions' counts), with the period's series."""
        areas = tuple(a for a, p in self.drawn.items() if p in polygons) if polygons else ("ML",)
        rows = self._within(self.idp[self.idp["area_code"].isin(areas)], period, as_at)
        preferred = rows[rows["preferred"]]
        latest = preferred.groupby("area_code").tail(1)
        lines: list[Line] = [_line(r, "counted") for r in latest.to_dict("records")]
        chosen = set(latest["idp_id"])
        rest = rows.iloc[::-1].head(MAX_LINES).to_dict("records")  # the rest of the series, newest first
        lines.extend(_line(r, "earlier" if r["preferred"] else "other_source") for r in rest if r["idp_id"] not in chosen)
        extra: dict[str, object] = {"areas": areas}
        last = self.latest_overall(areas)
        if last is not None:
            extra["latest_any"] = (last["date"], last["date_text"])
        if latest.empty:
            return Headline("idps", "none", lines=tuple(lines), extra=extra)
        total = float(latest["count"].sum())
        totals = (Total(total, "people", weakest(latest["qualifier"]), len(latest)),)
        return Headline("idps", "value", totals, tuple(lines), latest=latest["date"].max(), extra=extra)

    def _by_region(self, period: Period, as_at: pd.Timestamp) -> pd.DataFrame:
        """Per drawn polygon: value (sum of each drawn-in area's latest count), date text,
        members (area codes added) and source ids; polygons with no count are absent.
        """
        rows = self._within(self.preferred, period, as_at)
        rows = rows[rows["area_code"].isin(self.drawn)]
        rows = rows.assign(polygon=rows["area_code"].map(self.drawn)).groupby("area_code").tail(1)
        out = []
        for polygon, group in rows.groupby("polygon"):
            out.append({
                "region_code": polygon,
                "value": float(group["count"].sum()),
                "date": group["date"].max(),
                "date_text": " / ".join(sorted(set(group["date_text"]))),
                "members": tuple(sorted(group["area_code"])),
                "source_ids": tuple(dict.fromkeys(s for ids in group["source_ids"] for s in ids)),
                "qualifier": weakest(group["qualifier"]),
            })
        return pd.DataFrame(out, columns=["region_code", "value", "date", "date_text", "members", "source_ids", "qualifier"])

    def months_with_counts(self) -> np.ndarray:
        """Months (as ``YYYY-MM``) that have a national count: the date control offers them."""
        national = self.preferred[self.preferred["area_code"] == "ML"]
        return np.unique(national["date"].dt.strftime("%Y-%m").to_numpy(object))
