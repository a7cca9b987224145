"""The links that carry the view, in the browser: the export buttons' addresses (the view plus
the export's title, subtitle and size), the briefing links, and the deck buttons. The title
field's hint (the title the export will have), the sizes' names and the scene text come with the
view callback's answer (dashboard/response.py); the stage itself runs in assets/stage.js.
"""

from __future__ import annotations

import json

from dash import Input, Output, clientside_callback

from dashboard import ids
from layers.view_state import MAX_SUBTITLE, MAX_TITLE, SIZES

# String work in the browser, no request per keystroke (the CSP allows these scripts by hash).
# One callback writes every address that follows the view: each callback Dash runs costs the
# page 10-20 ms of its own bookkeeping (queueing, loading states), whatever the callback does, and
# a view change ran two here (tests/test_browser.py counts the callbacks a change runs).
# They carry the view applied (the store's canonical query), not the address: after a link with
# a part the view ignored (``?regions=XX``, named by the banner), the address keeps that part,
# and an export of it would be refused. The share box is written here too (one callback fewer).
# The view's own title=, subtitle= and size= (from a link) give way to the fields'; the export
# route checks everything again and answers 400 with the reason if it cannot use it.
clientside_callback(
    """function (store, title, subtitle, size, pick, lang) {
        // A store without its query (a page open since before it had one) follows the address.
        var search = (store && typeof store === 'object' && typeof store.query === 'string') ? store.query : window.location.search;
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
        var exports = """ + json.dumps(list(ids.EXPORT_FORMATS)) + """.map(function (f) { return '/export/' + f + query; });
        // The briefing links: a briefing from its first scene, or this view on the stage.
        var l = (lang === 'fr') ? '&lang=fr' : '';
        var start = pick ? '/?mode=brief&briefing=' + encodeURIComponent(pick) + l : '/?mode=brief' + l;
        var present = '/?' + (q ? q + '&' : '') + 'mode=brief';
        var share = window.location.origin + window.location.pathname + (search || '');
        return exports.concat([start, present, share]);
    }""",
    [Output(ids.export_link(fmt), "href") for fmt in ids.EXPORT_FORMATS]
    + [Output(ids.BRIEF_START, "href"), Output(ids.BRIEF_PRESENT, "href"), Output(ids.SHARE_LINK, "value")],
    Input(ids.VIEW_STORE, "data"),
    Input(ids.EXPORT_TITLE, "value"),
    Input(ids.EXPORT_SUBTITLE, "value"),
    Input(ids.EXPORT_SIZE, "value"),
    Input(ids.BRIEF_PICK, "value"),
    Input(ids.control("lang"), "value"),
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
