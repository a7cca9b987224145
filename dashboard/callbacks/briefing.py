"""Briefing links: the stage itself runs in the browser (assets/stage.js). The scene text (the
view as a scene for a briefing file) comes with the view callback's answer (dashboard/response.py).
"""

from __future__ import annotations

from dash import Input, Output, clientside_callback

from dashboard import ids

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
