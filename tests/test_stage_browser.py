"""The briefing stage in a real browser: fit at every size, keys, overview, help, presenter view,
map lock, and nothing internal on the audience's screen.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.rehearse import STAGE_SIZES, render_slides, serving

pytestmark = pytest.mark.browser

BRIEFING = "eu-mali-2013-2023"
STAGE = f"/?mode=brief&briefing={BRIEFING}"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_slide_fits_every_stage_size_with_text_of_at_least_24_px(dash_app, lang):
    """Seven windows from 1024x576 to 3840x2160, in both languages (French legends are longer):
    no scrolling, no part outside the window or overlapping another, no box cutting its words, no
    figure drawn beyond its box (a timeline under the footer), no text under 24 stage pixels."""
    with serving(dash_app) as base:
        reports, _ = asyncio.run(render_slides(base, STAGE.lstrip("/?") + f"&lang={lang}", STAGE_SIZES))
    slides = {r.index for r in reports}
    assert len(slides) >= 10 and {r.size for r in reports} == set(STAGE_SIZES)
    problems = [f"{r.size} slide {r.index + 1}: {p}" for r in reports for p in r.problems]
    assert problems == []


def _open(dash_duo, dash_app, path: str = STAGE, size: tuple[int, int] = (1920, 1080)):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(*size)
    inner = driver.execute_script("return [innerWidth, innerHeight]")
    driver.set_window_size(2 * size[0] - inner[0], 2 * size[1] - inner[1])
    driver.get(dash_duo.server_url + path)
    _ready(driver)
    return driver


def _ready(driver) -> None:
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.stage") == "ready")


def _counter(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, ".stage-counter").text


def _press(driver, *keys) -> None:
    ActionChains(driver).send_keys(*keys).perform()


def _settled(driver, count: int) -> dict:
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "var t = window.sahelStage.timings; return t.length >= arguments[0] && t[arguments[0] - 1].redraw !== null;", count))
    return driver.execute_script("return window.sahelStage.timings[arguments[0] - 1];", count)


def test_keys_step_the_stage_and_the_address_follows(dash_duo, dash_app):
    driver = _open(dash_duo, dash_app)
    total = len(driver.find_elements(By.CSS_SELECTOR, ".overview-item"))
    assert _counter(driver) == f"1 / {total}"
    _press(driver, Keys.ARROW_RIGHT)
    WebDriverWait(driver, 5).until(lambda d: _counter(d) == f"2 / {total}")
    record = _settled(driver, 2)
    assert record["source"] == "key" and record["kind"] == "view" and record["painted"] <= record["redraw"]
    assert "slide=2" in driver.current_url
    _press(driver, Keys.PAGE_DOWN)  # what a presentation clicker sends
    WebDriverWait(driver, 5).until(lambda d: _counter(d) == f"3 / {total}")
    _press(driver, Keys.PAGE_UP)
    WebDriverWait(driver, 5).until(lambda d: _counter(d) == f"2 / {total}")
    _press(driver, Keys.END)
    WebDriverWait(driver, 5).until(lambda d: _counter(d) == f"{total} / {total}")
    _press(driver, "9", Keys.ENTER)
    WebDriverWait(driver, 5).until(lambda d: _counter(d) == f"9 / {total}")
    assert driver.find_element(By.CSS_SELECTOR, ".stage").get_attribute("data-kind") == "then_and_now"
    assert driver.find_element(By.ID, "stage-map-then").is_displayed()
    _press(driver, Keys.HOME)
    WebDriverWait(driver, 5).until(lambda d: _counter(d) == f"1 / {total}")
    # Reloading keeps the slide; Esc leaves for the dashboard with no presentation keys left over.
    _press(driver, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    WebDriverWait(driver, 5).until(lambda d: "slide=3" in d.current_url)
    driver.refresh()
    _ready(driver)
    assert _counter(driver) == f"3 / {total}"
    _press(driver, Keys.ESCAPE)
    WebDriverWait(driver, 20).until(lambda d: "year=2013" in d.current_url and "mode=" not in d.current_url)
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=20)


def test_overview_and_help_open_on_keys_and_close_on_escape(dash_duo, dash_app):
    driver = _open(dash_duo, dash_app, size=(1280, 720))
    overview = driver.find_element(By.CSS_SELECTOR, ".stage-overview")
    assert not overview.is_displayed()
    _press(driver, "g")
    WebDriverWait(driver, 5).until(lambda _d: overview.is_displayed())
    items = driver.find_elements(By.CSS_SELECTOR, ".overview-item button")
    assert items[0].get_attribute("aria-current") == "true"
    items[5].click()
    WebDriverWait(driver, 5).until(lambda d: _counter(d).startswith("6 /") and not overview.is_displayed())
    _press(driver, "?")
    help_box = driver.find_element(By.CSS_SELECTOR, ".stage-help")
    WebDriverWait(driver, 5).until(lambda _d: help_box.is_displayed())
    assert "G" in help_box.text and "Esc" in help_box.text  # the keys are here, for the presenter
    _press(driver, Keys.ESCAPE)
    WebDriverWait(driver, 5).until(lambda _d: not help_box.is_displayed())
    assert "mode=brief" in driver.current_url  # Esc closed the overlay, it did not leave


def test_the_map_is_locked_against_pans_and_zooms(dash_duo, dash_app):
    driver = _open(dash_duo, dash_app, STAGE + "&slide=2")
    _settled(driver, 1)
    assert driver.execute_script("return document.getElementById('stage-map')._context.staticPlot") is True
    before = driver.execute_script("var g = document.getElementById('stage-map')._fullLayout.geo;"
                                   "return [g.projection.scale, g.center.lon, g.center.lat];")
    stage_map = driver.find_element(By.ID, "stage-map")
    ActionChains(driver).move_to_element(stage_map).click_and_hold().move_by_offset(200, 80).release().perform()
    driver.execute_script("arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -500, bubbles: true}));", stage_map)
    after = driver.execute_script("var g = document.getElementById('stage-map')._fullLayout.geo;"
                                  "return [g.projection.scale, g.center.lon, g.center.lat];")
    assert after == before
    assert _counter(driver).startswith("2 /")  # a click on the map is not a step either


def test_the_presenter_view_follows_and_drives_the_stage(dash_duo, dash_app):
    driver = _open(dash_duo, dash_app)
    stage_window = driver.current_window_handle
    driver.switch_to.new_window("window")
    driver.get(dash_duo.server_url + STAGE.replace("mode=brief", "mode=presenter"))
    _ready(driver)
    presenter_window = driver.current_window_handle
    assert "Next" in driver.find_element(By.CSS_SELECTOR, ".presenter-next").text
    assert driver.find_element(By.CSS_SELECTOR, ".presenter-clock").text  # the clock runs
    _press(driver, Keys.ARROW_RIGHT)  # a key in the presenter's window moves the audience's
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, ".presenter-counter").text.startswith("2 /"))
    note = driver.find_element(By.CSS_SELECTOR, ".presenter-note").text
    assert note.startswith("The whole decade in one view")
    driver.switch_to.window(stage_window)
    WebDriverWait(driver, 5).until(lambda d: _counter(d).startswith("2 /"))
    _press(driver, Keys.ARROW_RIGHT)  # and a key in the audience's window moves the presenter's
    driver.switch_to.window(presenter_window)
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, ".presenter-counter").text.startswith("3 /"))
    assert driver.find_elements(By.CSS_SELECTOR, ".presenter-preview .preview-map .main-svg")  # current and next drawn


def test_nothing_internal_reaches_the_audience_screen(dash_duo, dash_app):
    driver = _open(dash_duo, dash_app)
    engagements = dash_app.server.extensions["sahel_dashboard"].tables["engagements"]
    shown = set(engagements["acronym"]) | set(engagements["name_en"])
    internal = set(engagements["engagement_id"]) - shown
    total = len(driver.find_elements(By.CSS_SELECTOR, ".overview-item"))
    for index in range(total):
        driver.execute_async_script("window.sahelStage.go(arguments[0]).then(arguments[1]);", index)
        check = driver.execute_script("return window.sahelStage.check();")
        text = "\n".join([check["text"], *check["svg_text"]])
        for name in sorted(shown, key=len, reverse=True):
            text = text.replace(name, " ")
        assert not {i for i in internal if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}, index
        for word in ("npm", "datamaps", "world-atlas", "Esc", "PageDown", "→/←", "plotly"):
            assert word not in text, (index, word)
        assert "Data as of" in check["text"]  # the data date is always in the footer


def test_places_named_in_a_scene_are_labelled_on_its_map(dash_duo, dash_app):
    """Every region or place a scene's title, note or filters name is drawn as a label (SVG text)."""
    from dashboard.stage import briefing_deck, gazetteer
    from layers.places import fold, named_places

    app = dash_app.server.extensions["sahel_dashboard"]
    places = gazetteer(app)
    deck = briefing_deck(app, app.catalog.briefings[BRIEFING], "en")
    driver = _open(dash_duo, dash_app)
    total = len(driver.find_elements(By.CSS_SELECTOR, ".overview-item"))
    checked = 0
    for index in range(total):
        driver.execute_async_script("window.sahelStage.go(arguments[0]).then(arguments[1]);", index)
        check = driver.execute_script("return window.sahelStage.check();")
        if check["kind"] not in ("view", "then_and_now"):
            continue
        filters = driver.find_element(By.CSS_SELECTOR, ".stage-filters").text
        named = named_places(f"{check['title']} {deck['slides'][index]['note']} {filters}", places)
        drawn = fold(" | ".join(check["svg_text"]))
        assert all(name in drawn for name in named), (check["title"], named, drawn[:300])
        checked += len(named)
    assert checked >= 5  # the example briefing names Koulikoro, Mopti, Timbuktu, Gao, ...


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_16_9_projector_shows_the_view_s_timeline(dash_duo, dash_app, lang):
    """At 1280x720 the side has room for the 2019 view's shortest timeline once its figures and
    legend are laid out in the page's fonts; it is drawn, not left out because the room was
    measured before (the stage chooses again when the room changes: a ResizeObserver), and the
    figures state their date once above them, not in each title (the room the French titles took).
    """
    driver = _open(dash_duo, dash_app, f"/?mode=brief&year=2019&lang={lang}", size=(1280, 720))
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "var t = document.getElementById('stage-timeline'); return !!t.querySelector('.main-svg') && !t.classList.contains('is-empty');"))
    when = driver.find_element(By.CSS_SELECTOR, ".stage-figures-when").text
    assert when == {"en": "Figures as at 31 Dec 2019", "fr": "Chiffres au 31 déc. 2019"}[lang]
    titles = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".tile-title")]
    assert len(titles) == 4 and not any("31 Dec" in x or "31 déc." in x for x in titles), titles


def test_a_french_overview_keeps_room_for_its_timeline(dash_duo, dash_app):
    """Slide 2 of the EU briefing in French: "aucun total annuel" and "au moins env. 1 900" took two
    lines each at 44 px and left the side no room for the timeline the English slide shows. A
    value that wraps is set smaller (34 px, still above the stage's 24 px floor)."""
    driver = _open(dash_duo, dash_app, "/?mode=brief&briefing=eu-mali-2013-2023&lang=fr", size=(1600, 900))
    driver.set_script_timeout(60)
    driver.execute_async_script("window.sahelStage.go(1).then(arguments[0]);")
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "var t = document.getElementById('stage-timeline'); return !!t.querySelector('.main-svg') && !t.classList.contains('is-empty');"))
    long_values = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".tile-value.is-long")]
    assert "aucun total annuel" in long_values, long_values
    assert all(e.value_of_css_property("font-size") == "44px"
               for e in driver.find_elements(By.CSS_SELECTOR, ".tile-value:not(.is-long)"))  # numbers stay big
    driver.execute_async_script("window.sahelStage.go(8).then(arguments[0]);")  # then and now
    then = [e.get_attribute("textContent") for e in driver.find_elements(By.CSS_SELECTOR, ".tile-then")]
    assert len(then) == 4 and all(x.startswith("Avant\u00a0: ") for x in then), then  # a space before the colon
