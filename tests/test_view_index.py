"""The array index answers exactly what the reference rules in ``layers.view_model`` answer.

Checked for every year and for many filter states (hypothesis), on the shipped data and on a
seeded synthetic x3 copy whose jittered dates exercise more overlaps than the real tables.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import make_scaled_data
from layers import view_model as vm
from layers.view_index import ViewIndex, effective_ends
from layers.view_state import ViewState
from sahel_data.load import DEFAULT_DATA_DIR, load_catalog
from tests.conftest import TODAY


@pytest.fixture(scope="module", params=["shipped", "synthetic-x3"])
def world(request, tmp_path_factory):
    """(tables, index, options) for the shipped data and a synthetic x3 copy."""
    from dashboard.view import build_app_data

    if request.param == "shipped":
        catalog = load_catalog(DEFAULT_DATA_DIR)
    else:
        catalog = load_catalog(make_scaled_data(DEFAULT_DATA_DIR, Path(tmp_path_factory.mktemp("x3")) / "data", 3))
    app = build_app_data(catalog, TODAY)
    return app.tables, app.index, app.options, list(app.map_base.region_names)


def reference(tables: dict[str, pd.DataFrame], state: ViewState, codes: list[str]) -> dict:
    at = vm.as_of_date(state.year, TODAY)
    active = vm.filter_engagements(tables, state, at)
    budgets = vm.budgets_at(tables, active, at)
    split = vm.budget_by_region(tables, active, codes, at, budgets)
    shown = set(active["engagement_id"]) | ({state.selected} if state.selected else set())
    return {
        "ids": list(active["engagement_id"]), "area": list(active["area"]),
        "counts": list(vm.engagements_by_region(active, codes)["value"]),
        "split": split, "figures": vm.key_figures(tables, active, state, at, budgets),
        "sites": list(vm.active_sites(tables, shown, at)["site_id"]),
    }


def fast(tables: dict[str, pd.DataFrame], index: ViewIndex, state: ViewState, codes: list[str]) -> dict:
    facts = index.year(state.year)
    positions = index.selection(state)
    active = index.active_frame(positions)
    shown = [*index.ids[positions], *([state.selected] if state.selected else [])]
    return {
        "ids": list(active["engagement_id"]), "area": index.areas(positions, facts),
        "counts": list(index.region_counts(positions, facts, codes)["value"]),
        "split": index.budget_split(positions, facts, codes), "figures": index.key_figures(positions, facts, state),
        "sites": list(tables["sites"].loc[index.sites_of(shown, facts.at), "site_id"]),
    }


def assert_same(ours: dict, ref: dict) -> None:
    assert ours["ids"] == ref["ids"]
    assert ours["area"] == ref["area"]
    assert ours["counts"] == ref["counts"]
    assert ours["sites"] == ref["sites"]
    assert list(ours["split"].by_region["value"]) == pytest.approx(list(ref["split"].by_region["value"]), rel=1e-9)
    assert (ours["split"].national, ours["split"].multi_country) == pytest.approx(
        (ref["split"].national, ref["split"].multi_country), rel=1e-9)
    a, b = ours["figures"], ref["figures"]
    assert a.budget_period_total == pytest.approx(b.budget_period_total, rel=1e-9)
    assert a == vm.KeyFigures(**{**b.__dict__, "budget_period_total": a.budget_period_total})


def test_every_year_unfiltered_matches_the_reference(world):
    tables, index, options, codes = world
    for year in range(options.years[0], options.years[1] + 1):
        for metric in ("engagements", "budget"):
            state = ViewState(year=year, metric=metric)
            assert_same(fast(tables, index, state, codes), reference(tables, state, codes))


@st.composite
def states(draw, options):
    return ViewState(
        year=draw(st.integers(*options.years)),
        regions=tuple(draw(st.lists(st.sampled_from(sorted(options.regions)), max_size=3, unique=True))),
        donors=tuple(draw(st.lists(st.sampled_from(sorted(options.donors)), max_size=2, unique=True))),
        actors=tuple(draw(st.lists(st.sampled_from(sorted(options.actors)), max_size=2, unique=True))),
        sectors=tuple(draw(st.lists(st.sampled_from(sorted(options.sectors)), max_size=2, unique=True))),
        search=draw(st.sampled_from(["", "eutm", "MINUSMA", "Mission", "é", "zzz"])),
        selected=draw(st.sampled_from(["", *sorted(options.engagements)[:40]])),
    )


def test_filtered_views_match_the_reference(world):
    tables, index, options, codes = world

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(states(options))
    def check(state):
        assert_same(fast(tables, index, state, codes), reference(tables, state, codes))

    check()


def test_budget_of_one_engagement_matches_the_reference(world):
    tables, index, options, _ = world
    for year in (2013, 2016, 2020, options.years[1]):
        facts = index.year(year)
        for eid in index.ids:
            assert index.budget(eid, facts) == vm.engagement_budget(tables, eid, facts.at)
            assert index.area(eid, facts) == vm.engagement_area(tables, eid, facts.at)


def test_effective_ends_match_the_reference(world):
    tables, *_ = world
    mandates = tables["mandates"]
    ours = effective_ends(mandates)
    for (_, row), end in zip(mandates.iterrows(), ours, strict=True):
        ref = next(m for m in vm._with_effective_end(mandates, row["engagement_id"]) if m["mandate_id"] == row["mandate_id"])
        assert (pd.isna(end) and pd.isna(ref["effective_end"])) or end == ref["effective_end"]


def test_an_open_ended_amendment_ends_when_the_next_mandate_starts():
    mandates = pd.DataFrame({
        "engagement_id": ["E", "E", "E", "F"],
        "start_date": pd.to_datetime(["2020-01-01", "2020-06-01", "2021-01-01", "2020-01-01"]),
        "end_date": pd.to_datetime(["2020-12-31", None, None, None]),
    })
    ends = effective_ends(mandates)
    assert ends[0] == pd.Timestamp("2020-12-31")  # a stated end is kept
    assert ends[1] == pd.Timestamp("2020-12-31")  # the day before the next row starts
    assert pd.isna(ends[2]) and pd.isna(ends[3])  # nothing later: open
