"""Internally displaced people: the dated series, the view's count, and the regional map values.

Rules (``data/README.md``, "Headlines"):

* A view's count is the **latest preferred count dated within its period**, on or before its
  date; nothing is carried forward from before the period ("no figure in 2025; the latest is
  Sep 2024" rather than an old number shown as current).
* Every preferred count of the period is listed (the dated series), so any month's count is
  one click away; other sources' counts for the same date and area are listed as such.
* **A drawn region is a sum only of counts that cover all of it at one date.** The boundaries
  predate the new regions, so one polygon may draw several areas: its own region (``ML-5``
  Mopti) and the regions carved out of it (``ML-BDG`` Bandiagara, ``drawn_as`` ``ML-5``). A
  carved-out region exists from its ``created`` date in ``regions.csv``, or, where that is
  empty, from its first count in ``idp_counts.csv``. Before that date the parent's count
  covers the whole polygon alone; from that date on the polygon is covered only by the parent's
  count **and** a count of every carved-out region, all of the same date. The polygon's value
  is the latest such cover in the period (status ``value``); it says which areas it adds and
  their date. A parent's count from before the split is never added to a carved-out region's
  count, and counts of different dates are never added.
* When the period has counts for some of a polygon's areas but no cover of the whole polygon,
  the polygon has no value (status ``partial``, value NaN: drawn in the "unknown" colour):
  each area is listed with its own latest count and date, and the areas with no count are named.
* Several selected regions have a total only if every one has a value and all of them are of
  the same date; otherwise the headline is ``listed``: each region's latest value with its date,
  the parts of a partial region, and regions with no count named as such, never added as zero.
  One selected region with no value but some parts is ``partial``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.i18n import fmt_date, fmt_int, t
from layers.period import Period
from layers.rules.headlines import Headline, Line, Total, weakest
from layers.rules.rows import MAX_LINES

# Reasons of the lines of a region headline (besides "counted", "earlier" and "other_source").
REGION_COUNT = "region_count"  # a whole region's count, listed: the selected regions have no common date
PART_OF_REGION = "part_of_region"  # one area of a drawn region: the region's other areas have no count of that date
NO_FIGURE = "no_figure"  # an area or region with no count in the period


@dataclass(frozen=True)
class Part:
    """One area's count inside a drawn region (``value`` None: no count in the period)."""

    area: str
    value: float | None = None
    qualifier: str = "exact"
    date: pd.Timestamp | None = None
    date_text: str = ""
    row_id: str = ""


@dataclass(frozen=True)
class RegionCount:
    """A drawn region's count in a period.

    ``status`` is ``value`` (``parts`` cover the whole polygon at ``date``; ``value`` is their
    sum), ``partial`` (no cover in the period: ``parts`` are the areas the polygon needs at its
    latest count, each with its own latest count or none) or ``unknown`` (no count at all).
    """

    region_code: str
    status: str
    parts: tuple[Part, ...] = ()
    value: float | None = None
    qualifier: str = "exact"
    date: pd.Timestamp | None = None
    date_text: str = ""  # the source's date text of the parts ("2022-12"; " / " if they differ)
    source_ids: tuple[str, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        """The areas with a count: added (``value``) or listed (``partial``)."""
        return tuple(p.area for p in self.parts if p.value is not None)

    @property
    def missing(self) -> tuple[str, ...]:
        """The areas the polygon needs that have no count (``partial`` only)."""
        return tuple(p.area for p in self.parts if p.value is None)


def _line(row: dict, reason: str) -> Line:
    return Line(
        table="idp_counts", row_id=row["idp_id"], engagement_id="", reason=reason, value=float(row["count"]),
        unit="people", qualifier=row["qualifier"] or "exact", start=row["date"], end=row["date"], scope=row["area_code"],
        source_ids=tuple(row["source_ids"]), locators=tuple(row["locators"]), date_text=row["date_text"],
    )


def _no_count(area: str) -> Line:
    return Line(table="idp_counts", row_id="", engagement_id="", reason=NO_FIGURE, value=None, unit="people", scope=area)


def dates_text(count: RegionCount, lang: str) -> str:
    """The date(s) of a region's counted parts in words ("30 Sep 2023"; " / " if they differ)."""
    return " / ".join(dict.fromkeys(fmt_date(p.date, lang, p.date_text) for p in count.parts if p.value is not None))


def region_note(count: RegionCount, names: dict[str, str], lang: str) -> str:
    """What a region's value adds, in words: "Mopti + Bandiagara, Dec 2022"; for a partial
    region each area's own count and date ("Mopti: no count; Bandiagara 92,112, Dec 2022": the
    hover's value line says "parts only, no total"); "" when the region has no count.
    """
    if count.status == "value":
        return f"{' + '.join(names.get(a, a) for a in count.members)}, {dates_text(count, lang)}"
    if count.status == "partial":
        parts = [t("idp_part", lang, area=names.get(p.area, p.area), value=fmt_int(p.value, lang),
                   date=fmt_date(p.date, lang, p.date_text)) if p.value is not None
                 else t("idp_no_count", lang, area=names.get(p.area, p.area)) for p in count.parts]
        return (" ; " if lang == "fr" else "; ").join(parts)  # French sets a space before ";"
    return ""


class Displacement:
    """IDP counts indexed once; answers per period.

    ``drawn`` maps every Mali area code to the polygon that draws it; ``created`` (optional)
    the date a carved-out region was created (``regions.csv``); where it is missing, the
    region's first count stands for it.
    """

    def __init__(self, idp: pd.DataFrame, drawn: dict[str, str], created: dict[str, pd.Timestamp] | None = None) -> None:
        self.idp = idp.reset_index(drop=True).sort_values(["date", "idp_id"], kind="stable")
        self.drawn = drawn
        self.preferred = self.idp[self.idp["preferred"]]
        first = self.preferred.groupby("area_code")["date"].min()
        created = {a: pd.Timestamp(d) for a, d in (created or {}).items() if d is not None and not pd.isna(d)}
        self.members: dict[str, tuple[str, ...]] = {}  # polygon -> its own area first, then the carved-out ones
        for area, polygon in drawn.items():
            self.members.setdefault(polygon, ())
            self.members[polygon] = (area, *self.members[polygon]) if area == polygon else (*self.members[polygon], area)
        # A carved-out region exists from its creation date, else from its first count (None: never counted).
        self.split: dict[str, pd.Timestamp | None] = {
            area: created.get(area, first.get(area)) for area, polygon in drawn.items() if area != polygon
        }
        # Answers depend only on the period (and its date) and the regions, not on the other filters: kept.
        self.headline = functools.lru_cache(maxsize=128)(self._headline)  # type: ignore[method-assign]
        self.by_region = functools.lru_cache(maxsize=128)(self._by_region)  # type: ignore[method-assign]
        self.regions_at = functools.lru_cache(maxsize=128)(self._regions_at)  # type: ignore[method-assign]

    def _within(self, frame: pd.DataFrame, period: Period, as_at: pd.Timestamp) -> pd.DataFrame:
        return frame[(frame["date"] >= period.start) & (frame["date"] <= as_at)]

    def latest_overall(self, areas: tuple[str, ...], as_at: pd.Timestamp) -> pd.Series | None:
        """The latest preferred count for any of ``areas`` known on ``as_at`` (a view of 2019 is
        never told of a figure from 2024 as its "latest").
        """
        rows = self.preferred[self.preferred["area_code"].isin(areas) & (self.preferred["date"] <= as_at)]
        return None if rows.empty else rows.iloc[-1]

    def next_after(self, areas: tuple[str, ...], as_at: pd.Timestamp) -> pd.Series | None:
        """The first preferred count for any of ``areas`` dated after ``as_at``, if any."""
        rows = self.preferred[self.preferred["area_code"].isin(areas) & (self.preferred["date"] > as_at)]
        return None if rows.empty else rows.iloc[0]

    def _around(self, areas: tuple[str, ...], as_at: pd.Timestamp) -> dict[str, object]:
        """``latest_any`` (the latest count on ``as_at``) and ``next_any`` (the first after it)."""
        out: dict[str, object] = {}
        last, following = self.latest_overall(areas, as_at), self.next_after(areas, as_at)
        if last is not None:
            out["latest_any"] = (last["date"], last["date_text"])
        if following is not None:
            out["next_any"] = (following["date"], following["date_text"])
        return out

    def needed(self, polygon: str, when: pd.Timestamp) -> tuple[str, ...]:
        """The areas whose counts of one date cover ``polygon`` on ``when``: its own region, and
        every region carved out of it by then.
        """
        out = []
        for area in self.members.get(polygon, ()):
            split = self.split.get(area)
            if area == polygon or (split is not None and split <= when):
                out.append(area)
        return tuple(out)

    def _region_count(self, polygon: str, rows: pd.DataFrame) -> RegionCount:
        """``polygon``'s count from the preferred counts of its areas in the period (``rows``)."""
        if rows.empty:
            return RegionCount(polygon, "unknown")
        for when in sorted(set(rows["date"]), reverse=True):
            need = self.needed(polygon, when)
            at = rows[(rows["date"] == when) & rows["area_code"].isin(need)].drop_duplicates("area_code", keep="last")
            if need and len(at) == len(need):
                at = at.set_index("area_code", drop=False).loc[list(need)]
                parts = tuple(Part(r["area_code"], float(r["count"]), r["qualifier"] or "exact", r["date"], r["date_text"], r["idp_id"])
                              for r in at.to_dict("records"))
                return RegionCount(
                    polygon, "value", parts, value=float(sum(p.value or 0.0 for p in parts)),
                    qualifier=weakest(p.qualifier for p in parts), date=when,
                    date_text=" / ".join(dict.fromkeys(p.date_text for p in parts)),
                    source_ids=tuple(dict.fromkeys(s for ids in at["source_ids"] for s in ids)),
                )
        # No cover in the period: each needed area's own latest count, or none.
        latest = rows.drop_duplicates("area_code", keep="last").set_index("area_code", drop=False)
        need = self.needed(polygon, rows["date"].max()) or tuple(latest.index)
        parts = tuple(
            Part(a, float(latest.at[a, "count"]), latest.at[a, "qualifier"] or "exact", latest.at[a, "date"],
                 latest.at[a, "date_text"], latest.at[a, "idp_id"]) if a in latest.index else Part(a)
            for a in need
        )
        return RegionCount(polygon, "partial", parts,
                           source_ids=tuple(dict.fromkeys(s for a in latest.index if a in need for s in latest.at[a, "source_ids"])))

    def _regions_at(self, period: Period, as_at: pd.Timestamp) -> dict[str, RegionCount]:
        """Every drawn polygon with a count in the period (``value`` or ``partial``)."""
        rows = self._within(self.preferred, period, as_at)
        rows = rows[rows["area_code"].isin(self.drawn)]
        rows = rows.assign(polygon=rows["area_code"].map(self.drawn))
        return {str(polygon): self._region_count(str(polygon), group) for polygon, group in rows.groupby("polygon", sort=True)}

    def _headline(self, period: Period, as_at: pd.Timestamp, polygons: tuple[str, ...] = ()) -> Headline:
        """The national count (or the selected regions' counts), with the period's series."""
        if polygons:
            return self._regions_headline(period, as_at, polygons)
        areas = ("ML",)
        rows = self._within(self.idp[self.idp["area_code"].isin(areas)], period, as_at)
        preferred = rows[rows["preferred"]]
        latest = preferred.groupby("area_code").tail(1)
        lines: list[Line] = [_line(r, "counted") for r in latest.to_dict("records")]
        chosen = set(latest["idp_id"])
        rest = rows.iloc[::-1].head(MAX_LINES).to_dict("records")  # the rest of the series, newest first
        lines.extend(_line(r, "earlier" if r["preferred"] else "other_source") for r in rest if r["idp_id"] not in chosen)
        extra: dict[str, object] = {"areas": areas, **self._around(areas, as_at)}
        if latest.empty:
            return Headline("idps", "none", lines=tuple(lines), extra=extra)
        total = float(latest["count"].sum())
        totals = (Total(total, "people", weakest(latest["qualifier"]), len(latest)),)
        return Headline("idps", "value", totals, tuple(lines), latest=latest["date"].max(), extra=extra)

    def _regions_headline(self, period: Period, as_at: pd.Timestamp, polygons: tuple[str, ...]) -> Headline:
        """The selected regions' count: a sum only when every region has a value of one date."""
        areas = tuple(a for a, p in self.drawn.items() if p in polygons)
        rows = self._within(self.idp[self.idp["area_code"].isin(areas)], period, as_at)
        by_id = {r["idp_id"]: r for r in rows.to_dict("records")}
        found = self.regions_at(period, as_at)
        counts = tuple(found.get(p) or RegionCount(p, "unknown") for p in polygons)
        extra: dict[str, object] = {"areas": areas, "regions": counts, **self._around(areas, as_at)}
        whole = all(c.status == "value" for c in counts) and len({c.date for c in counts}) == 1
        lines: list[Line] = []
        for c in counts:
            if c.status == "value":
                lines += [_line(by_id[p.row_id], "counted" if whole else REGION_COUNT) for p in c.parts]
                # Newer counts of some of its areas: parts only, listed after the value they do not replace.
                newer = rows[rows["preferred"] & rows["area_code"].isin(self.members.get(c.region_code, ())) & (rows["date"] > c.date)]
                lines += [_line(r, PART_OF_REGION) for r in newer.iloc[::-1].to_dict("records")]
            elif c.status == "partial":
                lines += [_line(by_id[p.row_id], PART_OF_REGION) if p.value is not None else _no_count(p.area) for p in c.parts]
            else:
                lines.append(_no_count(c.region_code))
        used = {x.row_id for x in lines}
        rest = rows.iloc[::-1].head(MAX_LINES).to_dict("records")  # the rest of the series, newest first
        lines.extend(_line(r, "earlier" if r["preferred"] else "other_source") for r in rest if r["idp_id"] not in used)
        if whole:
            parts = [p for c in counts for p in c.parts]
            totals = (Total(float(sum(c.value or 0.0 for c in counts)), "people", weakest(p.qualifier for p in parts), len(parts)),)
            return Headline("idps", "value", totals, tuple(lines), latest=counts[0].date, extra=extra)
        if all(c.status == "unknown" for c in counts):
            # No count of any selected area in the period: only the series' other sources, if any.
            return Headline("idps", "none", lines=tuple(x for x in lines if x.reason != NO_FIGURE), extra=extra)
        dates = [x.start for x in lines if x.reason in (REGION_COUNT, PART_OF_REGION) and x.start is not None]
        return Headline("idps", "partial" if len(polygons) == 1 else "listed", lines=tuple(lines),
                        latest=max(dates) if dates else None, extra=extra)

    def _by_region(self, period: Period, as_at: pd.Timestamp) -> pd.DataFrame:
        """Per drawn polygon with a count in the period: value (NaN unless ``status`` is
        ``value``), status (``value`` or ``partial``), date and date text of the value, members
        (areas added, or listed with a count when partial), missing (areas with no count),
        parts (:class:`Part` per area), source ids and qualifier; polygons with no count are absent.
        """
        out = [{
            "region_code": c.region_code,
            "value": c.value if c.status == "value" else np.nan,
            "status": c.status,
            "date": c.date,
            "date_text": c.date_text,
            "members": c.members,
            "missing": c.missing,
            "parts": c.parts,
            "source_ids": c.source_ids,
            "qualifier": c.qualifier,
        } for c in self.regions_at(period, as_at).values()]
        return pd.DataFrame(out, columns=["region_code", "value", "status", "date", "date_text", "members", "missing", "parts",
                                          "source_ids", "qualifier"])

    def region_values(self, period: Period, as_at: pd.Timestamp, codes: list[str], names: dict[str, str],
                      lang: str) -> pd.DataFrame:
        """The map's values, one row per drawn region in ``codes``: value (NaN unless status is
        ``value``), status (``value``, ``partial`` or ``unknown``), date_text, members, missing and
        note (what the value adds, or a partial region's parts, in ``lang``; see :func:`region_note`).
        """
        found = self.regions_at(period, as_at)
        counts = [found.get(c) or RegionCount(c, "unknown") for c in codes]
        return pd.DataFrame({
            "region_code": codes,
            "value": [c.value if c.status == "value" else np.nan for c in counts],
            "status": [c.status for c in counts],
            "date_text": [c.date_text for c in counts],
            "members": [c.members for c in counts],
            "missing": [c.missing for c in counts],
            "note": [region_note(c, names, lang) for c in counts],
        })

    def months_with_counts(self) -> np.ndarray:
        """Months (as ``YYYY-MM``) that have a national count: the date control offers them."""
        national = self.preferred[self.preferred["area_code"] == "ML"]
        return np.unique(national["date"].dt.strftime("%Y-%m").to_numpy(object))
