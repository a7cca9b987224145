"""Briefing callbacks: step scenes (buttons, keyboard via assets/briefing.js), render the
presenter's title bar and footer, and offer the current view as scene text.
"""

from __future__ import annotations

import json
from typing import Any

from dash import Input, Output, State, callback, clientside_callback, ctx, no_update

from dashboard import ids
from dashboard.briefing import exit_query, scene_query
from dashboard.outputs import frame_output
from dashboard.view import app_data, state_from_store
from layers.view_state import parse_query, to_query


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(ids.BRIEF_START, "n_clicks"),
    Input(ids.BRIEF_NEXT, "n_clicks"),
    Input(ids.BRIEF_PREV, "n_clicks"),
    Input(ids.BRIEF_GOTO, "value"),
    Input(ids.BRIEF_EXIT, "n_clicks"),
    Input(ids.text("present_view"), "n_clicks"),
    State(ids.BRIEF_PICK, "value"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def step_briefing(_start: int, _next: int, _prev: int, goto: Any, _exit: int, _present: int, pick: Any, search: Any) -> Any:
    """Move to another scene (or in and out of presentation mode) by rewriting the URL."""
    app = app_data()
    search = search if isinstance(search, str) else ""
    state = parse_query(search, app.options)
    trigger = ctx.triggered_id
    if trigger == ids.BRIEF_EXIT:
        return exit_query(search)
    if trigger == ids.text("present_view"):
        view = exit_query(to_query(state, app.options)).lstrip("?")
        return "?" + "&".join(p for p in (view, "mode=brief") if p)
    if trigger == ids.BRIEF_START:
        briefing = app.catalog.briefings.get(pick) if isinstance(pick, str) else None
        return scene_query(briefing, 1, lang=state.lang) if briefing else no_update
    briefing = app.catalog.briefings.get(state.briefing)
    if briefing is None:
        return no_update
    if trigger == ids.BRIEF_GOTO:
        try:
            target = int(goto)
        except (TypeError, ValueError):
            return no_update
    else:
        target = state.scene + (1 if trigger == ids.BRIEF_NEXT else -1)
    target = min(max(target, 1), len(briefing.scenes))
    return no_update if target == state.scene else scene_query(briefing, target, lang=state.lang)


@callback(
    Output(ids.PAGE_ROOT, "className"),
    Output(ids.BRIEF_BAR, "children"),
    Output(ids.BRIEF_FOOTER, "children"),
    Input(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,
)
def presentation_frame(store: Any) -> tuple[str, Any, Any]:
    """Presentation layout on or off, with the scene's title bar and the sources footer."""
    app = app_data()
    return frame_output(app, state_from_store(store, app))


@callback(Output(ids.SCENE_TEXT, "value"), Input(ids.URL, "search"))
def scene_text(search: Any) -> str:
    """The current view as a scene to paste into a briefing file."""
    app = app_data()
    state = parse_query(search if isinstance(search, str) else "", app.options)
    scene = {"title": {"en": "…", "fr": "…"}, "note": {"en": "…", "fr": "…"}, "view": exit_query(to_query(state, app.options))}
    return json.dumps(scene, ensure_ascii=False, indent=2)


# Plotly graphs resize on window resize only; switching layouts must tell them.
clientside_callback(
    """function (className) {
        [80, 400, 1200].forEach(function (ms) {
            setTimeout(function () { window.dispatchEvent(new Event("resize")); }, ms);
        });
        return window.dash_clientside.no_update;
    }""",
    Output(ids.BRIEF_GOTO, "placeholder"),
    Input(ids.PAGE_ROOT, "className"),
)
