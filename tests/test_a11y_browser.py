"""Every user, in both languages (issue 18): axe-core, the keyboard, French and the map's contrast,
in Debian's headless Chromium against the real app.

* axe-core 4.14 (vendored from npm, injected by the test) finds no WCAG 2.2 A/AA violation on the
  default, French, selected-engagement and briefing views, with dropdowns, cards and tables open;
* Tab alone reaches every control and every export button, each with a name, none hidden behind
  another element (2.4.11); the table is one Tab stop, the arrow keys move inside it;
* a French page (the desk, each briefing slide) shows no string of the English catalogue;
* every map and legend label reaches 4.5:1 against what is drawn under it (from the SVG).
"""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from layers.map_figure import TRACE
from layers.view_state import GEOS, LAYERS
from tests.a11y_browser import (
    LABEL_CONTRAST_JS,
    axe_violations,
    css_id,
    inject_axe,
    label_problems,
    tab_walk,
    wait_for_desk,
    wait_for_stage,
)
from tests.i18n_leaks import PAGE_TEXTS_JS, leaks

pytestmark = pytest.mark.browser

BRIEFING = "/?mode=brief&briefing=eu-mali-2013-2023"


def _open(dash_duo, app, path: str) -> None:
    if not getattr(dash_duo, "_sahel_started", False):
        dash_duo.start_server(app)
        dash_duo._sahel_started = True
    dash_duo.driver.get(dash_duo.server_url + path)
    if "mode=brief" in path:
        wait_for_stage(dash_duo.driver)
    else:
        wait_for_desk(dash_duo.driver)


def _slides(driver) -> int:
    return int(driver.execute_script("return document.querySelector('.stage-counter').textContent.split('/')[1].trim()"))


def _go(driver, n: int) -> None:
    driver.set_script_timeout(60)
    driver.execute_async_script(f"window.sahelStage.go({n}).then(arguments[0]);")


def _summary(violations) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): " + " | ".join(v["nodes"][:4]) for v in violations)


# ---- axe-core ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/?lang=fr", "/?sel=EUTM-MALI&year=2019", BRIEFING, BRIEFING + "&lang=fr"])
def test_axe_finds_no_wcag22_aa_violation(dash_duo, dash_app, path):
    _open(dash_duo, dash_app, path)
    driver = dash_duo.driver
    assert driver.execute_script("return document.documentElement.lang") == ("fr" if "lang=fr" in path else "en")
    views = [path]
    found = axe_violations(driver)
    if "mode=brief" in path:  # every slide: the opening, the scenes (maps, then-and-now), the sources
        for n in range(1, _slides(driver)):
            _go(driver, n)
            found += axe_violations(driver)
            views.append(f"slide {n + 1}")
    else:
        # What a user opens: the key figures' rows, the map's table, the detail panel's sources, a select.
        for summary in driver.find_elements(By.CSS_SELECTOR, ".kf-summary"):
            summary.click()
        WebDriverWait(driver, 20).until(lambda d: not d.execute_script(
            "return [...document.querySelectorAll('.kf-explain')].some(e => e.textContent === '…')"))
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        found += axe_violations(driver)
        driver.find_element(By.CSS_SELECTOR, css_id(ids.control("regions"))).click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[role="listbox"] [role="option"]'))
        found += axe_violations(driver)
        views.append("cards, tables and a select open")
    assert found == [], f"{path} ({', '.join(views)}):\n{_summary(found)}"


# ---- keyboard ---------------------------------------------------------------------------------

EXPORT_BUTTONS = [ids.export_link(fmt) for fmt in ids.EXPORT_FORMATS] + [ids.DECK_PPTX, ids.DECK_PDF,
                                                                        ids.DOWNLOAD_CSV_BUTTON, ids.DOWNLOAD_XLSX_BUTTON]
INPUT_IDS = [ids.dom_id(ids.control(f)) for f in ("month_from", "month_to", "regions", "donors", "actors", "sectors", "search",
                                                  "selected")] + [
    ids.PLAY_BUTTON, ids.RESET_BUTTON, ids.BRIEF_PICK, ids.BRIEF_START, ids.BRIEF_PRESENT, ids.SHARE_LINK,
    ids.EXPORT_TITLE, ids.EXPORT_SUBTITLE, ids.EXPORT_SIZE]


def test_tab_reaches_every_control_and_export_button_each_with_a_name(dash_duo, dash_app):
    _open(dash_duo, dash_app, "/?lang=fr&year=2019&sel=EUTM-MALI")
    stops = tab_walk(dash_duo.driver)
    reached = {s["id"] for s in stops}
    assert not [i for i in INPUT_IDS + EXPORT_BUTTONS if i not in reached], [i for i in INPUT_IDS + EXPORT_BUTTONS if i not in reached]
    # Radio groups are one stop each (the arrow keys choose); each checkbox is a stop.
    groups = [s["field"] for s in stops if s["field"]]
    assert {g: groups.count(g) for g in ("lang", "metric", "timeline")} == {"lang": 1, "metric": 1, "timeline": 1}
    assert groups.count("geo") == len(GEOS) and groups.count("layers") == len(LAYERS)
    assert sum(1 for s in stops if s["role"] == "slider") == 2  # the first and the last year
    unnamed = [s for s in stops if not s["name"]]
    assert unnamed == [], unnamed
    hidden = [s for s in stops if s["hidden"]]
    assert hidden == [], hidden  # 2.4.11: no focused element is covered by another
    names = {s["id"]: s["name"] for s in stops}
    assert names[ids.dom_id(ids.control("regions"))] == "Régions"  # named by its label, not by its value ("Tous")
    assert names[ids.EXPORT_SIZE] == "Format" and names[ids.export_link("pdf")] == "PDF"
    assert [s["name"] for s in stops if s["role"] == "slider"] == ["Première année de la période", "Dernière année de la période"]
    # The table is one Tab stop (144 before): Tab enters it, the next Tab leaves it.
    in_grid = [i for i, s in enumerate(stops) if s["inGrid"]]
    assert len(in_grid) == 1, [stops[i] for i in in_grid]


def test_arrow_keys_move_inside_the_table_and_tab_leaves_it(dash_duo, dash_app):
    _open(dash_duo, dash_app, "/?year=2019")
    driver = dash_duo.driver
    driver.execute_script("document.getElementById(arguments[0]).focus()", ids.DOWNLOAD_XLSX_BUTTON)  # just before the grid
    ActionChains(driver).send_keys(Keys.TAB).perform()
    where = "return [document.activeElement.getAttribute('role'), !!document.activeElement.closest('#engagement-grid'), document.activeElement.textContent.trim().slice(0, 40)]"
    role, inside, _ = driver.execute_script(where)
    assert inside and role == "columnheader"
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    role, inside, first = driver.execute_script(where)
    assert inside and role == "gridcell"
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    role, inside, second = driver.execute_script(where)
    assert inside and role == "gridcell" and (first, second) != ("", "")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert not driver.execute_script(where)[1]  # out of the grid in one press


# ---- French everywhere ------------------------------------------------------------------------

def test_a_french_page_shows_no_english_string_from_the_catalogue(dash_duo, dash_app):
    # Switched in the page (the live path: texts, options, the grid's locale, <html lang>) ...
    _open(dash_duo, dash_app, "/?year=2019&sel=EUTM-MALI")
    driver = dash_duo.driver
    driver.find_element(By.XPATH, "//*[@data-field='lang']//input[@value='fr']").click()
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.documentElement.lang") == "fr")
    WebDriverWait(driver, 20).until(lambda d: "lang=fr" in d.current_url)
    wait_for_desk(driver)
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, ids.DOWNLOAD_CSV_BUTTON).text == "Télécharger CSV")
    for summary in driver.find_elements(By.CSS_SELECTOR, ".kf-summary"):
        summary.click()
    WebDriverWait(driver, 20).until(lambda d: not d.execute_script(
        "return [...document.querySelectorAll('.kf-explain')].some(e => e.textContent === '…')"))
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    time.sleep(0.5)
    texts = driver.execute_script(PAGE_TEXTS_JS)
    assert "Chef de file" in texts and "Union européenne (PSDC)" in texts  # the lead column's values too
    driver.find_element(By.CSS_SELECTOR, css_id(ids.control("donors"))).click()  # a select's options
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[role="listbox"] [role="option"]'))
    texts += driver.execute_script(PAGE_TEXTS_JS)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    # AG Grid's own texts: a column's filter in French (its vendored locale).
    driver.execute_script("document.querySelector('#engagement-grid .ag-header-cell-filter-button').click()")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".ag-filter"))
    assert "Contient" in driver.find_element(By.CSS_SELECTOR, ".ag-filter").text
    texts += driver.execute_script(PAGE_TEXTS_JS)
    assert leaks(texts) == []
    # ... and opened in French from a link: the same texts.
    _open(dash_duo, dash_app, "/?lang=fr&year=2016&metric=budget&region=ML-5&sel=MINUSMA")
    assert driver.execute_script("return document.documentElement.lang") == "fr"
    assert leaks(driver.execute_script(PAGE_TEXTS_JS)) == []


def test_every_briefing_slide_in_french_shows_no_english_string_from_the_catalogue(dash_duo, dash_app):
    _open(dash_duo, dash_app, BRIEFING + "&lang=fr")
    driver = dash_duo.driver
    texts = []
    for n in range(_slides(driver)):
        _go(driver, n)
        texts += driver.execute_script(PAGE_TEXTS_JS)
    assert leaks(texts) == []


# ---- the map's labels -------------------------------------------------------------------------

DESK_VIEWS = ["/?year=2020&metric=idp", "/?year=2023&metric=idp&lang=fr", "/?year=2022&metric=idp&region=ML-5",
              "/?year=2016&metric=budget", "/?sel=EUTM-MALI&year=2019", "/?year=2019&metric=engagements&region=ML-7&region=ML-6"]


def test_every_map_and_legend_label_reaches_4_5_to_1_on_what_is_under_it(dash_duo, dash_app):
    driver = dash_duo.driver
    problems, counted, region_labels = [], 0, 0
    for path in DESK_VIEWS:
        _open(dash_duo, dash_app, path)
        time.sleep(0.5)
        labels = driver.execute_script(LABEL_CONTRAST_JS, "#map-graph", TRACE["regions"], TRACE["region_labels"])
        counted += len(labels)
        region_labels += sum(1 for x in labels if x["regionLabel"] and x["ownWorst"] is not None)
        problems += [f"{path}: {p}" for p in label_problems(labels)]
    _open(dash_duo, dash_app, BRIEFING)
    for n in range(_slides(driver)):
        _go(driver, n)
        for map_id in driver.execute_script("return [...document.querySelectorAll('.stage-map')]"
                                            ".filter(m => m.offsetParent && m.querySelector('svg.main-svg')).map(m => m.id)"):
            labels = driver.execute_script(LABEL_CONTRAST_JS, "#" + map_id, TRACE["regions"], TRACE["region_labels"])
            counted += len(labels)
            problems += [f"slide {n + 1} {map_id}: {p}" for p in label_problems(labels)]
    assert counted > 300 and region_labels > 30  # the check saw the labels, legends and colour bars
    assert problems == [], "\n".join(problems)


# ---- the table as dash-ag-grid 35 expects it --------------------------------------------------

def test_the_table_uses_the_theming_api_row_ids_and_one_tab_stop(dash_duo, dash_app):
    _open(dash_duo, dash_app, "/?year=2019")
    driver = dash_duo.driver
    wrapper = driver.find_element(By.CSS_SELECTOR, "#engagement-grid")
    assert "ag-theme-alpine" not in (wrapper.get_attribute("class") or "")  # the legacy class did nothing
    assert driver.execute_script("return !!document.querySelector('#engagement-grid [class*=\"ag-theme-params-\"]')")
    row_ids = driver.execute_script("return [...document.querySelectorAll('#engagement-grid .ag-center-cols-container .ag-row')]"
                                    ".map(r => r.getAttribute('row-id'))")
    engagements = set(dash_app.server.extensions["sahel_dashboard"].options.engagements)
    assert row_ids and set(row_ids) <= engagements  # rows keep their engagement id: a filter change updates them in place
    inject_axe(driver)  # the grid is named by the heading above it (AG Grid has no option for it)
    name = driver.execute_script("axe.setup(document); const n = axe.commons.text.accessibleText("
                                 "document.querySelector('#engagement-grid [role=\"grid\"], #engagement-grid [role=\"treegrid\"]'));"
                                 " axe.teardown(); return n;")
    assert name == "Engagements in this view"


# The one element left out of the axe runs (tests/a11y_browser.py AXE_EXCLUDE): the scroll area of
# an open select's list. It never takes focus, and the arrow keys scroll it from the input.
LIST_STATE_JS = """
const input = document.activeElement;
const list = input.getAttribute('aria-controls') && document.getElementById(input.getAttribute('aria-controls'));
if (!list) { return {open: false, id: input.id}; }
const options = [...list.querySelectorAll('[role="option"]')];
const active = document.getElementById(input.getAttribute('aria-activedescendant') || '');
const viewport = list.querySelector('.mantine-ScrollArea-viewport');
const a = active ? active.getBoundingClientRect() : null, b = viewport.getBoundingClientRect();
return {open: true, id: input.id, tag: input.tagName, options: options.length, index: options.indexOf(active),
        shown: !!a && a.top >= b.top - 1 && a.bottom <= b.bottom + 1, scrolled: viewport.scrollTop,
        focusInList: list.contains(input) || !!document.activeElement.closest('.mantine-ScrollArea-viewport')};
"""
SELECTS = [ids.dom_id(ids.control(f)) for f in ("regions", "donors", "actors", "sectors", "selected", "month_from", "month_to")] + [
    ids.BRIEF_PICK, ids.EXPORT_SIZE]


def test_select_lists_scroll_with_the_arrow_keys_and_never_take_focus(dash_duo, dash_app):
    _open(dash_duo, dash_app, "/?lang=fr")
    driver = dash_duo.driver
    scrolled = 0
    for select in SELECTS:
        driver.execute_script("document.getElementById(arguments[0]).focus()", select)
        ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()  # opens the list on its first option
        state = WebDriverWait(driver, 10).until(lambda d: (s := d.execute_script(LIST_STATE_JS))["open"] and s)
        visited, most = {state["index"]}, 0
        for _ in range(state["options"]):  # from the chosen option round to it again (the list wraps)
            ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
            state = driver.execute_script(LIST_STATE_JS)
            assert state["id"] == select and state["tag"] == "INPUT" and not state["focusInList"], state  # the input keeps the focus
            assert state["shown"], state  # the active option is scrolled into view
            visited.add(state["index"])
            most = max(most, state["scrolled"])
        assert visited == set(range(state["options"])), (select, state)  # every option reached
        scrolled += most > 0
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert scrolled >= 3  # the long lists (donors, engagements, actors ...) did scroll
