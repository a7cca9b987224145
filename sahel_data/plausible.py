"""Plausibility: values that are well formed but absurd for this subject are problems too.

A budget of 1.7e308 EUR, a contingent of ten million soldiers, a count of displaced people
larger than Mali's population or a figure dated next year all parse; each would put a false
number in front of a briefer. The limits are stated in ``data/README.md`` ("Plausibility"),
each an order of magnitude or more beyond anything the sources report, so a real figure never
meets them and a typo (extra zeros, a wrong year) does.
"""

from __future__ import annotations

from datetime import date

from sahel_data.problems import Problem
from sahel_data.schema import Table

# Largest amount one row may state, per currency. The largest in the data is 5 billion EUR (a
# multi-year EU pledge) and 310 billion XOF; 50 billion EUR is more than the EU's whole
# external-action budget for several years. XOF is pegged at 655.957 per euro.
MAX_AMOUNT = {"EUR": 50e9, "USD": 50e9, "XOF": 33e12}
AMOUNT_COLUMNS = {"amount": "currency", "amount_eur": "EUR", "budget_amount": "budget_currency", "budget_eur": "EUR"}
# People in one engagement (a head count, ceiling or planned strength): MINUSMA, the largest,
# was authorised 15,209; Mali's own armed forces are about 40,000.
MAX_STRENGTH = 100_000
STRENGTH_COLUMNS = ("personnel_peak", "personnel_ceiling")
# Per indicator kind (indicators.csv), the most a value may be; kinds not listed are strengths.
MAX_INDICATOR = {"trainees_cumulative": 1_000_000, "units": 10_000, "contributing_countries": 193}
# Displaced people in one area at one date: Mali has about 23 million inhabitants; the
# largest count in the data is 440,436 (the Sahel's largest, Burkina Faso, about 2 million).
MAX_IDPS = 10_000_000
# No date of this subject is before Mali's independence (sources may be older documents).
MIN_PLAUSIBLE_YEAR = 1960
# Planned ends and pledges may lie ahead, but not by more than this many years.
MAX_YEARS_AHEAD = 25
# Dates of things observed (a count, a figure, an event, a publication) cannot lie in the future.
OBSERVED_DATES = {"idp_counts": "date", "indicators": "date", "events": "date", "sources": "published"}


def plausibility_problems(table: Table, line: int, row: dict[str, str], today: date) -> list[Problem]:
    """Every implausible value of one row (cells that fail their format are skipped: reported there)."""
    name = table.file
    found: list[Problem] = []
    for column, currency_col in AMOUNT_COLUMNS.items():
        number = _number(row.get(column, ""))
        if number is None:
            continue
        currency = currency_col if currency_col == "EUR" else row.get(currency_col, "")
        if number == 0:
            found.append(Problem(name, line, column, row[column],
                                 "an amount above 0 (leave it empty when it is unknown: unknown is never zero)"))
        elif currency in MAX_AMOUNT and number > MAX_AMOUNT[currency]:
            found.append(Problem(name, line, column, row[column],
                                 f"at most {MAX_AMOUNT[currency]:,.0f} {currency} for one row (plausibility: extra zeros?)"))
    for column in STRENGTH_COLUMNS:
        number = _number(row.get(column, ""))
        if number is not None and number > MAX_STRENGTH:
            found.append(Problem(name, line, column, row[column], f"at most {MAX_STRENGTH:,} people (plausibility: extra zeros?)"))
    if table.name == "indicators":
        number = _number(row.get("value", ""))
        limit = MAX_INDICATOR.get(row.get("indicator", ""), MAX_STRENGTH)
        if number is not None and number > limit:
            found.append(Problem(name, line, "value", row["value"],
                                 f"at most {limit:,} for {row.get('indicator') or 'an indicator'} (plausibility: extra zeros?)"))
    if table.name == "idp_counts":
        number = _number(row.get("count", ""))
        if number is not None and number > MAX_IDPS:
            found.append(Problem(name, line, "count", row["count"], f"at most {MAX_IDPS:,} people in one area (plausibility)"))
    found += _dates(table, line, row, today)
    return found


def _dates(table: Table, line: int, row: dict[str, str], today: date) -> list[Problem]:
    found = []
    observed = OBSERVED_DATES.get(table.name)
    for column in (c.name for c in table.columns if c.kind == "date"):
        text = row.get(column, "")
        year = int(text[:4]) if len(text) >= 4 and text[:4].isascii() and text[:4].isdigit() else None  # noqa: PLR2004
        if year is None:
            continue
        if year < MIN_PLAUSIBLE_YEAR and column != "published":
            found.append(Problem(table.file, line, column, text, f"a year from {MIN_PLAUSIBLE_YEAR} (plausibility: a typo?)"))
        elif column == observed and text > today.isoformat()[: len(text)]:
            found.append(Problem(table.file, line, column, text,
                                 f"a date on or before today, {today.isoformat()} (something observed cannot be dated later)"))
        elif year > today.year + MAX_YEARS_AHEAD:
            found.append(Problem(table.file, line, column, text,
                                 f"a year up to {today.year + MAX_YEARS_AHEAD} (plausibility: a typo?)"))
    return found


def _number(text: str) -> float | None:
    """The number in a cell that passed its format check, else ``None`` (empty or malformed)."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None
