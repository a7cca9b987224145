"""The briefing stage keeping pace with a clicker: key press to counter, and to the last redraw.

Starts ``sahel-dashboard serve`` (as in production) and opens a briefing on the stage in headless
Chromium at 1920x1080. Every step is a real key press (→ through the deck, then ← back), sent as
a presenter would, after the previous slide has settled. The stage records, per step, the
milliseconds from the key event's time stamp to (a) the counter and title painted and (b) the
slide's last redraw painted (every map and the timeline drawn, then a frame); see ``show`` in
``assets/stage.js``. Targets (issue "A briefing stage that fits every projector"): counter under
100 ms; last redraw under 500 ms (median of every step, with the 95th percentile).

Run: ``python -m benchmarks.stage_steps`` (writes ``benchmarks/stage-steps.json``).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
from typing import Any

from benchmarks.browser import ROOT, _driver, production_server, wait_for

BRIEFING = "eu-mali-2013-2023"
SETTLE_S = 0.3  # a presenter does not press faster than this
OUT = ROOT / "benchmarks" / "stage-steps.json"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(values), 1), "p95_ms": round(_percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1), "steps": len(values)}


def _wait_settled(driver: Any, count: int, timeout: float = 20) -> dict[str, Any]:
    """The timing record of step ``count`` once its last redraw is done."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        record = driver.execute_script(
            "var t = window.sahelStage.timings; return t.length >= arguments[0] ? t[arguments[0] - 1] : null;", count)
        if record and record.get("redraw") is not None:
            return record
        time.sleep(0.02)
    raise TimeoutError(f"step {count} did not settle in {timeout} s")


def measure(url: str, rounds: int = 2) -> dict[str, Any]:
    """Step through the deck ``rounds`` times forward and back; per-step timings from the page."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = _driver()
    try:
        driver.set_window_size(1920, 1080)
        inner = driver.execute_script("return [innerWidth, innerHeight]")
        driver.set_window_size(1920 + 1920 - inner[0], 1080 + 1080 - inner[1])
        driver.get(url)
        deadline = time.perf_counter() + 30
        while driver.execute_script("return document.documentElement.dataset.stage") != "ready":
            if time.perf_counter() > deadline:
                raise TimeoutError("the stage did not start")
            time.sleep(0.05)
        count = 1  # the first slide's record
        _wait_settled(driver, count)
        slides = driver.execute_script("return document.querySelectorAll('.overview-item').length")
        records = []
        for _ in range(rounds):
            for key in [Keys.ARROW_RIGHT] * (slides - 1) + [Keys.ARROW_LEFT] * (slides - 1):
                time.sleep(SETTLE_S)
                ActionChains(driver).send_keys(key).perform()
                count += 1
                records.append(_wait_settled(driver, count))
        size = driver.execute_script("return [innerWidth, innerHeight]")
    finally:
        driver.quit()
    maps = [r for r in records if r["kind"] in ("view", "then_and_now")]
    return {
        "window": size,
        "slides": slides,
        "counter_painted": _summary([r["painted"] for r in records]),
        "last_redraw_map_slides": _summary([r["redraw"] for r in maps]),
        "last_redraw_all_slides": _summary([r["redraw"] for r in records]),
        "records": records,
    }


def main(port: int = 8071) -> int:
    """Measure and write ``benchmarks/stage-steps.json``; print the summary."""
    data_dir = ROOT / "data"
    with production_server(data_dir, port):
        if math.isnan(wait_for(f"http://127.0.0.1:{port}/", 60)):
            raise RuntimeError(f"sahel-dashboard serve did not answer on port {port}")
        result = measure(f"http://127.0.0.1:{port}/?mode=brief&briefing={BRIEFING}")
    result["measured"] = time.strftime("%Y-%m-%d %H:%M")
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    summary = {k: result[k] for k in ("window", "slides", "counter_painted", "last_redraw_map_slides", "last_redraw_all_slides")}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
