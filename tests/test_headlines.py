"""The headline figures of the shipped data, pinned view by view, with the arithmetic done by hand.

Each expectation below was worked out from the rows of ``data/tables/`` (ids quoted) and the
rules of ``data/README.md``, not by running the engine; a change to the data or to a rule that
moves a headline must change this file on purpose. A property test then checks, on generated
tables, that no key figure or map value ever shows zero where every contributing figure is unknown.
"""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.map_figure import _value_text
from layers.rules.engine import Engine
from layers.view_state import parse_query
from tests.builders import make_tables


def facts(app_data, query: str):
    state = parse_query(query, app_data.options)
    assert state.ignored == (), state.ignored
    return app_data.engine.facts(state)


def totals(headline) -> list[tuple[float, str, str]]:
    return [(t.value, t.unit, t.qualifier) for t in headline.totals]


def reasons(headline) -> dict[str, str]:
    return {line.row_id: line.reason for line in headline.lines}


def test_mopti_2019_money_is_what_is_earmarked_for_mopti(app_data):
    f = facts(app_data, "?year=2019&region=ML-5")
    # Region-scoped engagements wholly inside Mopti on 31 Dec 2019: PARSEC (ML-5). Its only
    # amount in force is FUND-PARSEC, EUR 29,000,000, a total for Sep 2018 - Aug 2020: listed
    # with its period, not a year's money, so nothing is added (status "listed").
    assert f.money.status == "listed" and f.money.totals == ()
    earmarked = [x for x in f.money.lines if x.reason == "basis_period"]
    assert [(x.row_id, x.value, x.unit, x.start, x.end) for x in earmarked] == [
        ("FUND-PARSEC", 29_000_000.0, "EUR", pd.Timestamp("2018-09-01"), pd.Timestamp("2020-08-31"))]
    # National and multi-country money active there is listed, never summed into Mopti.
    r = reasons(f.money)
    assert r["EUTM-MALI-M4"] == r["FUND-GAR-SI"] == r["FC-G5S-M1"] == "not_earmarked"
    assert r["FUND-MINUSMA-2019-20"] == "shared"  # MINUSMA's area spans five regions and Bamako
    # Counted (top-level, in Mali, active in 2019, covering Mopti on 31 Dec 2019): EUTM (M4 area
    # includes ML-5), EUCAP, MINUSMA, FC-G5S, BARKHANE, GAR-SI, PROMIS, RCPG5, WAPIS, PAGS-I,
    # PAGS-II (multi-country incl. Mali: all regions), ES-POLICE-TRAINING, CIVIL-REGISTRY
    # (national), PARSEC (ML-5), EU-STAB-MOPTI-SEGOU (ML-4;ML-5, to Jan 2019) = 15.
    assert f.engagements.totals[0].value == 15


def test_mali_2021_adds_no_planned_multi_country_or_stale_strength(app_data):
    f = facts(app_data, "?year=2021")
    # Deployed, current, Mali-only on 31 Dec 2021: MINUSMA "over 15,000" (May 2021) and
    # Wagner "about 40" (24 Dec 2021) = about 15,040. Barkhane's 5,100 is multi-country, EUTM's
    # 500 (Feb 2020) is stale, Takuba's 500 and the G5 force's 5,000 are planned.
    assert totals(f.personnel) == [(15_040.0, "people", "at_least_approx")]  # a lower bound: EUTM and others have no current figure
    r = reasons(f.personnel)
    assert r["IND-BARKHANE-2021-05-PERSONNEL"] == "scope_multi"
    assert r["IND-EUTM-2020-02-PERSONNEL"] == "stale"
    assert r["IND-TAKUBA-2020-03-PLANNED"] == r["IND-FCG5S-2017-PERSONNEL"] == "planned"
    # Money: the one annual appropriation in force, MINUSMA FY 2021/22, USD 1,171,000,000; no EUR
    # annual amount is in force; EUTM's EUR 133.7 M (2020-2024, multi-country) is listed.
    assert totals(f.money) == [(1_171_000_000.0, "USD", "exact")]
    assert reasons(f.money)["EUTM-MALI-M5"] == "scope_multi"


def test_mali_2023_shows_minusma_only_as_last_known(app_data):
    f = facts(app_data, "?year=2023")
    # MINUSMA's latest figure by 31 Dec 2023 is 12,947 (28 Aug 2023), before the camp closures of
    # Oct-Dec 2023 (events with effect "cuts"): last known, not current. Its May 2021 15,000 is older.
    r = reasons(f.personnel)
    assert r["IND-MINUSMA-2023-08-28-PERSONNEL"] == "stale"
    assert "IND-MINUSMA-2021-05-PERSONNEL" not in r
    # Current: EUTM about 300 (10 Jan 2023) + Wagner about 1,600 (15 Aug 2023) = about 1,900.
    assert totals(f.personnel) == [(1_900.0, "people", "at_least_approx")]  # MINUSMA and others without a current figure
    # Money: MINUSMA's USD 590 M covers Jul-Dec 2023 (a period total), EUCAP's EUR 73 M and EUTM's
    # EUR 133.7 M are multi-country: listed, nothing added.
    assert f.money.status == "listed" and f.money.totals == ()
    assert reasons(f.money)["FUND-MINUSMA-2023-H2"] == "basis_period"


def test_2013(app_data):
    f = facts(app_data, "?year=2013")
    # Active in 2013, top-level, Mali: EUTM, MINUSMA, AFISMA (ends Jul 2013), SERVAL, WAPIS = 5.
    assert f.engagements.totals[0].value == 5
    # Serval 4,000 (2013) is current on 31 Dec 2013; AFISMA's 2,900 had ended (Jul 2013).
    # Active and counted that day: EUTM, MINUSMA, Serval, WAPIS; only Serval has a current
    # deployed figure, so 4,000 is a lower bound: "at least", covering 1 of 4 (review A3).
    assert totals(f.personnel) == [(4_000.0, "people", "at_least")]
    assert f.personnel.extra["coverage"] == (1, 4)
    assert reasons(f.personnel)["IND-AFISMA-2013-PERSONNEL"] == "ended"
    # MINUSMA FY 2013/14 USD 602 M (annual, appropriated); its Jul-Dec 2013 share is a component.
    assert totals(f.money) == [(602_000_000.0, "USD", "exact")]
    assert reasons(f.money)["FUND-MINUSMA-2013-H2"] == "component"


def test_2014_money_and_no_current_personnel(app_data):
    f = facts(app_data, "?year=2014")
    # MINUSMA FY 2014/15 USD 895,534,000 is added; EUTM M2 (EUR 27.7 M, 2014-2016) and EUCAP M0
    # (EUR 5.5 M, Apr 2014 - Jan 2015) are period totals, listed.
    assert totals(f.money) == [(895_534_000.0, "USD", "exact")]
    assert reasons(f.money)["EUTM-MALI-M2"] == "basis_period"
    # EUCAP's start-up mandate M0 (Apr 2014 - Jan 2015) is not considered: the mission is dated from
    # its launch on 15 Jan 2015 (dispute DSP-EUCAP-START-A), so a 2014 view does not list it.
    assert "EUCAP-SAHEL-MALI-M0" not in reasons(f.money)
    # Serval ended on 1 Aug 2014; EUTM's 550 was planned; MINUSMA only has a ceiling: no current figure.
    assert f.personnel.status == "listed" and f.personnel.totals == ()


def test_2020_idps_are_december_with_the_series(app_data):
    f = facts(app_data, "?year=2020")
    # National preferred counts in 2020: 31 Mar 239,484; Apr 250,998; Jun 266,831; Jul 287,496;
    # Oct 311,193; Dec 332,957. The view stands at 31 Dec: 332,957; the others are the series.
    assert totals(f.idps) == [(332_957.0, "people", "exact")]
    assert [x.row_id for x in f.idps.lines if x.reason == "earlier"] == [
        "IDP-2020-10-ML", "IDP-2020-07-ML", "IDP-2020-06-ML", "IDP-2020-04-ML", "IDP-2020-03-31-ML"]


def test_a_month_with_no_count_says_so(app_data):
    f = facts(app_data, "?from=2020-05&to=2020-05")
    # 239,484 is the CMP count of 31 March 2020 (seed 003 says May; dispute rows keep both):
    # no national count is dated May 2020, and nothing is carried forward.
    assert f.idps.status == "none" and f.idps.totals == ()
    march = facts(app_data, "?from=2020-03&to=2020-03")
    assert totals(march.idps) == [(239_484.0, "people", "exact")]


def test_a_past_year_with_no_regional_count_says_what_came_before_and_after(app_data):
    from layers.faces import idp_face

    f = facts(app_data, "?year=2019&region=ML-5")
    # Mopti: 56,495 on 24 Dec 2018 (MALIWEB-IDP-2019), then 99,598 on 31 Mar 2020 (Shelter Cluster).
    assert f.idps.status == "none" and f.idps.extra["latest_any"][1] == "2018-12-24"
    assert f.idps.extra["next_any"][1] == "2020-03-31"
    face = idp_face(app_data.catalog.tables, f, app_data.options, "Mopti", "en")
    assert face.value == "no figure after 24 Dec 2018" and "next figure: 31 Mar 2020" in face.notes


def test_2025_and_2026_are_current_and_honest(app_data):
    f = facts(app_data, "?year=2025")
    assert totals(f.idps) == [(414_524.0, "people", "exact")]  # DTM, Sep 2025
    assert totals(f.personnel) == [(2_000.0, "people", "at_least_approx")]  # Wagner/Africa Corps, 7 Jun 2025
    later = facts(app_data, "?year=2026")
    # The data's latest dated row is 17 Feb 2026: 2026's figures stand there, not at today (which
    # the data cannot vouch for), and say so.
    assert (later.as_at, later.past_data) == (pd.Timestamp("2026-02-17"), True)
    # No count in 2026: the card says "no figure after Sep 2025", never a number.
    assert later.idps.status == "none" and later.idps.extra["latest_any"][1] == "2025-09"
    # Wagner's last evidence is 7 Jun 2025: on 17 Feb 2026 it is current (about 2,000).
    assert reasons(later.personnel)["IND-RU-WAGNER-2025-06-PERSONNEL"] == "counted"
    assert totals(later.personnel) == [(2_000.0, "people", "at_least_approx")]
    # Counted in 2026: EUCAP (its regional cell's mandate runs to 31 Jan 2026), Wagner/Africa
    # Corps (to Jun 2026) and the AES unified force (from Dec 2025) = 3; none has an amount in force.
    assert later.engagements.totals[0].value == 3 and later.money.status == "unknown"


def test_2022_personnel(app_data):
    f = facts(app_data, "?year=2022")
    # On 31 Dec 2022: MINUSMA's 15,000 (May 2021) is stale; Barkhane ended (9 Nov 2022); Wagner
    # "over 1,000" (Nov 2022) is current; six other engagements counted and active on the date
    # (EUTM, EUCAP, MINUSMA, COP-Mali, RCPG5, civil registry) have no current figure: at least 1,000.
    assert totals(f.personnel) == [(1_000.0, "people", "at_least")]
    assert f.personnel.extra["coverage"] == (1, 7)
    assert reasons(f.personnel)["IND-MINUSMA-2021-05-PERSONNEL"] == "stale"
    # No MINUSMA appropriation is tabulated for FY 2022/23: it has no figure, shown as unknown.
    assert "MINUSMA" in f.money.extra["no_figure"]


def test_a_range_stands_at_its_end(app_data):
    f = facts(app_data, "?year=2013-2023")
    assert f.as_at == pd.Timestamp("2023-12-31")
    assert totals(f.idps) == [(354_739.0, "people", "exact")]  # Dec 2023
    assert totals(f.personnel) == [(1_900.0, "people", "at_least_approx")]  # as for 2023


def test_budget_map_says_none_never_zero(app_data):
    values = facts(app_data, "?year=2016&metric=budget").region_values
    # No engagement on 31 Dec 2016 is earmarked for a single region: every region is "none".
    assert set(values["status"]) == {"none"}
    assert {_value_text("budget", v, "en", s) for v, s in zip(values["value"], values["status"], strict=True)} == {"none earmarked"}
    view = facts(app_data, "?year=2019&metric=budget")
    mopti = view.region_values.set_index("region_code")
    # PARSEC's €29.0 M is a total for Sep 2018 to Aug 2020: listed with its period, never coloured
    # as one year's money for the region (review A4).
    assert math.isnan(mopti.loc["ML-5", "value"]) and mopti.loc["ML-5", "status"] == "listed"
    (parsec,) = mopti.loc["ML-5", "lines"]
    assert (parsec.engagement_id, parsec.value, parsec.reason) == ("PARSEC", 29_000_000, "basis_period")
    assert mopti.loc["ML-7", "status"] == "none"
    from layers.region_notes import region_notes

    note = region_notes(view.region_values, "budget", app_data.tables, "en")["ML-5"]
    assert note == "€29.0 M, Sep 2018 – Aug 2020 (PARSEC) — a total for its period, not a year's money"
    assert _value_text("budget", float("nan"), "en", "listed") == "amounts listed, none annual"


# -- property: unknown is never zero ---------------------------------------------------------

REGIONS = [{"region_code": c, "name_fr": c, "name_en": c, "kind": "region", "drawn_as": c} for c in ("ML-1", "ML-5", "ML-7")]


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    n = draw(st.integers(1, 6))
    engagements, funding, indicators = [], [], []
    for i in range(n):
        eid = f"E{i}"
        scope = draw(st.sampled_from(["national", "regions"]))
        regions = draw(st.sampled_from(["ML-1", "ML-5", "ML-7", "ML-1;ML-5"])) if scope == "regions" else ""
        engagements.append({"engagement_id": eid, "name_en": eid, "name_fr": eid, "kind": "bilateral_project",
                            "actor_type": "france", "lead_actor": "x", "sectors": "training", "status": "ended",
                            "scope": scope, "regions": regions, "start_date": "2018", "end_date": "2020"})
        for j in range(draw(st.integers(0, 2))):
            known = draw(st.booleans())
            funding.append({"funding_id": f"F{i}-{j}", "engagement_id": eid, "donor": "x", "donor_type": "france",
                            "amount": "5000000" if known else "", "currency": "EUR" if known else "",
                            "amount_eur": "5000000" if known else "", "basis": draw(st.sampled_from(["annual", "period_total", "unknown"])),
                            "amount_type": "committed", "amount_scope": "mali", "is_component": "false",
                            "period_start": "2019", "period_end": "2019"})
    return {"regions": REGIONS, "engagements": engagements, "funding": funding, "indicators": indicators}


@settings(max_examples=60, deadline=None)
@given(worlds(), st.sampled_from(["", "ML-5"]))
def test_no_key_figure_or_map_value_is_zero_when_its_figures_are_unknown(rows, region):
    from layers.period import Period
    from layers.view_state import ViewState

    engine = Engine(make_tables(**rows), date(2026, 11, 30))
    state = ViewState(period=Period.year(2019), regions=(region,) if region else (), metric="budget")
    f = engine.facts(state)
    for headline in (f.money, f.personnel):
        assert all(t.value > 0 for t in headline.totals)  # a total exists only of known figures
        if not any(x.value for x in headline.lines):
            assert headline.status in ("unknown", "none")
    for value, status in zip(f.region_values["value"], f.region_values["status"], strict=True):
        text = _value_text("budget", value, "en", status)
        if status != "value":
            assert not any(ch.isdigit() for ch in text), text  # "none earmarked" / "amount unknown"
        else:
            assert value > 0


@pytest.mark.parametrize("query", ["?year=2019", "?year=2013-2023", "?year=2019&geo=mali,sahel,comparators", "?year=2026",
                                   "?year=2019&q=minusma"])
def test_the_card_and_the_table_put_every_engagement_in_the_same_group(app_data, query):
    """One grouping for both (review A8): the card's counts are the table's rows per group."""
    from collections import Counter

    from dashboard.export_table import ordered_positions

    f = facts(app_data, query)
    card = Counter({group: len(ids) for group, ids in f.engagements.extra["groups"].items()})
    table = Counter(group for _, group in ordered_positions(app_data.engine, f))
    assert card == table


def test_money_with_nothing_to_add_shows_no_single_row_as_the_total(app_data):
    """2022: sixteen amounts in force, none annual Mali-only money: "no annual total", never the
    one multi-year row that happened to be the only period total (review A1)."""
    from layers.faces import money_face

    f = facts(app_data, "?year=2022")
    face = money_face(app_data.tables, f, "", "en")
    assert f.money.status == "listed"
    assert face.value == "no annual total"
    assert face.sub == f"{f.money.extra['n_listed_values']} amounts in force, not added"


def test_money_counts_add_up_on_the_card(app_data):
    """Mopti 2019: the card said "2 amounts in force · 36 national or multi-country amounts" and,
    under them, "39 listed, not added"; the 39th is a funding row in force with no amount (RCPG5).
    The card's counts now add up to the rows it speaks of, and say what the extra one is."""
    from layers.faces import money_face

    f = facts(app_data, "?year=2019&region=ML-5")
    face = money_face(app_data.tables, f, "Mopti", "en")
    extra = f.money.extra
    blank = extra["n_left_out"] - extra["n_listed_values"]
    assert f.money.status == "listed" and blank == 1, extra
    assert face.sub == (f"{extra['n_own_listed']} amounts in force, not added · "
                        f"{extra['n_listed_values'] - extra['n_own_listed']} national or multi-country amounts active there, not added")
    assert face.notes[0] == "1 more funding entry in force, with no amount given"
    assert not any("listed, not added" in n for n in face.notes), face.notes
    fr = money_face(app_data.tables, f, "Mopti", "fr")
    assert fr.notes[0] == "1 autre financement en vigueur, sans montant indiqué"
    # 2022, all Mali: the same row's engagement is among the "3 with no figure", and not named twice.
    f = facts(app_data, "?year=2022")
    face = money_face(app_data.tables, f, "", "en")
    assert "RCPG5" in f.money.extra["no_figure"] and face.notes[:2] == ("", "3 with no figure"), face.notes


def test_a_period_counts_an_engagement_wherever_it_worked_in_it(app_data):
    """EUCAP Sahel Mali covered every region to 31 January 2023, then five (mandate M5). Over
    2013-2023 the map, the region filter and the selection's outline had read its area on the
    period's last day only: Mopti, Timbuktu, Gao and Kidal each one short, and its Mopti-Sévaré
    unit ringed outside its own outline."""
    e = app_data.engine
    eucap = e.rules.position["EUCAP-SAHEL-MALI"]
    kidal = facts(app_data, "?from=2013&to=2023&region=ML-8")
    assert eucap in kidal.selection.counted
    decade = facts(app_data, "?from=2013&to=2023&sel=EUCAP-SAHEL-MALI")
    assert {"ML-5", "ML-6", "ML-7", "ML-8"} <= decade.footprint
    # Every region in the period: one of the country-wide engagements, not a regional one in the south.
    assert decade.span_bits[eucap] == e.areas.regions.all_bits
    assert facts(app_data, "?year=2023&sel=EUCAP-SAHEL-MALI").footprint >= {"ML-5", "ML-8"}  # to 31 Jan 2023
    later = facts(app_data, "?year=2024&sel=EUCAP-SAHEL-MALI")
    assert later.footprint and "ML-8" not in later.footprint and eucap not in facts(app_data, "?year=2024&region=ML-8").selection.listed
    # Money in force stays a matter of the view's date: the earmarks read the area on that day.
    assert (decade.bits[eucap] != decade.span_bits[eucap]) and decade.bits[eucap] != 0
    # The map: EUCAP is among the country-wide ones over the decade, no longer one of Kayes's.
    values = decade.region_values.set_index("region_code")
    at_end = facts(app_data, "?from=2023-12&to=2023-12")  # in Dec 2023 it covered five regions, Kayes among them
    assert int(values["country_wide"].iloc[0]) > int(at_end.region_values["country_wide"].iloc[0])
    assert values.loc["ML-1", "value"] < at_end.region_values.set_index("region_code").loc["ML-1", "value"]


def test_an_annual_amount_is_in_force_only_in_its_own_year(app_data):
    """EUCAP's €29.7 M was its budget for 15 Jan 2017 to 14 Jan 2018 only (both sources); as its
    mandate's amount it stood as annual money in force on 31 Dec 2018 too, in the 2018 headline."""
    eur = [x for x in facts(app_data, "?year=2017").money.totals if x.unit == "EUR"]
    assert [x.value for x in eur] == [29_700_000.0]
    assert not [x for x in facts(app_data, "?year=2018").money.totals if x.unit == "EUR"]
    assert "EUCAP-SAHEL-MALI" in facts(app_data, "?year=2018").money.extra["no_figure"]


def test_a_printed_partial_personnel_total_names_the_largest_strength_it_leaves_out(app_data):
    """2019: "at least 620" is EUTM Mali alone; MINUSMA's 13,249 (2018) was only in the desk's
    notes, which an exported page does not print, so it read 620 as Mali's personnel. The page
    now prints it under the figure (the desk keeps it first in its notes); an ended engagement's
    strength (Serval's 4,000 of 2013 under 31 Dec 2023) is not that line."""
    from datetime import UTC, datetime

    from dashboard.export import map_page
    from layers.faces import personnel_face

    face = personnel_face(app_data.tables, facts(app_data, "?year=2019"), "", "en")
    assert face.value == "at least 620" and face.sub == "current figures for 1 of 13 engagements"
    assert face.context == face.notes[0] == "last known: 13,249, 2018 (MINUSMA)"
    decade = personnel_face(app_data.tables, facts(app_data, "?from=2013&to=2023"), "", "en")
    assert "Serval" not in decade.context and any("Serval" in n for n in decade.notes)
    page = map_page(app_data, parse_query("?year=2019", app_data.options), now=datetime(2026, 1, 1, tzinfo=UTC))
    printed = " ".join(re.sub(r"<[^>]+>", " ", a.text or "") for a in page.figure.layout.annotations).split()
    assert "last known: 13,249, 2018 (MINUSMA)" in " ".join(printed)
    from layers.citations import face_source_ids  # the printed figure is cited, as every number is
    minusma = [x for x in facts(app_data, "?year=2019").personnel.left_out() if x.engagement_id == "MINUSMA" and x.value == 13_249]
    assert minusma and set(minusma[0].source_ids) <= set(face_source_ids(facts(app_data, "?year=2019"))["personnel"])


def test_the_engagement_card_names_the_regions_and_filters_its_count_follows(app_data):
    """The count follows the view's filters: its title names the regions, a note the other filters,
    so "3" is never read as all of Mali's; the groups the table also lists keep their capitals.
    """
    from layers.faces import faces

    def first(query: str, lang: str = "en"):
        f = facts(app_data, query)
        return faces(app_data.tables, f, app_data.options, app_data.map_base.region_names, lang=lang, data_as_of="x")[0]

    plain = first("?year=2019")
    assert plain.title == "Engagements in Mali active in 2019" and "only" not in plain.sub
    mopti = first("?year=2019&region=ML-5&donor=France")
    assert mopti.title == "Engagements in Mopti active in 2019" and mopti.sub.endswith(" · only: France")
    assert first("?year=2019&region=ML-5&lang=fr", "fr").title == "Engagements actifs en 2019 : Mopti"
    wide = first("?year=2019&geo=mali,sahel")
    assert "outside Mali" in wide.notes[0], wide.notes


def test_a_view_without_mali_says_so_never_none_or_zero(app_data):
    """*Where* without "Mali" leaves Mali's engagements out: its counts and maps have nothing to
    say, which is not "none" (2019 had the most engagements of any year) and not 0 per region.
    The backdrop (IDPs) is never filtered by Where.
    """
    from dashboard.view import view_map_spec
    from layers.faces import faces
    from layers.map_figure import TRACE

    with_mali = facts(app_data, "?year=2019")
    assert with_mali.engagements.totals[0].value > 0  # the view the test is about has something to hide
    for lang, said, short, legend in (("en", "Mali not in this view", "not in view", "not in this view (Where)"),
                                      ("fr", "Mali hors de cette vue", "hors de la vue", "hors de cette vue (Où)")):
        f = facts(app_data, f"?year=2019&geo=sahel&lang={lang}")
        shown = faces(app_data.tables, f, app_data.options, app_data.map_base.region_names, lang=lang, data_as_of="x")
        assert [x.value for x in shown[:3]] == [said] * 3
        assert all("Mali" in x.sub for x in shown[:3])
        assert shown[3].value == faces(app_data.tables, with_mali, app_data.options, app_data.map_base.region_names,
                                       lang=lang, data_as_of="x")[3].value  # IDPs: the same with or without Mali
        for metric in ("engagements", "budget"):
            state = parse_query(f"?year=2019&geo=sahel&lang={lang}&metric={metric}", app_data.options)
            values = app_data.engine.facts(state).region_values
            assert set(values["status"]) == {"excluded"} and values["value"].isna().all()
            spec = view_map_spec(app_data, state)
            regions, labels = spec["data"][TRACE["regions"]], spec["data"][TRACE["region_labels"]]
            assert regions["colorbar"]["ticktext"] == [legend]  # the one class the map shows
            assert set(regions["z"]) == set(regions["colorbar"]["tickvals"])
            assert regions["zmin"] < regions["z"][0] < regions["zmax"]
            assert all(text.endswith(short) for text in labels["text"] if text)
            assert all(legend in hover for hover in regions["hovertext"])
    idp = parse_query("?year=2019&geo=sahel&metric=idp", app_data.options)
    assert "excluded" not in set(app_data.engine.facts(idp).region_values["status"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_engagement_map_states_the_period_it_counts_not_its_last_day(app_data, lang):
    """The map counts the engagements active at any time in the period, as the card does. Before,
    its legend said "31 Dec 2023" over 2013-2023 with + 18 country-wide (five were active on 31 Dec
    2023). Money and displacement stand at the view's date, and say so."""
    from dashboard.view import view_map_spec
    from layers.faces import as_at_text
    from layers.i18n import t

    state = parse_query(f"?from=2013&to=2023&lang={lang}", app_data.options)
    f = app_data.engine.facts(state)
    spec = view_map_spec(app_data, state, with_geometry=False)
    subtitle = spec["layout"]["meta"]["legend_title"][1]
    assert t("map_active_in", lang, period=state.period.label(lang)) in subtitle, subtitle
    assert as_at_text(f, lang) not in subtitle, subtitle
    wide = int(f.region_values["country_wide"].iloc[0])
    assert len(f.selection.active_at) < wide <= len(f.selection.counted)  # the period's, not the day's
    idp = parse_query(f"?from=2013&to=2023&lang={lang}&metric=idp", app_data.options)
    assert as_at_text(f, lang) in view_map_spec(app_data, idp, with_geometry=False)["layout"]["meta"]["legend_title"][1]


@pytest.mark.parametrize(("query", "words"), [("?year=2015", "at least c. 439"), ("?year=2023&lang=fr", "au moins env. 1 900")])
def test_a_personnel_sum_with_figures_missing_is_a_lower_bound_even_when_its_parts_are_approximate(app_data, query, words):
    """2015: one "about 439" figure for 1 of 5 engagements (MINUSMA's among those without) read
    "about 439", as if it were the total."""
    from layers.faces import personnel_face

    state = parse_query(query, app_data.options)
    f = app_data.engine.facts(state)
    covered, active = f.personnel.extra["coverage"]
    assert covered < active
    face = personnel_face(app_data.tables, f, "", state.lang)
    assert face.value.replace("\u202f", " ").replace("\xa0", " ") == words, face


def test_a_long_series_of_counts_waits_under_a_disclosure_and_keeps_every_link(app_data):
    """2013-2023 has 39 counts: as links on the card's face they pushed the map below a 1366x768
    window. A year's few stay on the face."""
    import json

    from dash import html

    from dashboard.cards import MAX_SERIES_CHIPS, headline_cards

    def idp_card(query: str) -> dict:
        state = parse_query(query, app_data.options)
        cards = headline_cards(app_data.tables, app_data.engine.facts(state), app_data.options, app_data.map_base.region_names,
                               lang=state.lang, data_as_of="")
        return cards[-1]

    long_ = idp_card("?from=2013&to=2023")
    series = long_.children[-1]
    assert isinstance(series, html.Details)
    links = json.loads(json.dumps(series.to_plotly_json(), default=lambda o: o.to_plotly_json()))
    hrefs = [c["props"]["href"] for c in links["props"]["children"][1]["props"]["children"]]
    assert len(hrefs) > MAX_SERIES_CHIPS and len(set(hrefs)) == len(hrefs)  # each count still one click away
    assert series.children[0].children == f"{len(hrefs)} counts in the period"
    short = idp_card("?year=2020").children[-1]
    assert isinstance(short, html.Div) and 1 < len(short.children) - 2 <= MAX_SERIES_CHIPS


def test_the_cards_lines_count_in_words_that_agree_and_never_say_a_thing_twice(app_data):
    """Before: "table also lists: ... 1 funds and portfolios (not counted)"; the 2015 money card
    said "8 amounts in force, not added" and under it "8 listed, not added"; 2026 "0 listed"."""
    from layers.faces import engagements_face, money_face

    def face(query: str, which):
        state = parse_query(query, app_data.options)
        f = app_data.engine.facts(state)
        return which(f, state.lang, "x") if which is engagements_face else which(app_data.tables, f, "", state.lang)

    assert "1 fund or portfolio" in face("?year=2023", engagements_face).notes[0]
    assert "1 fonds ou portefeuille" in face("?year=2023&lang=fr", engagements_face).notes[0]
    assert "2 funds and portfolios" in face("?year=2015", engagements_face).notes[0]
    money_2015 = face("?year=2015", money_face)
    assert money_2015.sub == "8 amounts in force, not added" and not any("listed, not added" in n for n in money_2015.notes)
    assert not any(n.startswith("0 ") for n in face("?year=2026", money_face).notes)
    assert any(n == "38 listed, not added" for n in face("?year=2019", money_face).notes)  # beside a sum, it says what is not in it
    # Mopti 2015 read "0 amounts in force, not added · 7 national or multi-country ..." over "7 listed, not added".
    mopti = face("?year=2015&region=ML-5", money_face)
    assert mopti.sub == "7 national or multi-country amounts active there, not added", mopti
    assert not any("listed, not added" in n for n in mopti.notes)
