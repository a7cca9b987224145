"""The view model's rules (data/README.md) on tiny inline frames and on the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from layers import view_model as vm
from layers.view_state import ViewState, parse_query

T = pd.Timestamp


@pytest.mark.parametrize(("start", "end", "status", "year", "expected"), [
    (T("2013-02-18"), T("2024-05-18"), "ended", 2024, True),
    (T("2013-02-18"), T("2024-05-18"), "ended", 2025, False),
    (pd.NaT, pd.NaT, "unknown", 2019, False),  # undated: never counted in a year
    (pd.NaT, T("2024-12-31"), "ended", 2024, True),  # only the end is known: its year only
    (pd.NaT, T("2024-12-31"), "ended", 2023, False),
    (T("2016-01-01"), pd.NaT, "unknown", 2020, True),  # open-ended
    (T("2016-01-01"), pd.NaT, "ended", 2020, False),  # ended, end unknown: start year only
])
def test_active_in_year(start, end, status, year, expected):
    assert vm.is_active_in(start, end, status, year) is expected


def _mandates() -> pd.DataFrame:
    return pd.DataFrame({
        "mandate_id": ["M1", "M1A", "M2"], "engagement_id": ["E", "E", "E"],
        "start_date": [T("2019-02-21"), T("2019-05-13"), T("2021-01-15")],
        "end_date": [T("2021-01-14"), pd.NaT, T("2023-01-31")],
        "area_regions": [("ML-1",), ("ML-1", "ML-5"), ("ML-7",)],
        "budget_eur": [67e6, None, 89e6],
    })


def test_amendment_without_end_stops_at_next_mandate():
    mandates = _mandates()
    assert vm.mandate_in_force(mandates, "E", T("2020-06-01"), need="area_regions")["mandate_id"] == "M1A"
    assert vm.mandate_in_force(mandates, "E", T("2022-06-01"), need="area_regions")["mandate_id"] == "M2"
    assert vm.mandate_in_force(mandates, "E", T("2025-06-01"), need="area_regions") is None
    assert vm.mandate_in_force(mandates, "E", T("2020-06-01"), need="budget_eur")["mandate_id"] == "M1"


def test_shipped_briefing_scenes_parse_cleanly(catalog, app_data):
    for briefing in catalog.briefings.values():
        for scene in briefing.scenes:
            assert parse_query(scene.view, app_data.options).ignored == (), scene.view


def test_mopti_2019(tables):
    active = vm.filter_engagements(tables, ViewState(year=2019, regions=("ML-5",)), T("2019-12-31"))
    ids = set(active["engagement_id"])
    assert {"EUTM-MALI", "MINUSMA", "PARSEC"} <= ids
    assert "EUTM-CAR" not in ids and "EUTM-SOMALIA" not in ids  # comparators outside the Sahel
    assert not set(active["parent_id"]) - {""}  # components are never listed beside their parent


def test_budget_excludes_components_and_other_bases(tables):
    funding = tables["funding"]
    parents = set(tables["engagements"].loc[tables["engagements"]["parent_id"] != "", "parent_id"])
    for parent in parents:
        budget = vm.engagement_budget(tables, parent, T("2024-12-31"))
        own = funding[(funding["engagement_id"] == parent) & ~funding["is_component"] & (funding["basis"] == budget.basis)]
        if budget.amount_eur is not None and not own.empty and budget.source_ids:
            assert budget.amount_eur == pytest.approx(float(own["amount_eur"].sum()))


def test_idp_polygon_sums_latest_count_of_each_area(tables):
    values = vm.idp_by_region(tables, 2022).set_index("region_code")
    idp = tables["idp_counts"]
    rows = idp[idp["preferred"] & (idp["date"].dt.year == 2022)]
    drawn = vm.drawn_region_codes(tables["regions"])
    rows = rows[rows["area_code"].map(drawn) == "ML-5"].sort_values("date").groupby("area_code").tail(1)
    assert values.loc["ML-5", "value"] == float(rows["count"].sum())
    assert len(rows) >= 1


def test_fixed_total_never_mixes_bases(tables):
    active = vm.filter_engagements(tables, ViewState(year=2019), T("2019-12-31"))
    figures = vm.key_figures(tables, active, ViewState(year=2019), T("2019-12-31"))
    expected = 0.0
    for eid, kind in zip(active["engagement_id"], active["kind"], strict=True):
        budget = vm.engagement_budget(tables, eid, T("2019-12-31"))
        if kind not in vm.NOT_ADDED_KINDS and budget.amount_eur is not None and budget.basis == "period_total":
            expected += budget.amount_eur
    assert figures.budget_period_total == pytest.approx(expected)
    assert "EUTF-AFRICA" in set(active["engagement_id"]) and figures.funds >= 1


def test_vectorised_activity_matches_the_scalar_rule(tables):
    eng = tables["engagements"]
    for year in range(2012, 2026):
        mask = vm.active_mask(eng, year)
        scalar = [vm.is_active_in(s, e, st, year) for s, e, st in zip(eng["start_date"], eng["end_date"], eng["status"], strict=True)]
        assert list(mask) == scalar, year
