"""The page's language on its ``<html>`` element (WCAG 3.1.1): a screen reader reads French as French.

Dash writes ``<html>`` without ``lang``. The index page gets ``lang="en"``, or ``lang="fr"`` when
its address asks for French (``?lang=fr``: a shared link); a language switch in the page then
sets it in the browser (``dashboard/callbacks/panels.py``), with the document's title.
"""

from __future__ import annotations

import flask
from dash import Dash

HTML_EN = '<html lang="en">'
HTML_FR = '<html lang="fr">'


def install_page_language(app: Dash) -> None:
    """``lang`` on the index page's ``<html>``: French for ``?lang=fr``, else English."""
    index = app.index_string
    if "<html>" not in index:
        raise ValueError("the index page has no plain <html> tag to give a lang to")
    app.index_string = index.replace("<html>", HTML_EN, 1)
    index_path = app.config.routes_pathname_prefix

    def french_index(response: flask.Response) -> flask.Response:
        request = flask.request
        if (request.path == index_path and request.args.get("lang") == "fr" and response.status_code == 200  # noqa: PLR2004
                and response.mimetype == "text/html" and not response.direct_passthrough):
            # Before flask-compress (after_request hooks run last-registered first; Dash registered it first).
            response.set_data(response.get_data(as_text=True).replace(HTML_EN, HTML_FR, 1))
        return response

    app.server.after_request(french_index)
