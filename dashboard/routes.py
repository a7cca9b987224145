"""Plain HTTP routes beside Dash: ``/export/<fmt>?<view query>`` for snapshots and tables."""

from __future__ import annotations

import flask
from dash import Dash

from dashboard.export import MEDIA_TYPES, ExportError, export_filename, render_view
from dashboard.export_table import table_bytes
from dashboard.view import app_data, compute_view
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


def register_routes(app: Dash) -> None:
    """Attach the export endpoint to the app's Flask server."""
    app.server.add_url_rule("/export/<fmt>", "export", _export, methods=["GET"])
