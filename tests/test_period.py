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
    ("99999999999", None, None, "expected YYYY"),
    ("2023-2013", None, None, "ends"),
    ("2030", None, None, "within"),
    (None, "2020-13", None, "month must be"),
    ("2019", "2019-01", None, "not both"),
    ("20x9", None, None, "expected YYYY"),
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
