"""Callbacks below the map: clicks that select an engagement, the key figures' explanations, the
engagement picker's search, the first visit's deferred parts, downloads and the page language.

What a view change redraws (timeline, key figures, detail panel, table, texts) comes with the
view callback's answer (dashboard/callbacks/view_state.py), not from callbacks of their own.
"""

from __future__ import annotations

import json
from typing import Any

from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, dcc, no_update

from dashboard import ids
from dashboard.callbacks.view_state import VIEW_OUTPUTS
from dashboard.cards import card_body
from dashboard.export_table import table_bytes
from dashboard.inputs import clicks as clicks_of
from dashboard.inputs import text_of
from dashboard.layout import NAME_GRID_ARGS
from dashboard.page_text import (
    PLACEHOLDERS,
    SEARCHABLE,
    TEXT_PROPS,
    TRANSLATED,
    TRANSLATED_SELECTS,
    engagement_options,
)
from dashboard.response import WAITS
from dashboard.view import app_data, compute_view, state_from_store
from layers.view_state import MAX_TEXT, state_from_values


@callback(
    Output(ids.card_body(MATCH), "children"),
    Input(ids.card(MATCH), "n_clicks"),
    State(ids.card_body(MATCH), "children"),
    State(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,
)
def explain_card(n_clicks: Any, body: Any, store: Any) -> list[Any]:
    """A key figure's rows, reasons and sources, built when the card is first opened (any later
    click inside it, on a source link say, leaves it as it is; a new view resets the cards).
    """
    app = app_data()
    key = ctx.triggered_id.get("key") if isinstance(ctx.triggered_id, dict) else None
    if key not in ("engagements", "money", "personnel", "idps") or (clicks_of(n_clicks) or 0) < 1 or body != "…":
        return no_update
    state = state_from_store(store, app)
    return card_body(app.tables, compute_view(app, state), key, state.lang)


# Clicking a timeline bar or a table row selects that engagement (by id, not text): string work
# in the browser, which writes the picker (listing the engagement, so the picker keeps it); the
# view callback then checks the id and answers with the detail panel and the picker's options.
clientside_callback(
    """function (click, rows, current, options) {
        var C = window.dash_clientside, id = null, label = null;
        var fired = (C.callback_context.triggered || []).map(function (x) { return x.prop_id; }).join(' ');
        if (fired.indexOf('""" + ids.TIMELINE_GRAPH + """.clickData') >= 0) {
            var p = click && Array.isArray(click.points) && click.points[0];
            id = p ? p.customdata : null;
        } else if (Array.isArray(rows) && rows[0] && typeof rows[0] === 'object') {
            id = rows[0].id;
            label = [rows[0].acronym, String(rows[0].name || '').replace(/^↳ /, '')].filter(Boolean).join(' — ');
        }
        if (typeof id !== 'string' || !id || id.length > 200 || id === current) { return [C.no_update, C.no_update]; }
        var list = Array.isArray(options) ? options.slice() : [];
        if (!list.some(function (o) { return o && o.value === id; })) { list.push({label: label || id, value: id}); }
        return [id, list];
    }""",
    Output(ids.control("selected"), "value", allow_duplicate=True),
    Output(ids.control("selected"), "data", allow_duplicate=True),
    Input(ids.TIMELINE_GRAPH, "clickData"),
    Input(ids.TABLE_GRID, "selectedRows"),
    State(ids.control("selected"), "value"),
    State(ids.control("selected"), "data"),
    prevent_initial_call=True,
)


# What is typed in the picker, and only that: the picker also shows the chosen engagement's label
# as its search text when a selection or the language changes (and "" when it is drawn), and the
# view callback's answer already brings those options: one request per change, not two.
clientside_callback(
    """function (search, value, options, last) {
        var C = window.dash_clientside;
        if (typeof search !== 'string' || search === (typeof last === 'string' ? last : '')) { return C.no_update; }
        var chosen = (Array.isArray(options) ? options : []).filter(function (o) { return o && o.value === value; })[0];
        return (chosen && chosen.label === search) ? C.no_update : search;
    }""",
    Output(ids.PICKER_SEARCH, "data"),
    Input(ids.control("selected"), "searchValue"),
    State(ids.control("selected"), "value"),
    State(ids.control("selected"), "data"),
    State(ids.PICKER_SEARCH, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.control("selected"), "data", allow_duplicate=True),
    Input(ids.PICKER_SEARCH, "data"),
    State(ids.control("selected"), "value"),
    State(ids.control("lang"), "value"),
    prevent_initial_call=True,
)
def engagement_picker_options(search: Any, selected: Any, lang: Any) -> list[dict[str, str]]:
    """The picker's options for what is typed: the engagements whose label contains it, in the
    language shown, and always the current selection (a shared link may select one the first
    page of options lacks). A new selection or language comes with the view callback's answer.
    """
    app = app_data()
    state = state_from_values({"selected": selected, "lang": lang}, app.options)
    return engagement_options(app, state.lang, text_of(search, MAX_TEXT), state.selected)


# The language switch: every static text, option label and control name, from both languages'
# texts in the layout (dashboard/page_text.py): no request of its own. It follows the language the
# view callback answered in (VIEW_LANG), so a switch posts the view first and translates while the
# answer comes (the grid's own texts come with its columns, in that answer).
clientside_callback(
    """function (lang, all) {
        var C = window.dash_clientside, keys = """ + json.dumps(TRANSLATED) + """;
        var props = """ + json.dumps([key for _, _, key in TEXT_PROPS]) + """;
        var d = all && all[lang === 'fr' ? 'fr' : 'en'];
        function text(key) { return d && typeof d.texts[key] === 'string' ? d.texts[key] : C.no_update; }
        function byKey(list) { return list.map(function (o) { return o.id ? text(o.id.key) : C.no_update; }); }
        var outputs = C.callback_context.outputs_list;
        return [byKey(outputs[0]), byKey(outputs[1])].concat(props.map(text))
            .concat(keys.map(function (k) { return d && k in d ? d[k] : C.no_update; }));
    }""",
    Output(ids.text(ALL), "children"),
    Output(ids.label(ALL), "label"),
    *[Output(component_id, prop) for component_id, prop, _ in TEXT_PROPS],
    *[Output(ids.control(field), "data") for field in TRANSLATED_SELECTS],
    Output(ids.BRIEF_PICK, "data"),
    Output(ids.PAGE_TITLE, "children"),
    Output(ids.EXPORT_SIZE, "data"),
    *[Output(ids.control(field), "placeholder") for field in PLACEHOLDERS],
    Output(ids.EXPORT_SUBTITLE, "placeholder"),
    *[Output(ids.control(field), "nothingFoundMessage") for field in SEARCHABLE],
    Output(ids.control("years"), "thumbFromLabel"),
    Output(ids.control("years"), "thumbToLabel"),
    Input(ids.VIEW_LANG, "data"),
    State(ids.I18N, "data"),
    prevent_initial_call=True,  # the layout is drawn in English; a link in French sets VIEW_LANG
)


# What waits in DEFERRED (dashboard/response.py WAITS) is drawn when the map is drawn (a first
# visit: from the layout, with no request; assets/desk.js sets MAP_DRAWN) and its part is in view
# (assets/desk.js sets IN_VIEW as parts scroll in, take focus or open, and before printing). So the
# browser's work goes first to the map, and a change draws only what the user can see. The view
# callback drops from DEFERRED each output it draws anew, so a stale one never replaces a fresh one.
# An answer that redraws the map hands its other parts here too (response.AFTER_MAP): Dash runs
# this after the answer's figures are drawn, so they follow the map. A part that waits is
# aria-busy; the print style sheet leaves it out (assets/app.css). The table's part also waits for
# the grid (GRID_READY: AG Grid's script is loaded after the map, dashboard/page_scripts.py).
WAITING = [(key, part, ids.BUSY_PARTS[part]) for key, part in WAITS.items()]
clientside_callback(
    """function (drawn, inView, gridReady, parts) {
        var C = window.dash_clientside, f = window.dashAgGridFunctions, keep = C.no_update;
        var WAITING = """ + json.dumps(WAITING) + """;
        var pending = (parts && typeof parts === 'object') ? parts : {};
        var seen = (inView && typeof inView === 'object') ? inView : {};
        var show = {}, busy = {};
        WAITING.forEach(function (w) {
            show[w[0]] = !!drawn && seen[w[1]] !== false && w[0] in pending && (w[1] !== 'table' || !!gridReady);
            busy[w[2]] = busy[w[2]] || (w[0] in pending && !show[w[0]]);
        });
        Object.keys(busy).forEach(function (id) {
            var el = document.getElementById(id);
            if (el) { el.setAttribute('aria-busy', busy[id] ? 'true' : 'false'); }
        });
        // Name the grid once it is mounted, as rows that came before (a link's view) were not seen
        // by its listeners (dashboard/layout.py NAME_GRID); and again with the rows it takes here.
        var first = (C.callback_context.triggered || []).some(function (x) { return x.prop_id === '""" + ids.GRID_READY + """.data'; });
        if ((first || show.rows) && gridReady && f && typeof f.nameGrid === 'function') { f.nameGrid(null, """ + NAME_GRID_ARGS + """); }
        if (!WAITING.some(function (w) { return show[w[0]]; })) { return WAITING.map(function () { return keep; }).concat([keep]); }
        var rest = {};
        Object.keys(pending).forEach(function (k) { if (!show[k]) { rest[k] = pending[k]; } });
        return WAITING.map(function (w) { return show[w[0]] ? pending[w[0]] : keep; }).concat([rest]);
    }""",
    *[Output(VIEW_OUTPUTS[key].component_id, VIEW_OUTPUTS[key].component_property, allow_duplicate=True) for key in WAITS],
    Output(ids.DEFERRED, "data", allow_duplicate=True),
    Input(ids.MAP_DRAWN, "data"),
    Input(ids.IN_VIEW, "data"),
    Input(ids.GRID_READY, "data"),
    Input(ids.DEFERRED, "data"),
    prevent_initial_call=True,
)


# The page's language and title follow the language switch (the index page has them from its
# address: dashboard/page_lang.py). String work in the browser; the CSP allows it by hash.
clientside_callback(
    """function (lang, title) {
        var code = lang === 'fr' ? 'fr' : 'en';
        document.documentElement.lang = code;
        if (typeof title === 'string' && title) { document.title = title; }
        return code;
    }""",
    Output(ids.PAGE_ROOT, "lang"),
    Input(ids.control("lang"), "value"),
    Input(ids.text("title"), "children"),
)


@callback(
    Output(ids.DOWNLOAD, "data"),
    Input(ids.DOWNLOAD_CSV_BUTTON, "n_clicks"),
    Input(ids.DOWNLOAD_XLSX_BUTTON, "n_clicks"),
    State(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,
    # While the file is made, both buttons are disabled and spin (assets/app.css): they show they work.
    running=[(Output(button, "disabled"), True, False) for button in (ids.DOWNLOAD_CSV_BUTTON, ids.DOWNLOAD_XLSX_BUTTON)]
    + [(Output(button, "className"), f"btn{extra} is-working-table", f"btn{extra}")
       for button, extra in ((ids.DOWNLOAD_CSV_BUTTON, ""), (ids.DOWNLOAD_XLSX_BUTTON, " btn-secondary"))],
)
def download_table(_csv: int, _xlsx: int, store: Any) -> dict[str, Any]:
    """The filtered rows with their source columns, as CSV or Excel."""
    fmt = "xlsx" if ctx.triggered_id == ids.DOWNLOAD_XLSX_BUTTON else "csv"
    if not clicks_of(_xlsx if fmt == "xlsx" else _csv):
        return no_update  # no click: nothing to download
    app = app_data()
    state = state_from_store(store, app)
    content = table_bytes(app.engine, compute_view(app, state), state.lang, fmt)
    name = "-".join(v for _, v in state.period.params())
    return dcc.send_bytes(content, f"sahel-engagements-{name}.{fmt}")
