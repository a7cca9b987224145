"""The map's labels, measured where they are drawn: no two overlap in the windows the desk is
made for (a 1280x720 projector, a 1366x768 laptop, 1920x1080). Labels are placed on the server
(layers/labels.py) for the narrowest of them (layers.map_base.DESK_MAP_PX)."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

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
REGION_LABELS = """
return Array.from(document.querySelectorAll('#map-graph .geo .scatterlayer text'))
  .map(function (t) { return t.textContent; });
"""


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_two_map_labels_overlap_and_every_region_is_named(dash_duo, dash_app, size):
    """Before: at 1280x720 "Koulikoro 1" ran 48 px into "Bamako 3", "BURKINA FASO" into
    "Ouagadougou" (in every window), "SENEGAL" into "Dakar"."""
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(*size)
    for query, region_word in (("?year=2019", "Koulikoro1"), ("?year=2015&metric=budget", "Koulikoronone"),
                               ("?year=2013&lang=fr", "Ségou1")):
        driver.get(dash_duo.server_url + "/" + query)
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.desk === 'ready'"))
        count, overlaps = driver.execute_script(OVERLAPS)
        assert count > 15, count  # the map is drawn, with its names
        assert overlaps == [], (query, overlaps)
        assert region_word in driver.execute_script(REGION_LABELS), query  # a region's value is never hidden
