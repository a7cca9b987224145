"""The map's labels, measured where they are drawn: no two overlap in the windows the desk is
made for (a 1280x720 projector, a 1366x768 laptop, 1920x1080). Labels are placed on the server
(layers/labels.py) for the narrowest of them (layers.map_base.DESK_MAP_PX)."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from layers.map_figure import TRACE

pytestmark = pytest.mark.browser

# Pairs of drawn map texts whose boxes overlap by more than a pixel each way.
OVERLAPS = """
var texts = Array.from(document.querySelectorAll('#map-graph .geo .scatterlayer text'))
  .filter(function (t) { return t.textContent.trim(); });
var boxes = texts.map(function (t) { var r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; })
  .filter(function (b) { return b[3] > b[1]; });
var out = [];
for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
  var a = boxes[i], b = boxes[j];
  var w = Math.min(a[3], b[3]) - Math.max(a[1], b[1]), h = Math.min(a[4], b[4]) - Math.max(a[2], b[2]);
  if (w > 1 && h > 1) { out.push([a[0], b[0], Math.round(w), Math.round(h)]); }
}
return [boxes.length, out];
"""
# The drawn texts of the map (places, regions, colour scale, legend) under plotly's buttons.
UNDER_MODEBAR = """
var gd = document.querySelector('#map-graph .js-plotly-plot') || document.querySelector('#map-graph');
var bar = gd.querySelector('.modebar').getBoundingClientRect();
return Array.from(gd.querySelectorAll('svg text')).filter(function (t) {
  var r = t.getBoundingClientRect();
  return t.textContent.trim() && r.left < bar.right && bar.left < r.right && r.top < bar.bottom && bar.top < r.bottom;
}).map(function (t) { return t.textContent; });
"""
# The region labels the drawn figure holds (its trace of region names: layers.map_figure.TRACE).
REGION_LABELS = """
var gd = document.querySelector('#map-graph .js-plotly-plot') || document.querySelector('#map-graph');
return gd.data[arguments[0]].text.filter(function (t) { return t; }).length;
"""


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_two_map_labels_overlap_and_every_region_is_named(dash_duo, dash_app, size):
    """Before: at 1280x720 "Koulikoro 1" ran 48 px into "Bamako 3", "BURKINA FASO" into
    "Ouagadougou" (in every window), "SENEGAL" into "Dakar"; plotly's buttons, at the top right,
    covered the colour scale's title (every window but 1920x1080)."""
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(*size)
    for query in ("?year=2019", "?year=2015&metric=budget", "?year=2013&lang=fr"):
        driver.get(dash_duo.server_url + "/" + query)
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.desk === 'ready'"))
        count, overlaps = driver.execute_script(OVERLAPS)
        assert count > 15, count  # the map is drawn, with its names
        assert overlaps == [], (query, overlaps)
        assert driver.execute_script(UNDER_MODEBAR) == [], query  # shown on hover: it must hide no text
        assert driver.execute_script(REGION_LABELS, TRACE["region_labels"]) == 9, query  # no region's value hidden


LEGENDS = """
var gd = document.querySelector('#map-graph .js-plotly-plot') || document.querySelector('#map-graph');
var geo = gd.querySelector('.geo').getBoundingClientRect(), scale = gd.querySelector('.colorbar').getBoundingClientRect();
var legend = gd.querySelector('.legend').getBoundingClientRect(), bar = gd.querySelector('.colorbar .cbfills').getBoundingClientRect();
return {map: Math.round(geo.width), scale_bottom: scale.bottom, legend_top: legend.top, bar: bar.height};
"""


def test_a_selection_s_legend_fits_beside_the_map_without_shrinking_it(dash_duo, dash_app):
    """Before: at 1280x720 a selection's twelve legend entries ran past the map's foot and plotly
    shrank the map to make room (471 px wide instead of 609), its colour scale to 34 px; a
    French title of five lines left six classes 6 px each."""
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(1280, 720)
    shown = {}
    for query in ("?year=2019", "?year=2019&region=ML-5&sel=EUTM-MALI", "?lang=fr"):  # French: a title of five lines
        driver.get(dash_duo.server_url + "/" + query)
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.desk === 'ready'"))
        shown[query] = driver.execute_script(LEGENDS)
        assert shown[query]["scale_bottom"] <= shown[query]["legend_top"] + 1, shown[query]  # side by side, not on top of each other
        assert shown[query]["bar"] >= 6 * 11, shown[query]  # six classes, each at least a line of its 13 px labels
    assert shown["?year=2019&region=ML-5&sel=EUTM-MALI"]["map"] == shown["?year=2019"]["map"], shown
