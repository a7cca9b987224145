"""Callback-level tests: the functions behind the callbacks, and real POSTs to Dash's endpoint."""

from __future__ import annotations

import json
from contextvars import copy_context

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from dashboard import ids
from dashboard.callbacks import map_view as map_cb
from dashboard.callbacks import panels as panels_cb
from dashboard.callbacks import view_state as state_cb
from layers.period import Month, Period
from layers.view_state import ViewState, parse_query, to_query
from tests.builders import make_tables

FIELDS = ["lang", "years", "month_from", "month_to", "regions", "donors", "actors", "sectors", "geo", "search", "selected",
          "metric", "layers", "timeline"]


@pytest.fixture(scope="module")
def app(dash_app):
    return dash_app


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def _run(app, func, *args, triggered=None, inputs_list=None, states_list=None, outputs_list=None):
    """Call a callback's function as Dash would: in the app context, with ``ctx`` set."""
    def call():
        context_value.set(AttributeDict(
            triggered_inputs=[{"prop_id": f"{triggered}.x", "value": None}] if triggered else [],
            inputs_list=inputs_list or [], states_list=states_list or [], outputs_list=outputs_list or [],
        ))
        with app.server.app_context():
            return getattr(func, "__wrapped__", func)(*args)
    return copy_context().run(call)


def _store(app, query: str) -> dict:
    """The store payload the browser holds for a view (what the callbacks receive)."""
    data = app.server.extensions["sahel_dashboard"]
    return {**parse_query(query, data.options).as_dict(), "ignored": []}


def _controls(fields=FIELDS):
    return [{"id": ids.control(f), "property": "value"} for f in fields]


def test_url_drives_controls_and_store(app):
    query = "?year=2019&region=ML-5&lang=fr&sel=EUTM-MALI"
    _search, values, store, _ = _run(app, state_cb.sync_view_state, query, [None] * len(FIELDS), None,
                                 triggered=None, inputs_list=[{}, _controls()])
    values = dict(zip(FIELDS, values, strict=True))
    assert values["years"] == [2019, 2019] and (values["month_from"], values["month_to"]) == ("1", "12")  # selects hold text
    assert values["regions"] == ["ML-5"] and values["lang"] == "fr"
    assert values["selected"] == "EUTM-MALI"
    assert store["regions"] == ["ML-5"] and store["ignored"] == []


def test_controls_drive_url_and_state_url_state_is_identity(app):
    data = app.server.extensions["sahel_dashboard"]
    values = {"lang": "fr", "years": [2016, 2017], "month_from": "3", "month_to": "12", "regions": ["ML-7", "ML-6"], "donors": [],
              "actors": ["eu_csdp"], "sectors": [], "geo": ["mali"], "search": "", "selected": None, "metric": "budget",
              "layers": ["regions", "sites"], "timeline": "date"}
    search, _, store, _ = _run(app, state_cb.sync_view_state, "", [values[f] for f in FIELDS], None,
                            triggered=json.dumps(ids.control("years"), separators=(",", ":"), sort_keys=True), inputs_list=[{}, _controls()])
    state = parse_query(search, data.options)
    assert to_query(state, data.options) == search
    assert state.regions == ("ML-7", "ML-6") and state.metric == "budget" and state.timeline == "date"
    assert state.period == Period(Month(2016, 3), Month(2017, 12))
    assert "from=2016-03&to=2017-12" in search
    assert store == {**state.as_dict(), "ignored": []}


def test_map_patch_never_resends_geometry(app):
    patch, _config, _caption, _table = _run(app, map_cb.map_figure, _store(app, "?year=2019&metric=idp"))
    payload = json.dumps(patch.to_plotly_json(), default=str)
    assert "geojson" not in payload and "coordinates" not in payload
    assert len(payload) < 60_000


def test_region_click_toggles_filter(app):
    click = {"points": [{"customdata": "ML-5"}]}
    assert _run(app, map_cb.region_filter_from_map, click, ["ML-1"]) == ["ML-1", "ML-5"]
    assert _run(app, map_cb.region_filter_from_map, click, ["ML-1", "ML-5"]) == ["ML-1"]
    site_click = {"points": [{"customdata": ["SITE-X"]}]}
    assert _run(app, map_cb.region_filter_from_map, site_click, []).__class__.__name__ == "NoUpdate"


def test_timeline_click_selects_engagement_by_customdata(app):
    click = {"points": [{"customdata": "MINUSMA"}]}
    value, options = _run(app, panels_cb.select_engagement, click, None, "en", triggered=ids.TIMELINE_GRAPH)
    assert value == "MINUSMA" and "MINUSMA" in {o["value"] for o in options}
    bad = {"points": [{"customdata": "<img src=x onerror=alert(1)>"}]}
    assert _run(app, panels_cb.select_engagement, bad, None, "en", triggered=ids.TIMELINE_GRAPH) == (no_update, no_update)


def test_mopti_2019_answers_the_briefing_question(app):
    rows, _columns, caption = _run(app, panels_cb.engagement_table, _store(app, "?year=2019&region=ML-5"))
    acronyms = {r["acronym"] for r in rows}
    assert {"EUTM Mali", "MINUSMA"} <= acronyms
    assert "2019" in caption
    assert all(r["source_ids"] for r in rows)


def test_play_advances_and_stops_at_last_year(app):
    last = app.server.extensions["sahel_dashboard"].options.years[1]
    assert _run(app, state_cb.advance_year, 1, [2015, 2015]) == ([2016, 2016], False)
    assert _run(app, state_cb.advance_year, 1, [2013, 2016]) == ([2014, 2017], False)  # a range moves as a whole
    assert _run(app, state_cb.advance_year, 1, [last - 1, last - 1]) == ([last, last], True)
    assert _run(app, state_cb.advance_year, 1, [last, last]) == ([2012, 2012], False)  # from the end, restart
    assert _run(app, state_cb.advance_year, 1, "garbage")[0] == [2012, 2012]


def test_download_lists_every_row_with_its_sources(app):
    import base64
    import csv
    import io

    out = _run(app, panels_cb.download_table, 1, 0, _store(app, "?year=2019"), triggered=ids.DOWNLOAD_CSV_BUTTON)
    assert out["filename"] == "sahel-engagements-2019.csv"
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(out["content"]).decode("utf-8-sig"))))
    table, _, _ = _run(app, panels_cb.engagement_table, _store(app, "?year=2019"))
    assert [r["id"] for r in rows] == [r["id"] for r in table]
    engagements = app.server.extensions["sahel_dashboard"].tables["engagements"]
    for row in rows:  # each row cites at least the engagement's own sources
        assert set(engagements.loc[row["id"], "source_ids"]) <= set(row["Sources"].split("; ")), row["id"]


def test_download_neutralises_formula_cells():
    import csv
    import io
    from datetime import date

    import openpyxl

    from dashboard.export_table import table_bytes
    from layers.rules.engine import Engine

    hostile = '=HYPERLINK("http://e.xx","x")'
    tables = make_tables(engagements=[{"engagement_id": "E1", "name_en": hostile, "name_fr": hostile, "acronym": "+E1",
                                       "kind": "bilateral_project", "actor_type": "france", "lead_actor": "@lead",
                                       "sectors": "training", "status": "ended", "scope": "national",
                                       "start_date": "2019", "end_date": "2019", "source_ids": "S-1", "locators": "-q"}])
    engine = Engine(tables, date(2026, 11, 30))
    facts = engine.facts(ViewState(period=Period.year(2019)))
    text = table_bytes(engine, facts, "en", "csv").decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["Name"], row["Acronym"], row["Lead"], row["Locator"]) == ("'" + hostile, "'+E1", "'@lead", "'-q")
    sheet = openpyxl.load_workbook(io.BytesIO(table_bytes(engine, facts, "en", "xlsx"))).active
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert cells["Name"].value == "'" + hostile and cells["Name"].data_type == "s"


def _dependency(client, output_fragment: str) -> dict:
    deps = client.get("/_dash-dependencies").get_json()
    return next(d for d in deps if output_fragment in d["output"])


def test_http_post_to_update_component(client):
    dep = _dependency(client, "map-graph.figure")
    body = {
        "output": dep["output"],
        "outputs": [{"id": ids.MAP_GRAPH, "property": "figure"}, {"id": ids.MAP_GRAPH, "property": "config"},
                    {"id": ids.MAP_CAPTION, "property": "children"}, {"id": ids.MAP_TABLE, "property": "children"}],
        "inputs": [{"id": ids.VIEW_STORE, "property": "data", "value": {"from": "2019-01", "to": "2019-12", "metric": "engagements"}}],
        "changedPropIds": [f"{ids.VIEW_STORE}.data"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert len(response.data) < 300_000
    assert b"geojson" not in response.data


@pytest.mark.parametrize("value", [None, 42, "x" * 10_000, ["a"] * 5_000, {"year": "<script>", "regions": [{"$ne": 1}]},
                                   {"year": 10**30, "lang": ["fr"], "layers": "all", "selected": {"a": 1}}])
def test_hostile_store_payloads_are_handled(client, value):
    dep = _dependency(client, "timeline-graph.figure")
    body = {
        "output": dep["output"],
        "outputs": [{"id": ids.TIMELINE_GRAPH, "property": "figure"}, {"id": ids.TIMELINE_GRAPH, "property": "style"},
                    {"id": ids.TIMELINE_GRAPH, "property": "config"}],
        "inputs": [{"id": ids.VIEW_STORE, "property": "data", "value": value}],
        "changedPropIds": [f"{ids.VIEW_STORE}.data"], "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert b"Traceback" not in response.data


def test_http_control_change_updates_url_and_store(client):
    dep = _dependency(client, "...view-store.data...")
    fields = [*FIELDS, "mode", "briefing", "scene"]
    values = {"lang": "en", "years": [2019, 2019], "month_from": "1", "month_to": "12", "regions": ["ML-5"], "donors": [], "actors": [],
              "sectors": [], "geo": ["mali"], "search": "", "selected": None, "metric": "engagements",
              "layers": ["regions", "sites"], "timeline": "period", "mode": "explore", "briefing": "", "scene": 0}
    controls = [{"id": ids.control(f), "property": "value", "value": values[f]} for f in fields]
    body = {
        "output": dep["output"],
        "outputs": [{"id": ids.URL, "property": "search"},
                    [{"id": ids.control(f), "property": "value"} for f in fields],
                    {"id": ids.VIEW_STORE, "property": "data"},
                    {"id": ids.control("selected"), "property": "data"}],
        "inputs": [{"id": ids.URL, "property": "search", "value": ""}, controls],
        "changedPropIds": [ids.dom_id(ids.control("regions")) + ".value"],
        "state": [{"id": ids.VIEW_STORE, "property": "data", "value": None}],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    result = response.get_json()["response"]
    assert result["url"]["search"] == "?year=2019&region=ML-5&layers=regions,sites"
    assert result["view-store"]["data"]["regions"] == ["ML-5"]


def test_scene_text_is_the_view_without_presentation_keys(app):
    from dashboard.callbacks import briefing as briefing_cb

    text = _run(app, briefing_cb.scene_text, "?year=2019&region=ML-5&briefing=eu-mali-2013-2023&scene=2")
    scene = json.loads(text)
    assert scene["view"] == "?year=2019&region=ML-5" and set(scene) == {"title", "note", "view"}


def test_a_briefing_link_in_the_dashboard_opens_the_scene_view(app):
    from dashboard.briefing import scene_query

    briefing = app.server.extensions["sahel_dashboard"].catalog.briefings["eu-mali-2013-2023"]
    query = scene_query(briefing, 3, lang="fr")
    assert query.startswith("?year=2015") and "lang=fr" in query and "scene=3" in query and "mode=" not in query
    assert scene_query(briefing, 99).endswith(f"scene={len(briefing.scenes)}")  # clamped to the last scene


def test_detail_panel_cites_each_source_once_and_rows_link_to_it(app_data):
    import json

    import plotly

    from dashboard.panels import detail_panel, source_anchor

    tables = app_data.tables
    panel = json.loads(plotly.io.json.to_json_plotly(detail_panel(app_data, "EUTM-MALI", "en")))
    text = json.dumps(panel, ensure_ascii=False)
    mandates = tables["mandates"][tables["mandates"]["engagement_id"] == "EUTM-MALI"]
    cited = {s for ids in mandates["source_ids"] for s in ids}
    for sid in cited:
        anchor = source_anchor(sid)
        assert text.count(f'"id": "{anchor}"') == 1  # one full entry per source
        assert f'"href": "#{anchor}"' in text  # rows link to it
        publisher = tables["sources"].loc[sid, "publisher"]
        assert text.count(json.dumps(publisher, ensure_ascii=False)[1:-1]) >= 1  # cited by publisher, year, title
    for locators in mandates["locators"]:
        for loc in locators:
            assert json.dumps(loc, ensure_ascii=False)[1:-1] in text  # every row keeps its quote


def test_a_plain_first_visit_changes_nothing_and_a_link_writes_only_what_differs(app):
    """The layout is drawn for the default view: loading "/" must not re-run every callback,
    while a shared link still sets its controls and store."""
    data = app.server.extensions["sahel_dashboard"]
    from layers.view_state import default_state

    default = default_state(data.options).as_dict()
    store = {**default, "ignored": []}
    values = [state_cb.control_value(default, f) for f in FIELDS]
    search, controls, new_store, _ = _run(app, state_cb.sync_view_state, "", values, store,
                                       triggered=None, inputs_list=[{}, _controls()])
    assert search is no_update and new_store is no_update
    assert all(c is no_update for c in controls)
    search, controls, new_store, _ = _run(app, state_cb.sync_view_state, "?year=2019", values, store,
                                       triggered=None, inputs_list=[{}, _controls()])
    changed = {f: c for f, c in zip(FIELDS, controls, strict=True) if c is not no_update}
    assert changed == {"years": [2019, 2019]} and (new_store["from"], new_store["to"]) == ("2019-01", "2019-12")


def test_engagement_picker_lists_a_bounded_page_searches_and_keeps_the_selection(app_data, monkeypatch):
    from dashboard import layout

    monkeypatch.setattr(layout, "MAX_ENGAGEMENT_OPTIONS", 5)
    everything = layout._all_engagement_options(app_data, "en")
    first = layout.engagement_options(app_data, "en")
    assert [o["value"] for o in first] == [v for _, v, _ in everything[:5]]
    last_value = everything[-1][1]
    kept = layout.engagement_options(app_data, "en", keep=last_value)
    assert len(kept) == 6 and kept[-1]["value"] == last_value  # the selection stays listed
    found = layout.engagement_options(app_data, "fr", search="eutm")
    assert found and all("eutm" in o["label"].casefold() for o in found)
    assert any("formation" in o["label"] for o in found)  # French labels


def test_a_link_selecting_an_engagement_beyond_the_first_page_lists_it_with_the_value(app, app_data, monkeypatch):
    """The picker clears a value its options lack, so the options come with the value."""
    from dashboard import layout
    from layers.view_state import default_state

    monkeypatch.setattr(layout, "MAX_ENGAGEMENT_OPTIONS", 2)
    last = layout._all_engagement_options(app_data, "en")[-1][1]
    default = default_state(app_data.options).as_dict()
    values = [state_cb.control_value(default, f) for f in FIELDS]
    _, controls, _, options = _run(app, state_cb.sync_view_state, f"?sel={last}", values, None,
                                   triggered=None, inputs_list=[{}, _controls()])
    assert dict(zip(FIELDS, controls, strict=True))["selected"] == last
    assert last in {o["value"] for o in options} and len(options) == 3
    child = app_data.tables["engagements"].query("parent_id != ''")["engagement_id"].iloc[0]
    assert child in {o["value"] for o in layout.engagement_options(app_data, "fr", keep=child)}


def test_opening_a_key_figure_lists_its_rows_and_quotes(app):
    import plotly

    store = _store(app, "?year=2021")
    body = _run(app, panels_cb.explain_card, 1, "…", store, triggered=ids.dom_id(ids.card("personnel")))
    text = plotly.io.json.to_json_plotly(body)
    assert "Added" in text and "Listed, not added" in text
    assert "It has more than 15,000 soldiers" in text  # MINUSMA's quote, one click from the headline
    assert _run(app, panels_cb.explain_card, 2, body, store, triggered=ids.dom_id(ids.card("personnel"))) is no_update


def test_every_engagement_is_reachable_from_some_view(app):
    """Every row of engagements.csv is listed in some view's table (and its download), or found by search."""
    from dashboard.export_table import table_rows

    data = app.server.extensions["sahel_dashboard"]
    everywhere = "&geo=mali,sahel,comparators"
    listed: set[str] = set()
    for year in range(2012, 2027):
        facts = data.engine.facts(parse_query(f"?year={year}{everywhere}", data.options))
        listed |= {r["id"] for r in table_rows(data.engine, facts, "en")}
    engagements = data.tables["engagements"]
    missing = [e for e in engagements["engagement_id"] if e not in listed]
    for eid in missing:  # whatever no year lists must be found by a search for its name
        facts = data.engine.facts(parse_query(f"?year=2026{everywhere}&q={engagements.at[eid, 'name_en'][:20]}", data.options))
        assert eid in {r["id"] for r in table_rows(data.engine, facts, "en")}, eid
    belgian = data.engine.facts(parse_query("?year=2017&q=Belg", data.options))
    assert "BE-EUTM" in {r["id"] for r in table_rows(data.engine, belgian, "en")}
