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
    ("?year=2013-2030", "within"),
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
