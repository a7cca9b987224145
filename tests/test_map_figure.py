"""Pure tests of the map builder on tiny inline data."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.classes import NO_DATA_COLOUR, SCHEMES
from layers.map_figure import SITE_KINDS, TRACE, MapBase, build_map_figure
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
        countries=(("NER", "Niger", "Niger", True, 1.5, 14.5),),
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
    assert len(fig.data) == TRACE["selected"] + 1 == 4 + len(SITE_KINDS) + 1
    assert fig.data[TRACE["regions"]].type == "choropleth"
    assert fig.layout.geo.visible is False  # no CDN base map is fetched


def test_values_become_fixed_classes_and_no_data(base):
    values = pd.DataFrame({"region_code": ["ML-5"], "value": [99_598.0], "date_text": ["2020-07"]})
    fig = build_map_figure(base, values, ViewState(period=Period.year(2020), metric="idp"))
    regions = fig.data[TRACE["regions"]]
    assert list(regions.z) == [SCHEMES["idp"].classify(99_598), -1]
    assert regions.colorscale[0][1] == NO_DATA_COLOUR
    assert "99,598" in regions.hovertext[0] and "2020-07" in regions.hovertext[0]
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
    by_name = {t.name: t for t in fig.data[TRACE["sites"]:TRACE["selected"]]}
    hq = by_name["Headquarters"]
    assert sorted(hq.customdata[0]) == ["S-GAO-BASE", "S-GAO-HQ"]  # ids, not text, identify features
    assert "&lt;b&gt;HQ&lt;/b&gt;" in hq.hovertext[0]  # data text is escaped in hover
    project = by_name["Project site"]
    assert project.marker.symbol[0].endswith("-open")  # shown at nearest town
    assert by_name["Base"].showlegend is False  # grouped under the HQ marker at the same place
    selected = fig.data[TRACE["selected"]]
    assert list(selected.lon) == [-3.07]


def test_layers_toggle_visibility(base):
    fig = build_map_figure(base, pd.DataFrame(columns=["region_code", "value"]), ViewState(period=Period.year(2019), layers=("regions",)), sites=_sites())
    assert fig.data[TRACE["regions"]].visible is True
    assert fig.data[TRACE["context"]].visible is False
    assert all(t.visible is False for t in fig.data[TRACE["sites"]:])


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
    project = next(t for t in fig.data[TRACE["sites"]:TRACE["selected"]] if t.name == "Project site")
    assert 20 < len(project.lon) <= 400  # cells, not 2000 markers
    ring = fig.data[TRACE["selected"]]
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
