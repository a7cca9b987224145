"""Where an engagement works at a date, as a bit mask over the drawn Mali regions.

Rule: the area of the mandate in force at the date (at the engagement's end, if it ended
earlier) that states one; else the engagement's own regions; a national scope, or a
multi-country scope that includes Mali without listing regions, covers every region. A mandate
row with no end date (an amendment, a bridging decision) is in force until the engagement's
next mandate row starts, never indefinitely. Regions the boundaries do not draw (Ménaka,
Taoudénit, the 2023 regions) count toward the polygon that contains them (``drawn_as``).

Over a period (``Areas.over``): the area at its end and the area of every mandate row in force
within it, for what counts engagements active in the period.

Boundaries change over time (``Layout``: a boundary version, in force from its date). The bits
are over the finest polygons of every version ("units"); a version's polygon is the units it
covers, so one set of area bits answers every version and no figure is split by area.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from layers.rules.base import Rules


def effective_ends(mandates: pd.DataFrame) -> pd.Series:
    """Each mandate row's end: its own, else the day before the engagement's next later-starting
    mandate row, else NaT (open: bounded by the engagement's own activity).
    """
    starts = mandates[["engagement_id", "start_date"]].dropna().drop_duplicates()
    starts = starts.sort_values(["engagement_id", "start_date"], kind="stable")
    starts = starts.assign(next_start=starts.groupby("engagement_id")["start_date"].shift(-1))
    following = mandates[["engagement_id", "start_date"]].merge(starts, on=["engagement_id", "start_date"], how="left")
    derived = (following["next_start"] - pd.Timedelta(days=1)).set_axis(mandates.index)
    return mandates["end_date"].where(mandates["end_date"].notna(), derived)


def drawn_region_codes(regions: pd.DataFrame) -> dict[str, str]:
    """Every Mali area code (drawn or not) -> the code of the polygon that shows it."""
    mali = regions[regions["region_code"].str.startswith("ML-") & regions["drawn_as"].ne("")]
    return dict(zip(mali["region_code"], mali["drawn_as"], strict=True))


@dataclass(frozen=True)
class Layout:
    """A boundary version as the rules see it: in force from ``valid_from``, and the polygon
    (by code) that shows every Mali area code.
    """

    version_id: str
    valid_from: pd.Timestamp
    drawn: dict[str, str]

    @property
    def polygons(self) -> list[str]:
        """The version's polygons, in code order."""
        return sorted(set(self.drawn.values()))


BASE_FROM = pd.Timestamp(1900, 1, 1)  # the bundled boundaries stand for every date before a later version


def base_layout(regions: pd.DataFrame) -> Layout:
    """The bundled boundaries (``regions.csv`` ``drawn_as``)."""
    return Layout("base", BASE_FROM, drawn_region_codes(regions))


@dataclass(frozen=True)
class RegionBits:
    """Bits over the finest polygons of every boundary version (``bit[unit]``), every Mali area
    code's unit (``drawn``), and the versions (``layouts``, oldest first).
    """

    bit: dict[str, int]
    drawn: dict[str, str]
    layouts: tuple[Layout, ...] = ()
    polygon_masks: dict[str, dict[str, int]] = field(default_factory=dict)  # version id -> polygon -> units

    @property
    def all_bits(self) -> int:
        """Every region of Mali."""
        return sum(self.bit.values())

    def of(self, codes: tuple[str, ...]) -> int:
        """Bit mask of area codes (drawn or not; "ML" is all of Mali)."""
        if "ML" in codes:
            return self.all_bits
        return sum({self.bit[self.drawn[c]] for c in codes if c in self.drawn})

    def layout_at(self, when: pd.Timestamp) -> Layout:
        """The boundary version in force on ``when``."""
        chosen = self.layouts[0]
        for layout in self.layouts:
            if layout.valid_from <= when:
                chosen = layout
        return chosen

    def masks(self, layout: Layout) -> dict[str, int]:
        """Each polygon of ``layout`` as the units it covers."""
        return self.polygon_masks[layout.version_id]

    def mask(self, code: str, layout: Layout) -> int:
        """A region code as bits: the polygon's units if ``layout`` draws it, else its own unit."""
        return self.masks(layout).get(code) or self.of((code,))

    def codes(self, bits: int, layout: Layout | None = None) -> frozenset[str]:
        """The polygons of ``layout`` (default: the bundled one) that a bit mask touches."""
        layout = layout or self.layouts[0]
        return frozenset(p for p, m in self.masks(layout).items() if bits & m)


def region_bits(layouts: tuple[Layout, ...]) -> RegionBits:
    """Units are the polygons of every version; an area code's unit is its polygon in the latest
    version that draws it (the finest), so the bundled layout alone gives today's bits.
    """
    units = sorted({p for layout in layouts for p in layout.polygons})
    drawn: dict[str, str] = {}
    for layout in layouts:  # oldest first: later versions refine
        drawn.update(layout.drawn)
    drawn.update({u: u for u in units})
    bit = {code: 1 << i for i, code in enumerate(units)}
    masks: dict[str, dict[str, int]] = {}
    for layout in layouts:
        out = dict.fromkeys(layout.polygons, 0)
        for unit, b in bit.items():
            polygon = layout.drawn.get(unit)
            if polygon in out:
                out[polygon] |= b
        masks[layout.version_id] = out
    return RegionBits(bit, drawn, layouts, masks)


MAX_SPANS = 64  # periods whose area bits are kept (``Areas.over``)


class Areas:
    """Area bit masks per engagement, per date (computed on first use, then kept)."""

    def __init__(self, rules: Rules, layouts: tuple[Layout, ...] = ()) -> None:
        self.rules = rules
        self.regions = region_bits(layouts or (base_layout(rules.tables["regions"]),))
        eng = rules.tables["engagements"]
        columns = (eng[c].to_numpy(object) for c in ("scope", "regions", "countries"))  # not itertuples: a tuple per row
        self.own = np.array([self._own(*row) for row in zip(*columns, strict=True)], dtype=np.int64)
        m = rules.tables["mandates"]
        m = m.assign(pos=np.arange(len(m)), effective_end=effective_ends(m),
                     eng_pos=m["engagement_id"].map(rules.position).to_numpy())
        self.mandates = m[m["area_regions"].map(bool)]
        # What a date's bits read, taken out once: _build runs per year at start and per new date after.
        live = self.mandates if not self.mandates.empty else m.iloc[:0]  # (no rows: the filter above kept no columns)
        self._slim = live[["engagement_id", "start_date", "pos", "eng_pos", "area_regions"]]
        self._eng_pos = live["eng_pos"].to_numpy(np.int64)
        self._starts = live["start_date"].to_numpy("datetime64[ns]")
        self._ends = live["effective_end"].to_numpy("datetime64[ns]")
        self._mandate_bits = np.array([self.regions.of(codes) for codes in live["area_regions"]], dtype=np.int64)
        # Each engagement's first area-stating mandate's start (NaT: none, so its own area always holds).
        first_start = np.full(len(rules.eng.ids), np.iinfo(np.int64).max, dtype=np.int64)
        if len(self._eng_pos):
            np.minimum.at(first_start, self._eng_pos, self._starts.astype(np.int64))
        self._first_start = first_start.astype("datetime64[ns]")
        self._cache: dict[pd.Timestamp, np.ndarray] = {}
        self._spans: dict[tuple[pd.Timestamp, pd.Timestamp], np.ndarray] = {}
        self._lock = threading.Lock()

    def _own(self, scope: str, regions: tuple[str, ...], countries: tuple[str, ...]) -> int:
        if not regions and (scope == "national" or (scope == "multi_country" and "ML" in countries)):
            return self.regions.all_bits
        return self.regions.of(regions)

    def at(self, when: pd.Timestamp) -> np.ndarray:
        """Every engagement's area bits on ``when`` (capped at its own end)."""
        found = self._cache.get(when)
        if found is None:
            with self._lock:
                found = self._cache.get(when)
                if found is None:
                    found = self._build(when)
                    found.setflags(write=False)  # shared by every view of that date: read-only
                    self._cache[when] = found
        return found

    def over(self, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
        """Every engagement's area bits at any time from ``start`` to ``end``: its area on ``end``
        and the area of each of its mandates in force within those dates. "Active in 2013–2023"
        counts a mission where it worked in those years, not only where it was at their end
        (EUCAP Sahel Mali covered every region to January 2023, then five).
        """
        key = (start, end)
        found = self._spans.get(key)
        if found is None:
            found = self.at(end).copy()
            if len(self._eng_pos):
                first, last = np.datetime64(start, "ns"), np.datetime64(end, "ns")
                live = (self._starts <= last) & (np.isnat(self._ends) | (self._ends >= first))
                np.bitwise_or.at(found, self._eng_pos[live], self._mandate_bits[live])
                # Active in the period before its first area-stating mandate: its own area then
                # (EUTM Mali from January 2013, its first mandate from 18 February).
                e = self.rules.eng
                before = ~np.isnat(e.active_from) & (np.maximum(e.active_from, first) < self._first_start) & \
                    (e.active_from <= last) & (np.isnat(e.active_to) | (e.active_to >= first))
                found[before] |= self.own[before]
            found.setflags(write=False)
            with self._lock:
                if len(self._spans) >= MAX_SPANS:  # any period a link may ask for: keep the latest few
                    self._spans.pop(next(iter(self._spans)))
                self._spans[key] = found
        return found

    def _build(self, when: pd.Timestamp) -> np.ndarray:
        bits = self.own.copy()
        if self.mandates.empty:
            return bits
        e = self.rules.eng
        day = np.datetime64(when, "ns")
        capped = np.where(~np.isnat(e.active_to) & (e.active_to < day), e.active_to, day)
        at = capped[self._eng_pos]
        live = self._slim[(self._starts <= at) & (np.isnat(self._ends) | (self._ends >= at))]
        live = live.sort_values(["start_date", "pos"], ascending=[False, True], kind="stable").drop_duplicates("engagement_id")
        for pos, codes in zip(live["eng_pos"], live["area_regions"], strict=True):
            bits[int(pos)] = self.regions.of(codes)
        return bits

    def area(self, engagement_id: str, when: pd.Timestamp) -> frozenset[str]:
        """The polygons (of the boundaries in force on ``when``) one engagement covers then."""
        return self.regions.codes(int(self.at(when)[self.rules.position[engagement_id]]), self.regions.layout_at(when))
