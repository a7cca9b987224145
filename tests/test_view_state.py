from hypothesis import given
from hypothesis import strategies as st

from layers.view_state import (
    LAYERS,
    Options,
    ViewState,
    default_state,
    parse_query,
    state_from_values,
    to_query,
)

OPTIONS = Options(
    years=(2012, 2025),
    regions=frozenset({"ML-1", "ML-5", "ML-BKO"}),
    donors=frozenset({"EU", "Netherlands", "France", "EU and EUCAP Sahel Mali, with the Government of Mali"}),
    actors=frozenset({"eu_csdp", "un"}),
    sectors=frozenset({"training", "policing"}),
    engagements=frozenset({"EUTM-MALI", "MINUSMA"}),
)

states = st.builds(
    ViewState,
    year=st.integers(2012, 2025),
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
    state = ViewState(year=2019, regions=("ML-5",), lang="fr", selected="EUTM-MALI")
    assert to_query(state, OPTIONS) == "?year=2019&lang=fr&region=ML-5&sel=EUTM-MALI"


def test_unknown_values_are_dropped_and_reported():
    state = parse_query("?year=1850&region=ML-5,ML-99,<script>&lang=xx&sel=NOPE&metric=idp", OPTIONS)
    assert state.year == 2025 and state.regions == ("ML-5",) and state.lang == "en" and state.selected == ""
    assert set(state.ignored) == {"year=1850", "region=ML-99", "region=<script>", "lang=xx", "sel=NOPE"}


@given(st.text(max_size=300))
def test_any_query_string_parses_to_a_valid_state(query):
    state = parse_query(query, OPTIONS)
    assert 2012 <= state.year <= 2025
    assert set(state.regions) <= OPTIONS.regions
    assert state.lang in ("en", "fr")


@given(st.dictionaries(st.sampled_from(["year", "lang", "regions", "donors", "layers", "search", "selected", "metric"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=80),
                                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))))
def test_hostile_control_values_never_raise(values):
    state = state_from_values(values, OPTIONS)
    assert isinstance(state, ViewState)
    assert len(state.regions) <= 50 and len(state.search) <= 80


def test_donor_names_with_commas_survive_the_url():
    donor = "EU and EUCAP Sahel Mali, with the Government of Mali"
    state = ViewState(year=2024, donors=("EU", donor))
    query = to_query(state, OPTIONS)
    assert parse_query(query, OPTIONS) == state
    assert parse_query(query, OPTIONS).ignored == ()
