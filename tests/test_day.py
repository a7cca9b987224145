"""The app's figures follow the UTC date: a server left running rebuilds what depends on the day
(dashboard/day.py) before it answers on a new day, and so does an export worker. The clock is
set by each test (``day.utc_today``), never read."""

from __future__ import annotations

import logging
from datetime import date
from types import SimpleNamespace

import flask
import pytest

from dashboard import day, ids, jobs
from dashboard.day import ROLLOVER_KEY, install_day_rollover, refresh_for_today
from dashboard.layout import components
from dashboard.view import EXTENSION_KEY, app_data, app_data_of
from layers.period import Month, Period
from layers.view_state import ViewState
from tests.conftest import TODAY

NEW_YEAR = date(TODAY.year + 1, 1, 2)


def _years_control(layout):
    return next(c for c in components(layout) if getattr(c, "id", None) == ids.control("years"))


@pytest.fixture
def pinned(dash_app):
    """A stand-in app holding the shared app's data (standing at TODAY): the shared app is untouched."""
    return SimpleNamespace(server=SimpleNamespace(extensions={EXTENSION_KEY: app_data_of(dash_app)}), layout=None)


@pytest.fixture
def following(pinned, monkeypatch):
    """A Flask app made to follow the date, on TODAY's data, whose one route answers with the day
    of the data it reads; the clock says NEW_YEAR."""
    server = flask.Flask(__name__)
    server.extensions[EXTENSION_KEY] = pinned.server.extensions[EXTENSION_KEY]
    app = SimpleNamespace(server=server, layout=None)
    install_day_rollover(app)

    @server.route("/day")
    def data_day() -> str:  # the data this request reads, after the check
        return app_data().today.isoformat()

    monkeypatch.setattr(day, "utc_today", lambda: NEW_YEAR)
    return app


def test_the_same_day_rebuilds_nothing(pinned):
    before = pinned.server.extensions[EXTENSION_KEY]
    assert refresh_for_today(pinned, TODAY) is False
    assert pinned.server.extensions[EXTENSION_KEY] is before and pinned.layout is None


def test_a_new_year_moves_the_default_view_the_controls_and_the_engine_on(pinned, dash_app):
    from dashboard.page_text import _all_engagement_options

    before = pinned.server.extensions[EXTENSION_KEY]
    assert refresh_for_today(pinned, NEW_YEAR) is True
    after = pinned.server.extensions[EXTENSION_KEY]
    assert after.today == NEW_YEAR and after.engine.today.date() == NEW_YEAR
    # The periods offered follow the data, not the calendar: a new year adds none the data can
    # fill (the bundled data stop in February of TODAY's year).
    latest = Month.of(before.data_date)
    assert after.options.months[1] == before.options.months[1] == latest and latest < Month.of(TODAY)
    assert after.catalog is before.catalog  # the validated tables are kept: no file read again
    assert _all_engagement_options.cache_info().currsize == 2  # its memo holds the new day's labels only
    years = _years_control(pinned.layout)  # the first-visit page is rebuilt, on the data's latest year
    assert pinned.layout is not None and years.max == latest.year and list(years.value) == [latest.year, latest.year]
    assert app_data_of(dash_app) is before and _years_control(dash_app.layout).max == TODAY.year  # the shared app untouched


def test_the_first_request_of_a_new_day_is_answered_with_that_days_data(following):
    client = following.server.test_client()
    assert client.get("/day").get_data(as_text=True) == NEW_YEAR.isoformat()
    assert _years_control(following.layout).max == following.server.extensions[EXTENSION_KEY].data_date.year  # rebuilt
    rebuilt = following.server.extensions[EXTENSION_KEY]
    assert client.get("/day").get_data(as_text=True) == NEW_YEAR.isoformat()
    assert following.server.extensions[EXTENSION_KEY] is rebuilt  # the same day again: no second rebuild


def test_a_failed_rebuild_serves_the_previous_day_then_tries_again_after_a_while(following, monkeypatch, caplog):
    calls = []

    def broken(*_args):
        calls.append(1)
        raise MemoryError("no room")

    clock = [1000.0]
    monkeypatch.setattr(day, "rebuilt_for", broken)
    monkeypatch.setattr(day, "_clock", lambda: clock[0])
    client = following.server.test_client()
    with caplog.at_level(logging.ERROR, logger="dashboard.day"):
        for _ in range(3):  # answered, from the previous day's data; one try, not one per request
            assert client.get("/day").get_data(as_text=True) == TODAY.isoformat()
        logged = [r.getMessage() for r in caplog.records if r.name == "dashboard.day"]
        assert len(calls) == 1 and len(logged) == 1 and "previous day's data is served" in logged[0]
        clock[0] += day.RETRY_AFTER_S
        client.get("/day")
    assert len(calls) == 2


def test_a_rebuild_that_finds_the_day_already_swapped_keeps_what_it_finds(pinned, monkeypatch):
    elsewhere = object()
    real = day.rebuilt_for

    def racing(data, today):  # another caller swaps while this one rebuilds
        pinned.server.extensions[EXTENSION_KEY] = elsewhere
        return real(data, today)

    monkeypatch.setattr(day, "rebuilt_for", racing)
    assert refresh_for_today(pinned, NEW_YEAR) is False
    assert pinned.server.extensions[EXTENSION_KEY] is elsewhere and pinned.layout is None


def test_the_gunicorn_master_rolls_over_before_it_forks_and_freezes_the_new_day(following, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(day, "gc", SimpleNamespace(**{f: (lambda f=f: calls.append(f)) for f in ("unfreeze", "collect", "freeze")}))
    day.roll_over_before_fork(following.server)  # dashboard.serve's pre_fork hook, in the master
    assert following.server.extensions[EXTENSION_KEY].today == NEW_YEAR
    assert calls == ["unfreeze", "collect", "freeze"]  # the day replaced freed, the new one shared
    day.roll_over_before_fork(following.server)  # the same day: nothing to do, nothing collected
    assert calls == ["unfreeze", "collect", "freeze"]
    assert day.roll_over(flask.Flask(__name__)) is False  # an app made with a fixed day has no rollover


def test_the_day_replaced_lets_go_of_its_memos(pinned):
    before = pinned.server.extensions[EXTENSION_KEY]
    before.engine.facts(ViewState(period=Period.year(TODAY.year)))
    assert before.engine.facts.cache_info().currsize >= 1
    refresh_for_today(pinned, NEW_YEAR)
    assert before.engine.facts.cache_info().currsize == 0


def test_an_export_worker_moves_on_to_the_new_day_with_the_same_tables(pinned, monkeypatch):
    before = pinned.server.extensions[EXTENSION_KEY]
    monkeypatch.setattr(jobs, "_worker", jobs._Worker(before, "v1"))
    monkeypatch.setattr(day, "utc_today", lambda: TODAY)
    assert jobs._worker_state().app is before  # its own day: kept
    monkeypatch.setattr(day, "utc_today", lambda: NEW_YEAR)
    worker = jobs._worker_state()
    assert worker.app.today == NEW_YEAR and worker.app.catalog is before.catalog and worker.version == "v1"
    assert jobs._worker_state() is worker  # the same day: kept


def test_an_export_worker_whose_rebuild_fails_keeps_its_data_and_tries_again_later(pinned, monkeypatch):
    before = pinned.server.extensions[EXTENSION_KEY]
    calls = []

    def broken(*_args):
        calls.append(1)
        raise MemoryError("no room")

    monkeypatch.setattr(jobs, "_worker", jobs._Worker(before, "v1"))
    monkeypatch.setattr(day, "utc_today", lambda: NEW_YEAR)
    monkeypatch.setattr(day, "rebuilt_for", broken)
    assert jobs._worker_state().app is before and jobs._worker_state().app is before  # exports go on
    assert len(calls) == 1 and jobs._worker.retry_at > 0
    jobs._worker.retry_at = 0.0  # the wait is over
    jobs._worker_state()
    assert len(calls) == 2


def test_an_app_given_a_day_stays_at_it(dash_app):
    assert ROLLOVER_KEY not in dash_app.server.extensions  # tests, rehearsals: reproducible
    assert app_data_of(dash_app).today == TODAY
