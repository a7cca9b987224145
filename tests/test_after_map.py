"""The parts drawn after the map (dashboard/after_map.py, assets/after_map.js): the filter panel's
controls and the export controls are in Dash's layout from the start, mounted by React in the frame
after the map's first draw (once Mantine's script, left out of the page's scripts, has run), with
the view a link gave them."""

from __future__ import annotations

import json
from pathlib import Path

import dash_mantine_components as dmc
import pytest
from dash.development.base_component import Component
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from dashboard.after_map import NAMESPACE, AfterMap
from dashboard.layout import components, serve_layout
from layers.i18n import t

ASSET = Path(__file__).resolve().parent.parent / "assets" / "after_map.js"


def _inside_after_map(page: Component) -> set[str]:
    """The DOM ids of the components under an AfterMap."""
    return {ids.dom_id(c.id) for box in components(page) if isinstance(box, AfterMap)
            for c in components(box) if getattr(c, "id", None) is not None}


def test_every_control_and_export_control_waits_for_the_map_and_nothing_the_map_needs_does(app_data):
    page = serve_layout(app_data)
    later = _inside_after_map(page)
    kind = ids.control("regions")["type"]
    controls = {ids.dom_id(c.id) for c in components(page) if isinstance(getattr(c, "id", None), dict) and c.id["type"] == kind}
    assert {ids.dom_id(ids.control(f)) for f in ("lang", "years", "regions", "donors", "selected", "metric")} <= controls
    assert controls <= later, controls - later
    for fmt in ids.EXPORT_FORMATS:
        assert ids.dom_id(ids.export_link(fmt)) in later, fmt
    assert {ids.EXPORT_TITLE, ids.EXPORT_SIZE, ids.EXPORT_STATUS} <= later
    # The map, the stores the first visit's callbacks read, the key figures and the panel's heading
    # (which names the panel for screen readers) are drawn with the page.
    for now in (ids.MAP_GRAPH, ids.VIEW_STORE, ids.DEFERRED, ids.MAP_DRAWN, ids.KEY_FIGURES, ids.URL,
                ids.dom_id(ids.text("filters"))):
        assert now not in later, now
    # Mantine's components only there, each part under its own provider (Mantine's script runs after the map).
    boxes = [c for c in components(page) if isinstance(c, AfterMap)]
    assert boxes and all(isinstance(box.children, dmc.MantineProvider) for box in boxes)
    inside = {id(c) for box in boxes for c in components(box)}
    assert not [c for c in components(page) if type(c).__module__.startswith("dash_mantine_components") and id(c) not in inside]
    sidebar = next(c for c in components(page) if getattr(c, "className", None) == "sidebar")
    assert sidebar.to_plotly_json()["props"]["aria-labelledby"] == ids.dom_id(ids.text("filters"))


def test_after_map_is_described_as_the_script_registers_it():
    described = AfterMap(["x"], id="box").to_plotly_json()
    assert (described["namespace"], described["type"]) == (NAMESPACE, "AfterMap")
    assert described["props"] == {"children": ["x"], "id": "box"}  # "drawn" is the browser's alone
    script = ASSET.read_text(encoding="utf-8")
    assert f"window.{NAMESPACE} = Object.assign(window.{NAMESPACE} || {{}}, {{AfterMap: AfterMap}})" in script


# In the page from its first script on: the first frame (requestAnimationFrame) in which the map's
# regions, the regions control and the page's "ready" are each there; with SET_DONOR, a donor
# written at the map's first frame, while the controls wait.
ORDER = """
(() => {
  const seen = window.__order = {map: null, control: null, ready: null, mantineAtMap: null, setBeforeMount: null};
  const control = CONTROL_ID;
  const poll = () => {
    const now = performance.now();
    if (seen.map === null && document.querySelector('#map-graph .choroplethlocation')) {
      seen.map = now;
      const lib = window.dash_mantine_components;
      seen.mantineAtMap = !lib ? 'absent' : lib.sahelStandIn ? 'stand-in' : 'run';
      if (SET_DONOR && !document.getElementById(control)) {
        // A control written while it waits (as a callback would): it must mount showing it.
        window.dash_clientside.set_props(DONORS_ID, {value: ['France']});
        seen.setBeforeMount = true;
      }
    }
    if (seen.control === null && document.getElementById(control)) { seen.control = now; }
    if (seen.ready === null && document.documentElement.dataset.desk === 'ready') { seen.ready = now; }
    if (seen.ready === null) { requestAnimationFrame(poll); }
  };
  requestAnimationFrame(poll);
})();
""".replace("CONTROL_ID", json.dumps(ids.dom_id(ids.control("regions")))).replace("DONORS_ID", json.dumps(ids.control("donors")))


def _visit(dash_duo, width: int, path: str, *, set_donor: bool = False) -> dict[str, float]:
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1,
                                                                 "mobile": False})
    source = ORDER.replace("SET_DONOR", "true" if set_donor else "false")
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})["identifier"]
    try:
        driver.get(dash_duo.server_url + path)
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return window.__order && window.__order.ready !== null"))
        return driver.execute_script("return window.__order")
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.browser
def test_the_controls_mount_after_the_maps_first_frame_showing_the_view(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    seen = _visit(dash_duo, 1366, "/", set_donor=True)
    assert seen["map"] < seen["control"] <= seen["ready"], seen
    assert seen["mantineAtMap"] == "stand-in", seen  # Mantine's script had not run when the map was drawn
    assert dash_duo.driver.execute_script("return window.dash_mantine_components.sahelStandIn") is None
    # A control written while it waits (at the map's first frame, as a callback would) mounts
    # showing it, not the layout's first value, and the view follows it.
    assert seen["setBeforeMount"], seen
    assert "France" in _wrapper_text(dash_duo, "donors")
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "donor=France" in d.current_url)
    assert not dash_duo.driver.find_elements("css selector", ".after-map-waiting")
    # A link's view and language.
    _visit(dash_duo, 1366, "/?lang=fr&region=ML-5")
    wrapper = _wrapper_text(dash_duo, "regions")
    assert "Mopti" in wrapper and t("regions", "fr") in wrapper, wrapper
    assert dash_duo.find_element("#reset-button").text == t("reset", "fr")
    # Where the panel stands above the map (a narrow window), it is drawn as soon as Mantine's
    # script has run, whether the map is drawn or not (which comes first is the network's choice).
    narrow = _visit(dash_duo, 900, "/")
    assert narrow["control"] is not None and narrow["control"] <= narrow["ready"], narrow
    assert dash_duo.get_logs() == []


def _wrapper_text(dash_duo, field: str) -> str:
    """What a Mantine control shows, its label and its choices included."""
    return dash_duo.driver.execute_script("return document.getElementById(arguments[0])"
                                          ".closest('.mantine-InputWrapper-root').innerText", ids.dom_id(ids.control(field)))


@pytest.mark.browser
def test_without_mantines_script_the_page_is_ready_and_the_panel_says_so(dash_duo, dash_app):
    """assets/desk.js: Mantine's script that cannot be had (tried twice) leaves the map, the key
    figures, the table and the export links working, and the filter panel says so in the page's
    language."""
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/dash_mantine_components/dash_mantine_components.*"]})
    try:
        dash_duo.start_server(dash_app)
        driver.get(dash_duo.server_url + "/?lang=fr&region=ML-5")
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.desk === 'ready'"))
        assert driver.execute_script("return document.documentElement.dataset.mantine") == "failed"
        note = driver.execute_script("return document.getElementById(arguments[0])", ids.dom_id(ids.text("filters_failed")))
        assert note.is_displayed() and note.text == t("filters_failed", "fr")
        assert note.get_attribute("role") == "alert"  # announced as it shows, not only seen
        assert dash_duo.find_element("#map-graph .choroplethlayer path")
        assert driver.execute_script("return document.getElementById(arguments[0])", ids.dom_id(ids.control("regions"))) is None
        # The panel's and the export's plain parts are still drawn (the provider's stand-in draws
        # its children), and the export links still follow the view.
        assert driver.execute_script("return document.getElementById(arguments[0])", ids.dom_id(ids.control("search")))
        WebDriverWait(driver, 10).until(lambda d: "region=ML-5" in (d.find_element("id", ids.export_link("pdf"))
                                                                    .get_attribute("href") or ""))
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
