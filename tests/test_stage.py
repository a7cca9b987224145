"""The briefing stage without a browser: its deck, its routes, briefing files and markings."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace

import pytest

from dashboard.stage import CITATIONS_PER_SLIDE, briefing_deck, gazetteer, stage_page, view_deck
from dashboard.view import build_app_data
from layers.classes import STAGE_SCHEMES, contrast
from layers.map_figure import TRACE
from layers.view_state import parse_query
from sahel_data.briefings import read_briefing
from sahel_data.load import load_catalog
from tests.conftest import TODAY

BRIEFING = "eu-mali-2013-2023"
# What the audience must never read: build provenance, package names, the presenter's keys.
WORKSHOP_WORDS = ("npm", "datamaps", "world-atlas", "plotly", "pypi", "kaleido", "Esc", "PageDown", "Page Down", "→/←")


@pytest.fixture(scope="module")
def deck(app_data):
    return briefing_deck(app_data, app_data.catalog.briefings[BRIEFING], "en")


def _audience_text(slide: dict) -> str:
    """Every word a slide puts on the audience's screen (not the note: that is the presenter's)."""
    parts = [slide["title"], slide.get("filters", ""), slide.get("subtitle", ""), *slide.get("lines", []),
             *slide.get("citations", []), *slide.get("sources", []), slide.get("more_sources", "")]
    for face in slide.get("figures", []):
        parts += [face["title"], face["value"], face["sub"]]
    legend = slide.get("legend")
    if legend:
        parts += [legend["title"], legend["subtitle"], *(c["label"] for c in legend["classes"]), *(s["label"] for s in legend["sites"])]
    for figure in [slide.get("map"), *slide.get("timelines", [])]:
        if not figure:
            continue
        for trace in figure["data"]:
            text = trace.get("text", [])
            parts += [str(x) for x in text] if isinstance(text, list) else [str(text)]
        parts += [str(a.get("text", "")) for a in figure["layout"].get("annotations", [])]
        parts += [str(x) for x in figure["layout"].get("yaxis", {}).get("ticktext", [])]
    return " ".join(parts)


def test_deck_opens_with_the_title_and_closes_with_every_cited_source(deck, app_data):
    slides = deck["slides"]
    briefing = app_data.catalog.briefings[BRIEFING]
    kinds = [s["kind"] for s in slides]
    assert kinds[0] == "opening" and slides[0]["title"] == briefing.opening.title["en"]
    scenes = [s for s in slides if s["kind"] in ("view", "then_and_now")]
    assert [s["title"] for s in scenes] == [scene.title["en"] for scene in briefing.scenes]
    closing = [s for s in slides if s["kind"] == "closing"]
    assert kinds[-len(closing):] == ["closing"] * len(closing)
    cited = list(dict.fromkeys(i for s in scenes for i in s["source_ids"]))
    listed = [c for s in closing for c in s["citations"]]
    # Every source behind a figure is listed once, pages of at most CITATIONS_PER_SLIDE lines.
    assert len(listed) == len(cited) and len(closing) == -(-len(cited) // CITATIONS_PER_SLIDE)
    assert all(len(s["citations"]) <= CITATIONS_PER_SLIDE for s in closing)
    assert any(line.startswith("Data as of") for line in slides[0]["lines"])
    assert f"{len(cited)} cited sources" in " ".join(slides[0]["lines"])


def test_no_engagement_id_key_hint_or_package_name_reaches_the_audience(deck, app_data):
    engagements = app_data.tables["engagements"]
    shown = set(engagements["acronym"]) | set(engagements["name_en"])
    names = set(engagements["engagement_id"]) - shown  # ids that differ from a display name ("EUTM-MALI")
    for slide in deck["slides"]:
        text = _audience_text(slide)
        for name in sorted(shown, key=len, reverse=True):  # "AFISMA / MISMA" is a name, not the id AFISMA
            text = text.replace(name, " ")
        found = {i for i in names if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
        assert not found, (slide["title"], found)
        assert not [w for w in WORKSHOP_WORDS if w in text], slide["title"]


def test_a_scene_can_span_a_period_and_lists_its_engagements(deck, app_data):
    slide = next(s for s in deck["slides"] if s["title"].startswith("2013–2023"))
    assert slide["filters"].startswith("2013–2023")
    facts_2013 = app_data.engine.facts(parse_query("?year=2013", app_data.options))
    facts_period = app_data.engine.facts(parse_query("?year=2013-2023", app_data.options))
    # The period counts engagements active at any time in it: more than its first year alone.
    assert facts_period.engagements.totals[0].value > facts_2013.engagements.totals[0].value
    assert slide["figures"][0]["value"] == str(int(facts_period.engagements.totals[0].value))


def test_then_and_now_shares_one_colour_scale_and_states_both_dates(deck):
    slide = next(s for s in deck["slides"] if s["kind"] == "then_and_now")
    then, now = slide["then"]["map"]["data"][1], slide["map"]["data"][1]
    assert (then["colorscale"], then["zmin"], then["zmax"]) == (now["colorscale"], now["zmin"], now["zmax"])
    # Engagements are counted over each year: each map says so, not "31 Dec 2016" (what money and
    # displacement stand at); the legend both share names the unit, not one map's date and
    # country-wide count ("active in 2023 · + 3 country-wide" was read under the 2016 map too).
    assert slide["labels"] == ["active in 2016", "active in 2023"]
    assert slide["legend"]["subtitle"] == "engagements not country-wide"
    assert len(slide["then"]["figures"]) == len(slide["figures"]) == 4


def test_stage_legend_classes_survive_a_washed_out_projector():
    for scheme in STAGE_SCHEMES.values():
        colours = scheme.colours()
        assert all(contrast(a, b) >= 3 for a, b in itertools.pairwise(colours)), scheme.metric


def test_stage_map_has_no_overlaid_legend_and_type_of_at_least_24_px(deck):
    slide = next(s for s in deck["slides"] if s["kind"] == "view")
    figure = slide["map"]
    assert figure["data"][1]["showscale"] is False and figure["layout"]["showlegend"] is False
    sizes = [size for t in figure["data"] if "textfont" in t
             for size in (t["textfont"]["size"] if isinstance(t["textfont"]["size"], list) else [t["textfont"]["size"]])]
    sizes += [t["layout"]["yaxis"]["tickfont"]["size"] for t in slide["timelines"]]
    assert min(sizes) >= 24
    assert "geojson" not in json.dumps(figure)  # the geometry comes once, in the deck's frame


def test_places_a_scene_names_are_labelled_first(app_data):
    """The 2019 scene talks about Mopti: its label wins over its neighbours'."""
    briefing = app_data.catalog.briefings[BRIEFING]
    scene = next(s for s in briefing.scenes if "Mopti" in s.note["en"])
    deck = briefing_deck(app_data, briefing, "en")
    slide = next(s for s in deck["slides"] if s["title"] == scene.title["en"])
    labels = slide["map"]["data"][TRACE["region_labels"]]["text"]
    codes = slide["map"]["data"][1]["customdata"]
    assert labels[codes.index("ML-5")].startswith("<b>Mopti</b>")
    assert "Mopti" in gazetteer(app_data) and "Mali" not in gazetteer(app_data)


def test_french_deck_speaks_french(app_data):
    deck = briefing_deck(app_data, app_data.catalog.briefings[BRIEFING], "fr")
    assert deck["slides"][0]["title"].startswith("L’assistance")
    assert deck["strings"]["stage_next"] == "Suivante"
    assert any("Données au" in line for line in deck["slides"][0]["lines"])


def test_a_view_can_be_presented_as_it_is(app_data):
    state = parse_query("?year=2019&region=ML-5&sel=PARSEC", app_data.options)
    deck = view_deck(app_data, state)
    (slide,) = deck["slides"]
    assert "PARSEC" in slide["filters"] and slide["query"].startswith("?year=2019")
    assert "mode=" not in slide["query"]  # leaving the stage returns to the dashboard


def test_stage_page_loads_nothing_from_outside():
    page = stage_page("fr")
    assert '<html lang="fr">' in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith(("/assets/", "data:")) for s in sources)


# ---- routes ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def test_the_stage_replaces_the_dashboard_at_the_same_address(client):
    page = client.get(f"/?mode=brief&briefing={BRIEFING}&lang=fr")
    assert page.status_code == 200 and b"/assets/stage.js" in page.data and b"_dash-renderer" not in page.data
    assert b'lang="fr"' in page.data
    dashboard = client.get("/?year=2019")
    assert b"_dash-renderer" in dashboard.data or b"dash_renderer" in dashboard.data
    assert b"/assets/stage.js" not in dashboard.data  # the stage's script is its own page's


def test_deck_route_answers_json_and_refuses_what_it_cannot_show(client):
    ok = client.get(f"/stage/{BRIEFING}?lang=en")
    assert ok.status_code == 200 and ok.mimetype == "application/json"
    assert ok.get_json()["slides"][0]["kind"] == "opening"
    missing = client.get("/stage/no-such-briefing")
    assert missing.status_code == 404 and BRIEFING.encode() in missing.data
    german = client.get(f"/stage/{BRIEFING}?lang=de")
    assert german.status_code == 400 and b"lang=de: expected en or fr" in german.data
    extra = client.get(f"/stage/{BRIEFING}?lang=fr&scene=1")  # the error names the part it refuses, not lang
    assert extra.status_code == 400 and b"unknown parameter 'scene'" in extra.data
    twice = client.get(f"/stage/{BRIEFING}?lang=en&lang=fr")
    assert twice.status_code == 400 and b"lang given 2 times" in twice.data
    bad_view = client.get("/stage/view?year=1999")
    assert bad_view.status_code == 400 and b"year" in bad_view.data
    view = client.get("/stage/view?year=2019&lang=fr")
    assert view.status_code == 200 and view.get_json()["lang"] == "fr"


# ---- briefing files and markings --------------------------------------------------------------

def test_a_first_format_briefing_stays_valid(tmp_path):
    path = tmp_path / "old-style.json"
    path.write_text(json.dumps({"title": {"en": "Old", "fr": "Ancien"},
                                "scenes": [{"title": {"en": "A", "fr": "A"}, "note": {"en": "n", "fr": "n"}, "view": "?year=2015"}]}))
    briefing, problems = read_briefing(path)
    assert problems == [] and briefing is not None
    assert briefing.opening is None and briefing.closing is None and briefing.scenes[0].kind == "view"


@pytest.mark.parametrize(("scene", "column", "expected"), [
    ({"kind": "slideshow"}, "kind", "one of view, then_and_now"),
    ({"kind": "then_and_now", "then": "?year=2016"}, "then", "both a then and a now view"),
    ({"view": "year=2016"}, "view", "a URL query starting with ?"),
    ({"view": "?year=2016", "title": {"en": "only English"}}, "title", "both languages"),
])
def test_briefing_problems_name_file_scene_and_key(tmp_path, scene, column, expected):
    base = {"title": {"en": "T", "fr": "T"}, "note": {"en": "n", "fr": "n"}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"title": {"en": "B", "fr": "B"}, "scenes": [{**base, **scene}]}))
    briefing, problems = read_briefing(path)
    assert briefing is None
    assert any(p.file == "briefings/bad.json" and p.row == 1 and p.column == column and expected in p.expected for p in problems), problems


def test_scene_views_are_checked_against_the_data(app_data):
    from dashboard.briefing import briefing_problems
    from sahel_data.briefings import Briefing, Scene

    text = {"en": "x", "fr": "x"}
    briefing = Briefing("b", text, (Scene(text, text, "?year=2015"), Scene(text, text, "?year=2015&region=ML-99")))
    problems = briefing_problems({"b": briefing}, app_data.options)
    assert [(p.row, p.column) for p in problems] == [(2, "view")]
    assert briefing_problems(app_data.catalog.briefings, app_data.options) == []  # the bundled ones are sound


def test_markings_appear_on_every_slide_frame_and_every_exported_page(data_copy):
    (data_copy / "markings.json").write_text(json.dumps({
        "marking": {"en": "OFFICIAL – for the meeting only", "fr": "OFFICIEL – pour la réunion seulement"},
        "contact": {"en": "Sahel desk, ext. 1234", "fr": "Bureau Sahel, poste 1234"}}), encoding="utf-8")
    app = build_app_data(load_catalog(data_copy), TODAY)
    deck = briefing_deck(app, app.catalog.briefings[BRIEFING], "fr")
    assert deck["marking"] == "OFFICIEL – pour la réunion seulement" and deck["contact"] == "Bureau Sahel, poste 1234"
    from datetime import UTC, datetime

    from dashboard.export import snapshot_figure

    figure = snapshot_figure(app, parse_query("?year=2019", app.options), now=datetime(2026, 1, 1, tzinfo=UTC))
    texts = [a.text for a in figure.layout.annotations]
    assert any("OFFICIAL – for the meeting only · Sahel desk, ext. 1234" in t for t in texts)


def test_a_bad_markings_file_is_a_named_problem(data_copy):
    (data_copy / "markings.json").write_text(json.dumps({"marking": "SECRET"}), encoding="utf-8")
    catalog = load_catalog(data_copy, lenient=True)
    assert any(p.file == "markings.json" and p.column == "marking" for p in catalog.rejected)
    assert catalog.markings == {}


def test_exit_returns_to_the_scene_view_in_the_dashboard(deck, app_data):
    slide = next(s for s in deck["slides"] if s["title"].startswith("2015"))
    state = parse_query(slide["query"], app_data.options)
    assert state.mode == "explore" and state.selected == "EUCAP-SAHEL-MALI" and state.period.label("en") == "2015"
    assert replace(state, mode="explore") == state
