"""Real-browser tests: dash_duo drives Debian's headless Chromium against the real app."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import create_app
from tests.conftest import TODAY

pytestmark = pytest.mark.browser


def _start(dash_duo, path: str = "/"):
    app = create_app(today=TODAY)
    dash_duo.start_server(app)
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo)
    return app


def _wait_idle(dash_duo, timeout: float = 20) -> None:
    """Until Dash has no callback in flight (the renderer marks loading state on <title>/DOM)."""
    WebDriverWait(dash_duo.driver, timeout).until(
        lambda d: d.execute_script("return !document.querySelector('[data-dash-is-loading=\"true\"]')")
    )


def _region_paths(dash_duo) -> list[str]:
    """Fill colours of the region polygons (second choropleth layer)."""
    return dash_duo.driver.execute_script(
        "const layers = document.querySelectorAll('#map-graph .choroplethlayer .trace');"
        "return Array.from(layers[1].querySelectorAll('path')).map(p => p.style.fill);"
    )


def test_map_renders_all_regions_and_named_sites(dash_duo):
    _start(dash_duo, "/?year=2019")
    assert len(_region_paths(dash_duo)) == 9
    text = dash_duo.driver.execute_script("return document.querySelector('#map-graph').textContent")
    for name in ("Mopti", "Gao", "Kidal", "Koulikoro"):
        assert name in text
    dash_duo.driver.save_screenshot("/tmp/sahel-1920-map.png")


def test_year_slider_changes_the_choropleth(dash_duo):
    _start(dash_duo, "/?year=2020&metric=idp")
    before = _region_paths(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/?year=2013&metric=idp")
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo)
    WebDriverWait(dash_duo.driver, 10).until(lambda _d: _region_paths(dash_duo) != before)


def test_region_filter_changes_map_timeline_and_table(dash_duo):
    _start(dash_duo, "/?year=2019&metric=engagements")
    rows_before = len(dash_duo.find_elements(".ag-center-cols-container .ag-row"))
    bars_before = dash_duo.driver.execute_script("return document.querySelectorAll('#timeline-graph .bars path').length")
    dash_duo.driver.get(dash_duo.server_url + "/?year=2019&metric=engagements&region=ML-5")
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row")) not in (0, rows_before)
    )
    bars_after = dash_duo.driver.execute_script("return document.querySelectorAll('#timeline-graph .bars path').length")
    assert bars_after < bars_before
    caption = dash_duo.find_element("#engagement-caption").text
    assert "2019" in caption


def test_controls_write_the_url_and_reload_restores_the_view(dash_duo):
    _start(dash_duo)
    dash_duo.select_dcc_dropdown("#" + _css_id({"type": "view-control", "field": "regions"}), value="Mopti")
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "region=ML-5" in d.current_url)
    url = dash_duo.driver.current_url
    dash_duo.driver.get(url)
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo)
    chosen = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.Select-value-label, .dash-dropdown-value-item, [class*=\"value-item\"]')).map(e => e.textContent)")
    assert any("Mopti" in c for c in chosen)
    dash_duo.driver.back()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "region=ML-5" not in d.current_url)


def test_french_switches_the_labels(dash_duo):
    _start(dash_duo, "/?lang=fr")
    dash_duo.wait_for_text_to_equal("#" + _css_id({"type": "i18n-text", "key": "table_heading"}), "Engagements de cette vue", timeout=10)
    assert "Données au" in dash_duo.find_element("#page-title").text


def test_no_errors_and_no_request_leaves_the_machine(dash_duo):
    _start(dash_duo, "/?year=2019&sel=EUTM-MALI")
    _wait_idle(dash_duo)
    errors = [e for e in dash_duo.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    hosts = set()
    for entry in dash_duo.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http://", "https://", "ws://", "wss://")):
                hosts.add(urlparse(url).hostname)
    assert hosts == {"localhost"} or hosts <= {"localhost", "127.0.0.1"}, hosts


def _css_id(component_id: dict) -> str:
    """The CSS selector-escaped DOM id Dash gives a dict id."""
    dom_id = json.dumps(component_id, separators=(",", ":"), sort_keys=True)
    return "".join(f"\\{c}" if c in '{}":,[]' else c for c in dom_id)
