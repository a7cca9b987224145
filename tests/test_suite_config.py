"""The suite's own guards: per-test time limits are in force for every collected test."""

from __future__ import annotations

from tests.conftest import SLOW_MARK_TIMEOUTS


def test_every_test_has_a_time_limit(request):
    default = float(request.config.getini("timeout"))
    assert default == 60
    items = request.session.items
    for item in items:
        marks = {m: SLOW_MARK_TIMEOUTS[m] for m in SLOW_MARK_TIMEOUTS if item.get_closest_marker(m)}
        limit = item.get_closest_marker("timeout")
        if marks:
            assert limit is not None and limit.args[0] == max(marks.values()), item.nodeid
        else:
            assert limit is None or limit.args[0] <= default, item.nodeid  # only slow kinds get longer
