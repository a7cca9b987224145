"""Plain HTTP routes beside Dash: ``/export/<fmt>?<view query>`` for snapshots and tables,
``/deck/<briefing id>.<pptx|pdf>?lang=`` for a briefing's deck to carry to a room, the briefing
stage's page (``/?mode=brief`` or ``mode=presenter``) and its deck (``/stage/<id>``).

Exports refuse what they cannot show as asked: 400 naming the parameter, the value and what is
accepted (an unknown parameter, a value out of range, an unknown format); 503 with
``Retry-After`` when every render slot is busy; 500 when a render fails.

With an export queue (``serve --redis``, ``dashboard.jobs``) exports are jobs rendered by export
workers: ``POST /export/jobs?<view query>&format=png|svg|pdf|pack|pptx`` (or
``?briefing=<id>&lang=en|fr&format=pptx|pdf`` for a briefing's deck) answers 202 with the job's
id and ``Location``; ``GET /export/jobs/<id>`` its status (queued with its place in the queue,
running with its progress, done with a link to the file, failed with the reason);
``GET /export/jobs/<id>/file`` the file; ``GET /export/jobs`` whether there is a queue (the
page's buttons ask once) and how full it is. A full queue answers 429 with ``Retry-After``.
``GET /export/<fmt>`` and ``/deck/...`` keep working: they queue the job and wait for it (at
most ``SYNC_WAIT_S``; then 503 with ``Retry-After`` and the job's address). Without a queue,
``GET /export/jobs`` says so, ``POST /export/jobs`` answers 404, and the page's buttons use
``GET /export/<fmt>``.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import flask
import orjson
from dash import Dash

from dashboard.deck import DECK_TYPES, deck_filename, render_deck
from dashboard.export import MEDIA_TYPES, ExportBusyError, ExportError, export_filename, render_view
from dashboard.export_table import table_bytes
from dashboard.jobs import (
    DECK_MEDIA,
    QUEUE_KEY,
    SYNC_WAIT_S,
    VIEW_FORMATS,
    VIEW_MEDIA,
    ExportQueue,
    JobSpec,
    QueueFullError,
)
from dashboard.stage import briefing_deck, stage_page, view_deck
from dashboard.view import AppData, app_data, compute_view
from layers.view_state import QueryError, parse_query_strict

TABLE_TYPES = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to a text type
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
        elif (queue := _queue()) is not None:  # a worker renders it; this request waits for the job
            return _through_queue(queue, JobSpec("view", fmt, export_filename(state, fmt), MEDIA_TYPES[fmt],
                                                 queue.data_version, query=flask.request.query_string.decode("utf-8", "replace")))
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
    """429 and Retry-After when the export queue is full; 503 and Retry-After when every render
    slot is taken (or a render timed out, or the queue is unreachable); else 500.
    """
    if isinstance(exc, QueueFullError):
        response = _text(f"Too many exports waiting: {exc}", 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
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


def _lang_only(what: str) -> str | flask.Response:
    """The request's language, when ``lang=en`` or ``lang=fr`` (once, or none: English) is all it
    asks; else a 400 that names what was wrong, not only what is right.
    """
    args = flask.request.args
    unknown = [k for k in args if k != "lang"]
    if unknown:
        return _text(f"Bad request: unknown parameter {unknown[0][:20]!r}: {what} accepts only lang=en or lang=fr", 400)
    given = args.getlist("lang")
    if len(given) > 1:
        return _text(f"Bad request: lang given {len(given)} times: expected en or fr, once", 400)
    lang = args.get("lang", "en")
    if lang not in ("en", "fr"):
        return _text(f"Bad request: lang={lang[:20]}: expected en or fr", 400)
    return lang


def _deck(briefing_id: str, fmt: str) -> flask.Response:
    """A briefing's deck as PowerPoint or PDF (``?lang=en|fr``, nothing else)."""
    app = app_data()
    if fmt not in DECK_TYPES:
        return _text(f"Bad request: unknown deck format {fmt[:20]!r}: accepted formats are {', '.join(DECK_TYPES)}", 400)
    if briefing_id not in app.catalog.briefings:
        known = ", ".join(app.catalog.briefings) or "(none)"
        return _text(f"Not found: unknown briefing {briefing_id[:60]!r}; briefings: {known}", 404)
    lang = _lang_only("a deck")
    if isinstance(lang, flask.Response):
        return lang
    try:
        if (queue := _queue()) is not None:
            return _through_queue(queue, JobSpec("deck", fmt, deck_filename(briefing_id, lang, fmt), DECK_TYPES[fmt],
                                                 queue.data_version, briefing=briefing_id, lang=lang))
        content = render_deck(app, briefing_id, lang, fmt)
    except ExportError as exc:
        return _failed(exc)
    return _attachment(content, DECK_TYPES[fmt], deck_filename(briefing_id, lang, fmt))


# --- exports as jobs (dashboard.jobs) -------------------------------------------------------------

def _queue() -> ExportQueue | None:
    """The app's export queue, if it was started with one (``serve --redis``)."""
    return flask.current_app.extensions.get(QUEUE_KEY)


def _json(body: dict[str, Any], status: int = 200) -> flask.Response:
    response = flask.Response(orjson.dumps(body), status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _through_queue(queue: ExportQueue, spec: JobSpec) -> flask.Response:
    """``GET /export/<fmt>`` and ``/deck/...`` with a queue: queue the job, wait for it, send the file."""
    job_id = queue.submit(spec)
    status = queue.wait(job_id, SYNC_WAIT_S)
    if status is not None and status["status"] == "done" and (got := queue.file(job_id)) is not None:
        return _attachment(*got)
    if status is None or status["status"] == "failed":
        reason = status.get("reason", "") if status else "the job has expired"
        return _text(f"Export failed: {reason}", 500)
    response = _text(f"Busy: the export is still {status['status']} after {SYNC_WAIT_S:.0f} s; it goes on as job "
                     f"{job_id}: GET {status['status_url']}", 503)
    response.headers["Retry-After"] = "30"
    response.headers["Link"] = f'<{status["status_url"]}>; rel="monitor"'
    return response


def job_spec(query: str, app: AppData, version: str) -> JobSpec:
    """The job a ``POST /export/jobs`` query asks for (``QueryError`` naming what is wrong)."""
    pairs = [p for p in query.lstrip("?").split("&") if p]
    keys = [unquote_plus(p.split("=", 1)[0]) for p in pairs]
    formats = [unquote_plus(p.split("=", 1)[1]) if "=" in p else "" for p, k in zip(pairs, keys, strict=True) if k == "format"]
    rest = "&".join(p for p, k in zip(pairs, keys, strict=True) if k != "format")
    if "briefing" in keys:  # a briefing's deck
        args = parse_qs(rest, keep_blank_values=True)
        unknown = sorted(set(args) - {"briefing", "lang"})
        if unknown:
            raise QueryError([f"unknown parameter {unknown[0][:20]!r}: a deck job accepts briefing=, lang=en|fr and format="])
        briefing, langs = args["briefing"], args.get("lang", ["en"])
        if len(briefing) != 1 or briefing[0] not in app.catalog.briefings:
            known = ", ".join(app.catalog.briefings) or "(none)"
            raise QueryError([f"briefing={briefing[0][:60] if briefing else ''}: expected one of {known}, once"])
        if len(langs) != 1 or langs[0] not in ("en", "fr"):
            raise QueryError([f"lang={langs[0][:10]}: expected en or fr, once"])
        if len(formats) != 1 or formats[0] not in DECK_MEDIA:
            raise QueryError([f"format={formats[0][:20] if formats else ''}: a deck is {' or '.join(DECK_MEDIA)}, given once"])
        fmt, name, lang = formats[0], briefing[0], langs[0]
        return JobSpec("deck", fmt, deck_filename(name, lang, fmt), DECK_MEDIA[fmt], version, briefing=name, lang=lang)
    if len(formats) != 1 or formats[0] not in VIEW_FORMATS:
        given = f"format={formats[0][:20]}" if len(formats) == 1 else f"format given {len(formats)} times"
        raise QueryError([(f"{given}: expected one of {', '.join(VIEW_FORMATS)}, once (csv and xlsx need no queue: "
                           "GET /export/csv or /export/xlsx)")])
    fmt = formats[0]
    state = parse_query_strict(rest, app.options)
    return JobSpec("view", fmt, export_filename(state, fmt), VIEW_MEDIA[fmt], version, query=rest)


def _submit_job() -> flask.Response:
    """``POST /export/jobs?<view query>&format=...``: 202 with the job's status and ``Location``."""
    queue = _queue()
    if queue is None:
        return _text("Not found: this server renders exports itself (no export queue: serve --redis); "
                     "use GET /export/<format>?<view query>", 404)
    if flask.request.headers.get("Sec-Fetch-Site") == "cross-site":  # another site's page posting for a user
        return _text("Forbidden: export jobs are submitted from the dashboard's own pages", 403)
    try:
        spec = job_spec(flask.request.query_string.decode("utf-8", "replace"), app_data(), queue.data_version)
    except QueryError as exc:
        return _text("Bad request: " + "\n".join(exc.problems), 400)
    try:
        job_id = queue.submit(spec)
        status = queue.status(job_id) or {"id": job_id, "status": "queued", "status_url": f"/export/jobs/{job_id}"}
    except ExportError as exc:
        return _failed(exc)
    response = _json(status, 202)
    response.headers["Location"] = status["status_url"]
    return response


def _queue_info() -> flask.Response:
    """``GET /export/jobs``: whether exports go through a queue here (the page's buttons ask once),
    and how full it is.
    """
    queue = _queue()
    if queue is None:
        return _json({"queue": False})
    try:
        return _json({"queue": True, **queue.info()})
    except ExportError as exc:
        return _failed(exc)


def _job_status(job_id: str) -> flask.Response:
    """``GET /export/jobs/<id>``: queued (place in the queue), running (progress), done (file), failed (reason)."""
    queue = _queue()
    if queue is None:
        return _text("Not found: this server has no export queue", 404)
    try:
        status = queue.status(job_id)
    except ExportError as exc:
        return _failed(exc)
    if status is None:
        return _json({"id": job_id[:64], "status": "unknown", "reason": "no such export job: jobs and their files "
                      "expire 15 minutes after they finish, or if no worker starts them within 15 minutes"}, 404)
    return _json(status)


def _job_file(job_id: str) -> flask.Response:
    """``GET /export/jobs/<id>/file``: the finished job's file."""
    queue = _queue()
    if queue is None:
        return _text("Not found: this server has no export queue", 404)
    try:
        got = queue.file(job_id)
    except ExportError as exc:
        return _failed(exc)
    if got is None:
        return _text("Not found: no finished export with this id (not done yet, failed, or expired)", 404)
    return _attachment(*got)


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
            lang = _lang_only("a briefing's stage")
            if isinstance(lang, flask.Response):
                return lang
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
    app.server.add_url_rule("/export/jobs", "export_job_submit", _submit_job, methods=["POST"])
    app.server.add_url_rule("/export/jobs", "export_queue", _queue_info, methods=["GET"])
    app.server.add_url_rule("/export/jobs/<job_id>", "export_job_status", _job_status, methods=["GET"])
    app.server.add_url_rule("/export/jobs/<job_id>/file", "export_job_file", _job_file, methods=["GET"])
    app.server.add_url_rule("/deck/<briefing_id>.<fmt>", "deck", _deck, methods=["GET"])
    app.server.add_url_rule("/stage/<briefing_id>", "stage", _stage, methods=["GET"])
    app.server.before_request(_stage_page)
