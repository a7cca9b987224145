"""The view callback: address, controls and every part of the page that shows the view, in one
round of requests (``dashboard.response`` builds the answer).

One callback owns the cycle (Dash allows a callback to write its own inputs), so the address
drives the controls on a first visit and on back/forward, and the controls drive the address
otherwise. It answers with everything a change redraws, so no other server callback listens to
the controls, the address or the store: one request per change, one redraw per figure.
Clicks that change a control (map, timeline, table) and play are client-side: they write the
control, and this callback answers.
"""

from __future__ import annotations

import json
from typing import Any

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, no_update, set_props
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.inputs import clicks, wildcard_keys
from dashboard.response import FROM_CONTROLS, FROM_RESET, FROM_URL, ViewRequest, view_response
from dashboard.view import app_data
from dashboard.view_store import CONTROL_FIELDS
from layers.i18n import t

# The controls (and the engagement picker's options) are written with set_props, not as outputs:
# Dash marks every output of a running callback as loading, so each of the fifteen controls was
# drawn twice per change (at the request and at its answer), though the controls change only on a
# link, back/forward or Reset.
SIDE_KEYS = ("controls", "picker")
VIEW_OUTPUTS: dict[str, Output] = {
    "search": Output(ids.URL, "search"),
    "store": Output(ids.VIEW_STORE, "data"),
    "map_figure": Output(ids.MAP_GRAPH, "figure"),
    "map_caption": Output(ids.MAP_CAPTION, "children"),
    "map_table": Output(ids.MAP_TABLE, "children"),
    "timeline_figure": Output(ids.TIMELINE_GRAPH, "figure"),
    "timeline_style": Output(ids.TIMELINE_GRAPH, "style"),
    "timeline_config": Output(ids.TIMELINE_GRAPH, "config"),
    "key_figures": Output(ids.KEY_FIGURES, "children"),
    "rows": Output(ids.TABLE_GRID, "rowData"),
    "columns": Output(ids.TABLE_GRID, "columnDefs"),
    "table_caption": Output(ids.TABLE_CAPTION, "children"),
    "deferred": Output(ids.DEFERRED, "data"),
    "warning": Output(ids.DATA_WARNING, "children"),
    "export_title": Output(ids.EXPORT_TITLE, "placeholder"),
    "detail": Output(ids.DETAIL_PANEL, "children"),
    "detail_status": Output(ids.DETAIL_STATUS, "children"),
    "scene": Output(ids.SCENE_TEXT, "value"),
    "view_lang": Output(ids.VIEW_LANG, "data"),
}


# A control the user changes posts the view; a control the view callback writes (a link,
# back/forward, Reset) already shows the store's value, so it posts nothing more. String work in
# the browser, allowed by the CSP by hash.
clientside_callback(
    """function (values, store, last) {
        var C = window.dash_clientside, inputs = C.callback_context.inputs_list[0] || [], now = {};
        inputs.forEach(function (x, i) { now[x.id.field] = values[i] === undefined ? null : values[i]; });
        function same(a, b) {
            return !!a && !!b && typeof a === 'object' && typeof b === 'object' && Object.keys(now).every(function (f) {
                return JSON.stringify(a[f] === undefined ? null : a[f]) === JSON.stringify(b[f] === undefined ? null : b[f]); });
        }
        var shown = store && typeof store === 'object' ? store : {};
        // A post on its way (its values not yet echoed in the store): a change undone before the
        // answer must post too, or that answer would show what the controls no longer say.
        var pending = !!last && JSON.stringify(last) !== JSON.stringify(shown.posted === undefined ? null : shown.posted);
        return (same(now, shown.controls) && !(pending && !same(now, last))) ? C.no_update : now;
    }""",
    Output(ids.CONTROLS_CHANGED, "data"),
    Input(ids.control(ALL), "value"),
    State(ids.VIEW_STORE, "data"),
    State(ids.CONTROLS_CHANGED, "data"),
    prevent_initial_call=True,
)


@callback(
    output=VIEW_OUTPUTS,
    inputs={"search": Input(ids.URL, "search"), "changed": Input(ids.CONTROLS_CHANGED, "data"),
            "reset": Input(ids.RESET_BUTTON, "n_clicks")},
    state={"values": State(ids.control(ALL), "value"), "store": State(ids.VIEW_STORE, "data"),
           "in_view": State(ids.IN_VIEW, "data")},
)
def update_view(*, search: Any, changed: Any, reset: Any, values: Any, store: Any, in_view: Any) -> dict[str, Any]:
    """The address, the controls, the store and every part of the page that shows the view."""
    fields = wildcard_keys(ctx.args_grouping.get("values"), "field", CONTROL_FIELDS)
    if fields is None or not isinstance(values, list):
        raise PreventUpdate  # controls this page does not have: a hand-made post
    if ctx.triggered_id in (None, ids.URL):
        source = FROM_URL
    elif ctx.triggered_id == ids.RESET_BUTTON:
        if not clicks(reset):
            raise PreventUpdate
        source = FROM_RESET
    else:
        if not isinstance(changed, dict):
            raise PreventUpdate  # the browser writes the controls' values there: a hand-made post
        source = FROM_CONTROLS
    answer = view_response(app_data(), ViewRequest(source, search, tuple(fields), tuple(values), store, in_view, changed))
    write_controls(fields, *(answer.pop(key) for key in SIDE_KEYS))
    return answer


def write_controls(fields: list[str], values: list[Any], picker: Any) -> None:
    """Write the controls that must show a new value (and the picker's options) in the answer."""
    for field, value in zip(fields, values, strict=True):
        if value is not no_update:
            set_props(ids.control(field), {"value": value})
    if picker is not no_update:
        set_props(ids.control("selected"), {"data": picker})


# Play: start or pause stepping through the years, and one step (the period one year later; stop
# when it reaches the last year). String work in the browser: the step writes the years control
# and the view callback answers, so a step costs one request. The CSP allows these by hash.
# The button is named from the interval's state, whoever changed it: a play that stops at the last
# year must say Play again (it said Pause, and a click then restarted play instead of pausing).
clientside_callback(
    """function (n, disabled) {
        return (typeof disabled === 'boolean') ? !disabled : false;
    }""",
    Output(ids.PLAY_INTERVAL, "disabled"),
    Input(ids.PLAY_BUTTON, "n_clicks"),
    State(ids.PLAY_INTERVAL, "disabled"),
    prevent_initial_call=True,
)

clientside_callback(
    """function (disabled, lang) {
        var names = """ + json.dumps({lang: [t("play", lang), t("pause", lang)] for lang in ("en", "fr")}) + """;
        var name = names[lang === 'fr' ? 'fr' : 'en'];
        return (typeof disabled === 'boolean' && !disabled) ? name[1] : name[0];
    }""",
    Output(ids.PLAY_BUTTON, "children"),
    Input(ids.PLAY_INTERVAL, "disabled"),
    Input(ids.control("lang"), "value"),
)

clientside_callback(
    """function (ticks, years, lo, hi) {
        var ok = Array.isArray(years) && years.length === 2 && years.every(function (y) {
            return Number.isInteger(y) && y >= lo && y <= hi; }) && years[0] <= years[1];
        var keep = window.dash_clientside.no_update;  // a step never starts a paused play
        if (!ok) { return [[lo, lo], keep]; }
        var first = years[0], last = years[1];
        if (last >= hi) { return [[lo, lo + last - first], keep]; }  // from the end, play restarts at the first year
        return [[first + 1, last + 1], last + 1 >= hi ? true : keep];  // and stops when it reaches the last
    }""",
    Output(ids.control("years"), "value", allow_duplicate=True),
    Output(ids.PLAY_INTERVAL, "disabled", allow_duplicate=True),
    Input(ids.PLAY_INTERVAL, "n_intervals"),
    State(ids.control("years"), "value"),
    State(ids.control("years"), "min"),
    State(ids.control("years"), "max"),
    prevent_initial_call=True,
)

# The export buttons' and briefing links' addresses (the view plus the export's title, subtitle and
# size): dashboard/callbacks/export.py.

__all__ = ["SIDE_KEYS", "VIEW_OUTPUTS", "update_view"]
