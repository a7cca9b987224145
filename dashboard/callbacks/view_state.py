"""The view state's three homes kept in step: URL query <-> controls -> store.

One callback owns the cycle (Dash allows a callback to write its own inputs), so the URL
drives the controls on load and on back/forward, and the controls drive the URL otherwise.
Other callbacks that change a control (map click, timeline click, play, reset) write the
control only; this callback then updates the URL and the store.
"""

from __future__ import annotations

import re
from dataclasses import fields as dataclass_fields
from typing import Any

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.briefing import scene_query
from dashboard.inputs import clicks, flag, lang_of, wildcard_keys, year_pair
from dashboard.layout import engagement_options
from dashboard.view import app_data
from layers.i18n import t
from layers.view_state import ViewState, default_state, parse_query, state_from_controls, to_query

# The fields a view control may stand for: every view-state field but the period, which is
# three controls (a range of years and the first and last month).
CONTROL_FIELDS = frozenset({*(f.name for f in dataclass_fields(ViewState) if f.name not in ("period", "ignored")),
                            "years", "month_from", "month_to"})


def control_value(state_dict: dict[str, Any], field: str) -> Any:
    """The value a control shows for a state field (dropdown ``None`` for no selection).

    The period is three controls: a range of years and the first and last month.
    """
    if field == "years":
        return [int(state_dict["from"][:4]), int(state_dict["to"][:4])]
    if field in ("month_from", "month_to"):  # a select's value is text: "1" to "12"
        return str(int(state_dict["from" if field == "month_from" else "to"][5:7]))
    value = state_dict[field]
    return value or None if field == "selected" else value


@callback(
    Output(ids.URL, "search"),
    Output(ids.control(ALL), "value"),
    Output(ids.VIEW_STORE, "data"),
    Output(ids.control("selected"), "data"),
    Input(ids.URL, "search"),
    Input(ids.control(ALL), "value"),
    State(ids.VIEW_STORE, "data"),
)
def sync_view_state(search: str | None, values: list[Any], store: Any) -> tuple[Any, Any, Any, Any]:
    """URL -> controls on load and history moves; controls -> URL otherwise.

    When the controls give a period that cannot be shown, the URL and the view are kept and
    only the store's ``ignored`` list changes, so the banner says the choice was not applied.

    Only what changes is written: a first visit to a plain address finds the page already
    drawn for its view (see ``dashboard.outputs``) and fires nothing else. When a link sets
    the selection, the picker's options come in the same response and list it: the dropdown
    clears a value that its options lack, and it lists only a page of engagements.
    """
    app = app_data()
    fields = wildcard_keys(ctx.inputs_list[1], "field", CONTROL_FIELDS)
    if fields is None or not isinstance(values, list) or len(values) != len(fields):
        return no_update  # controls this page does not have: a hand-made post
    if ctx.triggered_id in (None, ids.URL):
        state = parse_query(search, app.options)
        new_search: Any = no_update
        briefing = app.catalog.briefings.get(state.briefing)
        if briefing is not None and state.scene:
            # A briefing link names its scene; the scene file defines the view (language kept).
            scene_search = scene_query(briefing, state.scene, lang=state.lang)
            state = parse_query(scene_search, app.options)
            new_search = scene_search if scene_search != search else no_update
        data = state.as_dict()
        controls = [control_value(data, f) for f in fields]
        controls = [no_update if new == old else new for new, old in zip(controls, values, strict=True)]
        picker = no_update
        if state.selected and "selected" in fields and controls[fields.index("selected")] is not no_update:
            picker = engagement_options(app, state.lang, keep=state.selected)
        return new_search, controls, _changed({**data, "ignored": list(state.ignored)}, store), picker
    # A period the controls cannot give (last month before the first...) keeps the view shown:
    # the URL stays, the store keeps its view and the banner says why (layers.view_state).
    state, usable = state_from_controls(month_numbers(dict(zip(fields, values, strict=True))), store, app.options)
    query = to_query(state, app.options)
    new_search = query if usable and query != (search or "") else no_update
    # A wildcard output takes a list: one no_update per control.
    return new_search, [no_update] * len(fields), _changed({**state.as_dict(), "ignored": list(state.ignored)}, store), no_update


MONTH_TEXT = re.compile(r"[1-9]|1[0-2]")


def month_numbers(values: dict[str, Any]) -> dict[str, Any]:
    """The month selects' values ("1" to "12", text) as the numbers the view state reads; anything
    else is left as it is, for the view state to refuse.
    """
    return {k: int(v) if k in ("month_from", "month_to") and isinstance(v, str) and MONTH_TEXT.fullmatch(v) else v
            for k, v in values.items()}


def _changed(new: dict[str, Any], old: Any) -> Any:
    """``new``, or no_update when the store already holds it (nothing downstream re-runs)."""
    return no_update if new == old else new


@callback(
    Output(ids.control(ALL), "value", allow_duplicate=True),
    Input(ids.RESET_BUTTON, "n_clicks"),
    State(ids.control(ALL), "value"),
    prevent_initial_call=True,
)
def reset_view(_clicks: int, values: list[Any]) -> list[Any]:
    """Every control back to the default view, keeping the language."""
    app = app_data()
    fields = wildcard_keys(ctx.states_list[0], "field", CONTROL_FIELDS)
    if fields is None or clicks(_clicks) is None or not isinstance(values, list) or len(values) != len(fields):
        raise PreventUpdate  # a wildcard output takes a list: "nothing" is said this way
    current = dict(zip(fields, values, strict=True))
    data = default_state(app.options).as_dict()
    data["lang"] = lang_of(current.get("lang"))
    return [control_value(data, f) for f in fields]


@callback(
    Output(ids.PLAY_INTERVAL, "disabled"),
    Output(ids.PLAY_BUTTON, "children"),
    Input(ids.PLAY_BUTTON, "n_clicks"),
    Input(ids.control("lang"), "value"),
    State(ids.PLAY_INTERVAL, "disabled"),
)
def toggle_play(_clicks: int, lang: str, disabled: bool) -> tuple[bool, str]:
    """Start or pause stepping through the years."""
    lang = lang_of(lang)
    disabled = flag(disabled, default=True)
    if ctx.triggered_id == ids.PLAY_BUTTON:
        disabled = not disabled
    return disabled, t("play" if disabled else "pause", lang)


@callback(
    Output(ids.control("years"), "value", allow_duplicate=True),
    Output(ids.PLAY_INTERVAL, "disabled", allow_duplicate=True),
    Input(ids.PLAY_INTERVAL, "n_intervals"),
    State(ids.control("years"), "value"),
    prevent_initial_call=True,
)
def advance_year(_ticks: int, years: Any) -> tuple[list[int], bool]:
    """One step of play: the period one year later; stop when it reaches the last year."""
    lo, hi = app_data().options.years
    pair = year_pair(years, (lo, hi))
    if pair is None:  # not two years of the slider's range: start again from the first year
        return [lo, lo], False
    first, last = pair
    if last >= hi:
        return [lo, lo + last - first], False  # from the end, play restarts at the first year
    return [first + 1, last + 1], last + 1 >= hi


# Pure string work on the address: done in the browser, no request per view change (the
# export route parses and validates the query itself). The CSP allows these scripts by hash.
clientside_callback(
    "function (href) { return typeof href === 'string' ? href : ''; }",
    Output(ids.SHARE_LINK, "value"),
    Input(ids.URL, "href"),
)
# The export buttons' addresses (the view plus the export's title, subtitle and size): dashboard/callbacks/export.py.
