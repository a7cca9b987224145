"""The view state's three homes kept in step: URL query <-> controls -> store.

One callback owns the cycle (Dash allows a callback to write its own inputs), so the URL
drives the controls on load and on back/forward, and the controls drive the URL otherwise.
Other callbacks that change a control (map click, timeline click, play, reset) write the
control only; this callback then updates the URL and the store.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, no_update

from dashboard import ids
from dashboard.briefing import scene_query
from dashboard.view import app_data
from layers.i18n import t
from layers.view_state import default_state, parse_query, state_from_values, to_query


def control_value(state_dict: dict[str, Any], field: str) -> Any:
    """The value a control shows for a state field (dropdown ``None`` for no selection)."""
    value = state_dict[field]
    return value or None if field == "selected" else value


@callback(
    Output(ids.URL, "search"),
    Output(ids.control(ALL), "value"),
    Output(ids.VIEW_STORE, "data"),
    Input(ids.URL, "search"),
    Input(ids.control(ALL), "value"),
)
def sync_view_state(search: str | None, values: list[Any]) -> tuple[Any, Any, dict[str, Any]]:
    """URL -> controls on load and history moves; controls -> URL otherwise."""
    app = app_data()
    fields = [item["id"]["field"] for item in ctx.inputs_list[1]]
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
        return new_search, [control_value(data, f) for f in fields], {**data, "ignored": list(state.ignored)}
    state = state_from_values(dict(zip(fields, values, strict=True)), app.options)
    query = to_query(state, app.options)
    new_search = query if query != (search or "") else no_update
    # A wildcard output takes a list: one no_update per control.
    return new_search, [no_update] * len(fields), {**state.as_dict(), "ignored": list(state.ignored)}


@callback(
    Output(ids.control(ALL), "value", allow_duplicate=True),
    Input(ids.RESET_BUTTON, "n_clicks"),
    State(ids.control(ALL), "value"),
    prevent_initial_call=True,
)
def reset_view(_clicks: int, values: list[Any]) -> list[Any]:
    """Every control back to the default view, keeping the language."""
    app = app_data()
    fields = [item["id"]["field"] for item in ctx.states_list[0]]
    current = dict(zip(fields, values, strict=True))
    data = default_state(app.options).as_dict()
    data["lang"] = current.get("lang") if current.get("lang") in ("en", "fr") else "en"
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
    lang = lang if lang in ("en", "fr") else "en"
    if ctx.triggered_id == ids.PLAY_BUTTON:
        disabled = not disabled
    return disabled, t("play" if disabled else "pause", lang)


@callback(
    Output(ids.control("year"), "value", allow_duplicate=True),
    Output(ids.PLAY_INTERVAL, "disabled", allow_duplicate=True),
    Input(ids.PLAY_INTERVAL, "n_intervals"),
    State(ids.control("year"), "value"),
    prevent_initial_call=True,
)
def advance_year(_ticks: int, year: Any) -> tuple[int, bool]:
    """One step of play: next year; stop at the last year (a briefing ends on "today")."""
    lo, hi = app_data().options.years
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = lo - 1
    if year >= hi:
        return lo, False  # from the end, play restarts at the first year
    return year + 1, year + 1 >= hi


@callback(Output(ids.SHARE_LINK, "value"), Input(ids.URL, "href"))
def share_link(href: str | None) -> str:
    """The current address, to copy and send to a colleague."""
    return href if isinstance(href, str) else ""


@callback([Output(ids.export_link(fmt), "href") for fmt in ids.EXPORT_FORMATS], Input(ids.URL, "search"))
def export_links(search: str | None) -> list[str]:
    """Download links that export exactly the current view (same query as the URL)."""
    state = parse_query(search, app_data().options)
    query = to_query(state, app_data().options)
    return [f"/export/{fmt}{query}" for fmt in ids.EXPORT_FORMATS]
