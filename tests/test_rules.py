"""The rules engine on small hand-made tables; every expected value is worked out by hand here.

Each test states the rule it checks (``data/README.md``, "Rules" and "Headlines") and the
arithmetic behind its expectation, so a change to a rule must change a test on purpose.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from layers.period import Month, Period
from layers.rules.engine import Engine
from layers.rules.headlines import weakest
from layers.view_state import ViewState
from tests.builders import make_tables

T = pd.Timestamp
TODAY = date(2026, 11, 30)
REGIONS = [
    {"region_code": "ML", "name_fr": "Mali", "name_en": "Mali", "kind": "country", "drawn_as": "MLI"},
    {"region_code": "ML-5", "name_fr": "Mopti", "name_en": "Mopti", "kind": "region", "drawn_as": "ML-5"},
    {"region_code": "ML-7", "name_fr": "Gao", "name_en": "Gao", "kind": "region", "drawn_as": "ML-7"},
    {"region_code": "ML-9", "name_fr": "Ménaka", "name_en": "Menaka", "kind": "new_region", "drawn_as": "ML-7"},
    {"region_code": "NER", "name_fr": "Niger", "name_en": "Niger", "kind": "country", "drawn_as": "NER"},
    {"region_code": "SOM", "name_fr": "Somalie", "name_en": "Somalia", "kind": "country", "drawn_as": ""},
]


def eng(eid: str, **cols: str) -> dict[str, str]:
    """An engagement row: national, bilateral, ended, unless told otherwise."""
    return {"engagement_id": eid, "name_en": eid, "name_fr": eid, "kind": "bilateral_project", "actor_type": "france",
            "lead_actor": "France", "sectors": "training", "status": "ended", "scope": "national", **cols}


def fund(fid: str, eid: str, amount: str, **cols: str) -> dict[str, str]:
    """A funding row in EUR, committed, Mali only, unless told otherwise."""
    return {"funding_id": fid, "engagement_id": eid, "donor": "France", "donor_type": "france", "amount": amount,
            "currency": "EUR", "amount_eur": amount, "basis": "annual", "amount_type": "committed",
            "amount_scope": "mali", "is_component": "false", **cols}


def ind(iid: str, eid: str, when: str, value: str, **cols: str) -> dict[str, str]:
    """A deployed-strength figure in Mali, exact, unless told otherwise."""
    return {"indicator_id": iid, "engagement_id": eid, "date": when, "indicator": "personnel", "value": value,
            "qualifier": "exact", "scope": "mali", **cols}


def engine(**rows: list[dict[str, str]]) -> Engine:
    return Engine(make_tables(regions=REGIONS, **rows), TODAY)


def data_until(day: str) -> list[dict[str, str]]:
    """An event dated ``day``: the tables' latest dated row, so that views up to it stand at
    their own end (a view's figures never stand after the data's date).
    """
    return [{"event_id": "EV-LAST", "date": day, "kind": "resolution", "title_en": "Last", "title_fr": "Dernier",
             "key_event": "false"}]


def view(**kw: object) -> ViewState:
    return ViewState(**{"period": Period.year(2019), **kw})  # type: ignore[arg-type]


# -- activity ------------------------------------------------------------------------------

def test_activity_windows():
    e = engine(
        engagements=[
            eng("BOTH", start_date="2015-03-01", end_date="2017-06-30"),
            eng("END-ONLY", end_date="2018-07-06"),  # counted from 1 Jan 2018, its end's year
            eng("START-ONLY", start_date="2016", status="unknown"),  # evidence: 31 Dec 2016 + 12 months
            eng("PLANNED", start_date="2019", end_date="2020", status="planned"),
            eng("UNDATED", status="unknown"),
        ],
        indicators=[ind("I1", "START-ONLY", "2019-05", "10")],  # later evidence: 31 May 2019 + 12 months
    )
    r = e.rules
    ids = list(r.eng.ids)

    def active(period: Period) -> set[str]:
        return {i for i, a in zip(ids, r.active_in(period), strict=True) if a}

    assert active(Period.year(2015)) == {"BOTH"}
    assert active(Period.year(2016)) == {"BOTH", "START-ONLY"}
    assert active(Period.year(2018)) == {"END-ONLY", "START-ONLY"}
    assert active(Period.year(2020)) == {"START-ONLY"}  # until 31 May 2020
    assert active(Period.year(2021)) == set()  # never active for ever; the plan never counts
    assert r.status_at("START-ONLY", T("2021-01-01")) == ("status_unknown", T("2020-05-31"))
    assert r.status_at("BOTH", T("2018-01-01")) == ("ended", T("2017-06-30"))
    assert r.status_at("UNDATED", T("2018-01-01")) == ("dates_unknown", None)
    assert r.status_at("PLANNED", T("2019-06-01")) == ("planned", None)


def test_a_view_lists_undated_and_planned_but_counts_neither():
    e = engine(engagements=[eng("A", start_date="2019-01", end_date="2019-12"), eng("U", status="unknown"),
                            eng("P", start_date="2019", end_date="2020", status="planned"),
                            eng("FUND", kind="trust_fund", start_date="2015", end_date="2021")])
    facts = e.facts(view())
    groups = facts.engagements.extra["groups"]
    assert groups == {"counted": ("A",), "not_started": ("P",), "fund": ("FUND",), "dates_unknown": ("U",)}
    assert facts.engagements.totals[0].value == 1


def test_where_an_engagement_works_decides_if_it_counts():
    e = engine(engagements=[
        eng("MALI", start_date="2019", end_date="2019"),
        eng("MULTI", scope="multi_country", countries="ML;NER", start_date="2019", end_date="2019"),
        eng("NIGER", scope="multi_country", countries="NER", start_date="2019", end_date="2019"),
        eng("SOMALIA", scope="multi_country", countries="SOM", start_date="2019", end_date="2019"),
    ])
    assert e.facts(view()).engagements.extra["groups"] == {"counted": ("MALI", "MULTI")}
    both = e.facts(view(geo=("mali", "sahel", "comparators"))).engagements.extra["groups"]
    assert both == {"counted": ("MALI", "MULTI"), "outside_mali": ("NIGER", "SOMALIA")}  # listed, never in a Mali count


def test_search_lists_the_contingent_it_finds_not_its_parent_or_siblings():
    e = engine(engagements=[eng("EUTM", start_date="2013", end_date="2024"),
                            eng("BE-EUTM", name_en="Belgian contingent", parent_id="EUTM", start_date="2016", end_date="2018"),
                            eng("DE-EUTM", name_en="German contingent", parent_id="EUTM", start_date="2016", end_date="2018"),
                            eng("OTHER", start_date="2013", end_date="2024")],
               mandates=[{"mandate_id": "M", "engagement_id": "EUTM", "number": "1", "legal_basis": "x", "start_date": "2017-01-01",
                          "end_date": "2017-12-31", "budget_amount": 1000, "budget_currency": "EUR", "budget_basis": "annual",
                          "budget_type": "committed", "budget_scope": "mali"}])
    facts = e.facts(view(period=Period.year(2017), search="belg"))
    # The Belgian contingent alone: not the mission (it did not match) nor the German contingent,
    # and so none of the mission's money (review A9).
    assert list(e.rules.eng.ids[facts.selection.listed]) == ["BE-EUTM"]
    assert facts.engagements.extra["groups"] == {"sub_engagement": ("BE-EUTM",)}
    assert facts.money.totals == () and facts.money.status != "value"
    parent = e.facts(view(period=Period.year(2017), search="eutm"))  # a parent's hit lists its children
    assert list(e.rules.eng.ids[parent.selection.listed]) == ["EUTM", "BE-EUTM", "DE-EUTM"]
    assert [(x.value, x.unit) for x in parent.money.totals] == [(1000.0, "EUR")]


def test_amendment_without_end_stops_at_next_mandate():
    mandate = {"number": "1", "legal_basis": "x"}
    e = engine(
        engagements=[eng("E", start_date="2019-02-21", end_date="2023-01-31", scope="regions", regions="ML-5")],
        mandates=[
            {**mandate, "mandate_id": "M1", "engagement_id": "E", "start_date": "2019-02-21", "end_date": "2021-01-14", "area_regions": "ML-5"},
            {**mandate, "mandate_id": "M1A", "engagement_id": "E", "start_date": "2019-05-13", "area_regions": "ML-5;ML-9"},
            {**mandate, "mandate_id": "M2", "engagement_id": "E", "start_date": "2021-01-15", "end_date": "2023-01-31", "area_regions": "ML-7"},
        ],
    )
    assert e.areas.area("E", T("2020-06-01")) == {"ML-5", "ML-7"}  # M1A: Ménaka is drawn inside Gao
    assert e.areas.area("E", T("2022-06-01")) == {"ML-7"}  # M2 replaces M1A from its start
    assert e.areas.area("E", T("2025-06-01")) == {"ML-7"}  # after the end: its last area


# -- money ---------------------------------------------------------------------------------

def money_fixture() -> Engine:
    return engine(
        engagements=[
            eng("A", start_date="2018", end_date="2020"),
            eng("B", start_date="2018", end_date="2020"),
            eng("UN", kind="un_peace_operation", start_date="2013", end_date="2023"),
            eng("MULTI", scope="multi_country", countries="ML;NER", start_date="2018", end_date="2020"),
            eng("NOFIG", start_date="2018", end_date="2020"),
            eng("FUND", kind="trust_fund", start_date="2015", end_date="2021"),
        ],
        funding=[
            fund("A-2019", "A", "10000000", period_start="2019-01", period_end="2019-12"),
            fund("A-TOTAL", "A", "30000000", basis="period_total", period_start="2018", period_end="2020"),
            fund("A-PART", "A", "5000000", basis="period_total", is_component="true", period_start="2018", period_end="2020"),
            fund("B-2019", "B", "4000000", qualifier="over", period_start="2019-01", period_end="2019-12"),
            fund("B-PLEDGE", "B", "99000000", basis="unknown", amount_type="pledged"),
            fund("UN-FY", "UN", "1100000000", currency="USD", amount_eur="", amount_type="appropriated",
                 period_start="2019-07-01", period_end="2020-06-30"),
            fund("MULTI-2019", "MULTI", "7000000", amount_scope="multi_country", period_start="2019", period_end="2019"),
            fund("FUND-ALL", "FUND", "1000000000", basis="period_total"),
        ],
    )


def test_money_adds_annual_mali_amounts_per_currency_and_lists_the_rest():
    facts = money_fixture().facts(view())
    money = facts.money
    # EUR: A's 10 M + B's "over" 4 M = at least 14 M; USD: the UN's 1,100 M, never converted or mixed.
    assert [(t.value, t.unit, t.qualifier) for t in money.totals] == [(14e6, "EUR", "over"), (1.1e9, "USD", "exact")]
    reasons = {line.row_id: line.reason for line in money.lines}
    assert reasons == {
        "A-2019": "counted", "B-2019": "counted", "UN-FY": "counted",
        "A-TOTAL": "basis_period", "A-PART": "component", "B-PLEDGE": "pledged",
        "MULTI-2019": "scope_multi", "FUND-ALL": "fund",
    }
    assert money.extra["no_figure"] == ("NOFIG",)  # unknown, never zero


def test_money_in_a_region_adds_only_what_is_earmarked_for_it():
    e = engine(
        engagements=[
            eng("MOPTI", scope="regions", regions="ML-5", start_date="2018-09", end_date="2020-08"),
            eng("BOTH", scope="regions", regions="ML-5;ML-7", start_date="2018", end_date="2020"),
            eng("NATIONAL", start_date="2018", end_date="2020"),
        ],
        funding=[
            fund("MOPTI-TOTAL", "MOPTI", "29000000", basis="period_total", period_start="2018-09", period_end="2020-08"),
            fund("BOTH-2019", "BOTH", "2000000", period_start="2019", period_end="2019"),
            fund("NAT-2019", "NATIONAL", "50000000", period_start="2019", period_end="2019"),
        ],
    )
    money = e.facts(view(regions=("ML-5",))).money
    # Nothing annual is earmarked for Mopti alone, so nothing is added; PARSEC-like 29 M is the answer, with its period.
    assert money.status == "listed" and money.totals == ()
    assert {x.row_id: x.reason for x in money.lines} == {"MOPTI-TOTAL": "basis_period", "BOTH-2019": "shared",
                                                        "NAT-2019": "not_earmarked"}
    both = e.facts(view(regions=("ML-5", "ML-7"))).money
    assert [(t.value, t.unit) for t in both.totals] == [(2e6, "EUR")]  # now wholly inside the selection


def test_budget_map_says_none_and_unknown_never_zero():
    e = engine(
        engagements=[eng("MOPTI", scope="regions", regions="ML-5", start_date="2018", end_date="2020")],
        funding=[],
    )
    values = e.facts(view(metric="budget")).region_values.set_index("region_code")
    assert values.loc["ML-5", "status"] == "unknown" and pd.isna(values.loc["ML-5", "value"])
    assert values.loc["ML-7", "status"] == "none" and pd.isna(values.loc["ML-7", "value"])


# -- personnel -----------------------------------------------------------------------------

def test_personnel_adds_current_deployed_strengths_in_mali_only():
    e = engine(
        engagements=[
            eng("UN", start_date="2013", end_date="2023-12-31"),
            eng("FR", scope="multi_country", countries="ML;NER", start_date="2014", end_date="2022"),
            eng("EU", start_date="2013", end_date="2024"),
            eng("TF", start_date="2020", end_date="2022"),
            eng("CONT", parent_id="EU", start_date="2016", end_date="2024"),
            eng("COP", start_date="2020", end_date="2024"),
        ],
        indicators=[
            ind("UN-21", "UN", "2021-05", "15000", qualifier="over"),
            ind("UN-CEIL", "UN", "2021-06-29", "13289", indicator="personnel_ceiling", qualifier="up_to"),
            ind("FR-21", "FR", "2021-05", "5100", scope="multi_country"),
            ind("EU-20", "EU", "2020-02", "500", qualifier="approx"),  # 22 months before 31 Dec 2021: stale
            ind("TF-PLAN", "TF", "2020-03", "500", indicator="planned_strength"),
            ind("TF-21", "TF", "2021-03", "600", qualifier="approx"),
            ind("CONT-21", "CONT", "2021-06", "20"),
            ind("COP-BEN", "COP", "2021", "17", indicator="beneficiary_staff"),
        ],
        events=data_until("2024-12-31"),
    )
    personnel = e.facts(view(period=Period.year(2021))).personnel
    # Hand-worked: 15,000 (over) + 600 (about) = at least c. 15,600 (EU's figure is stale,
    # and "over" is a lower bound too); nothing else may be added.
    assert [(t.value, t.qualifier) for t in personnel.totals] == [(15_600.0, "at_least_approx")]
    assert {x.row_id: x.reason for x in personnel.lines} == {
        "UN-21": "counted", "TF-21": "counted", "UN-CEIL": "authorised", "FR-21": "scope_multi", "EU-20": "stale",
        "TF-PLAN": "planned", "CONT-21": "sub_engagement", "COP-BEN": "beneficiary",
    }


def test_a_strength_before_an_event_that_cut_the_engagement_is_last_known():
    e = engine(
        engagements=[eng("UN", start_date="2013", end_date="2023-12-31")],
        indicators=[ind("UN-23", "UN", "2023-02", "17430")],
        events=[{"event_id": "EV-CUT", "date": "2023-06-30", "kind": "resolution", "title_en": "x", "title_fr": "x",
                 "engagement_id": "UN", "key_event": "false", "effect": "cuts"}],
    )
    assert {x.reason for x in e.facts(view(period=Period.year(2023))).personnel.lines} == {"stale"}
    # A cut after the view's date does not make an earlier figure stale; one before it does.
    later = engine(
        engagements=[eng("UN", start_date="2013", end_date="2024-12-31")],
        indicators=[ind("UN-23", "UN", "2023-08", "12947")],
        events=[{"event_id": f"EV-{d}", "date": d, "kind": "withdrawal", "title_en": "x", "title_fr": "x",
                 "engagement_id": "UN", "key_event": "false", "effect": "cuts"} for d in ("2023-10-21", "2024-11-15")],
    )
    assert {x.reason for x in later.facts(view(period=Period.year(2023))).personnel.lines} == {"stale"}
    # Before the cut, within 12 months, the same figure is current.
    may = e.facts(view(period=Period(Month(2023, 5), Month(2023, 5)))).personnel
    assert [(t.value, t.unit) for t in may.totals] == [(17_430.0, "people")]


@pytest.mark.parametrize(("parts", "expected"), [
    (["exact", "exact"], "exact"), (["exact", "over"], "over"), (["up_to", "exact"], "up_to"),
    (["over", "up_to"], "approx"), (["approx", "exact"], "approx"), (["almost", "up_to"], "up_to"),
    # A lower bound stays one over approximate parts (before: "about 439" for 1 of 5 engagements).
    (["approx", "at_least"], "at_least_approx"), (["over", "approx"], "at_least_approx"),
    (["at_least_approx", "exact"], "at_least_approx"), (["at_least_approx", "up_to"], "approx"),
])
def test_a_sum_keeps_the_weakest_qualifier(parts, expected):
    assert weakest(parts) == expected


# -- displacement --------------------------------------------------------------------------

def test_idps_show_the_latest_count_of_the_period_and_never_carry_forward():
    counts = [("A", "2020-05", "ML", "239484"), ("B", "2020-12", "ML", "332957"), ("C", "2021-05", "ML", "386454")]
    e = engine(idp_counts=[{"idp_id": i, "date": d, "area_code": a, "count": c, "preferred": "true"} for i, d, a, c in counts])
    year = e.facts(view(period=Period.year(2020))).idps
    assert year.totals[0].value == 332_957 and [x.row_id for x in year.counted()] == ["B"]
    may = e.facts(view(period=Period(Month(2020, 5), Month(2020, 5)))).idps
    assert may.totals[0].value == 239_484
    later = e.facts(view(period=Period.year(2022))).idps
    assert later.status == "none" and later.totals == () and later.extra["latest_any"][1] == "2021-05"
    assert "next_any" not in later.extra  # nothing after 2022


def test_a_past_view_with_no_count_names_the_counts_before_and_after_it_never_a_later_one_as_latest():
    counts = [("A", "2018-12-24", "ML", "120298"), ("B", "2020-03", "ML", "239484"), ("C", "2024-09", "ML", "330713")]
    e = engine(idp_counts=[{"idp_id": i, "date": d, "area_code": a, "count": c, "preferred": "true"} for i, d, a, c in counts])
    past = e.facts(view(period=Period.year(2019))).idps
    # Known on 31 Dec 2019: the count of 24 Dec 2018; the 2024 count is not the "latest" of a 2019 view.
    assert past.status == "none" and past.extra["latest_any"][1] == "2018-12-24"
    assert past.extra["next_any"][1] == "2020-03"


# -- fixes from the cold review (review.md, sections A and C) ------------------------------------


def test_an_end_on_1_january_starts_that_day_not_a_year_early():
    # Only an end: active from 1 January of the end's year. "2020-01-01" is in 2020 (review C5).
    e = engine(engagements=[eng("E", end_date="2020-01-01")])
    assert e.rules.status_at("E", T("2019-12-31")) == ("not_started", T("2020-01-01"))
    assert e.rules.status_at("E", T("2020-01-01"))[0] == "active"
    assert e.facts(view(period=Period.year(2019))).engagements.status == "none"


def test_an_ending_event_closes_a_start_only_engagement_on_its_day():
    # Start 2018, no end, an "ends" event on 1 Mar 2019: active to 1 Mar 2019, not +12 months (C4).
    events = [{"event_id": "X", "date": "2019-03-01", "kind": "withdrawal", "title_en": "out", "title_fr": "out",
               "engagement_id": "E", "effect": "ends"}]
    e = engine(engagements=[eng("E", start_date="2018-01-01", status="active")], events=events)
    assert e.rules.status_at("E", T("2019-12-31")) == ("ended", T("2019-03-01"))
    assert e.rules.status_at("E", T("2019-02-28"))[0] == "active"


def test_a_table_status_ended_with_no_end_ends_after_its_last_evidence():
    # Status "ended", start 2018, last evidence a strength of Nov 2022: "ended after" Nov 2022
    # (end of that month), never "active" a year longer (C4: UK-MINUSMA's case).
    e = engine(engagements=[eng("E", start_date="2018-06-01", status="ended")],
               indicators=[ind("I", "E", "2022-11", "300")])
    assert e.rules.status_at("E", T("2023-06-30")) == ("ended_after", T("2022-11-30"))
    assert e.rules.status_at("E", T("2022-11-15"))[0] == "active"


def test_a_sub_engagements_own_budget_is_never_added_to_its_parents():
    # Parent EUR 1,000 + child EUR 400, both annual, committed, Mali: the total is 1,000 (C2).
    e = engine(engagements=[eng("P", start_date="2019-01-01", end_date="2019-12-31"),
                            eng("C", parent_id="P", start_date="2019-01-01", end_date="2019-12-31")],
               funding=[fund("FP", "P", "1000", period_start="2019-01-01", period_end="2019-12-31"),
                        fund("FC", "C", "400", period_start="2019-01-01", period_end="2019-12-31")])
    f = e.facts(view())
    assert [(x.value, x.unit) for x in f.money.totals] == [(1000.0, "EUR")]
    assert {x.row_id: x.reason for x in f.money.lines}["FC"] == "sub_engagement"


def test_an_amount_of_unknown_type_is_listed_not_added():
    # Annual, Mali, EUR 1,000 but whether committed is not stated: listed (C3).
    e = engine(engagements=[eng("E", start_date="2019-01-01", end_date="2019-12-31")],
               funding=[fund("F", "E", "1000", amount_type="unknown", period_start="2019-01-01", period_end="2019-12-31")])
    f = e.facts(view())
    assert f.money.totals == () and f.money.status == "listed"
    assert f.money.lines[0].reason == "type_unknown"


def test_an_undated_planned_engagement_is_planned_not_dates_unknown():
    e = engine(engagements=[eng("PLAN", status="planned"), eng("LOST", status="active")])
    groups = e.facts(view()).engagements.extra["groups"]
    assert groups == {"not_started": ("PLAN",), "dates_unknown": ("LOST",)}  # C7


def test_a_year_only_strength_is_not_current_before_its_year_ends_and_says_its_year():
    # Strength "2018" = 500: a January 2018 view must not show it (it may date from December);
    # a December 2018 view does, and the latest-figure date reads "2018", not "1 Jan 2018" (A5, A6).
    e = engine(engagements=[eng("E", start_date="2017-01-01", end_date="2020-12-31")],
               indicators=[ind("I", "E", "2018", "500")], events=data_until("2020-12-31"))
    january = e.facts(view(period=Period(Month(2018, 1), Month(2018, 1))))
    assert january.personnel.totals == () and january.personnel.status == "unknown"
    december = e.facts(view(period=Period(Month(2018, 12), Month(2018, 12))))
    assert [(x.value, x.qualifier) for x in december.personnel.totals] == [(500.0, "exact")]
    assert (december.personnel.latest, december.personnel.latest_text) == (T("2018-01-01"), "2018")
    from layers.faces import _latest

    assert _latest(december.personnel, "en") == "latest figure: 2018"


def test_an_older_mali_strength_is_not_hidden_by_a_newer_multi_country_one():
    # Mali-only 300 (Jun 2019) and a multi-country 4,500 (Nov 2019): the Mali figure is added,
    # the multi-country one listed (C6); latest is kept per engagement, kind and scope.
    e = engine(engagements=[eng("E", start_date="2018-01-01", end_date="2020-12-31")],
               indicators=[ind("A", "E", "2019-06-30", "300"), ind("B", "E", "2019-11-30", "4500", scope="multi_country")])
    f = e.facts(view())
    assert [x.value for x in f.personnel.totals] == [300.0]
    assert {x.row_id: x.reason for x in f.personnel.lines} == {"A": "counted", "B": "scope_multi"}


def test_a_personnel_total_missing_an_engagements_figure_is_a_lower_bound():
    # Two engagements active on 31 Dec 2019; only A has a current strength (200): "at least 200",
    # covering 1 of 2 (A3).
    e = engine(engagements=[eng("A", start_date="2018-01-01", end_date="2020-12-31"),
                            eng("B", start_date="2018-01-01", end_date="2020-12-31")],
               indicators=[ind("I", "A", "2019-10-01", "200")])
    f = e.facts(view())
    assert [(x.value, x.qualifier) for x in f.personnel.totals] == [(200.0, "at_least")]
    assert f.personnel.extra["coverage"] == (1, 2)
    full = engine(engagements=[eng("A", start_date="2018-01-01", end_date="2020-12-31")],
                  indicators=[ind("I", "A", "2019-10-01", "200")]).facts(view())
    assert [(x.value, x.qualifier) for x in full.personnel.totals] == [(200.0, "exact")]


def test_cached_answers_cannot_be_changed_by_a_caller():
    e = engine(engagements=[eng("E", start_date="2018-01-01", end_date="2020-12-31")])
    f = e.facts(view())
    with pytest.raises(TypeError):
        f.money.extra["n_left_out"] = 99  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        f.bits[0] = 0


def test_warm_keeps_each_period_s_masks_and_answers_as_cold():
    """``Engine.warm`` (run before gunicorn forks) computes each period's masks once; a view
    then reads them, and answers as an engine that computed them on the view's own request.
    """
    rows = {"engagements": [eng("E1", start_date="2018-03-01", end_date="2020-06-30"), eng("E2", start_date="2021-01-01")],
            "funding": [fund("F1", "E1", "100", period_start="2019", period_end="2019")], "events": data_until("2021-12-31")}
    periods = [Period.year(y) for y in (2019, 2021)]
    warm, cold = engine(**rows).warm(periods), engine(**rows)
    for cached in (warm.rules.overlaps, warm.rules.active_in, warm.rules.listable_in, warm.rules.active_at, warm.rules.last_cut):
        assert cached.cache_info().currsize == len(periods)
    assert not warm.rules.active_in(periods[0]).flags.writeable  # shared by every view: read-only
    for period in periods:
        a, b = warm.facts(view(period=period)), cold.facts(view(period=period))
        assert (a.engagements, a.money) == (b.engagements, b.money)


# -- the data's date -------------------------------------------------------------------------

def test_figures_stand_at_the_data_s_date_when_the_period_runs_past_it():
    """A view's figures never stand after the data's latest dated row: a mandate recorded to end
    in June may since have been renewed, so a December view of the same year shows it as the
    data last knew it (in force on the data's date), and says that it stands there.
    """
    rows = {"engagements": [eng("E", status="active", start_date="2020-01-01", end_date="2021-06-30")],
            "indicators": [ind("I", "E", "2021-02", "300")],
            "events": data_until("2021-03-15")}
    e = engine(**rows)
    assert e.latest == T("2021-03-15")
    later = e.facts(view(period=Period.year(2021)))
    # Period 2021 ends 31 Dec, after the data's date (15 Mar 2021): the figures stand at 15 Mar,
    # when E was in force with 300 deployed; on 31 Dec the data would show it ended, with none.
    assert (later.as_at, later.past_data) == (T("2021-03-15"), True)
    assert later.selection.active_at.tolist() == [0]
    assert [(x.value, x.qualifier) for x in later.personnel.totals] == [(300.0, "exact")]
    # A period that ends before the data's date stands at its own end, and says nothing more.
    earlier = e.facts(view(period=Period(Month(2021, 2), Month(2021, 2))))
    assert (earlier.as_at, earlier.past_data) == (T("2021-02-28"), False)
    # Tables without any dated row stand at today: there is no date to hold them to.
    bare = engine(engagements=[eng("E", start_date="2020-01-01")])
    assert bare.latest == T(TODAY) and bare.facts(view(period=Period.year(2026))).past_data is False


def test_the_face_of_a_figure_past_the_data_s_date_names_that_date_as_the_latest_data():
    from layers.faces import as_at_text

    e = engine(engagements=[eng("E", start_date="2020-01-01")], events=data_until("2021-03-15"))
    later, earlier = e.facts(view(period=Period.year(2021))), e.facts(view(period=Period.year(2020)))
    assert as_at_text(later, "en") == "15 Mar 2021 (latest data)"
    assert as_at_text(later, "fr") == "15 mars 2021 (dernières données)"
    assert as_at_text(earlier, "en") == "31 Dec 2020"


def test_a_row_dated_after_today_does_not_make_the_data_current():
    # A mandate decided to start after today (recorded in advance) is not a figure of today: the
    # data's date stays at the latest row up to today, so views past it still say "latest data".
    e = engine(engagements=[eng("E", start_date="2020-01-01")], events=data_until("2021-03-15"),
               mandates=[{"mandate_id": "M", "engagement_id": "E", "number": "2", "start_date": "2027-01-01",
                          "legal_basis": "a decision"}])
    assert e.latest == T("2021-03-15")
    assert e.facts(view(period=Period.year(2021))).past_data is True
