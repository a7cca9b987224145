"""Plain HTTP routes beside Dash: ``/export/<fmt>?<view query>`` for snapshots and tables,
``/deck/<briefing id>.<pptx|pdf>?lang=`` for a briefing's deck to carry to a room, the briefing
stage's page (``/?mode=brief`` or ``mode=presenter``) and its deck (``/stage/<id>``).

Exports refuse what they cannot show as asked: 400 naming the parameter, the value and what is
accepted (an unknown parameter, a value out of range, an unknown format); 503 with
``Retry-After`` when every render slot is busy; 500 when a render fails.
"""

from __future__ import annotations

import functools

import flask
import orjson
from dash import Dash

from dashboard.deck import DECK_TYPES, deck_filename, render_deck
from dashboard.export import MEDIA_TYPES, ExportBusyError, ExportError, export_filename, render_view
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
        return _text(f"Bad request: unknown format {fmt[:20]!r}: accepted formats are {', '.join([*MEDIA_TYPES, *TABLE_TYPES])}", 400)
    try:
        state = parse_query_strict(flask.request.query_string.decode("utf-8", "replace"), app.options)
    except QueryError as exc:
        # A report figure must show what was asked for: refuse, never substitute.
        return _text("Bad request: " + "\n".join(exc.problems), 400)
    try:
        if fmt in TABLE_TYPES:
            content, media = table_bytes(app.engine, compute_view(app, state), state.lang, fmt), TABLE_TYPES[fmt]
        else:
            content, media = render_view(app, state, fmt), MEDIA_TYPES[fmt]
    except ExportError as exc:
        return _failed(exc)
    return _attachment(content, media, export_filename(state, fmt))


def _text(message: str, status: int) -> flask.Response:
    response = flask.Response(message, status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _failed(exc: ExportError) -> flask.Response:
    """503 and Retry-After when every render slot is taken (or a render timed out); else 500."""
    if isinstance(exc, ExportBusyError):
        response = _text(f"Busy: {exc}", 503)
        response.headers["Retry-After"] = "60"
        return response
    return _text(f"Export failed: {exc}", 500)


def _attachment(content: bytes, media: str, filename: str) -> flask.Response:
    response = flask.Response(content, mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _deck(briefing_id: str, fmt: str) -> flask.Response:
    """A briefing's deck as PowerPoint or PDF (``?lang=en|fr``, nothing else)."""
    app = app_data()
    if fmt not in DECK_TYPES:
        return _text(f"Bad request: unknown deck format {fmt[:20]!r}: accepted formats are {', '.join(DECK_TYPES)}", 400)
    if briefing_id not in app.catalog.briefings:
        known = ", ".join(app.catalog.briefings) or "(none)"
        return _text(f"Not found: unknown briefing {briefing_id[:60]!r}; briefings: {known}", 404)
    args = flask.request.args
    unknown = [k for k in args if k != "lang"]
    if unknown:
        return _text(f"Bad request: unknown parameter {unknown[0][:20]!r}: a deck accepts only lang=en or lang=fr", 400)
    lang = args.get("lang", "en")
    if lang not in ("en", "fr") or len(args.getlist("lang")) > 1:
        return _text(f"Bad request: lang={lang[:10]}: expected en or fr, once", 400)
    try:
        content = render_deck(app, briefing_id, lang, fmt)
    except ExportError as exc:
        return _failed(exc)
    return _attachment(content, DECK_TYPES[fmt], deck_filename(briefing_id, lang, fmt))


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
    app.server.add_url_rule("/deck/<briefing_id>.<fmt>", "deck", _deck, methods=["GET"])
    app.server.add_url_rule("/stage/<briefing_id>", "stage", _stage, methods=["GET"])
    app.server.before_request(_stage_page)
