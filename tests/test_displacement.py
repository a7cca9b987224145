"""Displaced people by region: a drawn region is a sum only of counts that cover all of it at one date.

The rule (``layers/rules/displacement.py``, ``data/README.md`` "Displacement by region"): before a
region was carved out of a drawn one, the parent's count covers the polygon alone; from then on
the parent's count and every carved-out region's count, all of one date. Otherwise the region
has no value ("partial", its parts listed), and several regions are added only when each has a
value of the same date ("listed" otherwise). Every expectation is worked out by hand from the rows.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from layers.map_figure import region_hover
from layers.period import Month, Period
from layers.rules.displacement import Displacement
from layers.rules.engine import Engine
from layers.view_state import ViewState, parse_query
from tests.builders import make_tables

T = pd.Timestamp
TODAY = date(2026, 11, 30)
REGIONS = [
    {"region_code": "ML", "name_fr": "Mali", "name_en": "Mali", "kind": "country", "drawn_as": "MLI"},
    {"region_code": "ML-5", "name_fr": "Mopti", "name_en": "Mopti", "kind": "region", "drawn_as": "ML-5"},
    {"region_code": "ML-BDG", "name_fr": "Bandiagara", "name_en": "Bandiagara", "kind": "new_region", "drawn_as": "ML-5"},
    {"region_code": "ML-7", "name_fr": "Gao", "name_en": "Gao", "kind": "region", "drawn_as": "ML-7"},
    {"region_code": "ML-9", "name_fr": "Ménaka", "name_en": "Menaka", "kind": "new_region", "drawn_as": "ML-7"},
]


def tables(rows: list[tuple[str, str, str, str]], not_preferred: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
    """idp_counts rows (id, date, area, count), preferred unless their id is in ``not_preferred``."""
    return make_tables(regions=REGIONS, idp_counts=[
        {"idp_id": i, "date": d, "area_code": a, "count": c, "preferred": "false" if i in not_preferred else "true"}
        for i, d, a, c in rows])


def engine(rows: list[tuple[str, str, str, str]], not_preferred: tuple[str, ...] = ()) -> Engine:
    return Engine(tables(rows, not_preferred), TODAY)


def view(period: Period, regions: tuple[str, ...] = (), **kw: object) -> ViewState:
    return ViewState(period=period, regions=regions, **kw)  # type: ignore[arg-type]


def month(y: int, m: int) -> Period:
    return Period(Month(y, m), Month(y, m))


def reasons(headline) -> list[tuple[str, str, float | None]]:
    return [(x.reason, x.scope, x.value) for x in headline.lines]


# -- hand-made tables -----------------------------------------------------------------------

# Mopti before the split (Jul 2022), Bandiagara carved out (first count Dec 2022), then both of
# one date (Apr 2023 and Sep 2023). Gao before Ménaka (2019), Ménaka's first count (Mar 2020).
ROWS = [
    ("M-2017", "2017-12", "ML-5", "2151"),
    ("M-2022-07", "2022-07-31", "ML-5", "189356"),
    ("B-2022-12", "2022-12", "ML-BDG", "92112"),
    ("M-2023-04", "2023-04", "ML-5", "73242"), ("B-2023-04", "2023-04", "ML-BDG", "82005"),
    ("M-2023-09", "2023-09-30", "ML-5", "91274"), ("B-2023-09", "2023-09-30", "ML-BDG", "53218"),
    ("G-2019", "2019-06", "ML-7", "1000"),
    ("G-2020-03", "2020-03-31", "ML-7", "58040"), ("N-2020-03", "2020-03-31", "ML-9", "17758"),
    ("G-2022-07", "2022-07-31", "ML-7", "54731"),
    ("G-2023-09", "2023-09-30", "ML-7", "35613"), ("N-2023-09", "2023-09-30", "ML-9", "45121"),
]


def test_a_split_region_adds_its_areas_of_one_date():
    e = engine(ROWS)
    f = e.facts(view(Period.year(2023), ("ML-5",), metric="idp"))
    # 2023: Apr and Sep 2023 both cover Mopti (Mopti + Bandiagara); the latest is 30 Sep 2023:
    # 91,274 + 53,218 = 144,492. The Apr pair (73,242 + 82,005) is the earlier series.
    assert [(x.value, x.unit, x.qualifier) for x in f.idps.totals] == [(144_492.0, "people", "exact")]
    assert [x.row_id for x in f.idps.counted()] == ["M-2023-09", "B-2023-09"]
    assert {x.row_id: x.reason for x in f.idps.left_out()} == {"B-2023-04": "earlier", "M-2023-04": "earlier"}
    assert f.idps.status == "value" and f.idps.latest == T("2023-09-30")
    mopti = f.region_values.set_index("region_code").loc["ML-5"]
    assert (mopti["value"], mopti["status"], mopti["date_text"]) == (144_492.0, "value", "2023-09-30")
    assert mopti["members"] == ("ML-5", "ML-BDG") and mopti["note"] == "Mopti + Bandiagara, 30 Sep 2023"
    # Gao + Ménaka, 30 Sep 2023: 35,613 + 45,121 = 80,734.
    gao = f.region_values.set_index("region_code").loc["ML-7"]
    assert (gao["value"], gao["note"]) == (80_734.0, "Gao + Menaka, 30 Sep 2023")
    # A newer count of one area alone does not replace the cover: with Mopti 65,240 (Sep 2024) and
    # no Bandiagara count of Sep 2024, 2023-2024 is still 144,492 (30 Sep 2023), and Sep 2024 is a
    # part (the old rule added 65,240 + Bandiagara's 53,218 of Sep 2023 = 118,458).
    later = engine([*ROWS, ("M-2024-09", "2024-09", "ML-5", "65240")]).facts(
        view(Period(Month(2023, 1), Month(2024, 12)), ("ML-5",))).idps
    assert [x.value for x in later.totals] == [144_492.0]
    assert [(x.reason, x.row_id) for x in later.lines][:3] == [
        ("counted", "M-2023-09"), ("counted", "B-2023-09"), ("part_of_region", "M-2024-09")]
    # Before Ménaka's first count (31 Mar 2020) Gao's own count is the whole polygon: 1,000 in 2019.
    early = e.facts(view(Period.year(2019), metric="idp")).region_values.set_index("region_code")
    assert (early.loc["ML-7", "value"], early.loc["ML-7", "note"]) == (1000.0, "Gao, Jun 2019")


def test_a_count_from_before_the_split_is_never_added_to_a_new_region():
    e = engine(ROWS)
    f = e.facts(view(Period.year(2022), ("ML-5",), metric="idp"))
    # 2022: Mopti 189,356 (31 Jul, before Bandiagara's first count in Dec 2022) covers the
    # polygon alone; Bandiagara's 92,112 (Dec) is one part of the new layout and has no Mopti
    # count of its date. Value: 189,356, never 189,356 + 92,112 = 281,468.
    assert [x.value for x in f.idps.totals] == [189_356.0]
    assert reasons(f.idps) == [("counted", "ML-5", 189_356.0), ("part_of_region", "ML-BDG", 92_112.0)]
    mopti = f.region_values.set_index("region_code").loc["ML-5"]
    assert (mopti["value"], mopti["members"], mopti["note"]) == (189_356.0, ("ML-5",), "Mopti, 31 Jul 2022")
    # Gao in 2022: only Gao's 31 Jul count, but Ménaka exists since 31 Mar 2020 and has none: partial.
    gao = f.region_values.set_index("region_code").loc["ML-7"]
    assert math.isnan(gao["value"]) and gao["status"] == "partial"
    assert (gao["members"], gao["missing"]) == (("ML-7",), ("ML-9",))
    assert gao["note"] == "Gao 54,731, 31 Jul 2022; Menaka: no count"
    # With a creation date (regions.csv `created`) before July, the July count is after the split:
    # it no longer covers the polygon, and Mopti 2022 has only parts.
    d = Displacement(tables(ROWS)["idp_counts"], {r["region_code"]: r["drawn_as"] for r in REGIONS[1:]},
                     created={"ML-BDG": T("2022-06-01")})
    (count,) = d.headline(Period.year(2022), T("2022-12-31"), ("ML-5",)).extra["regions"]  # type: ignore[misc]
    assert count.status == "partial" and count.value is None
    assert [(p.area, p.value, p.date) for p in count.parts] == [("ML-5", 189_356.0, T("2022-07-31")),
                                                                ("ML-BDG", 92_112.0, T("2022-12-01"))]


def test_one_new_region_alone_is_a_part_never_the_region():
    e = engine(ROWS)
    f = e.facts(view(month(2022, 12), ("ML-5",), metric="idp"))
    # Dec 2022: Bandiagara 92,112 only; Mopti has no count that month: no value for the polygon.
    assert f.idps.status == "partial" and f.idps.totals == ()
    assert reasons(f.idps) == [("no_figure", "ML-5", None), ("part_of_region", "ML-BDG", 92_112.0)]
    mopti = f.region_values.set_index("region_code").loc["ML-5"]
    assert math.isnan(mopti["value"]) and mopti["status"] == "partial"
    assert mopti["note"] == "Mopti: no count; Bandiagara 92,112, Dec 2022"
    assert f.region_values.set_index("region_code").loc["ML-7", "status"] == "unknown"  # no count: unknown, never zero


def test_same_areas_of_different_dates_are_parts_not_a_sum():
    # Gao (ML-7) draws Ménaka (ML-9), counted from Dec 2021. In 2022 Gao's latest preferred is 150
    # (Sep; the non-preferred 999 is another source), Ménaka's 40 (Jun): no date has both, so no
    # value (the old rule added 150 + 40 = 190).
    rows = [("A", "2022-03", "ML-7", "100"), ("B", "2022-09", "ML-7", "150"), ("C", "2022-09", "ML-7", "999"),
            ("D", "2022-06", "ML-9", "40"), ("E", "2021-12", "ML-9", "70")]
    e = engine(rows, not_preferred=("C",))
    f = e.facts(view(Period.year(2022), ("ML-7",), metric="idp"))
    gao = f.region_values.set_index("region_code").loc["ML-7"]
    assert math.isnan(gao["value"]) and gao["status"] == "partial" and gao["members"] == ("ML-7", "ML-9")
    assert gao["note"] == "Gao 150, Sep 2022; Menaka 40, Jun 2022"
    assert f.idps.status == "partial" and f.idps.totals == ()
    assert {x.row_id: x.reason for x in f.idps.lines} == {
        "B": "part_of_region", "D": "part_of_region", "C": "other_source", "A": "earlier"}


def test_several_regions_add_only_counts_of_one_date():
    e = engine(ROWS)
    # 2017: Mopti 2,151 (Dec 2017); Gao has no count in 2017: not a total, Gao named as unknown.
    f = e.facts(view(Period.year(2017), ("ML-5", "ML-7")))
    assert f.idps.status == "listed" and f.idps.totals == ()
    assert reasons(f.idps) == [("region_count", "ML-5", 2151.0), ("no_figure", "ML-7", None)]
    assert [(c.region_code, c.status, c.value) for c in f.idps.extra["regions"]] == [
        ("ML-5", "value", 2151.0), ("ML-7", "unknown", None)]
    # 2023: both have a value of 30 Sep 2023: 144,492 + 80,734 = 225,226.
    both = e.facts(view(Period.year(2023), ("ML-5", "ML-7")))
    assert [x.value for x in both.idps.totals] == [225_226.0] and both.idps.totals[0].parts == 4
    # Jan 2020 - Jul 2022: Mopti 31 Jul 2022 (189,356) and Gao + Ménaka 31 Mar 2020 (58,040 +
    # 17,758 = 75,798; Gao's 31 Jul 2022 count has no Ménaka count): values of different dates,
    # listed, not added.
    apart = e.facts(view(Period(Month(2020, 1), Month(2022, 7)), ("ML-5", "ML-7")))
    assert apart.idps.status == "listed" and apart.idps.totals == ()
    assert [(c.region_code, c.value, c.date) for c in apart.idps.extra["regions"]] == [
        ("ML-5", 189_356.0, T("2022-07-31")), ("ML-7", 75_798.0, T("2020-03-31"))]
    assert [(x.reason, x.row_id) for x in apart.idps.lines if x.reason != "earlier"] == [
        ("region_count", "M-2022-07"), ("region_count", "G-2020-03"), ("region_count", "N-2020-03"),
        ("part_of_region", "G-2022-07")]


def test_the_national_count_is_unchanged_and_answers_are_kept():
    rows = [*ROWS, ("ML-A", "2022-05", "ML", "377519"), ("ML-B", "2022-12", "ML", "412387")]
    e = engine(rows)
    f = e.facts(view(Period.year(2022)))
    assert f.idps.status == "value" and [x.value for x in f.idps.totals] == [412_387.0]
    assert [(x.reason, x.row_id) for x in f.idps.lines] == [("counted", "ML-B"), ("earlier", "ML-A")]
    d = e.displacement
    once = d.headline(Period.year(2022), T("2022-12-31"), ("ML-5",))
    assert d.headline(Period.year(2022), T("2022-12-31"), ("ML-5",)) is once
    assert d.regions_at(Period.year(2022), T("2022-12-31")) is d.regions_at(Period.year(2022), T("2022-12-31"))


# -- the shipped data: the three views of review A2 ------------------------------------------

def facts(app_data, query: str):
    state = parse_query(query, app_data.options)
    assert state.ignored == (), state.ignored
    return app_data.engine.facts(state)


def test_mopti_2022_is_july_mopti_never_plus_december_bandiagara(app_data):
    f = facts(app_data, "?year=2022&region=ML-5&metric=idp")
    # IDP-2022-07-31-ML-5 Mopti 189,356 is dated before ML-BDG's first count (IDP-2022-12-ML-BDG,
    # Dec 2022; regions.csv gives no creation date): it covers the Mopti polygon alone. Bandiagara's
    # 92,112 (Dec 2022) has no Mopti count of its month: a part, listed. Was 189,356 + 92,112 = 281,468.
    assert f.idps.status == "value" and [x.value for x in f.idps.totals] == [189_356.0]
    assert [(x.reason, x.row_id) for x in f.idps.lines] == [
        ("counted", "IDP-2022-07-31-ML-5"), ("part_of_region", "IDP-2022-12-ML-BDG")]
    mopti = f.region_values.set_index("region_code").loc["ML-5"]
    assert (mopti["value"], mopti["date_text"], mopti["note"]) == (189_356.0, "2022-07-31", "Mopti, 31 Jul 2022")


def test_mopti_december_2022_is_bandiagara_alone_so_no_value(app_data):
    f = facts(app_data, "?from=2022-12&to=2022-12&region=ML-5&metric=idp")
    # Dec 2022: IDP-2022-12-ML-BDG (92,112) only; no ML-5 count that month. Was "Mopti | 92,112".
    assert f.idps.status == "partial" and f.idps.totals == ()
    assert [(x.reason, x.scope, x.value) for x in f.idps.lines] == [
        ("no_figure", "ML-5", None), ("part_of_region", "ML-BDG", 92_112.0)]
    mopti = f.region_values.set_index("region_code").loc["ML-5"]
    assert math.isnan(mopti["value"]) and mopti["status"] == "partial"
    hover = region_hover({"en": "Mopti", "fr": "Mopti"}, "idp", mopti["value"], "31 Dec 2022", mopti["note"],
                         lang="en", status=mopti["status"])
    assert hover == ("<b>Mopti</b><br>Internally displaced people: parts only, no total<br>as of 31 Dec 2022"
                     "<br><i>Mopti: no count; Bandiagara 92,112, Dec 2022</i>")


def test_mopti_and_timbuktu_2017_is_not_a_total(app_data):
    f = facts(app_data, "?year=2017&region=ML-5,ML-6")
    # 2017: IDP-2017-12-ML-5 Mopti 2,151; Tombouctou (ML-6, and Taoudénit ML-10 drawn in it) has
    # no count in 2017: unknown, named, never added as 0. Was "Mopti, Timbuktu | 2,151".
    assert f.idps.status == "listed" and f.idps.totals == ()
    assert [(x.reason, x.scope, x.value) for x in f.idps.lines] == [
        ("region_count", "ML-5", 2151.0), ("no_figure", "ML-6", None)]
    assert [(c.region_code, c.status, c.date_text) for c in f.idps.extra["regions"]] == [
        ("ML-5", "value", "2017-12"), ("ML-6", "unknown", "")]


def test_mopti_and_gao_2023_add_one_date(app_data):
    f = facts(app_data, "?year=2023&region=ML-5,ML-7")
    # 30 Sep 2023 (IDP-APA-2023-09): Mopti 91,274 + Bandiagara 53,218 + Gao 35,613 + Ménaka 45,121 = 225,226.
    assert [(x.value, x.qualifier) for x in f.idps.totals] == [(225_226.0, "exact")]
    assert [x.row_id for x in f.idps.counted()] == [
        "IDP-2023-09-30-ML-5", "IDP-2023-09-30-ML-BDG", "IDP-2023-09-30-ML-7", "IDP-2023-09-30-ML-9"]


def test_mopti_and_gao_2023_2024_are_listed_with_their_own_dates(app_data):
    f = facts(app_data, "?year=2023-2024&region=ML-5,ML-7&metric=idp")
    # Mopti: IDP-2024-09-ML-5 (65,240) has no Bandiagara count of Sep 2024, so Mopti's value is
    # 30 Sep 2023: 91,274 + 53,218 = 144,492. Gao: Sep 2024 has Gao 54,021 and Ménaka 74,216 =
    # 128,237. Different dates: listed, not added (the old rule added 65,240 + 53,218 + 54,021 +
    # 74,216 = 246,695 from two dates).
    assert f.idps.status == "listed" and f.idps.totals == ()
    assert [(c.region_code, c.value, c.date_text) for c in f.idps.extra["regions"]] == [
        ("ML-5", 144_492.0, "2023-09-30"), ("ML-7", 128_237.0, "2024-09")]
    assert [(x.reason, x.row_id) for x in f.idps.lines if x.reason != "earlier"] == [
        ("region_count", "IDP-2023-09-30-ML-5"), ("region_count", "IDP-2023-09-30-ML-BDG"),
        ("part_of_region", "IDP-2024-09-ML-5"), ("region_count", "IDP-2024-09-ML-7"), ("region_count", "IDP-2024-09-ML-9")]
    notes = f.region_values.set_index("region_code")["note"]
    assert (notes["ML-5"], notes["ML-7"]) == ("Mopti + Bandiagara, 30 Sep 2023", "Gao + Menaka, Sep 2024")
