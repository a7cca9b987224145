import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.period import Month, Period
from layers.view_state import (
    GEOS,
    LAYERS,
    Options,
    QueryError,
    ViewState,
    default_state,
    parse_query,
    parse_query_strict,
    state_from_controls,
    state_from_values,
    to_query,
)

OPTIONS = Options(
    months=(Month(2012, 1), Month(2025, 12)),
    regions=frozenset({"ML-1", "ML-5", "ML-BKO"}),
    donors=frozenset({"EU", "Netherlands", "France", "EU and EUCAP Sahel Mali, with the Government of Mali"}),
    actors=frozenset({"eu_csdp", "un"}),
    sectors=frozenset({"training", "policing"}),
    engagements=frozenset({"EUTM-MALI", "MINUSMA"}),
)

def _periods(draw_year: st.SearchStrategy[int]) -> st.SearchStrategy[Period]:
    months = st.builds(Month, draw_year, st.integers(1, 12))
    return st.tuples(months, months).map(lambda p: Period(min(p), max(p)))


states = st.builds(
    ViewState,
    period=_periods(st.integers(2012, 2025)),
    geo=st.lists(st.sampled_from(GEOS), min_size=1, unique=True).map(tuple),
    timeline=st.sampled_from(["period", "date"]),
    lang=st.sampled_from(["en", "fr"]),
    regions=st.lists(st.sampled_from(sorted(OPTIONS.regions)), unique=True).map(tuple),
    donors=st.lists(st.sampled_from(sorted(OPTIONS.donors)), unique=True).map(tuple),
    actors=st.lists(st.sampled_from(sorted(OPTIONS.actors)), unique=True).map(tuple),
    sectors=st.lists(st.sampled_from(sorted(OPTIONS.sectors)), unique=True).map(tuple),
    search=st.text(alphabet="abcdefgh XYZ-é", max_size=20).map(str.strip),
    metric=st.sampled_from(["idp", "budget", "engagements"]),
    layers=st.lists(st.sampled_from(LAYERS), unique=True).map(tuple),
    selected=st.sampled_from(["", "EUTM-MALI", "MINUSMA"]),
)


@given(states)
def test_url_round_trip_is_identity(state):
    assert parse_query(to_query(state, OPTIONS), OPTIONS) == state


def test_default_state_has_an_empty_query():
    assert to_query(default_state(OPTIONS), OPTIONS) == ""


def test_readable_query():
    state = ViewState(period=Period.year(2019), regions=("ML-5",), lang="fr", selected="EUTM-MALI")
    assert to_query(state, OPTIONS) == "?year=2019&lang=fr&region=ML-5&sel=EUTM-MALI"


def test_unknown_values_are_dropped_and_reported():
    state = parse_query("?year=1850&region=ML-5,ML-99,<script>&lang=xx&sel=NOPE&metric=idp&regoin=ML-5", OPTIONS)
    assert state.period == Period.year(2025) and state.regions == ("ML-5",) and state.lang == "en" and state.selected == ""
    assert {i.split(" ")[0] for i in state.ignored} == {"year=1850", "region=ML-99", "region=<script>", "lang=xx", "sel=NOPE",
                                                         "regoin=ML-5"}


@pytest.mark.parametrize(("query", "period"), [
    ("?year=2013-2023", Period.year(2013, 2023)),
    ("?from=2020-05&to=2020-05", Period(Month(2020, 5), Month(2020, 5))),
    ("?from=2020-03&to=2020-06", Period(Month(2020, 3), Month(2020, 6))),
])
def test_the_period_grammar_round_trips(query, period):
    state = parse_query(query, OPTIONS)
    assert state.period == period and state.ignored == ()
    assert to_query(state, OPTIONS) == query


@pytest.mark.parametrize(("query", "names"), [
    ("?year=99999999999", "year=99999999999"),
    ("?regoin=ML-5", "unknown parameter"),
    ("?year=2019&from=2019-01", "not both"),
    ("?year=2013-2030", "between 2012-01 and"),
])
def test_strict_parsing_refuses_and_names_the_problem(query, names):
    with pytest.raises(QueryError, match=names):
        parse_query_strict(query, OPTIONS)
    assert parse_query_strict("?year=2013-2023&format=png", OPTIONS, extra=frozenset({"format"})).period == Period.year(2013, 2023)


@given(st.text(max_size=300))
def test_any_query_string_parses_to_a_valid_state(query):
    state = parse_query(query, OPTIONS)
    assert Month(2012, 1) <= state.period.first <= state.period.last <= Month(2025, 12)
    assert set(state.regions) <= OPTIONS.regions
    assert state.lang in ("en", "fr")


@given(st.dictionaries(st.sampled_from(["year", "from", "to", "years", "month_from", "month_to", "lang", "regions", "donors",
                                        "layers", "geo", "search", "selected", "metric"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=80),
                                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))))
def test_hostile_control_values_never_raise(values):
    state = state_from_values(values, OPTIONS)
    assert isinstance(state, ViewState)
    assert len(state.regions) <= 50 and len(state.search) <= 80


def test_donor_names_with_commas_survive_the_url():
    donor = "EU and EUCAP Sahel Mali, with the Government of Mali"
    state = ViewState(period=Period.year(2024), donors=("EU", donor))
    query = to_query(state, OPTIONS)
    assert parse_query(query, OPTIONS) == state
    assert parse_query(query, OPTIONS).ignored == ()


# --- Strict parsing refuses what it used to accept (review B2); lenient reports it ---------------

BRIEFED = Options(months=OPTIONS.months, regions=OPTIONS.regions, donors=OPTIONS.donors, actors=OPTIONS.actors,
                  sectors=OPTIONS.sectors, engagements=OPTIONS.engagements, briefings=(("eu-mali", 6),))


@pytest.mark.parametrize(("query", "message"), [
    ("?year=2019&year=2020", r"^year=2019: year= given 2 times; expected year= once$"),
    ("?lang=en&lang=fr", r"^lang=en: lang= given 2 times; expected lang= once$"),
    ("?metric=idp&metric=budget", r"^metric=idp: metric= given 2 times; expected metric= once$"),
    ("?year=2019&sel=MINUSMA&sel=EUTM-MALI", r"^sel=MINUSMA: sel= given 2 times"),
    ("?from=&to=2020-06", r"^from=: given without a value; expected YYYY or YYYY-MM"),
    ("?to=2020-06", r"^to=2020-06: to= needs from="),
    ("?year=%D9%A2%D9%A0%D9%A1%D9%A9", r"^year=\u0662\u0660\u0661\u0669: .*ASCII digits"),  # Arabic-Indic digits
    ("?year=2019%0A", r"^year=2019\\n: .*ASCII digits"),  # trailing newline, shown escaped
    ("?q=" + "a" * 81, r"^q=a{20}…: longer than 80 characters; expected a search text of at most 80"),
    ("?year=2019&scene=2", r"^scene=2: without briefing=; expected scene= only with briefing="),
    ("?region=ML-5&region=ML-5", r"^region=ML-5: given twice; expected each value once$"),
    ("?region=ML-5,ML-5", r"^region=ML-5: given twice"),
    ("?region=", r"^region=: given without a value"),
    ("?briefing=eu-mali&scene=%D9%A3", r"^scene=\u0663: expected a scene number"),
])
def test_strict_parsing_refuses_ambiguous_or_altered_input(query, message):
    with pytest.raises(QueryError) as err:
        parse_query_strict(query, BRIEFED)
    assert any(re.search(message, p) for p in err.value.problems), err.value.problems


@pytest.mark.parametrize(("query", "reported", "period", "lang"), [
    ("?year=2019&year=2020", "year=2019 (year= given 2 times)", Period.year(2020), "en"),  # the last is used
    ("?lang=en&lang=fr&year=2019", "lang=en (lang= given 2 times)", Period.year(2019), "fr"),
    ("?from=&to=2020-06", "from= (given without a value)", Period.year(2025), "en"),  # was Jan 2012 - Jun 2020
    ("?to=2020-06", "to=2020-06 (to= needs from=", Period.year(2025), "en"),
    ("?year=2019%0A", "year=2019\\n (", Period.year(2025), "en"),
])
def test_lenient_parsing_reports_what_it_did_not_use(query, reported, period, lang):
    state = parse_query(query, OPTIONS)
    assert state.period == period and state.lang == lang
    assert any(item.startswith(reported) for item in state.ignored), state.ignored


def test_lenient_parsing_reports_a_cut_search_and_a_dropped_scene():
    long = parse_query("?q=" + "b" * 90, OPTIONS)
    assert long.search == "b" * 80 and long.ignored == ("q=" + "b" * 20 + "… (longer than 80 characters)",)
    assert parse_query("?scene=3", BRIEFED).ignored == ("scene=3 (without briefing=)",)
    assert parse_query("?region=ML-5&region=ML-5", OPTIONS).regions == ("ML-5",)
    assert parse_query("?region=ML-5&region=ML-5", OPTIONS).ignored == ("region=ML-5 (given twice)",)


@pytest.mark.parametrize(("accepted", "refused"), [
    ("?region=ML-5&region=ML-1", "?year=2019&year=2020"),  # list parameters may repeat; others may not
    ("?donor=EU&donor=France", "?lang=en&lang=fr"),
    (to_query(ViewState(period=Period.year(2019), layers=()), OPTIONS), "?year=2019&region="),  # layers= is "no layers"
    ("?briefing=eu-mali&scene=2", "?scene=2"),
    ("?from=2019&to=2020-06", "?to=2020-06"),
    ("?from=2020-05", "?from=&to=2020-05"),
])
def test_strict_parsing_refuses_only_what_the_grammar_does_not_allow(accepted, refused):
    assert parse_query_strict(accepted, BRIEFED) == parse_query(accepted, BRIEFED)
    assert parse_query(accepted, BRIEFED).ignored == ()
    with pytest.raises(QueryError):
        parse_query_strict(refused, BRIEFED)


# --- Controls: an invalid month range keeps the previous view (review B1) ---------------------

PREVIOUS = {**ViewState(period=Period.year(2019), regions=("ML-5",)).as_dict(), "ignored": []}


def test_an_invalid_month_range_from_the_controls_keeps_the_previous_view():
    controls = {"years": [2019, 2019], "month_from": 6, "month_to": 3, "regions": ["ML-1"], "lang": "en"}
    state, usable = state_from_controls(controls, PREVIOUS, OPTIONS)
    assert not usable
    assert state.period == Period.year(2019) and state.regions == ("ML-5",)  # the previous view, not the current year
    assert state.ignored == ("from=2019-06 to=2019-03 (ends before it starts)",)
    # The same months over two years are a valid period: the controls' view is used.
    state, usable = state_from_controls({**controls, "years": [2019, 2020]}, PREVIOUS, OPTIONS)
    assert usable and state.period == Period(Month(2019, 6), Month(2020, 3)) and state.regions == ("ML-1",)
    assert state.ignored == ()


# --- Future months (review B3): a period may not start after the current month ---------------

NOVEMBER = Options(months=(Month(2012, 1), Month(2025, 11)), regions=OPTIONS.regions, donors=OPTIONS.donors,
                   actors=OPTIONS.actors, sectors=OPTIONS.sectors, engagements=OPTIONS.engagements)


def test_a_period_starting_after_the_current_month_is_refused():
    with pytest.raises(QueryError, match=r"from=2025-12 to=2025-12: starts after the data's latest month, 2025-11"):
        parse_query_strict("?from=2025-12&to=2025-12", NOVEMBER)
    assert parse_query_strict("?year=2025", NOVEMBER).period == Period.year(2025)  # the year so far
    assert parse_query_strict("?from=2025-11&to=2025-12", NOVEMBER).period == Period(Month(2025, 11), Month(2025, 12))
    state, usable = state_from_controls({"years": [2025, 2025], "month_from": 12, "month_to": 12}, PREVIOUS, NOVEMBER)
    assert not usable and state.period == Period.year(2019)
