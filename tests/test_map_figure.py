"""Pure tests of the map builder on tiny inline data."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.classes import NO_DATA_COLOUR, SCHEMES
from layers.map_base import Country, RiverLabel, Town
from layers.map_figure import SITE_KINDS, TRACE, TRACE_COUNT, MapBase, build_map_figure, map_legend, map_spec
from layers.period import Period
from layers.view_state import ViewState


def _square(x: float, y: float) -> list:
    return [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]


@pytest.fixture
def base() -> MapBase:
    regions = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region_code": code}, "geometry": {"type": "Polygon", "coordinates": _square(x, 14)}}
        for code, x in (("ML-5", -5), ("ML-7", -3))
    ]}
    countries = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso3": "NER"}, "geometry": {"type": "Polygon", "coordinates": _square(1, 14)}},
    ]}
    return MapBase(
        regions_geojson=regions, countries_geojson=countries,
        region_names={"ML-5": {"en": "Mopti", "fr": "Mopti"}, "ML-7": {"en": "Gao", "fr": "Gao"}},
        region_points={"ML-5": (-4.5, 14.5), "ML-7": (-2.5, 14.5)},
        countries=(Country("NER", "Niger", "Niger", g5=True, lon=1.5, lat=14.5),),
        towns=(Town("2460596", "Bamako", "Bamako", "capital", -4.0, 14.2), Town("2451185", "Segou", "Ségou", "regional_capital", -4.9, 14.9),
               Town("2455518", "Kayes", "Kayes", "regional_capital", -11.4, 14.4)),
        river_labels=(RiverLabel("Niger", "fleuve Niger", -3.5, 14.8),),
    )


def _sites() -> pd.DataFrame:
    return pd.DataFrame({
        "site_id": ["S-GAO-BASE", "S-GAO-HQ", "S-KOR"],
        "name": ["Gao base", "Gao <b>HQ</b>", "Koro post"],
        "kind": ["base", "headquarters", "project_site"],
        "lat": [16.27, 16.27, 14.06], "lon": [-0.04, -0.04, -3.07],
        "precision": ["town", "town", "nearest_town"],
        "placed_at": ["GeoNames: Gao, ML", "GeoNames: Gao, ML", "GeoNames: Koro, ML"],
    })


def test_trace_layout_is_fixed_for_patching(base):
    fig = build_map_figure(base, pd.DataFrame(columns=["region_code", "value"]), ViewState(period=Period.year(2019)))
    # sites, leaders, moved labels, region names, changes, keys
    assert len(fig.data) == TRACE_COUNT == TRACE["sites"] + len(SITE_KINDS) + 4 + 4
    assert sorted(TRACE.values()) == sorted(set(TRACE.values())) and len(TRACE) == 12  # one index per part
    assert fig.data[TRACE["regions"]].type == "choropleth"
    # Region names are drawn over the site markers (Bamako's name sits on its headquarters and training site).
    assert fig.data[TRACE["region_labels"]].mode == "text" and TRACE["region_labels"] > TRACE["sites"] + len(SITE_KINDS) - 1
    # The base map draws only rivers and lakes (from the vendored africa_50m topojson).
    geo = fig.layout.geo
    assert (geo.scope, geo.resolution, geo.showrivers, geo.showlakes) == ("africa", 50, True, True)
    assert not any((geo.showland, geo.showcountries, geo.showcoastlines, geo.showocean))


def test_values_become_fixed_classes_and_no_data(base):
    values = pd.DataFrame({"region_code": ["ML-5"], "value": [99_598.0], "date_text": ["2020-07"]})
    fig = build_map_figure(base, values, ViewState(period=Period.year(2020), metric="idp"))
    regions = fig.data[TRACE["regions"]]
    assert list(regions.z) == [SCHEMES["idp"].classify(99_598), -1]
    assert regions.colorscale[0][1] == NO_DATA_COLOUR
    assert "99,598" in regions.hovertext[0] and "as of Jul 2020" in regions.hovertext[0]
    assert "no count in period" in regions.hovertext[1]  # unknown is a word, never zero
    assert "people" in regions.colorbar.title.text and "2020" in regions.colorbar.title.text


def test_same_value_same_colour_whatever_the_other_regions(base):
    one = build_map_figure(base, pd.DataFrame({"region_code": ["ML-5"], "value": [7.0]}), ViewState(period=Period.year(2019), metric="engagements"))
    two = build_map_figure(base, pd.DataFrame({"region_code": ["ML-5", "ML-7"], "value": [7.0, 30.0]}), ViewState(period=Period.year(2015), metric="engagements"))
    assert one.data[TRACE["regions"]].z[0] == two.data[TRACE["regions"]].z[0]
    assert one.data[TRACE["regions"]].zmax == two.data[TRACE["regions"]].zmax


def test_footprint_is_a_thick_outline(base):
    fig = build_map_figure(base, pd.DataFrame(columns=["region_code", "value"]), ViewState(period=Period.year(2016)), footprint=frozenset({"ML-7"}))
    widths = fig.data[TRACE["regions"]].marker.line.width
    assert widths[1] > 2 * widths[0]


def test_sites_grouped_by_place_with_kind_symbols_and_precision(base):
    fig = build_map_figure(base, pd.DataFrame(columns=["region_code", "value"]), ViewState(period=Period.year(2019)), sites=_sites(),
                           selected_sites=frozenset({"S-KOR"}))
    by_name = {t.name: t for t in fig.data[TRACE["sites"]:TRACE["keys"]]}
    hq = by_name["Headquarters"]
    assert sorted(hq.customdata[0]) == ["S-GAO-BASE", "S-GAO-HQ"]  # ids, not text, identify features
    assert "&lt;b&gt;HQ&lt;/b&gt;" in hq.hovertext[0]  # data text is escaped in hover
    project = by_name["Project site"]
    assert project.marker.symbol[0].endswith("-open")  # shown at nearest town
    assert by_name["Base"].showlegend is False  # grouped under the HQ marker at the same place
    selected = fig.data[TRACE["ring"]]
    assert list(selected.lon) == [-3.07]


def test_layers_toggle_visibility(base):
    fig = build_map_figure(base, pd.DataFrame(columns=["region_code", "value"]), ViewState(period=Period.year(2019), layers=("regions",)), sites=_sites())
    assert fig.data[TRACE["regions"]].visible is True
    assert fig.data[TRACE["context"]].visible is False
    assert all(t.visible is False for t in fig.data[TRACE["sites"]:TRACE["keys"]])
    assert fig.data[TRACE["towns"]].visible is False and fig.layout.geo.showrivers is False


def test_french_labels(base):
    fig = build_map_figure(base, pd.DataFrame({"region_code": ["ML-5"], "value": [1234.0]}), ViewState(period=Period.year(2019), lang="fr", metric="idp"))
    regions = fig.data[TRACE["regions"]]
    assert "Personnes déplacées internes" in regions.colorbar.title.text
    assert "1\u202f234" in regions.hovertext[0]


def test_many_sites_are_aggregated_server_side(base):
    import random

    rng = random.Random(3)
    n = 2000
    sites = pd.DataFrame({
        "site_id": [f"S{i}" for i in range(n)], "name": [f"site {i}" for i in range(n)],
        "kind": ["project_site"] * n, "precision": ["nearest_town"] * n, "placed_at": [""] * n,
        "lon": [rng.uniform(-11, 3) for _ in range(n)], "lat": [rng.uniform(11, 19) for _ in range(n)],
    })
    fig = build_map_figure(base, pd.DataFrame(columns=["region_code", "value"]), ViewState(period=Period.year(2019)), sites=sites,
                           selected_sites=frozenset({"S1234"}), with_geometry=False)
    project = next(t for t in fig.data[TRACE["sites"]:TRACE["keys"]] if t.name == "Project site")
    assert 20 < len(project.lon) <= 400  # cells, not 2000 markers
    ring = fig.data[TRACE["ring"]]
    assert len(ring.lon) == 1  # the one cell holding the selected engagement's site is ringed
    near = min(range(len(project.lon)), key=lambda i: (project.lon[i] - ring.lon[0]) ** 2 + (project.lat[i] - ring.lat[0]) ** 2)
    assert (project.lon[near], project.lat[near]) == (ring.lon[0], ring.lat[0])
    assert sum(int(h.split("</b>")[0].split("×")[-1]) if "×" in h.split("</b>")[0] else 1 for h in project.hovertext) == n
    assert len(fig.to_json()) < 400_000


def test_a_region_class_does_not_depend_on_the_other_regions(base):
    # A fixed scale: adding a huge value elsewhere must not re-stretch Mopti's class (IDP
    # breaks 0 / 5,000 / 20,000 / 50,000 / 100,000: 30,000 is class 2 in both maps).
    alone = pd.DataFrame({"region_code": ["ML-5"], "value": [30_000.0]})
    with_big = pd.DataFrame({"region_code": ["ML-5", "ML-7"], "value": [30_000.0, 2_000_000.0]})
    state = ViewState(period=Period.year(2020), metric="idp")
    z_alone = list(build_map_figure(base, alone, state).data[TRACE["regions"]].z)
    z_big = list(build_map_figure(base, with_big, state).data[TRACE["regions"]].z)
    assert z_alone == [2, -1]
    assert z_big == [2, 4]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["region_code", "value"])


PLACES = ("towns", "labels", "rivers", "sites")  # no region labels: the test map's regions are tiny


def test_towns_are_named_in_each_language_and_the_capital_always(base):
    fig = build_map_figure(base, _empty(), ViewState(period=Period.year(2019), lang="fr", layers=PLACES))
    towns = fig.data[TRACE["towns"]]
    assert "Ségou" in towns.text and towns.text[-1] == "Bamako"  # the capital: drawn last, always labelled
    assert towns.marker.symbol[-1] == "square" and towns.showlegend is True
    assert fig.data[TRACE["river_labels"]].text == ("<i>fleuve Niger</i>",)
    english = build_map_figure(base, _empty(), ViewState(period=Period.year(2019), layers=PLACES))
    assert "Segou" in english.data[TRACE["towns"]].text


def test_a_town_under_a_site_is_labelled_once_in_the_towns_spelling(base):
    sites = pd.DataFrame({"site_id": ["S"], "name": ["EUTM base"], "kind": ["base"], "lat": [14.9], "lon": [-4.9],
                          "precision": ["town"], "placed_at": ["GeoNames: Segou, ML"]})
    fig = build_map_figure(base, _empty(), ViewState(period=Period.year(2019), lang="fr", layers=PLACES), sites=sites)
    assert "Ségou" not in fig.data[TRACE["towns"]].text  # no town mark where a site stands
    base_trace = next(t for t in fig.data[TRACE["sites"]:TRACE["keys"]] if t.name == "Base")
    assert base_trace.text == ("Ségou",)


def test_filtered_regions_are_outlined_labelled_and_the_others_dimmed(base):
    state = ViewState(period=Period.year(2019), regions=("ML-7",))
    fig = build_map_figure(base, pd.DataFrame({"region_code": ["ML-5", "ML-7"], "value": [1.0, 2.0]}), state)
    regions = fig.data[TRACE["regions"]]
    assert list(regions.selectedpoints) == [1] and regions.unselected.marker.opacity == 0.35
    assert regions.marker.line.width[1] > regions.marker.line.width[0]
    assert fig.data[TRACE["region_labels"]].text[1].startswith("<b>Gao</b>")
    keys = {t.name: t.showlegend for t in fig.data[TRACE["keys"]:]}
    assert keys["Regions in the filter"] is True and keys["Area of operations (selected)"] is False


def test_every_mark_has_a_legend_entry(base):
    sites = _sites()
    fig = build_map_figure(base, _empty(), ViewState(period=Period.year(2019)), sites=sites, selected_sites=frozenset({"S-KOR"}),
                           footprint=frozenset({"ML-5"}))
    shown = {t.name for t in fig.data if t.showlegend}
    assert {"Sites of the selected engagement", "Area of operations (selected)", "Open symbol: placed at the nearest town",
            "Rivers and lakes (Natural Earth)", "Towns (GeoNames)", "Headquarters", "Project site"} <= shown
    legend = map_legend(map_spec(base, _empty(), ViewState(period=Period.year(2019), mode="brief"), sites=sites,
                                 selected_sites=frozenset({"S-KOR"}), footprint=frozenset({"ML-5"})),
                        ViewState(period=Period.year(2019), mode="brief"), "31 Dec 2019")
    assert {m["label"] for m in legend["marks"]} >= {"Sites of the selected engagement", "Area of operations (selected)"}


def test_the_engagements_legend_says_how_many_are_country_wide(base):
    values = pd.DataFrame({"region_code": ["ML-5", "ML-7"], "value": [2.0, 0.0], "status": "value", "country_wide": 9})
    fig = build_map_figure(base, values, ViewState(period=Period.year(2019), metric="engagements"))
    assert "+ 9 country-wide in every region" in fig.data[TRACE["regions"]].colorbar.title.text.replace("<br>", " ")


def test_selected_places_and_the_capital_are_never_dropped_and_rings_cover_no_label(base):
    # Three sites crowded next to the capital, the least important of them selected: its label and
    # the capital's both show (they must), whatever the others' priority.
    sites = pd.DataFrame({"site_id": ["A", "B", "C"], "name": ["a", "b", "c"], "kind": ["project_site", "headquarters", "training_site"],
                          "lat": [14.31, 14.32, 14.33], "lon": [-3.85, -3.84, -3.83], "precision": ["exact"] * 3,
                          "placed_at": ["GeoNames: Alpha, ML", "GeoNames: Beta, ML", "GeoNames: Gamma, ML"]})
    fig = build_map_figure(base, _empty(), ViewState(period=Period.year(2019), layers=PLACES), sites=sites, selected_sites=frozenset({"A"}))
    labelled = [x.replace("<b>", "").replace("</b>", "") for t in fig.data[TRACE["sites"]:TRACE["keys"]] if t.mode != "lines"
                for x in (t.text or ()) if x]
    assert "Alpha" in labelled  # beside its marker, or moved off it with a leader line
    assert "Bamako" in labelled or "Bamako" in fig.data[TRACE["towns"]].text


def test_what_changed_since_a_release_is_marked_with_a_legend_entry(base):
    sites = _sites()
    fig = build_map_figure(base, _empty(), ViewState(period=Period.year(2019)), sites=sites,
                           changed=(frozenset({"ML-7"}), frozenset({"S-KOR"}), "2026-11-30-ab12cd34"))
    marks = fig.data[TRACE["changes"]]
    assert marks.visible is True and marks.showlegend is True and marks.name == "Changed since 2026-11-30-ab12cd34"
    assert sorted(zip(marks.lon, marks.lat, strict=True)) == sorted([(-2.5, 14.5), (-3.07, 14.06)])  # Gao's label point, Koro's marker
    quiet = build_map_figure(base, _empty(), ViewState(period=Period.year(2019)), sites=sites)
    assert quiet.data[TRACE["changes"]].visible is False
