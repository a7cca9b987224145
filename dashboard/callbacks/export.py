"""The export controls: the buttons' addresses (the view plus the export's title, subtitle and
size) and the deck buttons, in the browser. The title field's hint (the title the export will
have) and the sizes' names come with the view callback's answer (dashboard/response.py).
"""

from __future__ import annotations

import json

from dash import Input, Output, clientside_callback

from dashboard import ids
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
