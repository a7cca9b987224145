"""The time model's one grammar: year=YYYY, year=YYYY-YYYY, from=/to= months."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from layers.period import Month, Period, PeriodError, parse_period

BOUNDS = (Month(2012, 1), Month(2026, 12))


@pytest.mark.parametrize(("year", "start", "end", "expected"), [
    ("2019", None, None, Period(Month(2019, 1), Month(2019, 12))),
    ("2013-2023", None, None, Period(Month(2013, 1), Month(2023, 12))),
    (None, "2020-03", "2020-06", Period(Month(2020, 3), Month(2020, 6))),
    (None, "2020-05", "2020-05", Period(Month(2020, 5), Month(2020, 5))),
    (None, "2020-05", None, Period(Month(2020, 5), Month(2020, 5))),
    (None, "2019", "2020-06", Period(Month(2019, 1), Month(2020, 6))),
    (None, "2019", None, Period(Month(2019, 1), Month(2019, 12))),
])
def test_grammar(year, start, end, expected):
    assert parse_period(year, start, end, BOUNDS) == expected


@pytest.mark.parametrize(("year", "start", "end", "message"), [
    ("99999999999", None, None, "is not YYYY or YYYY-YYYY"),
    ("2023-2013", None, None, "ends"),
    ("2030", None, None, "starts after the data's latest month"),
    (None, "2020-13", None, "month must be"),
    ("2019", "2019-01", None, "not both"),
    ("20x9", None, None, "is not YYYY or YYYY-YYYY"),
])
def test_bad_periods_are_refused_with_a_reason(year, start, end, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(year, start, end, BOUNDS)


def test_canonical_params_and_labels():
    assert Period.year(2019).params() == [("year", "2019")]
    assert Period.year(2013, 2023).params() == [("year", "2013-2023")]
    assert Period(Month(2020, 3), Month(2020, 6)).params() == [("from", "2020-03"), ("to", "2020-06")]
    assert Period(Month(2020, 5), Month(2020, 5)).label("en") == "May 2020"
    assert Period(Month(2020, 3), Month(2020, 6)).label("fr") == "mars–juin 2020"
    assert Period.year(2013, 2023).label("en") == "2013–2023"


def test_figures_stand_at_the_period_end_or_today():
    assert Period(Month(2020, 3), Month(2020, 6)).as_at(date(2026, 11, 30)) == pd.Timestamp("2020-06-30")
    assert Period.year(2026).as_at(date(2026, 11, 30)) == pd.Timestamp("2026-11-30")


@pytest.mark.parametrize(("year", "start", "end", "message"), [
    ("\u0662\u0660\u0661\u0669", None, None, "ASCII digits"),  # Arabic-Indic 2019
    ("2019\n", None, None, "ASCII digits"),  # a trailing newline ($ matched before it)
    ("2013-2023\n", None, None, "ASCII digits"),
    (None, "\u0662\u0660\u0661\u0669-03", "2020-06", "ASCII digits"),
    (None, "2019-03", "2020-06\n", "ASCII digits"),
    (None, "2019-\u0660\u0663", None, "ASCII digits"),
])
def test_only_ascii_digits_and_nothing_after_them(year, start, end, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(year, start, end, BOUNDS)


@pytest.mark.parametrize(("year", "start", "end", "message"), [
    (None, "", "2020-06", "from= given without a value"),  # was Jan 2012 - Jun 2020
    (None, "2019-03", "", "to= given without a value"),
    ("", None, None, "year= given without a value"),
    (None, None, "2020-06", "to= needs from="),  # was Jan 2012 - Jun 2020, undocumented
])
def test_empty_values_and_to_alone_are_refused(year, start, end, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(year, start, end, BOUNDS)


NOVEMBER_2026 = (Month(2012, 1), Month(2026, 11))  # the app's bounds on 30 Nov 2026


@pytest.mark.parametrize(("start", "end"), [("2026-12", "2026-12"), ("2026-12", None), ("2026-12", "2026")])
def test_a_period_that_starts_after_the_current_month_is_refused(start, end):
    with pytest.raises(PeriodError, match=r"starts after the data's latest month, 2026-11"):
        parse_period(None, start, end, NOVEMBER_2026)


@pytest.mark.parametrize(("year", "start"), [("2030", None), ("2027-2030", None), (None, "2030"), (None, "2027-01")])
def test_a_period_wholly_after_the_data_is_refused_as_that_not_as_out_of_range(year, start):
    """The reason names the data's latest month, as the accepted values do ("from 2012-01 to
    2026-11"); before, "year=2030" read "the period must lie within 2012-01 and 2026-12"."""
    with pytest.raises(PeriodError, match=r"^starts after the data's latest month, 2026-11"):
        parse_period(year, start, None, NOVEMBER_2026)


def test_a_period_partly_outside_the_calendar_says_between_which_months():
    with pytest.raises(PeriodError, match=r"^the period must lie between 2012-01 and 2026-12$"):
        parse_period("2011-2013", None, None, NOVEMBER_2026)
    with pytest.raises(PeriodError, match=r"^the period must lie between 2012-01 and 2026-12$"):
        parse_period(None, "2026-01", "2027-03", NOVEMBER_2026)


def test_a_period_that_starts_by_the_current_month_may_run_on_to_the_end_of_the_year():
    assert parse_period("2026", None, None, NOVEMBER_2026) == Period.year(2026)
    assert parse_period(None, "2026-11", "2026-12", NOVEMBER_2026) == Period(Month(2026, 11), Month(2026, 12))
    assert parse_period(None, "2026", None, NOVEMBER_2026) == Period.year(2026)
    with pytest.raises(PeriodError, match="starts after the data's latest month, 2026-11"):
        parse_period("2027", None, None, NOVEMBER_2026)
