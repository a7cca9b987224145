"""Plain HTTP routes beside Dash: ``/export/<fmt>?<view query>`` for snapshots and tables."""

from __future__ import annotations

import flask
from dash import Dash

from dashboard.export import MEDIA_TYPES, ExportError, export_filename, render_view
from dashboard.export_table import table_bytes
from dashboard.view import app_data, budget_lookup, compute_view
from layers.view_state import parse_query

TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export(fmt: str) -> flask.Response:
    app = app_data()
    if fmt not in MEDIA_TYPES and fmt not in TABLE_TYPES:
        return flask.Response(f"Unknown format. Use one of: {', '.join([*MEDIA_TYPES, *TABLE_TYPES])}.", 400, mimetype="text/plain")
    state = parse_query(flask.request.query_string.decode("utf-8", "replace"), app.options)
    try:
        if fmt in TABLE_TYPES:
            view = compute_view(app, state)
            content, media = table_bytes(app.tables, view.active, state.lang, view.at, fmt, budget_of=budget_lookup(app, state)), TABLE_TYPES[fmt]
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
