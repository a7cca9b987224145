"""The view state against the real app: the controls never substitute another view (review B1),
and the bounds follow the current month (review B3). The app's today is 22 Nov 2026 (conftest).
"""

from __future__ import annotations

from datetime import date

import pytest
from dash import no_update

from dashboard.response import FROM_CONTROLS, ViewRequest, view_response
from dashboard.view import build_options
from dashboard.view_store import store_payload
from layers.period import Month, Period
from layers.view_state import LAYERS, QueryError, parse_query, parse_query_strict

FIELDS = ["lang", "years", "month_from", "month_to", "regions", "donors", "actors", "sectors", "geo", "search", "selected",
          "metric", "layers", "timeline", "mode", "briefing", "scene"]


def _sync(app, search, values, store):
    """The view callback's answer after the user changes one control (dashboard.response)."""
    request = ViewRequest(FROM_CONTROLS, search, tuple(FIELDS), tuple(values[f] for f in FIELDS), store)
    with app.server.app_context():
        answer = view_response(app.server.extensions["sahel_dashboard"], request)
    return answer["search"], answer["controls"], answer["store"], answer["warning"]


def _controls(**changes):
    values = {"lang": "en", "years": [2019, 2019], "month_from": 1, "month_to": 12, "regions": ["ML-5"], "donors": [],
              "actors": [], "sectors": [], "geo": ["mali"], "search": "", "selected": None, "metric": "engagements",
              "layers": list(LAYERS), "timeline": "period", "mode": "explore",
              "briefing": "", "scene": 0}
    return {**values, **changes}


def _store(app, query):
    options = app.server.extensions["sahel_dashboard"].options
    return store_payload(parse_query(query, options), options)


@pytest.mark.parametrize(("years", "month_from", "month_to", "reason"), [
    ([2019, 2019], 6, 3, "ends before it starts"),  # was: store and URL switched to 2026
    ([2026, 2026], 12, 12, "starts after the data's latest month, 2026-02"),  # December 2026; data as of 17 Feb 2026
])
def test_a_period_the_controls_cannot_give_keeps_the_view_and_says_so(dash_app, years, month_from, month_to, reason):
    store = _store(dash_app, "?year=2019&region=ML-5")
    search, controls, new_store, banner = _sync(dash_app, "?year=2019&region=ML-5",
                                                _controls(years=years, month_from=month_from, month_to=month_to), store)
    assert search is no_update  # the address keeps the view shown
    assert controls == [no_update] * len(FIELDS)
    kept = ("ignored", "controls")
    assert {k: v for k, v in new_store.items() if k not in kept} == {k: v for k, v in store.items() if k not in kept}
    assert len(new_store["ignored"]) == 1 and reason in new_store["ignored"][0]  # the banner says why
    # The store says what the controls show (not the view kept): putting them back posts again.
    assert new_store["controls"]["years"] == years and new_store["controls"]["month_to"] == month_to
    back = _sync(dash_app, "?year=2019&region=ML-5", _controls(), new_store)
    assert back[2]["ignored"] == [] and back[2]["controls"]["month_to"] == "12"  # the banner goes: the view is whole
    assert reason in str(banner)
    # Fixing the months applies the view and clears the banner.
    search, _, fixed, _ = _sync(dash_app, "?year=2019&region=ML-5", _controls(month_from=3, month_to=6), new_store)
    assert search == "?from=2019-03&to=2019-06&region=ML-5"
    assert fixed["from"] == "2019-03" and fixed["to"] == "2019-06" and fixed["ignored"] == []


def test_options_bound_periods_by_the_data_s_latest_month(tables):
    """A period may start by the month of the data's latest dated row (17 Feb 2026 in the bundled
    data), not by today's: a later one would show figures from before it begins."""
    options = build_options(tables, date(2026, 11, 30), {})
    assert options.months == (Month(2012, 1), Month(2026, 2)) and options.years == (2012, 2026)
    with pytest.raises(QueryError, match=r"from=2026-03 to=2026-11: starts after the data's latest month, 2026-02"):
        parse_query_strict("?from=2026-03&to=2026-11", options)  # was: figures "as at 17 Feb 2026" for March to November
    assert parse_query_strict("?year=2026", options).period == Period.year(2026)  # the year, its figures at the data's date
    assert parse_query_strict("?from=2026-02&to=2026-12", options).period == Period(Month(2026, 2), Month(2026, 12))
    # On an earlier day, only the rows dated up to that day count (the latest before 30 Nov 2025
    # is in September 2025; rows dated later are that day's future, not its data).
    early = build_options(tables, date(2025, 11, 30), {})
    assert early.months[1] == Month(2025, 9)


def test_export_route_refuses_a_future_month_and_a_repeated_year(dash_app):
    client = dash_app.server.test_client()
    for query, named in (("from=2026-12&to=2026-12", b"starts after the data's latest month"),
                         ("year=2019&year=2020", b"year= given 2 times")):
        response = client.get(f"/export/png?{query}")
        assert response.status_code == 400 and named in response.data, response.data[:200]
