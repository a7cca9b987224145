"""The day the app's figures stand at, moved on when the UTC date does.

Everything "as at today" is built with the data: the default view (the current year), the last
month the period controls offer, and the rules engine's "today" (what is active, what is in force,
the latest count). A server left running would otherwise show yesterday's headlines as today's,
and on 1 January could not show the new year at all.

So the first request of a new UTC day starts a rebuild, in the background, of what depends on the
date (the validated tables are kept: no file is read again); the requests meanwhile are answered
from the previous day's data, and the new data and first-visit page replace it at once when ready.
"""

from __future__ import annotations

import gc
import logging
import threading
from datetime import date
from typing import Any

from dashboard.view import EXTENSION_KEY, AppData, build_app_data, utc_today

log = logging.getLogger(__name__)

ROLLOVER_KEY = "sahel_dashboard_rollover"  # the rebuild's lock and thread, on the Flask app


def rebuilt_for(data: AppData, today: date) -> AppData:
    """``data`` rebuilt for ``today`` from the same validated catalog."""
    return build_app_data(data.catalog, today)


def refresh_for_today(dash_app: Any, today: date | None = None) -> bool:
    """Rebuild the app's data and first-visit page if they stand at another day than ``today``
    (default: the UTC date). True if it rebuilt them.
    """
    from dashboard.layout import serve_layout
    from dashboard.page_text import engagement_options

    today = today or utc_today()
    data: AppData = dash_app.server.extensions[EXTENSION_KEY]
    if data.today == today:
        return False
    new = rebuilt_for(data, today)
    layout = serve_layout(new)
    # Two reference swaps: a request between them reads the new data with the old first-visit
    # page, whose default view the new data still shows (it only adds days).
    dash_app.server.extensions[EXTENSION_KEY] = new
    dash_app.layout = layout
    # Memos keyed by the app's data would keep the previous day's alive (its engine, its caches).
    _forget_previous_days()
    for lang in ("en", "fr"):  # as create_app does: the picker's sorted labels now, not on a click
        engagement_options(new, lang)
    # create_app froze the first day's objects out of the collector's reach; those of the day
    # replaced (caches refer to themselves) would never be freed. Collected, the rest frozen again.
    del data
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    log.info("The app's figures now stand at %s.", today.isoformat())
    return True


def _forget_previous_days() -> None:
    from dashboard.page_text import _all_engagement_options
    from dashboard.routes import cached_deck
    from dashboard.stage import gazetteer

    for memo in (_all_engagement_options, cached_deck, gazetteer):
        memo.cache_clear()


def _rollover(dash_app: Any, lock: threading.Lock) -> None:
    try:
        refresh_for_today(dash_app)
    except Exception:  # a failed rebuild keeps the previous day's data; the next request tries again
        log.exception("Rebuilding the app's data for a new day failed; the previous day's data is kept.")
    finally:
        lock.release()


def install_day_rollover(dash_app: Any) -> None:
    """On each request, a cheap date check; on a new UTC day, the rebuild in a background thread
    (one at a time: a request that finds it running goes on with the previous day's data).
    """
    server = dash_app.server
    state: dict[str, Any] = {"lock": threading.Lock(), "thread": None}
    server.extensions[ROLLOVER_KEY] = state

    @server.before_request
    def _new_day() -> None:
        data: AppData = server.extensions[EXTENSION_KEY]
        if data.today != utc_today() and state["lock"].acquire(blocking=False):
            thread = threading.Thread(target=_rollover, args=(dash_app, state["lock"]), name="sahel-day-rollover", daemon=True)
            state["thread"] = thread
            thread.start()


__all__ = ["install_day_rollover", "rebuilt_for", "refresh_for_today"]
