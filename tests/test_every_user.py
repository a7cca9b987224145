"""Every user, in both languages (issue 18), without a browser: the French names of the data's
donors and leads, places and mandates; the page's language; the grid's configuration and locale;
the map's text alternative; region labels that reach 4.5:1 on every class; the vendored assets.
The browser checks (axe-core, keyboard, a French page, the map's SVG) are in test_a11y_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dashboard.grid_locale import grid_locale
from dashboard.layout import grid_options, translated_options
from dashboard.outputs import map_table_output
from dashboard.response import month_numbers
from dashboard.view import view_map_spec
from layers.actor_names import FRENCH, actor_name, has_french
from layers.classes import SCHEMES, STAGE_SCHEMES, blend, contrast
from layers.map_figure import DIMMED, TRACE
from layers.map_table import map_table, unmarkup
from layers.place_names import placed_at_text
from layers.timeline import mandate_label
from layers.view_state import parse_query

ROOT = Path(__file__).resolve().parent.parent


# ---- French names of what the data writes in English -------------------------------------------

def test_every_donor_and_lead_of_the_data_has_a_french_name(tables):
    names = set(tables["engagements"]["lead_actor"]) | set(tables["funding"]["donor"])
    missing = sorted(n for n in names if not has_french(n))
    assert missing == [], "add these to layers/actor_names.py: " + "; ".join(missing)
    assert actor_name("Germany (Federal Foreign Office)", "fr") == "Allemagne (ministère fédéral des Affaires étrangères)"
    assert actor_name("Germany (Federal Foreign Office)", "en") == "Germany (Federal Foreign Office)"
    assert all(value.strip() and value == value.strip() for value in FRENCH.values())


def test_the_lead_column_and_the_donor_filter_are_french(app_data):
    from dashboard.export_table import table_rows

    state = parse_query("?year=2019&sel=EUTM-MALI&lang=fr", app_data.options)
    from dashboard.view import compute_view

    rows = {r["id"]: r for r in table_rows(app_data.engine, compute_view(app_data, state), "fr")}
    assert rows["EUTM-MALI"]["lead"] == "Union européenne (PSDC)"
    donors = translated_options("donors", app_data, "fr")
    assert {"label": "États-Unis", "value": "United States"} in donors  # the value stays the data's name (links)
    assert [d["label"] for d in donors] == sorted((d["label"] for d in donors), key=str.casefold)


def test_places_and_mandates_are_named_in_the_page_language(app_data):
    towns = app_data.map_base.towns
    assert placed_at_text("GeoNames: Timbuktu, ML", towns, "fr") == "GeoNames : Tombouctou, ML"
    assert placed_at_text("GeoNames: Timbuktu, ML", towns, "en") == "GeoNames: Timbuktu, ML"
    assert placed_at_text("GeoNames: Agadez, NE", towns, "fr") == "GeoNames : Agadez, NE"  # not in the table: as GeoNames writes it
    assert placed_at_text("near the river", towns, "fr") == "near the river"
    assert mandate_label("UN Security Council resolution 2100 (25 April 2013)", "fr") == "Rés. 2100"
    assert mandate_label("UN Security Council resolution 2100 (25 April 2013)", "en") == "Res. 2100"
    # Not "Déc. juil. 2025": "Déc. janv. 2023" read as "December January 2023".
    assert mandate_label("Council decision of Tuesday 8 July 2025 (reported by Europa Press)", "fr") == "Décision juil. 2025"
    assert mandate_label("Council decision of 10 January 2023 (one source says 11 January)", "en") == "Decision Jan 2023"
    assert mandate_label("Council Decision (CFSP) 2015/76 (19 January 2015)", "fr") == "2015/76"


def test_the_detail_panel_marks_the_datas_english_text_as_english(app_data):
    from dashboard.panels import detail_panel

    text = json.dumps([c.to_plotly_json() for c in detail_panel(app_data, "EUTM-MALI", "fr")], default=lambda o: o.to_plotly_json(), ensure_ascii=False)
    assert '"lang": "en"' in text  # personnel notes, legal bases, site names: shown as written, read as English
    assert "Chef de file : Union européenne (PSDC)" in text


# ---- the page's language ----------------------------------------------------------------------

def test_the_index_page_says_its_language(dash_app):
    client = dash_app.server.test_client()
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in client.get("/?lang=fr&year=2019").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/?lang=de").get_data(as_text=True)


def test_month_selects_send_text_and_the_view_reads_numbers():
    assert month_numbers({"month_from": "3", "month_to": "12", "years": [2019, 2019]}) == {
        "month_from": 3, "month_to": 12, "years": [2019, 2019]}
    for junk in ("13", "0", "٣", " 3", "3\n", 3.0):  # left for the view state to refuse (or take, for numbers)
        assert month_numbers({"month_from": junk})["month_from"] == junk


# ---- the grid -------------------------------------------------------------------------------

def test_the_grid_uses_the_theming_api_one_tab_stop_and_its_french_locale():
    options = grid_options()
    assert options["theme"]["function"].startswith("themeQuartz.withParams(")  # the Theming API, no ag-theme-* class
    assert options["tabToNextCell"] == options["tabToNextHeader"] == {"function": "false"}  # Tab leaves the grid
    # One set of options for both languages (never changed after the grid starts): the grid's
    # texts come from gridText, which reads <html lang>, with the French locale in its context.
    assert options["getLocaleText"] == {"function": "gridText(params)"} and "localeText" not in options
    fr = options["context"]["locales"]["fr"]
    assert fr["noRowsToShow"] == "Aucune ligne à afficher" and fr["filterOoo"] == "Filtrer..." and len(fr) > 300
    assert "dagfuncs.gridText = function" in (ROOT / "assets" / "dashAgGridFunctions.js").read_text(encoding="utf-8")
    assert grid_locale("fr") is not grid_locale("fr")  # a copy each time: a callback cannot change the cache


def test_the_vendored_grid_locale_is_the_version_dash_ag_grid_bundles():
    import dash_ag_grid

    package = json.loads((Path(dash_ag_grid.__file__).parent / "package-info.json").read_text(encoding="utf-8"))
    script = (ROOT / "scripts" / "vendor_assets.sh").read_text(encoding="utf-8")
    assert f"AG_GRID_LOCALE_VERSION={package['dependencies']['ag-grid-community']}" in script
    assert "MIT" in (ROOT / "assets" / "LICENSE-ag-grid-locale.txt").read_text(encoding="utf-8")


def test_axe_is_vendored_for_the_tests_only():
    axe = ROOT / "tests" / "vendor" / "axe-core"
    assert re.search(r"axe v4\.14\.\d", (axe / "axe.min.js").read_text(encoding="utf-8")[:300])
    assert "Mozilla Public License" in (axe / "LICENSE").read_text(encoding="utf-8")
    assert "AXE_VERSION=4.14.1" in (ROOT / "scripts" / "vendor_assets.sh").read_text(encoding="utf-8")
    assert not list((ROOT / "assets").rglob("axe*"))  # never served with the product's pages


# ---- the map as text --------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["?year=2020&metric=idp", "?year=2016&metric=budget&lang=fr", "?year=2019&region=ML-5"])
def test_the_map_table_gives_every_drawn_region_its_value_and_class(app_data, query):
    state = parse_query(query, app_data.options)
    spec = view_map_spec(app_data, state)
    regions = spec["data"][TRACE["regions"]]
    table = map_table(spec, state.metric, state.lang)
    assert len(table.rows) == len(regions["locations"]) > 5
    ticks = dict(zip(regions["colorbar"]["tickvals"], regions["colorbar"]["ticktext"], strict=True))
    for row, z, hover in zip(table.rows, regions["z"], regions["hovertext"], strict=True):
        assert row[0] and row[1] and row[1] in unmarkup(hover)  # the value the hover gives
        assert row[2] == ticks[z]  # the legend class its colour stands for
    caption, html_table = map_table_output(spec, state)
    assert caption == table.caption and ("Carte du Mali" if state.lang == "fr" else "Map of Mali") in caption
    assert len(json.dumps(html_table.to_plotly_json(), default=lambda o: o.to_plotly_json())) > 500


@pytest.mark.parametrize(("query", "said"), [("?year=2020&metric=idp", "as of Dec 2020"),
                                             ("?year=2023&metric=idp&lang=fr", "au 30 sept. 2023")])
def test_the_map_writes_a_regions_own_date_as_the_page_writes_dates(app_data, query, said):
    """A region's count carries its own date: it read "as of 2020-12; Kayes, Dec 2020" (the
    source's ISO text beside the page's words)."""
    state = parse_query(query, app_data.options)
    table = map_table(view_map_spec(app_data, state, with_geometry=False), state.metric, state.lang)
    counted = [row for row in table.rows if row[3].startswith(said)]
    assert len(counted) >= 5, table.rows
    assert not any(re.search(r"\b(19|20)\d\d-\d\d\b", row[3]) for row in table.rows), table.rows


# ---- region labels on their fills -------------------------------------------------------------

CONTEXT_FILLS = ("#e6e4dc", "#f4f4f1", "#dfe9f0")  # the G5 and other neighbours, the sea: under a dimmed region


@pytest.mark.parametrize("scheme", [*SCHEMES.values(), *STAGE_SCHEMES.values()], ids=lambda s: f"{s.metric}-{len(s.palette)}")
def test_region_labels_reach_4_5_to_1_on_every_class_dimmed_or_not(scheme):
    for index in range(scheme.first_class, len(scheme.palette)):
        fill = scheme.fill(index)
        assert contrast(scheme.label_colour(index), fill) >= 4.5, (scheme.metric, index, fill)
        for under in CONTEXT_FILLS:
            dimmed = blend(fill, under, DIMMED)
            assert contrast(scheme.label_colour(index, dimmed=True), dimmed) >= 4.5, (scheme.metric, index, dimmed)


def test_the_maps_region_labels_take_their_colour_from_the_class(app_data):
    state = parse_query("?year=2023&metric=idp&region=ML-5", app_data.options)
    spec = view_map_spec(app_data, state)
    regions, labels = spec["data"][TRACE["regions"]], spec["data"][TRACE["region_labels"]]
    scheme = SCHEMES["idp"]
    for code, z, colour in zip(regions["customdata"], regions["z"], labels["textfont"]["color"], strict=True):
        assert colour == scheme.label_colour(z, dimmed=code != "ML-5"), code
