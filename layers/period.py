"""The time model: a view covers a *period* of whole months, and its figures stand "as at" its end.

One grammar, used by the URL, the state, the exports, the CLI and the briefing files:

* ``year=2019``: the calendar year (January to December 2019);
* ``year=2013-2023``: several whole years;
* ``from=2020-03&to=2020-06``: months, both ends included (``from=2020-05&to=2020-05`` is May 2020);
  a bare year is allowed on either side (``from=2019&to=2020-06``); ``from=`` alone is one month
  (``from=2020-05``) or one year (``from=2019``); ``to=`` needs ``from=``.

Years and months are ASCII digits (``[0-9]``), the whole value and nothing else. A period may
start no later than the data's latest month (the upper bound of ``bounds``: the month of the
latest dated row, never after today) and run on to the end of that month's year: with data as of
February 2026, ``year=2026`` is accepted, but June 2026 alone starts after the data and is refused
(its figures would stand before it begins).

Engagements active at any time in the period are listed; figures (money in force, strengths,
displacement) are shown *as at* the period's last day, or at the data's date when the period runs
on past it: the data cannot say what held after its latest dated figure (a mandate's recorded end
may since have been renewed), so "as at today" would state as current what is only unrecorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}
# Matched with fullmatch and [0-9]: "\d" takes other scripts' digits and "$" a trailing newline.
_YEAR_RE = re.compile(r"([0-9]{4})")
_YEARS_RE = re.compile(r"([0-9]{4})-([0-9]{4})")
_MONTH_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?")


class PeriodError(ValueError):
    """A period parameter that is malformed or out of range; the message says what is accepted."""


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def of(cls, when: pd.Timestamp | date) -> Month:
        """The month a date falls in."""
        return cls(when.year, when.month)

    @property
    def first_day(self) -> pd.Timestamp:
        """Its first day."""
        return pd.Timestamp(self.year, self.month, 1)

    @property
    def last_day(self) -> pd.Timestamp:
        """Its last day."""
        return self.first_day + pd.offsets.MonthEnd(0)

    def iso(self) -> str:
        """``YYYY-MM``."""
        return f"{self.year:04d}-{self.month:02d}"

    def label(self, lang: str) -> str:
        """"May 2020" / "mai 2020"."""
        return f"{MONTHS.get(lang, MONTHS['en'])[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (both included)."""

    first: Month
    last: Month

    @classmethod
    def year(cls, first: int, last: int | None = None) -> Period:
        """Whole calendar years ``first``..``last``."""
        return cls(Month(first, 1), Month(last if last is not None else first, 12))

    @property
    def start(self) -> pd.Timestamp:
        """The first day of the period."""
        return self.first.first_day

    @property
    def end(self) -> pd.Timestamp:
        """The last day of the period."""
        return self.last.last_day

    @property
    def whole_years(self) -> bool:
        """Whether the period is whole calendar years (``year=`` in a link)."""
        return self.first.month == 1 and self.last.month == 12  # noqa: PLR2004  (December)

    def as_at(self, latest: date | pd.Timestamp) -> pd.Timestamp:
        """The date the view's figures stand for: the period's last day, or ``latest`` (the
        data's date, never after today) if sooner.
        """
        return min(self.end, pd.Timestamp(latest))

    def params(self) -> list[tuple[str, str]]:
        """The canonical URL parameters of the period."""
        if self.whole_years:
            if self.first.year == self.last.year:
                return [("year", str(self.first.year))]
            return [("year", f"{self.first.year}-{self.last.year}")]
        return [("from", self.first.iso()), ("to", self.last.iso())]

    def label(self, lang: str) -> str:
        """The period in words: "2019", "2013–2023", "May 2020", "Mar–Jun 2020", "Mar 2020 – Jun 2021"."""
        if self.whole_years:
            return str(self.first.year) if self.first.year == self.last.year else f"{self.first.year}–{self.last.year}"
        if self.first == self.last:
            return self.first.label(lang)
        if self.first.year == self.last.year:
            names = MONTHS.get(lang, MONTHS["en"])
            return f"{names[self.first.month - 1]}–{names[self.last.month - 1]} {self.last.year}"
        return f"{self.first.label(lang)} – {self.last.label(lang)}"

    def shifted_years(self, years: int) -> Period:
        """The same months ``years`` later (play steps a period forward)."""
        return Period(Month(self.first.year + years, self.first.month), Month(self.last.year + years, self.last.month))


def _month(text: str, *, end: bool) -> Month:
    m = _MONTH_RE.fullmatch(text)
    if not m:
        raise PeriodError(f"{text!r} is not YYYY or YYYY-MM (ASCII digits 0-9)")
    month = int(m.group(2)) if m.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:  # noqa: PLR2004  (months of a year)
        raise PeriodError(f"{text!r}: month must be 01 to 12")
    return Month(int(m.group(1)), month)


def parse_period(year: str | None, start: str | None, end: str | None, bounds: tuple[Month, Month]) -> Period:
    """The period of ``year=`` or ``from=``/``to=`` (strings as in a URL), within ``bounds``.

    ``bounds`` is (the first month a period may cover, the latest month it may start in: the
    data's latest month); a period may run on to the end of the latter's year. Raises
    :class:`PeriodError` naming what was wrong and what is accepted; never substitutes.
    """
    lo, hi = bounds
    limit = Month(hi.year, 12)
    given = {"year": year, "from": start, "to": end}
    empty = [name for name, value in given.items() if value == ""]
    if empty:
        names = " and ".join(f"{name}=" for name in empty)
        raise PeriodError(f"{names} given without a value: give a value or leave the parameter out")
    if year is not None and (start is not None or end is not None):
        raise PeriodError("give either year= or from=/to=, not both")
    if year is not None:
        if m := _YEAR_RE.fullmatch(year):
            period = Period.year(int(m.group(1)))
        elif m := _YEARS_RE.fullmatch(year):
            period = Period.year(int(m.group(1)), int(m.group(2)))
        else:
            raise PeriodError(f"{year!r} is not YYYY or YYYY-YYYY (ASCII digits 0-9)")
    elif start is None:
        raise PeriodError("to= needs from= (from=YYYY-MM&to=YYYY-MM)" if end is not None else "no period given")
    else:
        first = _month(start, end=False)
        if end is not None:
            last = _month(end, end=True)
        else:  # from= alone: that month, or that year
            last = Month(first.year, 12) if len(start) == 4 else first  # noqa: PLR2004  (YYYY)
        period = Period(first, last)
    if period.last < period.first:
        raise PeriodError("ends before it starts")
    # A period that starts after the data's latest month is refused as that, wherever it ends:
    # "year=2030" had read "must lie within 2012-01 and 2026-12" beside "from ... to 2026-02".
    if period.first > hi:
        raise PeriodError(f"starts after the data's latest month, {hi.iso()}: no figures stand for it yet")
    if period.first < lo or period.last > limit:
        raise PeriodError(f"the period must lie between {lo.iso()} and {limit.iso()}")
    return period
