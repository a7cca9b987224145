"""The benchmark report: generated tables, kept hand-written sections, target verdicts."""

from __future__ import annotations

from benchmarks.report import _check
from benchmarks.run import _write_report


def test_a_new_run_keeps_the_analysis_and_load_sections(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\nold tables\n\n## What limits the missed targets\n\nwhy\n\n"
                      "## Load and soak\n\nload figures\n", encoding="utf-8")
    _write_report("# Benchmarks\n\nnew tables\n", report)
    text = report.read_text(encoding="utf-8")
    assert "new tables" in text and "old tables" not in text
    assert "## What limits the missed targets\n\nwhy" in text and "## Load and soak\n\nload figures" in text


def test_verdicts_say_by_how_much_a_target_is_missed():
    assert _check(40, 50, "ms") == "met"
    assert _check(75, 50, "ms") == "missed by 25 ms (1.5x the target)"
    assert _check(float("nan"), 50, "ms") == "not measured"
