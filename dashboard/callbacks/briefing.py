"""Briefing links and the scene text: the stage itself runs in the browser (assets/stage.js)."""

from __future__ import annotations

import json
from typing import Any

from dash import Input, Output, callback, clientside_callback

from dashboard import ids
from dashboard.briefing import exit_query
from dashboard.view import app_data
from layers.view_state import parse_query, to_query


@callback(Output(ids.SCENE_TEXT, "value"), Input(ids.URL, "search"))
def scene_text(search: Any) -> str:
    """The current view as a scene to paste into a briefing file."""
    app = app_data()
    state = parse_query(search if isinstance(search, str) else "", app.options)
    scene = {"title": {"en": "…", "fr": "…"}, "note": {"en": "…", "fr": "…"}, "view": exit_query(to_query(state, app.options))}
    return json.dumps(scene, ensure_ascii=False, indent=2)


# Where the two briefing links lead: string work in the browser (the CSP allows it by hash).
clientside_callback(
    """function (pick, search, lang) {
        var l = (lang === 'fr') ? '&lang=fr' : '';
        var start = pick ? '/?mode=brief&briefing=' + encodeURIComponent(pick) + l : '/?mode=brief' + l;
        var q = (typeof search === 'string' ? search : '').replace(/^\\?/, '');
        var present = '/?' + (q ? q + '&' : '') + 'mode=brief';
        return [start, present];
    }""",
    Output(ids.BRIEF_START, "href"),
    Output(ids.BRIEF_PRESENT, "href"),
    Input(ids.BRIEF_PICK, "value"),
    Input(ids.URL, "search"),
    Input(ids.control("lang"), "value"),
)
