"""Plain HTTP routes beside Dash: ``/export/<fmt>?<view query>`` for snapshots and tables, the
briefing stage's page (``/?mode=brief`` or ``mode=presenter``) and its deck (``/stage/<id>``).
"""

from __future__ import annotations

import functools

import flask
import orjson
from dash import Dash

from dashboard.export import MEDIA_TYPES, ExportError, export_filename, render_view
from dashboard.export_table import table_bytes
from dashboard.stage import briefing_deck, stage_page, view_deck
from dashboard.view import AppData, app_data, compute_view
from layers.view_state import QueryError, parse_query_strict

TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export(fmt: str) -> flask.Response:
    app = app_data()
    if fmt not in MEDIA_TYPES and fmt not in TABLE_TYPES:
        return flask.Response(f"Unknown format. Use one of: {', '.join([*MEDIA_TYPES, *TABLE_TYPES])}.", 400, mimetype="text/plain")
    try:
        state = parse_query_strict(flask.request.query_string.decode("utf-8", "replace"), app.options)
    except QueryError as exc:
        # A report figure must show what was asked for: refuse, never substitute.
        return flask.Response("Bad request: " + "\n".join(exc.problems), 400, mimetype="text/plain")
    try:
        if fmt in TABLE_TYPES:
            content, media = table_bytes(app.engine, compute_view(app, state), state.lang, fmt), TABLE_TYPES[fmt]
        else:
            content, media = render_view(app, state, fmt), MEDIA_TYPES[fmt]
    except ExportError as exc:
        return flask.Response(f"Export failed: {exc}", 503, mimetype="text/plain")
    response = flask.Response(content, mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(state, fmt)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _stage(briefing_id: str) -> flask.Response:
    """The briefing stage's deck (every slide, prepared at once) as JSON."""
    app = app_data()
    query = flask.request.query_string.decode("utf-8", "replace")
    try:
        if briefing_id == "view":
            deck = view_deck(app, parse_query_strict(query, app.options))
        else:
            briefing = app.catalog.briefings.get(briefing_id)
            if briefing is None:
                known = ", ".join(app.catalog.briefings) or "(none)"
                return flask.Response(f"Unknown briefing {briefing_id[:60]!r}; briefings: {known}.", 404, mimetype="text/plain")
            lang = flask.request.args.get("lang", "en")
            if lang not in ("en", "fr") or set(flask.request.args) - {"lang"}:
                return flask.Response("Bad request: only lang=en or lang=fr is accepted.", 400, mimetype="text/plain")
            deck = cached_deck(app, briefing_id, lang)
    except QueryError as exc:
        return flask.Response("Bad request: " + "\n".join(exc.problems), 400, mimetype="text/plain")
    response = flask.Response(orjson.dumps(deck, option=orjson.OPT_SERIALIZE_NUMPY), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@functools.lru_cache(maxsize=16)
def cached_deck(app: AppData, briefing_id: str, lang: str) -> dict:
    """A briefing's deck depends only on the data and the language: built once per process."""
    return briefing_deck(app, app.catalog.briefings[briefing_id], lang)


def _stage_page() -> flask.Response | None:
    """The stage's own small page in place of the dashboard when the address asks for a briefing.

    Same address (``/?mode=brief&briefing=...``), so shared links keep working; the page loads
    plotly.js and the stage script only, not the dashboard behind it.
    """
    if flask.request.path != "/" or flask.request.args.get("mode") not in ("brief", "presenter"):
        return None
    lang = "fr" if flask.request.args.get("lang") == "fr" else "en"
    response = flask.Response(stage_page(lang), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def register_routes(app: Dash) -> None:
    """Attach the export endpoint, the stage page and the stage's deck to the app's Flask server."""
    app.server.add_url_rule("/export/<fmt>", "export", _export, methods=["GET"])
    app.server.add_url_rule("/stage/<briefing_id>", "stage", _stage, methods=["GET"])
    app.server.before_request(_stage_page)
