"""The browser harness's arithmetic (rounds, last redraw, settling, ratios, verdicts), the
report's section handling, and a smoke test of the naive build. No timing is asserted.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.interaction import (
    STEP_NAMES,
    Request,
    last_redraw_ms,
    parse_request,
    percentile,
    ratio,
    request_rounds,
    settled,
    verdict,
)
from benchmarks.report_naive import render, targets
from benchmarks.run import merge_report, replace_section

ROOT = Path(__file__).resolve().parent.parent
USER = '{"field":"regions","type":"view-control"}.value'


def test_requests_sent_together_are_one_round():
    reqs = [Request(5, 60, ("map-graph.figure",), (USER,)), Request(6, 20, ("grid.rowData",), (USER,))]
    assert request_rounds(reqs, USER) == 1


def test_a_request_fired_by_a_response_is_a_second_round():
    sync = Request(10, 20, ("view-store.data",), (USER,))
    fired = [Request(115 + i, 190, (f"panel-{i}.children",), ("view-store.data",)) for i in range(7)]
    assert request_rounds([sync, *fired], USER) == 2


def test_dispatch_a_few_ms_apart_after_an_unrelated_response_is_not_a_new_round():
    # The second request is sent after the first one's response, but nothing it reads came from it.
    reqs = [Request(115, 123, ("a.children",), ("view-store.data",)), Request(124, 190, ("b.children",), ("view-store.data",)),
            Request(10, 20, ("view-store.data",), (USER,))]
    assert request_rounds(reqs, USER) == 2


def test_a_chain_of_three_is_three_rounds_and_pattern_outputs_match_concrete_ids():
    first = Request(0, 10, ('{"field":["ALL"],"type":"view-control"}.value',), ("url.search",))
    second = Request(12, 20, ("view-store.data",), ('{"field":"metric","type":"view-control"}.value',))
    third = Request(25, 30, ("map-graph.figure",), ("view-store.data",))
    assert request_rounds([third, second, first], "url.search") == 3


def test_a_request_sent_before_its_trigger_arrived_is_not_its_child():
    early = Request(0, 50, ("view-store.data",), (USER,))
    concurrent = Request(5, 40, ("map-graph.figure",), ("view-store.data",))  # sent before `early` answered
    assert request_rounds([early, concurrent], USER) == 1


def test_untraceable_triggers_count_every_arrived_response_and_initial_calls_are_round_one():
    first = Request(0, 10, ("store.data",), (USER,))
    after_clientside = Request(30, 40, ("map-graph.figure",), ("drawn.data",))  # set by a clientside callback
    assert request_rounds([first, after_clientside], USER) == 2
    initial = [Request(0, 10, ("a.figure",), ()), Request(20, 30, ("b.figure",), ())]
    assert request_rounds(initial, "") == 1
    assert request_rounds([], USER) == 0


def test_parse_request_reads_outputs_and_triggers_from_the_posted_body():
    body = json.dumps({"output": "..map-graph.figure...grid.rowData@abc..", "changedPropIds": [USER]})
    req = parse_request(1.0, 2.0, body)
    assert req.outputs == ("map-graph.figure", "grid.rowData") and req.changed == (USER,)
    assert parse_request(1.0, 2.0, "not json").outputs == ()


def test_the_last_redraw_is_the_latest_after_the_input_not_the_first():
    assert last_redraw_ms([90.0, 120.0, 480.0], 100.0) == 380.0
    assert last_redraw_ms([90.0], 100.0) is None
    assert last_redraw_ms([], 0.0) is None


def test_settled_needs_nothing_in_flight_and_a_quiet_period():
    assert not settled(now=1000, t0=0, inflight=1, events=[100], quiet_ms=500)
    assert not settled(now=1000, t0=0, inflight=0, events=[700], quiet_ms=500)
    assert settled(now=1000, t0=0, inflight=0, events=[400], quiet_ms=500)
    assert not settled(now=300, t0=0, inflight=0, events=[], quiet_ms=500)  # quiet counted from the input


def test_percentile_ratio_and_verdict():
    assert percentile([1, 2, 3, 4, 5], 0.75) == 4
    assert percentile([10, 20], 0.75) == 17.5
    assert math.isnan(percentile([], 0.75))
    assert ratio(50, 100) == 0.5
    assert math.isnan(ratio(50, 0)) and math.isnan(ratio(None, 100)) and math.isnan(ratio(float("nan"), 1))
    assert verdict(0.5, 0.6) == "met" and verdict(0.6, 0.6) == "met"
    assert verdict(0.75, 0.6) == "missed (0.75 against 0.6)"
    assert verdict(float("nan"), 1) == "not measured"


def _step(task: float, redraw: float, rounds: int = 1, redraws: int = 1) -> dict:
    return {"requests": 1, "rounds": rounds, "max_rounds": rounds, "redraws": redraws, "max_redraws": redraws,
            "last_redraw_ms": redraw, "last_redraw_p75_ms": redraw, "task_ms": task, "script_ms": task / 2,
            "transfer_bytes": 1000, "decoded_bytes": 4000}


def _result(ours_task: float, ours_redraw: float, ours_load: float, ours_rounds: int = 1) -> dict:
    def app(task: float, redraw: float, load: float, rounds: int) -> dict:
        return {"steps": {s: _step(task, redraw, rounds) for s in STEP_NAMES},
                "load": {"first_map_ms": load, "last_redraw_ms": load, "requests": 1, "rounds": 1, "task_ms": load}}
    visits = {"ours": [{"steps": {s: {"last_redraw_ms": ours_redraw} for s in STEP_NAMES}}],
              "naive": [{"steps": {s: {"last_redraw_ms": 300.0} for s in STEP_NAMES}}]}
    return {"repeat": 1, "browser": {r: {"ours": app(ours_task, ours_redraw, ours_load, ours_rounds),
                                         "naive": app(100, 300, 2000, 1)} for r in ("1", "4")},
            "raw": {"4": visits}, "server": {}}


def test_targets_are_met_or_missed_from_the_ratios():
    met = {t: v for t, _, v in targets(_result(ours_task=90, ours_redraw=150, ours_load=900))}
    assert met["CPU 1x: main-thread work per change <= 1.0x naive (every step)"] == "met"
    assert met["CPU 1x: map's last redraw <= 0.6x naive (every step)"] == "met"
    assert met["CPU 1x: first load, map drawn <= 0.5x naive"] == "met"
    assert met["CPU 4x: p75 input to the map's last redraw, every change (aim < 200 ms)"] == "met"
    missed = {t: v for t, _, v in targets(_result(ours_task=250, ours_redraw=240, ours_load=1800, ours_rounds=2))}
    assert missed["CPU 1x: main-thread work per change <= 1.0x naive (every step)"] == "missed (2.50 against 1)"
    assert missed["CPU 1x: map's last redraw <= 0.6x naive (every step)"] == "missed (0.80 against 0.6)"
    assert missed["CPU 1x: first load, map drawn <= 0.5x naive"] == "missed (0.90 against 0.5)"
    assert missed["CPU 1x: at most one round per change (worst change)"] == "missed (2.00 against 1)"
    assert missed["CPU 4x: p75 input to the map's last redraw, every change (aim < 200 ms)"] == "missed (240.00 against 200)"


def test_the_report_gives_the_first_load_over_a_slow_link_when_measured():
    result = _result(ours_task=90, ours_redraw=150, ours_load=900)
    assert "slow link" not in render(result, {"date": "d", "machine": "m"})
    result.update(slow_link={"150": {"ours": 1800.0, "naive": 2000.0}, "300": {"ours": 2100.0, "naive": 3000.0}}, slow_link_visits=4)
    line = next(x for x in render(result, {"date": "d", "machine": "m"}).splitlines() if "slow link" in x)
    assert "median of 4 visits" in line and "150 ms: 1,800 / 2,000 (0.90x) ms" in line and "300 ms: 2,100 / 3,000 (0.70x) ms" in line


def test_a_visit_whose_page_was_not_ready_is_made_again_once_and_reported(monkeypatch):
    from benchmarks import interaction

    attempts: list[str] = []

    def flaky(_driver, url, _app):
        attempts.append(url)
        if len(attempts) == 1:
            raise interaction.PageNotReadyError("ours: map not drawn after 30000 ms")
        return {"load": {}, "steps": {}}

    monkeypatch.setattr(interaction, "visit", flaky)
    retried: list[str] = []
    assert interaction._visit_or_retry(None, "u", interaction.OURS, retried) == {"load": {}, "steps": {}}
    assert attempts == ["u", "u"] and retried == ["ours: map not drawn after 30000 ms"]
    result = _result(ours_task=90, ours_redraw=150, ours_load=900)
    assert "made again" not in render(result, {"date": "d", "machine": "m"})
    result["retried_visits"] = retried
    assert "made again (its page was not ready; the second attempt is the one counted): ours: map not drawn" in render(
        result, {"date": "d", "machine": "m"})

    def broken(_driver, _url, _app):
        raise interaction.PageNotReadyError("naive: renderer absent")

    monkeypatch.setattr(interaction, "visit", broken)
    with pytest.raises(interaction.PageNotReadyError):  # a second failure stops the run
        interaction._visit_or_retry(None, "u", interaction.NAIVE, [])


def test_the_apps_take_turns_going_first_so_an_order_effect_falls_on_both(monkeypatch):
    from benchmarks import interaction

    class Driver:
        def execute_cdp_cmd(self, *_args):
            return {}

        def quit(self):
            pass

    visits: list[str] = []
    monkeypatch.setattr(interaction, "_driver", Driver)
    monkeypatch.setattr(interaction, "visit", lambda _d, url, _app: visits.append(url) or {"url": url})
    runs = interaction.browser_runs({"ours": "o", "naive": "n"}, repeat=3, rates=(1, 4))
    assert visits == ["o", "n", "n", "o", "o", "n"] * 2
    assert runs["4"]["ours"] == [{"url": "o"}] * 3 and runs["4"]["naive"] == [{"url": "n"}] * 3
    assert interaction.visit_order(["a", "b"], 0) == ["a", "b"] and interaction.visit_order(["a", "b"], 1) == ["b", "a"]


def test_a_generated_report_keeps_every_section_it_does_not_write():
    old = ("# Benchmarks\n\nold\n\n## Interactions\n\nold table\n\n## Load and soak\n\nload\n\n"
           "## Scale-out on Redis\n\nredis\n\n## Start\n\nC's section\n")
    merged = merge_report(old, "# Benchmarks\n\nnew\n\n## Interactions\n\nnew table\n")
    assert "new table" in merged and "old table" not in merged and "\nold\n" not in merged
    for kept in ("## Load and soak\n\nload", "## Scale-out on Redis\n\nredis", "## Start\n\nC's section"):
        assert kept in merged


def test_the_naive_section_is_replaced_in_place_or_added():
    old = "# Benchmarks\n\nintro\n\n## Against a naive build\n\nold\n\n## Load and soak\n\nload\n"
    new = replace_section(old, "## Against a naive build", "## Against a naive build\n\nnew\n")
    assert new.index("new") < new.index("## Load and soak") and "\nold\n" not in new and "intro" in new
    added = replace_section("# Benchmarks\n\nintro\n", "## Against a naive build", "## Against a naive build\n\nx\n")
    assert added.endswith("## Against a naive build\n\nx\n")


SMOKE = """
import json
from benchmarks import naive_app
from benchmarks.renderer import Renderer
app = naive_app.create_app()
client = app.server.test_client()
layout = client.get('/').status_code
renderer = Renderer.from_client(client)
fired = renderer.change(client, 'year', 'value', 2020)
figure = renderer.props[('map-graph', 'figure')]
print(json.dumps({'layout': layout, 'fired': sorted(f.output for f in fired),
                  'types': [t['type'] for t in figure['data']],
                  'locations': len(figure['data'][0]['locations']),
                  'rows': len(renderer.props[('grid', 'rowData')])}))
"""


def test_the_naive_build_serves_its_layout_and_answers_a_change():
    # In its own interpreter: Dash hands the @callback registry to the first app of a process.
    done = subprocess.run([sys.executable, "-c", SMOKE], capture_output=True, text=True, cwd=ROOT, timeout=120,  # noqa: S603 (our own script)
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["layout"] == 200
    assert out["fired"] == ["..grid.rowData...grid.columnDefs..", "map-graph.figure"]
    assert out["types"][0] == "choropleth" and "scattergeo" in out["types"]
    assert out["locations"] == 9 and out["rows"] > 0


def test_the_naive_build_imports_nothing_of_ours():
    source = (ROOT / "benchmarks" / "naive_app.py").read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports and not [line for line in imports if any(p in line for p in ("layers", "dashboard", "sahel_data"))]


def test_the_scale_benchmark_replays_every_step_with_the_view_cache_cleared(dash_app):
    """``benchmarks/run.py`` replays each step's callbacks through the test client, clearing the
    engine's memo of a view's facts first (the benchmark once imported a cache that no longer
    existed, and every scale failed)."""
    from benchmarks.run import STEPS, interactions
    from dashboard.view import app_data_of

    facts = app_data_of(dash_app).engine.facts
    out = interactions(dash_app.server.test_client(), repeat=1)
    assert list(out) == [name for name, _, _ in STEPS]
    assert all(step["requests"] >= 1 and step["bytes"] > 0 and step["map_bytes"] > 0 for step in out.values())
    # Cleared before the last step (the first visit and six steps would otherwise leave six views or more).
    assert facts.cache_info().currsize <= 2


def test_the_scale_baseline_is_the_naive_builds_map_of_each_steps_view():
    """``benchmarks/baseline.py`` builds the naive build's map for our controls' values (the
    benchmark's baseline had run reference rules that the rules engine removed)."""
    from benchmarks import naive_app
    from benchmarks.baseline import baseline_map_json, naive_view
    from benchmarks.run import INTERACTIONS

    view = naive_view(INTERACTIONS["switch language"])
    assert view == {"year": 2020, "regions": ["ML-5"], "donors": ["European Union"], "selected": "EUTM-MALI",
                    "metric": "idp", "lang": "fr"}
    figure = json.loads(baseline_map_json(naive_app.load_data(), INTERACTIONS["change region"]))
    assert figure["data"][0]["type"] == "choropleth" and "ML-5" in figure["data"][0]["locations"]
