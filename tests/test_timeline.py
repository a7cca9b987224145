"""The timeline: pure builder tests on inline rows, and its rows from the rules on hand-made tables."""

from __future__ import annotations

from datetime import date

import pandas as pd

from layers.period import Period
from layers.rules.engine import Engine
from layers.timeline import Bar, Row, build_timeline_figure, short_basis, timeline_rows
from layers.view_state import ViewState
from tests.builders import make_tables

T = pd.Timestamp
DATA_DATE = T("2026-11-22")


def _rows() -> list[Row]:
    return [
        Row("EUTM-MALI", "EUTM Mali", {"en": "EU Training Mission", "fr": "Mission de formation de l'UE"}, "eu_csdp",
            (Bar(T("2013-02-18"), T("2014-05-18"), "2013/34", "Council Decision 2013/34/CFSP"),
             Bar(T("2014-04-15"), T("2016-05-18"), "2014/220", "Council Decision 2014/220/CFSP"))),
        Row("SERVAL", "Serval", {"en": "Operation Serval", "fr": "Opération Serval"}, "france",
            (Bar(T("2013-01-11"), T("2014-07-15")),)),
        Row("OPEN", "Open", {"en": "Open-ended", "fr": "Sans fin"}, "un", (Bar(T("2020-01-01"), DATA_DATE, open_end=True),),
            runs_on=True),
    ]


def _events() -> pd.DataFrame:
    return pd.DataFrame({
        "date": [T("2012-03-22"), T("2015-05-15")], "date_text": ["2012-03-22", "2015-05-15"],
        "kind": ["coup", "accord"], "title_en": ["Coup", "Peace agreement"], "title_fr": ["Coup d'État", "Accord de paix"],
        "key_event": [True, False],
    })


def _figure(**kw: object):
    args = {"lang": "en", "cursor": T("2019-12-31"), "period": (T("2019-01-01"), T("2019-12-31")), "data_date": DATA_DATE}
    return build_timeline_figure(kw.pop("rows", _rows()), kw.pop("undated", ["OCWAR-T"]), _events(), **{**args, **kw})


def test_short_basis():
    assert short_basis("UNSC resolution 2100 (25 Apr 2013)") == "Res. 2100"
    assert short_basis("Council Decision (CFSP) 2016/446 (23 Mar 2016)") == "2016/446"


def test_figure_rows_clicks_events_period_and_cursor():
    fig = _figure(selected="SERVAL")
    bars = [t for t in fig.data if t.type == "bar"]
    assert {c for t in bars for c in t.customdata} == {"EUTM-MALI", "SERVAL", "OPEN"}
    events = [t for t in fig.data if t.type == "scatter" and t.legendgroup == "events"]
    assert len(events) == 1 and events[0].name == "Coup"  # only key events
    shade, line = fig.layout.shapes
    assert (shade.x0, shade.x1) == ("2019-01-01T00:00:00", "2019-12-31T00:00:00")  # the period
    assert line.x0 == "2019-12-31T00:00:00"  # the date line at the view's date
    serval = next(t for t in bars if "SERVAL" in t.customdata)
    assert serval.marker.line.width[list(serval.customdata).index("SERVAL")] == 3  # the selected row is outlined
    # Hatching overlays the actor colour: "replace" drew white stripes on nothing (invisible bars).
    assert all(t.marker.pattern.fillmode == "overlay" for t in bars)


def test_open_ended_bars_stop_at_the_data_date_with_an_arrow_and_undated_have_a_lane():
    fig = _figure()
    arrow = next(t for t in fig.data if t.type == "scatter" and t.marker.symbol == "triangle-right")
    assert list(arrow.y) == ["OPEN"] and list(arrow.x) == [DATA_DATE.isoformat()]
    assert "Dates unknown (1)" in fig.layout.yaxis.ticktext
    assert any(a.text == "OCWAR-T" for a in fig.layout.annotations)


def test_french_timeline():
    fig = _figure(lang="fr")
    names = {t.name for t in fig.data}
    assert "Mission PSDC de l’UE" in names and "Coup d’État" in names


def test_rows_are_capped_and_the_selected_row_kept():
    rows = [Row(f"E{i:02d}", f"E{i:02d}", {"en": "x", "fr": "x"}, "un",
                (Bar(T("2013-01-01") + pd.Timedelta(days=i), T("2015-01-01")),)) for i in range(60)]
    fig = _figure(rows=rows, undated=[], selected="E59", max_rows=10)
    kept = {c for t in fig.data if t.type == "bar" for c in t.customdata}
    assert len(kept) == 10 and "E59" in kept
    assert any("50 more" in (a.text or "") for a in fig.layout.annotations)


def test_rows_follow_the_period_and_the_status_rule():
    tables = make_tables(
        regions=[{"region_code": "ML", "name_fr": "Mali", "name_en": "Mali", "kind": "country", "drawn_as": "MLI"}],
        engagements=[
            {"engagement_id": e, "name_en": e, "name_fr": e + " (fr)", "kind": "bilateral_project", "actor_type": "france",
             "lead_actor": "x", "sectors": "training", "status": s, "scope": "national", "start_date": a, "end_date": b}
            for e, s, a, b in [("OLD", "ended", "2013", "2014"), ("NOW", "ended", "2018", "2020-06"),
                               ("ONLY-START", "unknown", "2019", ""), ("UNDATED", "unknown", "", "")]
        ],
    )
    engine = Engine(tables, date(2026, 11, 30))
    facts = engine.facts(ViewState(period=Period.year(2019)))
    rows, undated, _ = timeline_rows(engine, facts, DATA_DATE)
    assert [r.engagement_id for r in rows] == ["NOW", "ONLY-START"]  # the period's engagements only
    assert undated == ["UNDATED"]
    # In French, the lane of dates unknown names them in French (no acronym: the name).
    assert timeline_rows(engine, engine.facts(ViewState(period=Period.year(2019), lang="fr")), DATA_DATE)[1] == ["UNDATED (fr)"]
    only_start = rows[1]
    # Start 2019, no later evidence: active to 31 Dec 2019 + 12 months, then status unknown.
    assert only_start.unknown_after == T("2020-12-31") and not only_start.runs_on
    assert only_start.bars[0].open_end and only_start.bars[0].end == T("2020-12-31")
    in_2020 = engine.facts(ViewState(period=Period.year(2020)))
    assert [r.engagement_id for r in timeline_rows(engine, in_2020, DATA_DATE)[0]] == ["NOW", "ONLY-START"]
    on_date = engine.facts(ViewState(period=Period.year(2020), timeline="date"))  # NOW ended in June 2020
    assert [r.engagement_id for r in timeline_rows(engine, on_date, DATA_DATE)[0]] == ["ONLY-START"]


def test_the_timeline_margins_are_fixed_and_follow_the_widths_of_its_texts():
    """No automargin and no legend that widens the margin (each makes plotly draw twice): the
    margins follow the widest lane name and legend line in the page's font (whether nothing is
    cut is checked in the browser: tests/test_browser.py)."""
    from layers.timeline import _margins

    def same(size: int) -> int:
        return size

    narrow = _margins(["i" * 22], ("Title", ["il"]), same, hidden=False)
    wide = _margins(["W" * 22], ("Title", ["WM" * 17]), same, hidden=False)
    assert narrow["autoexpand"] is False and wide["autoexpand"] is False
    assert wide["l"] > 2 * narrow["l"] and wide["r"] > 2 * narrow["r"]  # widths, not character counts
    titled = _margins(["x"], ("A much longer legend title than any name", ["EU"]), same, hidden=False)
    assert titled["r"] > _margins(["x"], ("Title", ["EU"]), same, hidden=False)["r"]
    assert _margins(["x"], None, same, hidden=False)["r"] == 10  # the stage: no legend
    big = _margins(["EUTM Mali"], None, lambda size: round(size * 1.9), hidden=True)
    assert big["l"] > _margins(["EUTM Mali"], None, same, hidden=True)["l"] and big["b"] > narrow["b"]


def test_a_built_timeline_uses_fixed_margins():
    layout = _figure(lang="fr").layout
    assert layout.margin.autoexpand is False and layout.yaxis.automargin is False
    assert layout.margin.r > layout.margin.l > 14  # the legend's French names are wider than these short lane names
    assert _figure(big=True).layout.margin.r == 10  # the stage shows no legend


def test_tick_labels_are_measured_only_where_one_could_pass_the_edge():
    # The desk's legend margin is wider than any year label could overhang; plotly's check of
    # each label (a forced layout per label, every redraw) is left to the stage's narrow margin.
    desk, stage = _figure().layout, _figure(big=True).layout
    assert desk.xaxis.ticklabeloverflow == "allow" and desk.margin.r > 60
    assert stage.xaxis.ticklabeloverflow == "hide past div"


def test_each_kind_of_event_has_a_symbol_of_its_own():
    """A timeline legend entry names one kind of event: no two kinds share a symbol, and none
    takes the bars' "may run on past the data" arrow."""
    from layers.timeline import EVENT_SYMBOLS
    from sahel_data.schema import EVENT_KINDS

    assert set(EVENT_SYMBOLS) == set(EVENT_KINDS)
    assert len(set(EVENT_SYMBOLS.values())) == len(EVENT_SYMBOLS)
    assert "triangle-right" not in EVENT_SYMBOLS.values()


def test_a_mandate_with_no_stated_end_is_drawn_until_the_next_one(app_data):
    """EU-STAB-MOPTI-SEGOU's first decision (4 Aug 2017) states no end; its extension (15 Oct 2018
    to 31 Jan 2019) does. The bar had started at the extension, against the detail panel's
    "4 Aug 2017 – 31 Jan 2019"; the first decision now runs, hatched, to the day before it. An
    amendment inside a stated mandate (EUCAP's 2019/762 within 2019/312) adds no bar."""
    from layers.view_state import parse_query

    facts = app_data.engine.facts(parse_query("?from=2012&to=2026", app_data.options))
    rows = {r.engagement_id: r for r in timeline_rows(app_data.engine, facts, DATA_DATE)[0]}
    stab = rows["EU-STAB-MOPTI-SEGOU"].bars
    assert [(b.start, b.end, b.open_end) for b in stab] == [(T("2017-08-04"), T("2018-10-14"), True),
                                                          (T("2018-10-15"), T("2019-01-31"), False)]
    eucap = rows["EUCAP-SAHEL-MALI"].bars
    assert T("2019-05-13") not in [b.start for b in eucap] and all(b.start <= b.end for b in eucap)
    # The bridging extension (17 Dec 2018, no end) fills the gap after 2017/50 ends, to 2019/312.
    assert (T("2019-01-15"), T("2019-02-20"), True) in [(b.start, b.end, b.open_end) for b in eucap]


def test_a_short_timeline_keeps_the_engagements_active_longest_in_the_period(app_data):
    """The stage's two-row timeline of 2013-2023 kept the two earliest to start, WAPIS and
    AFISMA (seven months), and hid EUTM Mali and MINUSMA; it now keeps those active longest in
    the period, drawn in order of start, and the selected one."""
    from layers.view_state import parse_query

    def kept(query: str, n: int) -> list[str]:
        facts = app_data.engine.facts(parse_query(query, app_data.options))
        return [r.engagement_id for r in timeline_rows(app_data.engine, facts, DATA_DATE, n)[0]]

    assert kept("?from=2013&to=2023", 2) == ["EUTM-MALI", "MINUSMA"]
    four = kept("?from=2013&to=2023", 4)
    assert "AFISMA" not in four and four[:3] == ["WAPIS", "EUTM-MALI", "MINUSMA"]  # by start
    assert "PARSEC" in kept("?year=2019&sel=PARSEC", 2)
