"""``sahel-dashboard rehearse``: its pure checks here, the browser run in test_stage_browser.py."""

from __future__ import annotations

import json
from datetime import date

from dashboard.rehearse import (
    changed_figures,
    data_version,
    deck_figures,
    record_rehearsal,
    slide_problems,
    weak_figures,
)
from dashboard.stage import briefing_deck
from layers.places import fold, missing_places, named_places
from sahel_data.briefings import read_briefing

BRIEFING = "eu-mali-2013-2023"


def _check(**overrides):
    base = {"page": {"scrollWidth": 1280, "scrollHeight": 720, "width": 1280, "height": 720}, "outside": [], "overlaps": [],
            "cut": [], "truncated": [], "smallest_text": 24.0, "small_text": []}
    return {**base, **overrides}


def test_a_clean_slide_has_no_problem_and_each_fault_is_named():
    assert slide_problems(_check()) == []
    problems = slide_problems(_check(page={"scrollWidth": 1280, "scrollHeight": 900, "width": 1280, "height": 720},
                                     outside=["timeline"], overlaps=["map/figures"], cut=["stage-tile: Money"],
                                     smallest_text=18.0, small_text=["18px: 2015"]))
    assert problems == ["the page scrolls (1280x900 in 1280x720)", "timeline leaves the stage or the window",
                        "map/figures overlap", "cut off: stage-tile: Money", "text under 24 px: 18px: 2015"]


def test_places_match_without_accents_and_only_as_whole_words():
    gazetteer = {"Ségou", "Gao", "Mopti", "Kidal"}
    assert named_places("Violence spreads to Mopti and Segou; Gaoual is in Guinea.", gazetteer) == {"mopti", "segou"}
    spec = {"data": [{"type": "scattergeo", "text": ["<b>Mopti</b> 4", "", "<b>Gao</b><br>2"]},
                     {"type": "scattergeo", "text": ["Ségou"], "visible": False}]}
    assert missing_places("Mopti, Ségou and Gao", spec, gazetteer) == ["segou"]
    assert fold("Tombouctou À") == "tombouctou a"


def test_changed_figures_name_slide_figure_and_both_values():
    before = {"3": {"title": "2015", "money": "€27.7 M", "idp": "61,920"}, "4": {"title": "2016", "money": "€30 M"}}
    now = {"3": {"title": "2015", "money": "€27.7 M", "idp": "62,000"}, "4": {"title": "2016", "money": "€30 M"},
           "5": {"title": "new slide", "money": "€1 M"}}
    assert changed_figures(before, now) == ["slide 3 (2015): idp 61,920 → 62,000"]
    assert changed_figures({}, now) == []  # nothing recorded yet: nothing to compare


def test_rehearsal_records_the_data_version_and_a_data_change_shows_next_time(app_data, data_copy):
    deck = briefing_deck(app_data, app_data.catalog.briefings[BRIEFING], "en")
    figures = deck_figures(deck)
    assert figures and all({"title", "engagements", "money", "personnel", "idps"} <= set(f) for f in figures.values())
    then_now = next(f for f in figures.values() if "then money" in f)
    assert then_now["then money"] and then_now["money"]
    path = data_copy / "briefings" / f"{BRIEFING}.json"
    version = data_version(data_copy)
    record_rehearsal(path, "en", version, figures, date(2026, 11, 30))
    briefing, problems = read_briefing(path)
    assert problems == [] and briefing is not None  # the recorded file is still a valid briefing
    assert briefing.rehearsed["en"]["data_version"] == version and briefing.rehearsed["en"]["figures"] == json.loads(json.dumps(figures))
    # A corrected count changes the data version, and the next rehearsal lists the figure.
    idp = data_copy / "tables" / "idp_counts.csv"
    idp.write_text(idp.read_text(encoding="utf-8").replace("354739", "354740"), encoding="utf-8")
    assert data_version(data_copy) != version
    from dashboard.view import build_app_data
    from sahel_data.load import load_catalog
    from tests.conftest import TODAY

    changed_app = build_app_data(load_catalog(data_copy), TODAY)
    now = deck_figures(briefing_deck(changed_app, changed_app.catalog.briefings[BRIEFING], "en"))
    lines = changed_figures(briefing.rehearsed["en"]["figures"], now)
    assert lines and all("354,739 → 354,740" in line for line in lines)


def test_weak_figures_name_the_stale_strengths_by_slide(app_data):
    lines = weak_figures(app_data, app_data.catalog.briefings[BRIEFING], "en")
    # MINUSMA's last strength (28 Aug 2023) is stale after the mission's end that year.
    assert any(line.startswith("slide 8 (2022–2023") and "MINUSMA stale (last figure 28 Aug 2023)" in line for line in lines)
    assert all(line.startswith("slide ") for line in lines)
