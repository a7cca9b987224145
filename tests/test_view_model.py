"""The view model's rules (data/README.md) on tiny inline frames and on the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from layers import view_model as vm
from layers.view_state import ViewState, parse_query
from tests.builders import make_tables

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


def test_budget_takes_one_basis_and_never_adds_components():
    # E1: two period totals (10 M + 4 M), a component of them (5 M) and a pledge (100 M).
    # Hand-worked: period totals win over pledges; the component is part of the 14 M already.
    tables = make_tables(
        engagements=[{"engagement_id": "E1", "kind": "trust_fund_project", "scope": "national"}],
        funding=[
            {"funding_id": "F1", "engagement_id": "E1", "amount": "10000000", "currency": "EUR", "amount_eur": "10000000",
             "basis": "period_total", "is_component": "false", "source_ids": "S-A"},
            {"funding_id": "F2", "engagement_id": "E1", "amount": "4000000", "currency": "EUR", "amount_eur": "4000000",
             "basis": "period_total", "is_component": "false", "source_ids": "S-B"},
            {"funding_id": "F3", "engagement_id": "E1", "amount": "5000000", "currency": "EUR", "amount_eur": "5000000",
             "basis": "period_total", "is_component": "true", "source_ids": "S-C"},
            {"funding_id": "F4", "engagement_id": "E1", "amount": "100000000", "currency": "EUR", "amount_eur": "100000000",
             "basis": "pledge", "is_component": "false", "source_ids": "S-D"},
        ],
    )
    budget = vm.engagement_budget(tables, "E1", T("2020-12-31"))
    assert budget == vm.Budget(14_000_000.0, "period_total", ("S-A", "S-B"))


def test_budget_of_the_mandate_in_force_wins_over_funding():
    tables = make_tables(
        engagements=[{"engagement_id": "E1", "kind": "csdp_military_mission", "scope": "national",
                      "start_date": "2018", "end_date": "2021"}],
        mandates=[{"mandate_id": "M1", "engagement_id": "E1", "number": "1", "start_date": "2018-01-01",
                   "end_date": "2019-12-31", "legal_basis": "x", "budget_amount": "30000000", "budget_currency": "EUR",
                   "budget_eur": "30000000", "budget_basis": "period_total", "source_ids": "S-M1"}],
        funding=[{"funding_id": "F1", "engagement_id": "E1", "amount_eur": "7000000", "amount": "7000000", "currency": "EUR",
                  "basis": "annual", "is_component": "false", "source_ids": "S-F"}],
    )
    assert vm.engagement_budget(tables, "E1", T("2019-06-30")) == vm.Budget(30_000_000.0, "period_total", ("S-M1",))
    # After the mandate ends, only the (annual) funding row is left.
    assert vm.engagement_budget(tables, "E1", T("2020-06-30")) == vm.Budget(7_000_000.0, "annual", ("S-F",))


def test_idp_polygon_sums_the_latest_preferred_count_of_each_area():
    # Mopti (ML-5) draws the newer region Bandiagara (ML-BDG) inside it.
    # Hand-worked for 2022: Mopti's latest preferred count is 150 (Sep), not 100 (Mar) nor the
    # non-preferred 999; Bandiagara's is 40 (Jun); the polygon shows 150 + 40 = 190.
    tables = make_tables(
        regions=[{"region_code": "ML-5", "name_fr": "Mopti", "name_en": "Mopti", "kind": "region", "drawn_as": "ML-5"},
                 {"region_code": "ML-BDG", "name_fr": "Bandiagara", "name_en": "Bandiagara", "kind": "new_region",
                  "drawn_as": "ML-5"}],
        idp_counts=[
            {"idp_id": "A", "date": "2022-03", "area_code": "ML-5", "count": "100", "preferred": "true"},
            {"idp_id": "B", "date": "2022-09", "area_code": "ML-5", "count": "150", "preferred": "true"},
            {"idp_id": "C", "date": "2022-09", "area_code": "ML-5", "count": "999", "preferred": "false"},
            {"idp_id": "D", "date": "2022-06", "area_code": "ML-BDG", "count": "40", "preferred": "true"},
            {"idp_id": "E", "date": "2021-12", "area_code": "ML-BDG", "count": "70", "preferred": "true"},
        ],
    )
    row = vm.idp_by_region(tables, 2022).set_index("region_code").loc["ML-5"]
    assert row["value"] == 190
    assert row["date_text"] == "2022-06 / 2022-09"
    assert row["members"] == ("ML-5", "ML-BDG")
    assert vm.idp_by_region(tables, 2020).empty  # nothing carried forward into a year with no count


def test_budget_total_adds_period_totals_only():
    # Hand-worked for 2019: E1 period total 10 M is added; E2's annual 3 M and the fund's
    # 1,000 M are not; E3 has no figure (unknown). Total 10 M, 1 known, 1 unknown, 1 fund.
    engagements = [
        {"engagement_id": "E1", "kind": "bilateral_project", "scope": "national", "start_date": "2018", "end_date": "2020"},
        {"engagement_id": "E2", "kind": "bilateral_project", "scope": "national", "start_date": "2018", "end_date": "2020"},
        {"engagement_id": "E3", "kind": "bilateral_project", "scope": "national", "start_date": "2018", "end_date": "2020"},
        {"engagement_id": "FUND", "kind": "trust_fund", "scope": "national", "start_date": "2015", "status": "active"},
    ]
    funding = [
        {"funding_id": "F1", "engagement_id": "E1", "amount_eur": "10000000", "basis": "period_total", "is_component": "false"},
        {"funding_id": "F2", "engagement_id": "E2", "amount_eur": "3000000", "basis": "annual", "is_component": "false"},
        {"funding_id": "F3", "engagement_id": "FUND", "amount_eur": "1000000000", "basis": "period_total", "is_component": "false"},
    ]
    tables = make_tables(engagements=[{"status": "ended", **e} for e in engagements], funding=funding)
    state = ViewState(year=2019)
    active = vm.filter_engagements(tables, state, T("2019-12-31"))
    figures = vm.key_figures(tables, active, state, T("2019-12-31"))
    assert (figures.budget_period_total, figures.budget_known, figures.budget_unknown) == (10_000_000.0, 1, 1)
    assert (figures.active, figures.funds) == (3, 1)


def test_vectorised_activity_matches_the_scalar_rule(tables):
    eng = tables["engagements"]
    for year in range(2012, 2026):
        mask = vm.active_mask(eng, year)
        scalar = [vm.is_active_in(s, e, st, year) for s, e, st in zip(eng["start_date"], eng["end_date"], eng["status"], strict=True)]
        assert list(mask) == scalar, year
