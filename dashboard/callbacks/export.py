"""The export controls: the buttons' addresses (the view plus the export's title, subtitle and
size), the title field's hint (the title the export will have), and the deck buttons.
"""

from __future__ import annotations

import json
from typing import Any

from dash import Input, Output, callback, clientside_callback

from dashboard import ids
from dashboard.export import view_title
from dashboard.export_controls import size_options
from dashboard.inputs import lang_of
from dashboard.view import app_data, state_from_store
from layers.view_state import MAX_SUBTITLE, MAX_TITLE, SIZES

# String work in the browser, no request per keystroke (the CSP allows these scripts by hash).
# The view's own title=, subtitle= and size= (from a link) give way to the fields'; the export
# route checks everything again and answers 400 with the reason if it cannot use it.
clientside_callback(
    """function (search, title, subtitle, size) {
        var q = (typeof search === 'string' ? search : '').replace(/^\\?/, '');
        var keep = q ? q.split('&').filter(function (p) { return !/^(title|subtitle|size)=/.test(p); }) : [];
        function add(key, value, max) {
            value = (typeof value === 'string' ? value : '').trim().slice(0, max);
            if (value) { keep.push(key + '=' + encodeURIComponent(value)); }
        }
        add('title', title, """ + str(MAX_TITLE) + """);
        add('subtitle', subtitle, """ + str(MAX_SUBTITLE) + """);
        if (typeof size === 'string' && size && size !== '""" + SIZES[0] + """') { add('size', size, 20); }
        var query = keep.length ? '?' + keep.join('&') : '';
        return """ + json.dumps(list(ids.EXPORT_FORMATS)) + """.map(function (f) { return '/export/' + f + query; });
    }""",
    [Output(ids.export_link(fmt), "href") for fmt in ids.EXPORT_FORMATS],
    Input(ids.URL, "search"),
    Input(ids.EXPORT_TITLE, "value"),
    Input(ids.EXPORT_SUBTITLE, "value"),
    Input(ids.EXPORT_SIZE, "value"),
)

clientside_callback(
    """function (pick, lang) {
        var base = '/deck/' + encodeURIComponent(pick || 'none');
        var l = (lang === 'fr') ? '?lang=fr' : '';
        return [base + '.pptx' + l, base + '.pdf' + l];
    }""",
    Output(ids.DECK_PPTX, "href"),
    Output(ids.DECK_PDF, "href"),
    Input(ids.BRIEF_PICK, "value"),
    Input(ids.control("lang"), "value"),
)


@callback(
    Output(ids.EXPORT_TITLE, "placeholder"),
    Output(ids.EXPORT_SIZE, "data"),
    Input(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,  # the layout has the first visit's (dashboard.export_controls)
)
def export_hints(store: Any) -> tuple[str, list[dict[str, str]]]:
    """The title an export of this view gets unless one is typed, and the sizes in its language."""
    app = app_data()
    state = state_from_store(store, app)
    return view_title(app, state), size_options(lang_of(state.lang))
