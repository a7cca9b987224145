"""The vocabulary of a headline figure: the rows it considered, its totals and qualifiers.

A :class:`Headline` never holds a bare number: it holds one :class:`Total` per unit (EUR and
USD are never added together), each with the weakest qualifier of its parts, and every
:class:`Line` it considered with the reason it was added or left out. The UI, the exports'
footnotes and the tests all read the same object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

# Why a row was added, or left out. Keys of the UI's explanation (layers.i18n "why_*").
COUNTED = "counted"
REASONS = (
    COUNTED,
    "not_in_force",  # its period does not contain the view's date
    "component",  # part of a total that is listed
    "fund",  # a fund or portfolio: it finances other engagements
    "sub_engagement",  # a contingent or component of a listed engagement
    "scope_multi",  # multi-country including Mali: not Mali's alone
    "scope_outside",  # outside Mali
    "basis_period",  # a total for a multi-month period: listed with its period, never a year's money
    "basis_unknown",  # the period the amount covers is not stated
    "pledged",  # promised, not committed
    "projected",  # a projected or planned budget
    "estimated",  # an estimated cost
    "type_unknown",  # whether committed, appropriated or only announced is not stated
    "no_figure",  # the engagement has no figure of this kind
    "stale",  # dated more than 12 months before the view's date, or before an event that ended or cut it
    "ended",  # the engagement ended before the view's date
    "planned",  # a planned strength, not a deployed one
    "authorised",  # an authorised ceiling, not a head count
    "beneficiary",  # staff of the partner's own unit: not assistance personnel
    "not_earmarked",  # national or multi-country money active in the region: listed, never summed into it
    "shared",  # earmarked for several regions, some outside the selection
    "earlier",  # an earlier count of the same series in the period; the latest is shown
    "other_source",  # another source's count for the same date and area; the preferred one is shown
    "region_count",  # a whole region's count, shown with its date, not added to the others
    "part_of_region",  # the count of part of a region: no total for the region at that date
    "dates_unknown",  # undated: listed in every view, never counted in one
    "outside_mali",  # an engagement outside Mali (elsewhere in the Sahel, or a comparator)
    "status_unknown",  # only a start date, and no evidence in the last 12 months
    "not_started",  # planned, with no evidence that it started
)
# Qualifiers from the strongest claim to the weakest; a sum keeps the weakest of its parts.
# "at_least" is what a total is when some of what it should add has no figure (>= the sum);
# "at_least_approx" the same over approximate parts ("at least c. 440").
QUALIFIERS = ("exact", "over", "at_least", "up_to", "almost", "approx", "at_least_approx")


@dataclass(frozen=True)
class Line:
    """One row a headline considered: its value, when, where it applies, and why it counts or not."""

    table: str  # the table the row is in (mandates, funding, indicators, idp_counts, engagements)
    row_id: str
    engagement_id: str
    reason: str
    value: float | None = None
    unit: str = ""  # EUR, USD, XOF or people
    qualifier: str = "exact"
    start: pd.Timestamp | None = None  # the period the value covers, or its date (start == end)
    end: pd.Timestamp | None = None
    basis: str = ""  # period_total, annual, unknown (money); the indicator kind (strengths)
    amount_type: str = ""  # committed, appropriated, pledged, projected, estimated, unknown
    scope: str = ""  # mali, mali_share, multi_country, outside_mali
    source_ids: tuple[str, ...] = ()
    locators: tuple[str, ...] = ()
    date_text: str = ""  # the date as the source gives it (strengths, counts)


@dataclass(frozen=True)
class Total:
    """A sum in one unit, with the weakest qualifier of what it adds."""

    value: float
    unit: str
    qualifier: str = "exact"
    parts: int = 0


@dataclass(frozen=True)
class Headline:
    """A key figure: its totals (one per unit), its status, and every line it considered.

    ``status`` is ``value`` (totals are shown), ``listed`` (figures exist but none may be added:
    the lines are the answer), ``unknown`` (engagements exist, no figure is known) or ``none``
    (nothing in the view).
    """

    key: str
    status: str
    totals: tuple[Total, ...] = ()
    lines: tuple[Line, ...] = ()
    latest: pd.Timestamp | None = None  # date of the latest figure behind it
    latest_text: str = ""  # that date as its source gives it ("2018"): never shown more precisely
    extra: Mapping[str, object] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # Headlines are cached and shared between views: their extras must not be changed.
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def counted(self) -> tuple[Line, ...]:
        """The lines added into a total."""
        return tuple(line for line in self.lines if line.reason == COUNTED)

    def left_out(self) -> tuple[Line, ...]:
        """The lines not added, each with its reason."""
        return tuple(line for line in self.lines if line.reason != COUNTED)

    def total(self, unit: str) -> Total | None:
        """The total in ``unit``, if any."""
        return next((t for t in self.totals if t.unit == unit), None)


def weakest(qualifiers: Iterable[str]) -> str:
    """The qualifier of a sum: "exact" + "over" is "over", "over" + "at_least" is "at_least",
    "approx" with a lower bound is "at_least_approx", anything else with "approx" is "approx",
    and a lower bound mixed with an upper bound is "approx" too.
    """
    found = {q or "exact" for q in qualifiers}
    if not found or found == {"exact"}:
        return "exact"
    if found & {"over", "at_least", "at_least_approx"} and found & {"up_to", "almost"}:
        return "approx"
    if found & {"approx", "at_least_approx"}:
        # A lower bound with an approximate part is still a lower bound: "about 439" for 1 of 5
        # engagements read as the total; "at least c. 439" does not.
        return "at_least_approx" if found & {"over", "at_least", "at_least_approx"} else "approx"
    for q in ("up_to", "almost", "at_least", "over"):
        if q in found:
            return q
    return "approx"
