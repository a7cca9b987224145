"""The day the app's figures stand at, moved on when the UTC date does.

Everything "as at today" is built with the data: the default view (the current year), the last
month the period controls offer, and the rules engine's "today" (what is active, what is in force,
the latest count). A server left running would otherwise show yesterday's headlines as today's,
and on 1 January could not show the new year at all.

So the first request of a new UTC day rebuilds what depends on the date (the validated tables are
kept: no file is read again) before it is answered; requests that arrive meanwhile wait for it
(x1: 0.35 s; x1000: 2.6 s). A request already under way at midnight finishes with the previous
day's data, and a rebuild that fails leaves it in place for ``RETRY_AFTER_S`` at a time. Under
gunicorn the master rolls over too, before it forks a worker (``dashboard.serve``), so a worker
started on a new day inherits that day's data, shared.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from datetime import date
from typing import Any

from dashboard.view import EXTENSION_KEY, AppData, build_app_data, utc_today

log = logging.getLogger(__name__)

ROLLOVER_KEY = "sahel_dashboard_rollover"  # the app, the rebuild's lock and its last failure, on the Flask app
RETRY_AFTER_S = 300.0  # after a failed rebuild, the previous day's data is served this long before a new try
_clock = time.monotonic  # the retry's clock (tests set it)


def rebuilt_for(data: AppData, today: date) -> AppData:
    """``data`` rebuilt for ``today`` from the same validated catalog."""
    return build_app_data(data.catalog, today)


def retire(data: AppData) -> None:
    """Let go of a day's data once it is no longer served: its engine's memos, and the memos
    keyed by the app's data (they would keep it alive). Called after the swap, so a request
    still under way with the old data cannot put it back into them but until it ends.
    """
    from dashboard.page_text import _all_engagement_options
    from dashboard.routes import cached_deck
    from dashboard.stage import gazetteer

    data.engine.retire()
    for memo in (_all_engagement_options, cached_deck, gazetteer):
        memo.cache_clear()


def current(data: AppData) -> AppData:
    """``data`` if it stands at today (UTC), else rebuilt for today, the old one retired (the
    export worker's data: it runs one job at a time).
    """
    today = utc_today()
    if data.today == today:
        return data
    new = rebuilt_for(data, today)
    retire(data)
    return new


def refresh_for_today(dash_app: Any, today: date | None = None) -> bool:
    """Rebuild the app's data and first-visit page if they stand at another day than ``today``
    (default: the UTC date). True if it rebuilt them. Not for concurrent use: ``roll_over``
    calls it under the app's lock (two rebuilds at once would cost twice the memory).
    """
    from dashboard.layout import serve_layout
    from dashboard.page_text import warm_engagement_options

    today = today or utc_today()
    data: AppData = dash_app.server.extensions[EXTENSION_KEY]
    if data.today == today:
        return False
    new = rebuilt_for(data, today)
    layout = serve_layout(new)
    if dash_app.server.extensions[EXTENSION_KEY] is not data:
        return False  # another caller swapped first: its day stands
    # Two reference swaps, in this order: a request between them reads the new data with the
    # old first-visit page, whose default view the new data still shows (it only adds days).
    dash_app.server.extensions[EXTENSION_KEY] = new
    dash_app.layout = layout
    retire(data)
    warm_engagement_options(new)  # as create_app does
    log.info("The app's figures now stand at %s.", today.isoformat())
    return True


def roll_over(server: Any) -> bool:
    """Move the app served by ``server`` on to today, if it was made to follow the date
    (``install_day_rollover``); one rebuild at a time, the others wait for it. True if it rebuilt.
    A rebuild that fails is logged, and the previous day's data served for ``RETRY_AFTER_S``
    before a new try.
    """
    state = server.extensions.get(ROLLOVER_KEY)
    if state is None:
        return False
    with state["lock"]:
        failed = state["failed_at"]
        if failed is not None and _clock() - failed < RETRY_AFTER_S:
            return False
        try:
            rebuilt = refresh_for_today(state["app"])
        except Exception:  # the day's data is the product's promise, but a failed rebuild must not take the app down
            state["failed_at"] = _clock()
            log.exception("Rebuilding the app's data for a new day failed; the previous day's data is served "
                          "for %.0f s before a new try.", RETRY_AFTER_S)
            return False
        state["failed_at"] = None
        return rebuilt


def roll_over_before_fork(server: Any) -> None:
    """Gunicorn's ``pre_fork`` in the master (one thread, no request): on a new day, roll over,
    then collect the day replaced and freeze the new one, as ``create_app`` froze the first, so
    the workers forked from now on share it and their collector does not copy it page by page.
    """
    if roll_over(server):
        gc.unfreeze()  # the day replaced was frozen: only a collection of everything can free it
        gc.collect()
        gc.freeze()


def install_day_rollover(dash_app: Any) -> None:
    """Check the date before each request (a comparison of two dates), and roll over on a new day."""
    server = dash_app.server
    server.extensions[ROLLOVER_KEY] = {"app": dash_app, "lock": threading.Lock(), "failed_at": None}

    @server.before_request
    def _new_day() -> None:
        if server.extensions[EXTENSION_KEY].today != utc_today():
            roll_over(server)


__all__ = ["RETRY_AFTER_S", "current", "install_day_rollover", "rebuilt_for", "refresh_for_today", "retire", "roll_over",
           "roll_over_before_fork"]
