"""Callback-level tests: the functions behind the callbacks, and real POSTs to Dash's endpoint."""

from __future__ import annotations

import json
from contextvars import copy_context
from typing import Any

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from benchmarks.payloads import output_parts, view_body, view_dependency
from dashboard import ids
from dashboard.callbacks import panels as panels_cb
from dashboard.callbacks import view_state as state_cb
from dashboard.outputs import scene_output, table_output
from dashboard.response import FROM_CONTROLS, FROM_RESET, FROM_URL, ViewRequest, view_response
from dashboard.view_store import control_value, store_payload
from layers.i18n import t
from layers.period import Month, Period
from layers.view_state import ViewState, default_state, parse_query, to_query
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
    return store_payload(parse_query(query, data.options), data.options)


def _default_values(app) -> dict:
    data = app.server.extensions["sahel_dashboard"]
    default = default_state(data.options).as_dict()
    return {f: control_value(default, f) for f in FIELDS}


def _respond(app, source, values: dict, store=None, search: str = "", *, in_view=None) -> dict:
    """The view callback's answer (dashboard.response), in the app's context."""
    data = app.server.extensions["sahel_dashboard"]
    request = ViewRequest(source, search, tuple(FIELDS), tuple(values[f] for f in FIELDS), store, in_view)
    with app.server.app_context():
        return view_response(data, request)


def _written(answer: dict) -> set[str]:
    """The parts of an answer that are written (not no_update)."""
    return {k for k, v in answer.items() if v is not no_update and not (isinstance(v, list) and k == "controls"
                                                                      and all(x is no_update for x in v))}


def _kept(answer: dict) -> dict[str, Any]:
    """The parts an answer keeps in DEFERRED (assigned there), by output key."""
    return {op["location"][0]: op["params"]["value"] for op in answer["deferred"].to_plotly_json()["operations"]
            if op["operation"] == "Assign"}


def _part(answer: dict, key: str) -> Any:
    """What an answer draws in one part: written now, or kept in DEFERRED to be drawn soon after."""
    kept = _kept(answer) if answer["deferred"] is not no_update else {}
    return kept[key] if key in kept else answer[key]  # kept aside, a part may show a "waiting" line meanwhile


def _redrawn(answer: dict) -> set[str]:
    """The parts an answer draws: written now, or handed to DEFERRED (drawn after the map, or in view)."""
    return _written(answer) | (set(_kept(answer)) if "deferred" in _written(answer) else set())


def test_url_drives_controls_and_store(app):
    query = "?year=2019&region=ML-5&lang=fr&sel=EUTM-MALI"
    answer = _respond(app, FROM_URL, dict.fromkeys(FIELDS), search=query)
    values = dict(zip(FIELDS, answer["controls"], strict=True))
    assert values["years"] == [2019, 2019] and (values["month_from"], values["month_to"]) == ("1", "12")  # selects hold text
    assert values["regions"] == ["ML-5"] and values["lang"] == "fr"
    assert values["selected"] == "EUTM-MALI"
    assert answer["store"]["regions"] == ["ML-5"] and answer["store"]["ignored"] == []
    assert answer["search"] is no_update  # the address already says it


def test_controls_drive_url_and_state_url_state_is_identity(app):
    data = app.server.extensions["sahel_dashboard"]
    values = {"lang": "fr", "years": [2016, 2017], "month_from": "3", "month_to": "12", "regions": ["ML-7", "ML-6"], "donors": [],
              "actors": ["eu_csdp"], "sectors": [], "geo": ["mali"], "search": "", "selected": None, "metric": "budget",
              "layers": ["regions", "sites"], "timeline": "date"}
    answer = _respond(app, FROM_CONTROLS, values, _store(app, ""))
    search, store = answer["search"], answer["store"]
    state = parse_query(search, data.options)
    assert to_query(state, data.options) == search
    assert state.regions == ("ML-7", "ML-6") and state.metric == "budget" and state.timeline == "date"
    assert state.period == Period(Month(2016, 3), Month(2017, 12))
    assert "from=2016-03&to=2017-12" in search
    assert store == store_payload(state, data.options)
    # The store says what each control shows: the browser posts only a control that differs.
    assert store["controls"]["regions"] == ["ML-7", "ML-6"] and store["controls"]["month_from"] == "3"
    assert {f: store["controls"][f] for f in values} == values
    assert all(c is no_update for c in answer["controls"])  # the controls already show it


def test_map_patch_never_resends_geometry(app):
    values = {**_default_values(app), "years": [2019, 2019], "metric": "idp"}
    answer = _respond(app, FROM_CONTROLS, values, _store(app, ""))
    payload = json.dumps(answer["map_figure"].to_plotly_json(), default=str)
    assert "geojson" not in payload and "coordinates" not in payload
    assert len(payload) < 60_000
    assert "2019" in answer["map_caption"]


def test_each_change_writes_what_it_changes_and_nothing_else(app):
    """One request answers a change: every part it redraws, once; nothing it leaves as it was."""
    base = {**_default_values(app), "years": [2019, 2019]}
    store = _store(app, "?year=2019")
    # "deferred": what is drawn after the map's redraw (the map's values as a table...; see below).
    view = {"map_figure", "map_caption", "map_table", "store", "search", "scene", "deferred"}
    # The table's columns only on a language switch (or ?since=): new definitions rebuild AG Grid's header.
    filtered = view | {"timeline_figure", "timeline_style", "deferred", "rows", "table_caption", "key_figures",
                       "export_title"}
    region = _redrawn(_respond(app, FROM_CONTROLS, {**base, "regions": ["ML-5"]}, store))
    assert region == filtered
    metric = _redrawn(_respond(app, FROM_CONTROLS, {**base, "metric": "idp"}, store))
    assert metric == view | {"key_figures", "export_title"}  # the timeline and the table do not read the metric
    select = _redrawn(_respond(app, FROM_CONTROLS, {**base, "selected": "EUTM-MALI"}, store))
    assert select == view | {"timeline_figure", "timeline_style", "deferred", "key_figures", "detail", "detail_status", "picker",
                             "export_title"}
    french = _respond(app, FROM_CONTROLS, {**base, "lang": "fr"}, store)
    # The grid's options are not among them: AG Grid's own texts follow <html lang> (gridText).
    assert _redrawn(french) == filtered | {"columns", "timeline_config", "warning", "detail", "detail_status", "picker",
                                           "view_lang"}
    assert french["view_lang"] == "fr"  # the page's own texts follow, in the browser
    # The timeline's config names its months in French; the map's never changes (dashboard/layout.py
    # MAP_CONFIG): a new config makes plotly.js draw a graph from scratch, twice.
    assert french["timeline_config"]["locale"] == "fr" and "map_config" not in french
    assert any("formation" in o["label"] for o in french["picker"])  # the picker's labels in French


def test_a_region_click_and_a_timeline_click_are_checked_by_the_view(app):
    """The clicks are client-side (dashboard/callbacks/map_view.py, panels.py): they write the
    control, and the view takes only what it can show (the address never carries the rest)."""
    base = _default_values(app)
    store = _store(app, "")
    bogus = _respond(app, FROM_CONTROLS, {**base, "regions": ["<img src=x onerror=alert(1)>"], "selected": "NOPE"}, store)
    assert bogus["store"]["regions"] == [] and bogus["store"]["selected"] == ""
    assert bogus["search"] is no_update  # the address keeps the view shown
    chosen = _respond(app, FROM_CONTROLS, {**base, "selected": "MINUSMA"}, store)
    assert "sel=MINUSMA" in chosen["search"] and "MINUSMA" in {o["value"] for o in chosen["picker"]}


def test_reset_sets_every_control_to_the_default_view_and_keeps_the_language(app):
    values = {**_default_values(app), "lang": "fr", "years": [2015, 2016], "regions": ["ML-5"], "metric": "idp"}
    answer = _respond(app, FROM_RESET, values, _store(app, "?year=2015-2016&region=ML-5&metric=idp&lang=fr"),
                      search="?year=2015-2016&region=ML-5&metric=idp&lang=fr")
    written = dict(zip(FIELDS, answer["controls"], strict=True))
    assert written["lang"] is no_update and written["regions"] == [] and written["metric"] == "engagements"
    assert answer["search"] == "?lang=fr" and answer["store"]["regions"] == []


def test_the_view_outputs_are_the_responses_keys():
    from dashboard.response import VIEW_KEYS

    assert tuple(state_cb.VIEW_OUTPUTS) == tuple(k for k in VIEW_KEYS if k not in state_cb.SIDE_KEYS)


def test_mopti_2019_answers_the_briefing_question(app):
    answer = _respond(app, FROM_CONTROLS, {**_default_values(app), "years": [2019, 2019], "regions": ["ML-5"]}, _store(app, ""))
    rows, caption = _part(answer, "rows"), _part(answer, "table_caption")
    acronyms = {r["acronym"] for r in rows}
    assert {"EUTM Mali", "MINUSMA"} <= acronyms
    assert "2019" in caption
    assert all(r["source_ids"] for r in rows)


def test_download_lists_every_row_with_its_sources(app):
    import base64
    import csv
    import io

    out = _run(app, panels_cb.download_table, 1, 0, _store(app, "?year=2019"), triggered=ids.DOWNLOAD_CSV_BUTTON)
    assert out["filename"] == "sahel-engagements-2019.csv"
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(out["content"]).decode("utf-8-sig"))))
    data = app.server.extensions["sahel_dashboard"]
    table, _, _ = table_output(data, parse_query("?year=2019", data.options))
    assert [r["id"] for r in rows] == [r["id"] for r in table]
    engagements = data.tables["engagements"]
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


@pytest.fixture(scope="module")
def page(client):
    """The view callback's dependency and the page's layout (what a post is built from)."""
    return view_dependency(client.get("/_dash-dependencies").get_json()), client.get("/_dash-layout").get_json()


def test_http_post_to_update_component(client, page):
    dep, layout = page
    values = {"lang": "en", "years": [2019, 2019], "month_from": "1", "month_to": "12", "geo": ["mali"], "metric": "engagements",
              "timeline": "period", "mode": "explore", "layers": ["regions", "sites", "footprint", "context", "labels", "rivers",
                                                                   "towns"]}
    body = view_body(dep, layout, values, changed="years", store=None)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    assert len(response.data) < 300_000
    assert b"geojson" not in response.data
    answer = response.get_json()["response"]
    assert answer["url"]["search"] == "?year=2019" and "map-graph" in answer and "timeline-graph" in answer


@pytest.mark.parametrize("value", [None, 42, "x" * 10_000, ["a"] * 5_000, {"year": "<script>", "regions": [{"$ne": 1}]},
                                   {"year": 10**30, "lang": ["fr"], "layers": "all", "selected": {"a": 1}}])
def test_hostile_store_payloads_are_handled(client, page, value):
    dep, layout = page
    body = view_body(dep, layout, {"lang": "en", "years": [2019, 2019], "month_from": "1", "month_to": "12"}, changed="years",
                     store=value)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert b"Traceback" not in response.data


def test_http_control_change_updates_url_and_store(client, page):
    dep, layout = page
    values = {"lang": "en", "years": [2019, 2019], "month_from": "1", "month_to": "12", "regions": ["ML-5"], "donors": [], "actors": [],
              "sectors": [], "geo": ["mali"], "search": "", "selected": None, "metric": "engagements",
              "layers": ["regions", "sites"], "timeline": "period", "mode": "explore", "briefing": "", "scene": 0}
    response = client.post("/_dash-update-component", json=view_body(dep, layout, values, changed="regions"))
    assert response.status_code == 200, response.data[:300]
    result = response.get_json()["response"]
    assert result["url"]["search"] == "?year=2019&region=ML-5&layers=regions,sites"
    assert result["view-store"]["data"]["regions"] == ["ML-5"]


def test_scene_text_is_the_view_without_presentation_keys(app):
    data = app.server.extensions["sahel_dashboard"]
    text = scene_output(data, parse_query("?year=2019&region=ML-5&briefing=eu-mali-2013-2023&scene=2", data.options))
    scene = json.loads(text)
    assert scene["view"] == "?year=2019&region=ML-5" and set(scene) == {"title", "note", "view"}
    answer = _respond(app, FROM_CONTROLS, {**_default_values(app), "years": [2019, 2019]}, _store(app, ""))
    assert json.loads(answer["scene"])["view"] == "?year=2019"  # the scene follows the view


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
    """The layout is drawn for the default view: loading "/" must write nothing, while a shared
    link still sets its controls and store, and redraws the view."""
    values = _default_values(app)
    store = _store(app, "")
    plain = _respond(app, FROM_URL, values, store)
    assert _written(plain) == set()
    link = _respond(app, FROM_URL, values, store, search="?year=2019")
    changed = {f: c for f, c in zip(FIELDS, link["controls"], strict=True) if c is not no_update}
    assert changed == {"years": [2019, 2019]} and (link["store"]["from"], link["store"]["to"]) == ("2019-01", "2019-12")
    assert link["search"] is no_update and link["map_figure"] is not no_update
    # The first visit's parts kept aside are replaced: drawn after the map.
    after_map = {"timeline_figure": "Assign", "timeline_style": "Assign", "rows": "Assign", "table_caption": "Assign",
                 "map_table": "Assign"}
    assert _deferred_ops(link) == after_map
    chosen = _respond(app, FROM_URL, values, store, search="?sel=EUTM-MALI")
    # The table does not change (its first rows are still to come); the detail panel is drawn now.
    assert _deferred_ops(chosen) == {"timeline_figure": "Assign", "timeline_style": "Assign", "detail": "Delete",
                                     "map_table": "Assign"}


def test_engagement_picker_lists_a_bounded_page_searches_and_keeps_the_selection(app_data, monkeypatch):
    from dashboard import page_text

    monkeypatch.setattr(page_text, "MAX_ENGAGEMENT_OPTIONS", 5)
    everything = page_text._all_engagement_options(app_data, "en")
    first = page_text.engagement_options(app_data, "en")
    assert [o["value"] for o in first] == [v for _, v, _ in everything[:5]]
    last_value = everything[-1][1]
    kept = page_text.engagement_options(app_data, "en", keep=last_value)
    assert len(kept) == 6 and kept[-1]["value"] == last_value  # the selection stays listed
    found = page_text.engagement_options(app_data, "fr", search="eutm")
    assert found and all("eutm" in o["label"].casefold() for o in found)
    assert any("formation" in o["label"] for o in found)  # French labels


def test_a_link_selecting_an_engagement_beyond_the_first_page_lists_it_with_the_value(app, app_data, monkeypatch):
    """The picker clears a value its options lack, so the options come with the value."""
    from dashboard import page_text

    monkeypatch.setattr(page_text, "MAX_ENGAGEMENT_OPTIONS", 2)
    last = page_text._all_engagement_options(app_data, "en")[-1][1]
    answer = _respond(app, FROM_URL, _default_values(app), None, search=f"?sel={last}")
    options = answer["picker"]
    assert dict(zip(FIELDS, answer["controls"], strict=True))["selected"] == last
    assert last in {o["value"] for o in options} and len(options) == 3
    child = app_data.tables["engagements"].query("parent_id != ''")["engagement_id"].iloc[0]
    assert child in {o["value"] for o in page_text.engagement_options(app_data, "fr", keep=child)}


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


def _same_component(pattern: str, concrete: str) -> bool:
    """Whether a dependency's id (a wildcard pattern or a plain id) names the component ``concrete``."""
    if not (pattern.startswith("{") and concrete.startswith("{")):
        return pattern == concrete
    a, b = json.loads(pattern), json.loads(concrete)
    return a.keys() == b.keys() and all(x == y or isinstance(x, list) or isinstance(y, list) for x, y in
                                        ((a[k], b[k]) for k in a))


def _server_callbacks_fired(deps: list, changed: set) -> list[str]:
    """Every server callback a change of ``changed`` (id, property) fires, directly or through
    clientside callbacks and the answers of server callbacks (which never re-fire themselves)."""
    fired: list[str] = []
    queue = [(c, None) for c in changed]
    seen: set = set()
    while queue:
        (component, prop), source = queue.pop()
        for dep in deps:
            if dep["output"] == source or (dep["output"], component, prop) in seen:
                continue
            if any(i["property"] == prop and _same_component(i["id"], component) for i in dep["inputs"]):
                seen.add((dep["output"], component, prop))
                if not dep.get("clientside_function"):
                    fired.append(dep["output"])
                queue += [((c, p), dep["output"]) for c, p in output_parts(dep["output"])]
    return fired


def test_a_change_fires_one_server_callback_and_nothing_after_it(client):
    """Every change a user makes (a control, the address, a click on the map, the timeline or the
    table, Reset, a step of play) fires the view callback and no other server callback, before or
    after it: one round of requests (the browser test counts them)."""
    deps = client.get("/_dash-dependencies").get_json()
    view = view_dependency(deps)["output"]
    changes = [(ids.dom_id(ids.control(f)), "value") for f in [*FIELDS, "mode", "briefing", "scene", "since"]]
    changes += [(ids.URL, "search"), (ids.URL, "href"), (ids.MAP_GRAPH, "clickData"), (ids.TIMELINE_GRAPH, "clickData"),
                (ids.TABLE_GRID, "selectedRows"), (ids.RESET_BUTTON, "n_clicks"), (ids.PLAY_INTERVAL, "n_intervals"),
                (ids.PLAY_BUTTON, "n_clicks"), (ids.MAP_DRAWN, "data"), (ids.GRID_READY, "data")]
    quiet = ((ids.URL, "href"), (ids.PLAY_BUTTON, "n_clicks"), (ids.MAP_DRAWN, "data"), (ids.GRID_READY, "data"))
    for change in changes:
        fired = _server_callbacks_fired(deps, {change})
        expected = [] if change in quiet else [view]
        assert fired == expected, (change, fired)


def _deferred_ops(answer: dict) -> dict[str, str]:
    """What an answer does to the parts kept aside (DEFERRED): {part: "Assign" or "Delete"}."""
    return {op["location"][0]: op["operation"] for op in answer["deferred"].to_plotly_json()["operations"]}


def test_parts_out_of_view_wait_and_parts_in_view_are_drawn_after_the_map(app):
    """A change that redraws the map hands the timeline, the table and the map's values table to
    DEFERRED: drawn right after the map's redraw when in view (the browser's order:
    tests/test_browser.py), when they scroll in otherwise; each replaces any older one kept aside."""
    values = {**_default_values(app), "years": [2019, 2019], "regions": ["ML-5"]}
    store = _store(app, "?year=2019")
    shown = _respond(app, FROM_CONTROLS, values, store)  # visibility unknown: every part in view
    assert shown["map_figure"] is not no_update and shown["timeline_figure"] is no_update and shown["rows"] is no_update
    after_map = {"timeline_figure": "Assign", "timeline_style": "Assign", "rows": "Assign", "table_caption": "Assign",
                 "map_table": "Assign"}
    assert _deferred_ops(shown) == after_map
    hidden = _respond(app, FROM_CONTROLS, values, store, in_view={"timeline": False, "table": False})
    assert hidden["timeline_figure"] is no_update and hidden["rows"] is no_update
    assert _deferred_ops(hidden) == after_map  # the same parts, each drawn as it comes into view
    kept, shown_kept = _kept(hidden), _kept(shown)
    assert kept["rows"] == shown_kept["rows"]
    assert json.dumps(kept["timeline_figure"], default=str) == json.dumps(shown_kept["timeline_figure"], default=str)
    # The table's caption waits with its rows (it counts them), and says so meanwhile: before, the
    # previous view's count stood over them (on a link's first visit, the layout's, in English);
    # the key figures are drawn now.
    assert hidden["table_caption"] == t("table_waiting", "en") and kept["table_caption"] == shown_kept["table_caption"]
    first = _respond(app, FROM_URL, {**values, "lang": "fr"}, None, search="?year=2019&lang=fr")  # nothing said in view yet
    assert first["table_caption"] == t("table_waiting", "fr") and "2019" in _kept(first)["table_caption"]
    # Known to be in view, it follows the map at once: never blanked for a moment.
    assert _respond(app, FROM_CONTROLS, values, store, in_view={"table": True})["table_caption"] is no_update
    assert hidden["key_figures"] is not no_update
    metric = _respond(app, FROM_CONTROLS, {**values, "metric": "idp"}, _store(app, "?year=2019&region=ML-5"),
                      in_view={"timeline": False, "table": False})
    # The metric redraws neither the timeline nor the table; the map's values table follows the map.
    assert _deferred_ops(metric) == {"map_table": "Assign"}
    # A change that leaves the map as it is draws the parts in view now.
    by_date = _respond(app, FROM_CONTROLS, {**values, "timeline": "date"}, _store(app, "?year=2019&region=ML-5"))
    assert by_date["map_figure"] is no_update and by_date["timeline_figure"] is not no_update
    assert _deferred_ops(by_date) == {"timeline_figure": "Delete", "timeline_style": "Delete"}
    # ... and keeps them aside while out of view.
    by_date_hidden = _respond(app, FROM_CONTROLS, {**values, "timeline": "date"}, _store(app, "?year=2019&region=ML-5"),
                              in_view={"timeline": False})
    assert by_date_hidden["timeline_figure"] is no_update and by_date_hidden["timeline_style"] is no_update
    assert _deferred_ops(by_date_hidden) == {"timeline_figure": "Assign", "timeline_style": "Assign"}
    # The map's values as a table wait while their disclosure is closed.
    closed = _respond(app, FROM_CONTROLS, values, store, in_view={"map_table": False})
    assert closed["map_table"] is no_update and closed["map_caption"] == shown["map_caption"]  # the map's name: always
    assert _deferred_ops(closed) == after_map
    # A language switch with the table out of view: its new headers wait with its rows.
    french = _respond(app, FROM_CONTROLS, {**values, "lang": "fr"}, store, in_view={"table": False})
    assert french["columns"] is no_update and _deferred_ops(french)["columns"] == "Assign"


@pytest.mark.parametrize("in_view", ["timeline", 5, ["table"], {"timeline": "no", "table": 0}, {"other": False}])
def test_a_malformed_in_view_draws_every_part(app, in_view):
    """Only an explicit False keeps a part aside: anything else a browser posts draws it."""
    values = {**_default_values(app), "years": [2019, 2019], "regions": ["ML-5"]}
    answer = _respond(app, FROM_CONTROLS, values, _store(app, "?year=2019"), in_view=in_view)
    assert _deferred_ops(answer) == {"timeline_figure": "Assign", "timeline_style": "Assign", "rows": "Assign",
                                     "table_caption": "Assign", "map_table": "Assign"}  # all in view: after the map
    # A change that leaves the map alone: the parts in view are drawn now (only a False keeps one aside).
    by_date = _respond(app, FROM_CONTROLS, {**values, "timeline": "date"}, _store(app, "?year=2019&region=ML-5"), in_view=in_view)
    assert by_date["timeline_figure"] is not no_update and _deferred_ops(by_date)["timeline_figure"] == "Delete"


def test_a_selection_is_announced_in_one_sentence(app):
    """The detail panel is long and may wait out of view: a short status names the selection."""
    values = {**_default_values(app), "years": [2019, 2019]}
    store = _store(app, "?year=2019")
    chosen = _respond(app, FROM_CONTROLS, {**values, "selected": "EUTM-MALI"}, store, in_view={"detail": False})
    assert "EUTM Mali" in chosen["detail_status"]
    # Out of view, the panel says its details come when shown: never the previous engagement's.
    assert json.dumps(chosen["detail"], default=lambda c: c.to_plotly_json()).count("shown when this part") == 1
    assert _deferred_ops(chosen)["detail"] == "Assign"
    french = _respond(app, FROM_CONTROLS, {**values, "selected": "EUTM-MALI", "lang": "fr"}, _store(app, "?year=2019&sel=EUTM-MALI"))
    assert french["detail_status"].startswith("Détails de")
    cleared = _respond(app, FROM_CONTROLS, values, _store(app, "?year=2019&sel=EUTM-MALI"))
    assert cleared["detail_status"] == ""  # nothing to announce


def test_where_sources_disagree_names_what_in_words_and_folds_the_curator_s_note(app_data):
    """The detail panel's table of disputed values: what is disputed in the page's language (never
    a column name), each value as the page writes its kind, whether it is the one shown, and the
    curator's reasoning (English, with the data's own ids) folded away and marked as English.
    """
    from dashboard.panels import _disputes, disputed_value, disputed_what
    from layers.lookups import records_by_index

    tables = app_data.tables
    disputes = records_by_index(tables["disputes"]).values()
    for lang in ("en", "fr"):
        for d in disputes:
            if d["table_name"] in ("engagements", "mandates", "funding", "events", "sites", "indicators"):
                # Every bundled dispute the panel may show has words for what it is about.
                row = records_by_index(tables[d["table_name"]]).get(d["row_id"], {}) if d["table_name"] != "engagements" else {}
                assert isinstance(disputed_what(d, row, lang), str), (d["dispute_id"], lang)
    assert disputed_value("engagements", "start_date", "2015-01-15", "fr") == "15 janv. 2015"
    assert disputed_value("engagements", "start_date", "2017-03", "en") == "Mar 2017"
    assert disputed_value("engagements", "personnel_peak", "5100", "en") == "5,100"
    assert disputed_value("mandates", "budget_eur", "16000000 per year (IRSEM)", "fr").lang == "en"
    # The column's kind decides, not its name or the value's look: a year is a year, and a slip
    # in a date the page does not show is shown as written, not a failed panel.
    assert disputed_value("funding", "period_start", "2019", "en") == "2019"
    assert disputed_value("engagements", "start_date", "2015-13", "en") == "2015-13"
    assert disputed_value("engagements", "start_date", "2019-02-30", "fr").children == "2019-02-30"
    out = _disputes(tables, "EUCAP-SAHEL-MALI", {"mandates": [], "funding": []}, "fr", {})
    text = str(out)
    assert "Date de début" in text and "15 janv. 2015" in text
    shown = [row.children[2].children for row in out[1].children[1].children]  # the "Here" column
    assert set(shown) == {"affiché", "non affiché"}
    assert "start_date" not in text and "Note de l’équipe (en anglais)" in text
    note = out[1].children[1].children[0].children[1].children[1]  # first row, value cell: the folded note
    assert note.className == "curator-note" and note.children[1].lang == "en"
