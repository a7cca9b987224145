"""Real-browser tests: dash_duo drives Debian's headless Chromium against the real app."""

from __future__ import annotations

import json
import math
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def _start(dash_duo, app, path: str = "/"):
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
        "return Array.from(layers[1].querySelectorAll('path')).map(p => window.getComputedStyle(p).fill);"
    )


def test_map_renders_all_regions_and_named_sites(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?year=2019")
    assert len(_region_paths(dash_duo)) == 9
    text = dash_duo.driver.execute_script("return document.querySelector('#map-graph').textContent")
    for name in ("Mopti", "Gao", "Kidal", "Koulikoro"):
        assert name in text
    dash_duo.driver.save_screenshot("/tmp/sahel-1920-map.png")


def _press(dash_duo, element, key, times: int) -> None:
    dash_duo.driver.execute_script("arguments[0].focus()", element)
    for _ in range(times):
        ActionChains(dash_duo.driver).send_keys(key).perform()


def test_period_slider_changes_the_choropleth(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?year=2020&metric=idp")
    before = _region_paths(dash_duo)
    first, last = dash_duo.driver.find_elements(By.CSS_SELECTOR, '[role="slider"]')[:2]
    _press(dash_duo, first, Keys.ARROW_LEFT, 7)  # the period's first year: 2013-2020
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "year=2013-2020" in d.current_url)
    _press(dash_duo, last, Keys.ARROW_LEFT, 7)  # and its last: 2013
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "year=2013&" in d.current_url)
    assert len(set(before)) > 1  # 2020 has regional counts: several classes
    # 2013 has no regional count: every region turns "unknown" grey (nothing carried forward).
    WebDriverWait(dash_duo.driver, 10).until(lambda _d: set(_region_paths(dash_duo)) == {"rgb(166, 166, 166)"})


def _leading_int(text: str) -> int:
    return int("".join(ch for ch in text.split(maxsplit=1)[0] if ch.isdigit()))


def test_region_filter_changes_map_timeline_and_table(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?year=2019&metric=engagements")
    caption_before = dash_duo.find_element("#engagement-caption").text
    bars_before = dash_duo.driver.execute_script("return document.querySelectorAll('#timeline-graph .bars path').length")
    assert dash_duo.find_elements(".ag-center-cols-container .ag-row")  # the grid shows rows
    dash_duo.driver.get(dash_duo.server_url + "/?year=2019&metric=engagements&region=ML-2")
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo)
    # The caption counts the grid's rows (the grid is virtualised: only rows in view are in the DOM).
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#engagement-caption").text not in ("", caption_before)
    )
    assert _leading_int(dash_duo.find_element("#engagement-caption").text) < _leading_int(caption_before)
    bars_after = dash_duo.driver.execute_script("return document.querySelectorAll('#timeline-graph .bars path').length")
    assert bars_after < bars_before
    caption = dash_duo.find_element("#engagement-caption").text
    assert "2019" in caption


def test_controls_write_the_url_and_reload_restores_the_view(dash_duo, dash_app):
    _start(dash_duo, dash_app)
    dash_duo.find_element("#" + _css_id({"type": "view-control", "field": "regions"})).click()
    option = WebDriverWait(dash_duo.driver, 10).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]') if o.text.strip() == "Mopti"), None))
    option.click()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "region=ML-5" in d.current_url)
    url = dash_duo.driver.current_url
    dash_duo.driver.get(url)
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo)
    # The multi-select shows its choices as pills beside its input (dash-mantine-components).
    chosen = dash_duo.driver.execute_script("return arguments[0].closest('.mantine-InputWrapper-root').innerText",
                                            dash_duo.find_element("#" + _css_id({"type": "view-control", "field": "regions"})))
    assert "Mopti" in chosen
    # The share box and the export links follow the address (clientside callbacks, under the CSP).
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.find_element(By.ID, "share-link").get_attribute("value") == d.current_url)
    pdf = dash_duo.find_element("#export-pdf").get_attribute("href")
    assert pdf.endswith("/export/pdf?" + url.split("?", 1)[1])
    dash_duo.driver.back()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "region=ML-5" not in d.current_url)


def test_french_switches_the_labels(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?lang=fr")
    dash_duo.wait_for_text_to_equal("#" + _css_id({"type": "i18n-text", "key": "table_heading"}), "Engagements de cette vue", timeout=10)
    assert "Données au" in dash_duo.find_element("#page-title").text


def test_no_errors_and_no_request_leaves_the_machine(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?year=2019&sel=EUTM-MALI")
    _wait_idle(dash_duo)
    # Interact too (hover tooltips, a filter, the picker's search): under the CSP, code that
    # needed eval would log a "Refused to evaluate" error here.
    dash_duo.driver.get(dash_duo.server_url + "/?year=2016&metric=budget&region=ML-5")
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo)
    dash_duo.find_element("#" + _css_id({"type": "view-control", "field": "selected"})).click()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[role="option"]'))
    dash_duo.driver.switch_to.active_element.send_keys("EUCAP")
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: any("EUCAP" in o.text for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]')))
    ActionChains(dash_duo.driver).move_to_element(dash_duo.find_element(".ag-center-cols-container .ag-cell")).pause(0.6).perform()
    errors = [e for e in dash_duo.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    # dash_duo's driver logs only the console; a second driver records every network request.
    from tests.conftest import pytest_setup_options

    driver = webdriver.Chrome(options=pytest_setup_options())
    try:
        driver.get(dash_duo.server_url + "/?year=2019&sel=EUTM-MALI&lang=fr")
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map-graph .choroplethlayer path"))
        WebDriverWait(driver, 20).until(
            lambda d: d.execute_script("return !document.querySelector('[data-dash-is-loading=\"true\"]')"))
        entries = driver.get_log("performance")
        # and the briefing stage, its own page: fonts, plotly.js, the deck, the base map
        driver.get(dash_duo.server_url + "/?mode=brief&briefing=eu-mali-2013-2023&lang=fr")
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.documentElement.dataset.stage") == "ready")
        driver.execute_async_script("window.sahelStage.go(1).then(arguments[0]);")
        stage_entries = driver.get_log("performance")
        entries += stage_entries
        stage_errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
    hosts = set()
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http://", "https://", "ws://", "wss://")):
                hosts.add(urlparse(url).hostname)
    assert hosts, "no request was recorded at all"
    assert hosts <= {"localhost", "127.0.0.1"}, hosts
    assert any("/stage/eu-mali-2013-2023" in e["message"] for e in stage_entries)
    assert stage_errors == []  # the stage page's CSP lets its own scripts run


def _css_id(component_id: dict) -> str:
    """The CSS selector-escaped DOM id Dash gives a dict id."""
    dom_id = json.dumps(component_id, separators=(",", ":"), sort_keys=True)
    return "".join(f"\\{c}" if c in '{}":,[]' else c for c in dom_id)


@pytest.mark.browser
def test_a_link_to_an_engagement_beyond_the_pickers_first_page_keeps_it(tmp_path):
    """With more engagements than the picker lists at once (synthetic x3: 129 > 100), a shared
    link's selection must survive: the dropdown clears a value its options lack."""
    from benchmarks.browser import _driver, production_server, wait_for
    from benchmarks.synthetic import make_scaled_data
    from dashboard.layout import MAX_ENGAGEMENT_OPTIONS
    from sahel_data.load import DEFAULT_DATA_DIR, load_catalog

    data = make_scaled_data(DEFAULT_DATA_DIR, tmp_path / "data", 3)
    eng = load_catalog(data).tables["engagements"]
    top = eng[eng["parent_id"] == ""]
    assert len(top) > MAX_ENGAGEMENT_OPTIONS
    labels = sorted(((f"{a} — {n}" if a else n), e) for a, n, e in zip(top["acronym"], top["name_en"], top["engagement_id"], strict=True))
    last = max(labels, key=lambda r: r[0].casefold())[1]  # never on the first page
    port = 8817
    with production_server(data, port, workers=1):
        assert not math.isnan(wait_for(f"http://127.0.0.1:{port}/", timeout=120)), "server never answered"
        driver = _driver()
        try:
            driver.get(f"http://127.0.0.1:{port}/?year=2019&sel={last}")
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map-graph .choroplethlayer path"))
            WebDriverWait(driver, 20).until(
                lambda d: d.execute_script("return !document.querySelector('[data-dash-is-loading=\"true\"]')"))
            assert f"sel={last}" in driver.current_url
            picker = driver.find_element(By.CSS_SELECTOR, "#" + _css_id({"type": "view-control", "field": "selected"}))
            shown = picker.get_attribute("value")  # the select's input shows the chosen engagement's label
            assert last in shown or top.set_index("engagement_id").loc[last, "name_en"][:20] in shown
        finally:
            driver.quit()
