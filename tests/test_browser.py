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

from dashboard import ids
from layers.i18n import t
from layers.view_state import default_state
from tests.a11y_browser import EVERY_PART_DRAWN, SHOW_EVERY_PART

pytestmark = pytest.mark.browser


def _start(dash_duo, app, path: str = "/", every_part: bool = True):
    dash_duo.start_server(app)
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)
    _wait_idle(dash_duo, every_part=every_part)
    return app


def _wait_idle(dash_duo, timeout: float = 20, every_part: bool = True) -> None:
    """Until the map's first draw is done (assets/desk.js) and Dash has no callback in flight
    (the renderer marks loading state on the DOM). With ``every_part``, the parts below the map
    are drawn too, in view or not (as for printing: they are then drawn with every change)."""
    WebDriverWait(dash_duo.driver, timeout).until(
        lambda d: d.execute_script("return document.documentElement.dataset.desk === 'ready'"
                                   " && !document.querySelector('[data-dash-is-loading=\"true\"]')")
    )
    if every_part:
        dash_duo.driver.execute_script(SHOW_EVERY_PART)
        WebDriverWait(dash_duo.driver, timeout).until(lambda d: d.execute_script(EVERY_PART_DRAWN))


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
    WebDriverWait(dash_duo.driver, 10).until(  # the grid shows rows (given once the map is drawn)
        lambda d: d.find_elements(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row"))
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


# The timeline's lane names and legend entries that reach past the graph's edges (cut off).
TIMELINE_OVERFLOW = """
const gd = document.querySelector('#timeline-graph .js-plotly-plot'), box = gd.getBoundingClientRect();
return [...gd.querySelectorAll('.xtick text, .ytick text, .legend text')].map(e => [e.textContent, e.getBoundingClientRect()])
  .filter(([, r]) => r.left < box.left || r.right > box.right).map(([text]) => text);
"""


@pytest.mark.parametrize("path", ["/", "/?sel=EUTM-MALI", "/?year=2019&region=ML-5", "/?metric=idp&lang=fr"])
def test_the_parts_below_the_map_are_drawn_when_they_come_into_view(dash_duo, dash_app, path):
    """The timeline and the table's rows come once the map is drawn and they are in view, from the
    layout or from the link's answer, whichever is fresh (a selection redraws the timeline, not
    the table); until then the part says it is busy."""
    _start(dash_duo, dash_app, path, every_part=False)
    driver = dash_duo.driver
    driver.execute_script("document.getElementById('table-section').scrollIntoView()")
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#engagement-grid .ag-center-cols-container .ag-row"))
    driver.execute_script("document.getElementById('timeline-section').scrollIntoView()")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline-graph .bars path"))
    # The map's values as a table wait while their disclosure is closed (a first visit's in the
    # layout's DEFERRED, a link's from its answer): opening it draws them.
    busy = "return document.getElementById('map-table').getAttribute('aria-busy')"
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(busy) == "true")
    assert not driver.find_elements(By.CSS_SELECTOR, "#map-table-details table")
    driver.execute_script("document.getElementById('map-table-details').open = true")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(EVERY_PART_DRAWN))
    assert driver.find_elements(By.CSS_SELECTOR, "#map-table-details table tbody tr")
    # The timeline's margins are set from its texts (layers/timeline.py _margins): nothing is cut.
    overflow = driver.execute_script(TIMELINE_OVERFLOW)
    assert overflow == [], overflow
    caption = dash_duo.find_element("#engagement-caption").text
    rows = driver.execute_script("return dash_ag_grid.getApi('engagement-grid').getDisplayedRowCount()")
    assert rows == min(_leading_int(caption), 200), (caption, rows)  # the rows are the caption's, for this view


def test_on_a_phone_the_timeline_keeps_its_room_and_scrolls_sideways(dash_duo, dash_app):
    """Its margins are set for its texts: on a narrow screen the card scrolls rather than the plot
    shrinking to nothing under the names and the legend (assets/app.css)."""
    dash_duo.driver.set_window_size(420, 900)
    _start(dash_duo, dash_app, "/?lang=fr")
    driver = dash_duo.driver
    assert driver.execute_script(TIMELINE_OVERFLOW) == []
    assert driver.execute_script("return document.querySelector('#timeline-graph .js-plotly-plot')._fullLayout._size.w") > 200
    assert driver.execute_script("const s = document.getElementById('timeline-section'); return s.scrollWidth > s.clientWidth")


def test_the_layout_callbacks_and_base_map_are_fetched_once_with_the_pages_scripts(dash_duo, dash_app):
    """The page preloads Dash's layout and callbacks and plotly's base map (dashboard/layout.py
    preloads): the renderer's and plotly's own requests are answered from the preloads, not sent
    one round trip after another."""
    _start(dash_duo, dash_app, "/?year=2019")
    fetched = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => /_dash-(layout|dependencies)|\\/topojson\\//.test(e.name))"
        ".map(e => [e.name.split('/').pop(), e.initiatorType]).sort()")
    assert fetched == [["_dash-dependencies", "link"], ["_dash-layout", "link"], ["africa_50m.json", "link"]], fetched


GRID_LOAD = """
const api = window.dash_component_api, layout = id => (api.getLayout(id) || {props: {}}).props;
const grid = performance.getEntriesByType('resource').filter(e => e.name.includes('/dash_ag_grid/dash_ag_grid.'));
return {mapDrawn: layout('map-drawn').data, gridReady: layout('grid-ready').data,
        gridScripts: grid.map(e => [e.initiatorType, performance.timeOrigin + e.startTime]),
        polyfill: performance.getEntriesByType('resource').some(e => e.name.includes('polyfill')),
        regenerator: typeof window.regeneratorRuntime, standIns: document.querySelectorAll('.grid-waiting').length,
        rows: window.dash_ag_grid.getApi('engagement-grid').getDisplayedRowCount()};
"""


def test_ag_grids_script_is_loaded_after_the_maps_first_draw_and_the_grid_then_mounted(dash_duo, dash_app):
    """dashboard/page_scripts.py and assets/desk.js: AG Grid's script is not among the page's
    scripts; it is asked for once the map is drawn, the grid replaces its stand-in, and its rows come
    when it is mounted. Dash's core-js polyfill is never loaded; its regenerator runtime is there."""
    _start(dash_duo, dash_app, "/?year=2019", every_part=False)
    driver = dash_duo.driver
    driver.execute_script("document.getElementById('table-section').scrollIntoView()")
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#engagement-grid .ag-center-cols-container .ag-row"))
    got = driver.execute_script(GRID_LOAD)
    assert len(got["gridScripts"]) == 1, got
    # Asked for once the map was drawn (a <script> in the page would be asked for with the others).
    assert got["mapDrawn"] <= got["gridScripts"][0][1] + 1, got  # +1: whole ms against fractions
    assert (got["polyfill"], got["regenerator"], got["standIns"]) == (False, "object", 0), got
    caption = dash_duo.find_element("#engagement-caption").text
    assert got["rows"] == min(_leading_int(caption), 200), (caption, got)
    assert dash_duo.get_logs() == []  # no error in the console


def test_without_ag_grids_script_the_page_is_ready_and_the_table_says_so(dash_duo, dash_app):
    """assets/desk.js: a grid script that cannot be had (tried twice) leaves the rest of the page
    working, and the table's place says so in the page's language, pointing to the downloads."""
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/dash_ag_grid/dash_ag_grid.*"]})
    try:
        _start(dash_duo, dash_app, "/?lang=fr", every_part=False)
        assert driver.execute_script("return document.documentElement.dataset.grid") == "failed"
        note = dash_duo.find_element("#" + _css_id({"type": "i18n-text", "key": "grid_failed"}))
        assert note.is_displayed() and note.text == t("grid_failed", "fr")
        assert note.get_attribute("role") == "alert"  # announced as it shows, not only seen
        assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".grid-waiting")[0].is_displayed()
        tried = driver.execute_script("return performance.getEntriesByType('resource')"
                                      ".filter(e => e.name.includes('/dash_ag_grid/dash_ag_grid.')).length")
        assert tried == 2  # the first try and one more
        # The rest of the page still follows the controls.
        driver.execute_script("window.dash_clientside.set_props({type: 'view-control', field: 'regions'}, {value: ['ML-5']})")
        WebDriverWait(driver, 10).until(lambda d: "region=ML-5" in d.current_url)
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


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
    caption = dash_duo.find_element("#engagement-caption").text
    # The share box and the export links follow the address (clientside callbacks, under the CSP).
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.find_element(By.ID, "share-link").get_attribute("value") == d.current_url)
    pdf = dash_duo.find_element("#export-pdf").get_attribute("href")
    assert pdf.endswith("/export/pdf?" + url.split("?", 1)[1])
    dash_duo.driver.back()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "region=ML-5" not in d.current_url)
    # Back restores the view too: the filter and the table follow the address.
    regions = dash_duo.find_element("#" + _css_id({"type": "view-control", "field": "regions"}))
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "Mopti" not in d.execute_script(
        "return arguments[0].closest('.mantine-InputWrapper-root').innerText", regions))
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.find_element(By.ID, "engagement-caption").text != caption)


def test_french_switches_the_labels(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?lang=fr")
    dash_duo.wait_for_text_to_equal("#" + _css_id({"type": "i18n-text", "key": "table_heading"}), "Engagements de cette vue", timeout=10)
    assert "Données au" in dash_duo.find_element("#page-title").text
    # Labels that are strings in their controls' own props (dashboard/page_text.py TEXT_PROPS, ids.label).
    regions = dash_duo.driver.execute_script(
        "return document.querySelector('label[for=\"' + CSS.escape(JSON.stringify({field: 'regions', type: 'view-control'}))"
        " + '\"]').textContent")
    assert regions == t("regions", "fr")
    assert dash_duo.find_element("#reset-button").text == t("reset", "fr")
    metric = dash_duo.find_element('[data-field="metric"]').text
    assert t("metric", "fr") in metric and t("metric_idp", "fr") in metric, metric
    # plotly's own texts on the map (its config has no locale: assets/desk.js names them): the
    # modebar's tooltips, and the tip a first click on the legend shows.
    zoom_in = dash_duo.find_element('#map-graph .modebar-btn[data-attr="zoom"][data-val="in"]')
    assert zoom_in.get_attribute("data-title") == "Zoom intérieur" == zoom_in.get_attribute("aria-label")
    dash_duo.find_element("#map-graph .legend .traces .legendtoggle").click()
    dash_duo.wait_for_text_to_equal(".plotly-notifier .notifier-note p", "Double-cliquer sur la légende pour isoler une série", timeout=10)


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
    from dashboard.page_text import MAX_ENGAGEMENT_OPTIONS
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


# Counts what one change costs in the browser: the callback requests it posts (and in how many
# rounds: a request that starts after another of the same change has answered is a new round),
# how many times plotly redraws the map and the timeline, and which callbacks Dash runs (each one,
# even in the browser, costs the page its queueing and loading-state bookkeeping). The callbacks
# are read from Dash's redux store (``window.store``, ``callbacks.executed``): Dash's own state,
# not an API, so a Dash upgrade may move them; this test then fails, it does not pass blindly.
COUNTERS = """
const m = window.__change = {posts: [], map: 0, timeline: 0, mapDrawn: [], timelineStarts: [], callbacks: [],
  // plotly.js builds a new modebar when it draws a graph from scratch (newPlot purges the graph, with
  // its listeners, and draws twice: the listeners below would see only the second draw).
  mapModebar: document.querySelector('#map-graph .modebar'),
  timelineModebar: document.querySelector('#timeline-graph .modebar')};
if (!window.__counting) {
  window.__counting = true;
  const seen = new WeakSet();
  window.store.subscribe(() => {  // Dash's redux store: each callback it has run is "executed" once
    (window.store.getState().callbacks.executed || []).forEach(cb => {
      if (!seen.has(cb)) { seen.add(cb); window.__change.callbacks.push(cb.callback.output); }
    });
  });
  const fetch0 = window.fetch;
  window.fetch = function (url, options) {
    const c = window.__change;
    if (!String(url).includes('_dash-update-component')) { return fetch0.apply(this, arguments); }
    const post = {start: performance.now(), end: null, output: JSON.parse(options.body).output};
    c.posts.push(post);
    return fetch0.apply(this, arguments).then(r => { post.end = performance.now(); return r; });
  };
  document.querySelector('#map-graph .js-plotly-plot').on('plotly_afterplot', () => {
    window.__change.map += 1; window.__change.mapDrawn.push(performance.now()); });
  const timeline = document.querySelector('#timeline-graph .js-plotly-plot');
  timeline.on('plotly_afterplot', () => { window.__change.timeline += 1; });
  // dcc.Graph marks a graph it starts to plot "dash-graph--pending": when the timeline's redraw begins.
  let plotting = false;
  new MutationObserver(() => {
    const now = timeline.classList.contains('dash-graph--pending');
    if (now && !plotting) { window.__change.timelineStarts.push(performance.now()); }
    plotting = now;
  }).observe(timeline, {attributes: true, attributeFilter: ['class']});
}
"""
SETTLED = """
const c = window.__change, n = c.posts.length + c.map + c.timeline;
const busy = !!document.querySelector('[data-dash-is-loading="true"]') || c.posts.some(p => p.end === null);
if (busy || n !== window.__lastCount) { window.__lastCount = n; window.__quietSince = performance.now(); return false; }
return performance.now() - window.__quietSince > 1000;
"""
RESULT = """
const c = window.__change, posts = c.posts.slice().sort((a, b) => a.start - b.start);
let rounds = 0, end = -1;
for (const p of posts) { if (p.start > end) { rounds += 1; } end = Math.max(end, p.end); }
return {requests: posts.length, rounds: rounds, map: c.map, timeline: c.timeline, outputs: posts.map(p => p.output.slice(0, 40)),
        mapFromScratch: !c.mapModebar || document.querySelector('#map-graph .modebar') !== c.mapModebar,
        timelineFromScratch: !c.timelineModebar || document.querySelector('#timeline-graph .modebar') !== c.timelineModebar,
        mapDrawn: c.mapDrawn, timelineStarts: c.timelineStarts, callbacks: c.callbacks};
"""
SET_CONTROL = "window.dash_clientside.set_props({type: 'view-control', field: arguments[0]}, {value: arguments[1]});"


def _one_change(driver, field: str, value) -> dict:
    """Make one change as a control does (Dash's set_props) and count what it costs once settled."""
    driver.execute_script(COUNTERS)
    driver.execute_script("window.__lastCount = -1;")
    WebDriverWait(driver, 30, poll_frequency=0.1).until(lambda d: d.execute_script(SETTLED))  # what came before
    driver.execute_script(COUNTERS)
    driver.execute_script("window.__lastCount = -1;")
    driver.execute_script(SET_CONTROL, field, value)
    WebDriverWait(driver, 30, poll_frequency=0.1).until(lambda d: d.execute_script(SETTLED))
    return driver.execute_script(RESULT)


# What each callback a change may run is for, by Dash's output string ("gate" is the control's).
CALLBACK_KINDS = (
    ("gate", lambda o: o == f"{ids.CONTROLS_CHANGED}.data"),
    ("view", lambda o: f"{ids.MAP_GRAPH}.figure" in o and "@" not in o),
    ("links", lambda o: f"{ids.export_link('png')}.href" in o),
    ("after map", lambda o: f"{ids.DEFERRED}.data@" in o),
    ("picker search", lambda o: o == f"{ids.PICKER_SEARCH}.data"),
    ("texts", lambda o: '"type":"i18n-text"' in o),
    ("deck links", lambda o: f"{ids.DECK_PPTX}.href" in o),
    ("play button", lambda o: o == f"{ids.PLAY_BUTTON}.children"),  # its name; the interval changes only on a click or a stop
    ("page language", lambda o: o == f"{ids.PAGE_ROOT}.lang"),
)


def _callback_kind(output: str) -> str:
    """What a callback (named by Dash's output string) is for; an unknown one is named by its output."""
    return next((kind for kind, matches in CALLBACK_KINDS if matches(output)), output)


def test_a_change_costs_one_request_and_one_redraw_of_each_figure(dash_duo, dash_app):
    """Counting, not timing: each filter change runs four callbacks (more for a selection and the
    language), posts exactly one request (one round) and redraws the map exactly once, never from
    scratch; the timeline at most once (but from scratch, twice, on a language switch: its config
    names months), not at all when it does not change, and only
    once the map's redraw is done (the map is what the user looks at)."""
    _start(dash_duo, dash_app)
    driver = dash_duo.driver
    steps = [("regions", ["ML-5"]), ("donors", ["European Union"]), ("years", [2019, 2019]), ("selected", "EUTM-MALI"),
             ("metric", "idp"), ("lang", "fr"), ("regions", [])]
    for field, value in steps:
        cost = _one_change(driver, field, value)
        assert cost["requests"] == 1 and cost["rounds"] == 1, (field, cost)
        # Dash's bookkeeping costs the page 10-20 ms per callback it runs, in the browser or not:
        # a change runs the control's gate, the view callback, the links that carry the view, and
        # the one that draws what waited for the map. A selection also clears the picker's search;
        # the language switch translates every text and the controls that name things.
        kinds = [_callback_kind(output) for output in cost["callbacks"]]
        expected = ["gate", "view", "links", "after map"]
        if field == "selected":
            expected += ["picker search"]
        if field == "lang":
            expected += ["picker search", "texts", "deck links", "play button", "page language"]
        assert sorted(kinds) == sorted(expected), (field, kinds)
        assert cost["map"] == 1 and not cost["mapFromScratch"], (field, cost)
        assert cost["timeline"] == (0 if field == "metric" else 1), (field, cost)
        # Only the language draws the timeline from scratch (twice): its config names months.
        assert cost["timelineFromScratch"] == (field == "lang"), (field, cost)
        if cost["timeline"]:  # an order of events, not a time
            assert len(cost["timelineStarts"]) == 1 and cost["timelineStarts"][0] >= cost["mapDrawn"][0], (field, cost)
    assert "metric=idp" in driver.current_url and "lang=fr" in driver.current_url and "region=" not in driver.current_url
    # The language switch translated the page in the browser (no request of its own).
    assert driver.find_element(By.ID, "page-root").get_attribute("lang") == "fr"
    assert "Données au" in driver.find_element(By.ID, "page-title").text
    # So were the map's modebar buttons (assets/desk.js), with plotly.js's own French names.
    zoom_in = driver.find_element(By.CSS_SELECTOR, '#map-graph .modebar-btn[data-attr="zoom"][data-val="in"]')
    assert zoom_in.get_attribute("data-title") == "Zoom intérieur" == zoom_in.get_attribute("aria-label")
    _one_change(driver, "lang", "en")
    assert zoom_in.get_attribute("data-title") == "Zoom in" == zoom_in.get_attribute("aria-label")


def test_clicks_on_the_map_timeline_and_table_and_play_change_the_view(dash_duo, dash_app):
    """The clicks and play are client-side: each writes a control, and the view answers."""
    _start(dash_duo, dash_app, "/?year=2019")
    driver = dash_duo.driver
    click = "window.dash_clientside.set_props(arguments[0], {clickData: {points: [{customdata: arguments[1]}]}});"
    driver.execute_script(click, "map-graph", "ML-5")  # a region toggles in the region filter
    WebDriverWait(driver, 10).until(lambda d: "region=ML-5" in d.current_url)
    driver.execute_script(click, "map-graph", ["SITE-1"])  # a site marker is not a region
    driver.execute_script(click, "map-graph", "<img src=x>")
    driver.execute_script(click, "map-graph", "ML-5")  # a second click removes it
    WebDriverWait(driver, 10).until(lambda d: "region=" not in d.current_url)
    _wait_idle(dash_duo)
    bar = driver.find_element(By.CSS_SELECTOR, "#timeline-graph .bars path")  # a real click on a bar
    ActionChains(driver).move_to_element(bar).click().perform()
    WebDriverWait(driver, 10).until(lambda d: "sel=" in d.current_url)
    chosen = driver.current_url.split("sel=")[1].split("&")[0]
    picker = driver.find_element(By.CSS_SELECTOR, "#" + _css_id({"type": "view-control", "field": "selected"}))
    WebDriverWait(driver, 10).until(lambda _d: picker.get_attribute("value") and picker.get_attribute("value") != chosen)
    _wait_idle(dash_duo)
    row = driver.find_element(By.CSS_SELECTOR, '#engagement-grid .ag-row[row-id="MINUSMA"] .ag-cell')  # a table row
    row.click()
    WebDriverWait(driver, 10).until(lambda d: "sel=MINUSMA" in d.current_url)
    WebDriverWait(driver, 10).until(lambda d: "MINUSMA" in d.find_element(By.ID, "detail-panel").text)
    last = dash_app.server.extensions["sahel_dashboard"].options.years[1]
    step = "window.dash_clientside.set_props('play-interval', {n_intervals: arguments[0]});"
    thumbs = "return [...document.querySelectorAll('[role=\"slider\"]')].slice(0, 2).map(t => +t.getAttribute('aria-valuenow'))"
    for ticks, (years, expected) in enumerate([([2015, 2015], [2016, 2016]), ([2013, 2016], [2014, 2017]),
                                                ([last - 1, last - 1], [last, last]), ([last, last], [2012, 2012])], start=1):
        driver.execute_script(SET_CONTROL, "years", years)
        WebDriverWait(driver, 10).until(lambda d, y=years: d.execute_script(thumbs) == y)
        driver.execute_script(step, ticks)  # one step of play: the period a year later, or back to the start
        WebDriverWait(driver, 10).until(lambda d, e=expected: d.execute_script(thumbs) == e, message=str(expected))
    WebDriverWait(driver, 10).until(lambda d: "year=2012&" in d.current_url + "&")  # and the view followed
    button = driver.find_element(By.ID, "play-button")  # play and pause: named in the page's language
    button.click()
    WebDriverWait(driver, 10).until(lambda _d: button.text == t("pause", "en"))
    button.click()
    WebDriverWait(driver, 10).until(lambda _d: button.text == t("play", "en"))
    # A play that reaches the last year stops, and says so: before, the button still said Pause
    # and a click restarted play from the first year.
    driver.execute_script(SET_CONTROL, "years", [last - 1, last - 1])
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(thumbs) == [last - 1, last - 1])
    button.click()
    WebDriverWait(driver, 10).until(lambda _d: button.text == t("pause", "en"))
    driver.execute_script(step, 99)  # the interval's next tick (pytest need not wait 1.6 s for it)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(thumbs) == [last, last])
    WebDriverWait(driver, 10).until(lambda _d: button.text == t("play", "en"))
    driver.execute_script(SET_CONTROL, "lang", "fr")
    WebDriverWait(driver, 10).until(lambda _d: button.text == t("play", "fr"))


def test_the_table_out_of_view_is_drawn_once_when_it_comes_into_view(dash_duo, dash_app):
    """Counting, not timing: changes made while the table is below the window post one request
    each and leave the grid alone (it says it is busy); scrolled into view, it takes the latest
    view's rows in one update."""
    _start(dash_duo, dash_app, "/?year=2019", every_part=False)
    driver = dash_duo.driver
    assert driver.execute_script("return document.getElementById('table-section').getBoundingClientRect().top") > 1400
    driver.execute_script("window.__rowUpdates = 0; dash_ag_grid.getApi('engagement-grid')"
                          ".addEventListener('rowDataUpdated', () => { window.__rowUpdates += 1; });")
    for field, value in (("regions", ["ML-5"]), ("years", [2016, 2016])):
        cost = _one_change(driver, field, value)
        assert cost["requests"] == 1 and cost["rounds"] == 1 and cost["map"] == 1, (field, cost)
    assert driver.execute_script("return window.__rowUpdates") == 0
    assert driver.find_element(By.ID, "table-section").get_attribute("aria-busy") == "true"
    assert "2016" not in dash_duo.find_element("#engagement-caption").text  # the caption waits with the rows it counts
    driver.execute_script("document.getElementById('table-section').scrollIntoView()")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "table-section").get_attribute("aria-busy") == "false")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.__rowUpdates") >= 1)
    caption = dash_duo.find_element("#engagement-caption").text
    assert "2016" in caption
    rows = driver.execute_script("return dash_ag_grid.getApi('engagement-grid').getDisplayedRowCount()")
    assert rows == min(_leading_int(caption), 200), (caption, rows)
    assert driver.execute_script("return window.__rowUpdates") == 1
    # In view, a change updates the table with the rest of the page.
    cost = _one_change(driver, "years", [2019, 2019])
    assert cost["requests"] == 1 and driver.execute_script("return window.__rowUpdates") == 2
    assert driver.find_element(By.ID, "table-section").get_attribute("aria-busy") == "false"
    # A selection made with the detail panel out of view is announced, and drawn when scrolled to.
    driver.execute_script("window.scrollTo(0, 0)")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "return document.getElementById('detail-section').getBoundingClientRect().top") > 1400)
    _one_change(driver, "selected", "EUTM-MALI")
    assert "EUTM Mali" in driver.find_element(By.ID, "detail-status").get_attribute("textContent")
    assert driver.find_element(By.ID, "detail-section").get_attribute("aria-busy") == "true"
    driver.execute_script("document.getElementById('detail-section').scrollIntoView()")
    WebDriverWait(driver, 10).until(lambda d: "EUTM" in d.find_element(By.ID, "detail-panel").text)
    assert driver.find_element(By.ID, "detail-section").get_attribute("aria-busy") == "false"


# Scrolls the page so that the element's top is arguments[1] px below the window's bottom (negative:
# inside it), as far as the page scrolls; returns where its top ends up, in px below the window.
BELOW_WINDOW = """
const el = document.getElementById(arguments[0]);
window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight - arguments[1]);
return el.getBoundingClientRect().top - window.innerHeight;
"""
OPACITY = "return getComputedStyle(document.getElementById(arguments[0])).opacity"
FIGURE_JSON = "return JSON.stringify(dash_component_api.getLayout(arguments[0]).props.figure)"
WAITING_TIMELINE = f"return JSON.stringify((dash_component_api.getLayout('{ids.DEFERRED}').props.data || {{}}).timeline_figure || null)"


def test_a_card_just_below_the_window_waits_dimmed_and_is_drawn_as_it_scrolls_in(dash_duo, dash_app):
    """Counting, not timing: a change leaves the timeline alone while its card is just below the
    window (a change costs only what is on screen); the card says it is busy and its figure is
    dimmed, as it still shows the older view; once the card's top is in the window, the figure
    that waited is drawn, once."""
    _start(dash_duo, dash_app, "/?year=2019", every_part=False)
    driver = dash_duo.driver
    section = driver.find_element(By.ID, ids.TIMELINE_SECTION)
    assert driver.execute_script(BELOW_WINDOW, ids.TIMELINE_SECTION, -40) < 0  # in the window: drawn
    WebDriverWait(driver, 10).until(lambda _d: section.get_attribute("aria-busy") == "false")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(OPACITY, ids.TIMELINE_GRAPH) == "1")
    before = driver.execute_script(FIGURE_JSON, ids.TIMELINE_GRAPH)
    below = driver.execute_script(BELOW_WINDOW, ids.TIMELINE_SECTION, 100)
    assert 0 < below <= 100, below  # just below the window (within the old 300 px margin)
    cost = _one_change(driver, "regions", ["ML-5"])
    assert cost["requests"] == 1 and cost["map"] == 1 and cost["timeline"] == 0, cost
    assert section.get_attribute("aria-busy") == "true"
    assert driver.execute_script(FIGURE_JSON, ids.TIMELINE_GRAPH) == before  # the older view, still shown
    waiting = driver.execute_script(WAITING_TIMELINE)
    assert waiting not in ("null", before)  # the change's figure, aside
    WebDriverWait(driver, 5).until(lambda d: float(d.execute_script(OPACITY, ids.TIMELINE_GRAPH)) < 0.5)
    assert float(driver.execute_script(OPACITY, ids.MAP_GRAPH)) == 1
    assert driver.execute_script(BELOW_WINDOW, ids.TIMELINE_SECTION, -40) < 0
    WebDriverWait(driver, 10).until(lambda _d: section.get_attribute("aria-busy") == "false")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.__change.timeline") == 1)
    assert driver.execute_script(FIGURE_JSON, ids.TIMELINE_GRAPH) == waiting
    assert driver.execute_script(WAITING_TIMELINE) == "null"
    assert float(driver.execute_script(OPACITY, ids.TIMELINE_GRAPH)) == 1


HOLD_POSTS = """
if (!window.__held) {
  window.__held = [];
  const fetch0 = window.fetch;
  window.fetch = function (url, options) {
    if (!window.__holding || !String(url).includes('_dash-update-component')) { return fetch0.apply(this, arguments); }
    const args = arguments, self = this;
    return new Promise(resolve => window.__held.push(() => resolve(fetch0.apply(self, args))));
  };
}
window.__holding = true;
"""


def test_links_reset_and_history_post_once_and_an_undone_change_still_posts(dash_duo, dash_app):
    """The controls the view callback writes (a link, Reset, back/forward) post nothing more; a
    change undone while its answer is on its way posts again, so the page ends on what the
    controls say."""
    _start(dash_duo, dash_app, "/?year=2019&region=ML-5")
    driver = dash_duo.driver
    for action in ("document.getElementById('reset-button').click()", "history.back()", "history.forward()"):
        driver.execute_script(COUNTERS)
        driver.execute_script("window.__lastCount = -1;")
        driver.execute_script(action)
        WebDriverWait(driver, 30, poll_frequency=0.1).until(lambda d: d.execute_script(SETTLED))
        assert driver.execute_script(RESULT)["requests"] == 1, action
    assert "year=2019" not in driver.current_url  # forward: back on Reset's default view
    default = default_state(dash_app.server.extensions["sahel_dashboard"].options)
    shown = [default.period.first.year, default.period.last.year]
    caption = dash_duo.find_element("#engagement-caption").text
    driver.execute_script(HOLD_POSTS)
    driver.execute_script(SET_CONTROL, "years", [2016, 2016])
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.__held.length") == 1)
    driver.execute_script(SET_CONTROL, "years", shown)  # back to what the page shows, before the answer
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.__held.length") == 2)
    driver.execute_script("window.__holding = false; window.__held.forEach(go => go());")
    _wait_idle(dash_duo)
    assert "2016" not in driver.current_url and dash_duo.find_element("#engagement-caption").text == caption


# Each word of each header cell of the grid, and how many boxes its letters take: a word broken
# across two lines takes two (Range.getClientRects, one box per line).
BROKEN_HEADER_WORDS = """
const out = [];
document.querySelectorAll('#engagement-grid .ag-header-cell-text').forEach(function (el) {
  const node = el.firstChild, text = el.textContent;
  if (!node) { return; }
  let at = 0;
  text.split(' ').forEach(function (word) {
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + word.length);
    const lines = new Set(Array.from(range.getClientRects()).map(function (r) { return Math.round(r.top); }));
    if (lines.size > 1) { out.push(word + ' in ' + text); }
    at += word.length + 1;
  });
});
return out;
"""


def test_the_grid_s_headers_wrap_between_words_never_inside_one(dash_duo, dash_app):
    """In French at 1366x768 the narrow columns' headers ("Partie de", "Type d’acteur") wrap
    between words: each column is at least as wide as its header's longest word."""
    _start(dash_duo, dash_app, "/?lang=fr&year=2019")
    driver = dash_duo.driver
    driver.set_window_size(1366, 768)
    driver.execute_script("document.getElementById('table-section').scrollIntoView()")
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return document.querySelectorAll('#engagement-grid .ag-header-cell-text').length > 8"
        " && document.querySelector('#engagement-grid .ag-header-cell-text').textContent === 'Sigle'"))
    assert driver.execute_script(BROKEN_HEADER_WORDS) == []
