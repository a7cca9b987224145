"""The app's figures follow the UTC date: a server left running rebuilds what depends on the day
(dashboard/day.py), and so does an export worker."""

from __future__ import annotations

import threading
from datetime import date
from types import SimpleNamespace

import flask
import pytest

from dashboard import ids, jobs
from dashboard.day import ROLLOVER_KEY, install_day_rollover, refresh_for_today
from dashboard.layout import components
from dashboard.view import EXTENSION_KEY, app_data_of, utc_today
from layers.period import Month
from tests.conftest import TODAY

NEW_YEAR = date(TODAY.year + 1, 1, 2)


def _years_control(layout):
    return next(c for c in components(layout) if getattr(c, "id", None) == ids.control("years"))


@pytest.fixture
def pinned(dash_app):
    """A stand-in app holding the shared app's data (pinned to TODAY), so the shared one is untouched."""
    return SimpleNamespace(server=SimpleNamespace(extensions={EXTENSION_KEY: app_data_of(dash_app)}), layout=None)


def test_the_same_day_rebuilds_nothing(pinned):
    before = pinned.server.extensions[EXTENSION_KEY]
    assert refresh_for_today(pinned, TODAY) is False
    assert pinned.server.extensions[EXTENSION_KEY] is before and pinned.layout is None


def test_a_new_year_moves_the_default_view_the_controls_and_the_engine_on(pinned, dash_app):
    before = pinned.server.extensions[EXTENSION_KEY]
    assert refresh_for_today(pinned, NEW_YEAR) is True
    after = pinned.server.extensions[EXTENSION_KEY]
    assert after.today == NEW_YEAR and after.engine.today.date() == NEW_YEAR
    assert after.options.months[1] == Month(NEW_YEAR.year, 1) and before.options.months[1] == Month.of(TODAY)
    assert after.catalog is before.catalog  # the validated tables are kept: no file read again
    from dashboard.page_text import _all_engagement_options  # its memo keeps only the new day's labels
    assert _all_engagement_options.cache_info().currsize == 2
    years = _years_control(pinned.layout)  # the first-visit page shows the new year and offers it
    assert years.max == NEW_YEAR.year and list(years.value) == [NEW_YEAR.year, NEW_YEAR.year]
    assert app_data_of(dash_app) is before and _years_control(dash_app.layout).max == TODAY.year  # the shared app untouched


def test_the_first_request_of_a_new_day_rebuilds_in_the_background(pinned):
    server = flask.Flask(__name__)
    server.extensions[EXTENSION_KEY] = pinned.server.extensions[EXTENSION_KEY]  # stands at TODAY, not today
    app = SimpleNamespace(server=server, layout=None)
    install_day_rollover(app)

    @server.route("/ping")
    def ping() -> str:
        return "ok"

    assert utc_today() != TODAY
    assert server.test_client().get("/ping").status_code == 200  # answered at once, from the previous day's data
    thread: threading.Thread = server.extensions[ROLLOVER_KEY]["thread"]
    thread.join(timeout=120)
    assert not thread.is_alive() and server.extensions[EXTENSION_KEY].today == utc_today()
    assert app.layout is not None
    server.test_client().get("/ping")  # the same day again: no second rebuild
    assert server.extensions[ROLLOVER_KEY]["thread"] is thread


def test_a_failed_rebuild_keeps_the_previous_day_and_is_tried_again(pinned, monkeypatch, caplog):
    from dashboard import day

    server = flask.Flask(__name__)
    before = pinned.server.extensions[EXTENSION_KEY]
    server.extensions[EXTENSION_KEY] = before
    install_day_rollover(SimpleNamespace(server=server, layout=None))

    def broken(*_args):
        raise MemoryError("no room")

    monkeypatch.setattr(day, "rebuilt_for", broken)
    server.add_url_rule("/ping", "ping", lambda: "ok")
    for _ in range(2):
        assert server.test_client().get("/ping").status_code == 200
        server.extensions[ROLLOVER_KEY]["thread"].join(timeout=30)
    assert server.extensions[EXTENSION_KEY] is before
    assert [r.message for r in caplog.records].count(
        "Rebuilding the app's data for a new day failed; the previous day's data is kept.") == 2


def test_an_export_worker_moves_on_to_the_new_day_with_the_same_tables(pinned, monkeypatch):
    before = pinned.server.extensions[EXTENSION_KEY]
    monkeypatch.setattr(jobs, "_worker", jobs._Worker(before, "v1"))
    worker = jobs._worker_state()
    assert worker.app.today == utc_today() != before.today
    assert worker.app.catalog is before.catalog and worker.version == "v1"
    assert jobs._worker_state() is worker  # the same day: kept
    monkeypatch.setattr(jobs, "_worker", jobs._Worker(before, "v1"))
    monkeypatch.setattr("dashboard.view.utc_today", lambda: TODAY)
    assert jobs._worker_state().app is before  # its own day: kept


def test_an_app_given_a_day_stays_at_it(dash_app):
    assert ROLLOVER_KEY not in dash_app.server.extensions  # tests, rehearsals: reproducible
    assert app_data_of(dash_app).today == TODAY
