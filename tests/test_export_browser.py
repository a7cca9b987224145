"""The export controls in a real browser: the buttons fetch with status and say what happened
(done, busy, refused), the title, subtitle and size reach the export's address, and the table's
CSV/Excel buttons show they are working."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids

pytestmark = pytest.mark.browser


def _start(dash_duo, app, path: str):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element(f"#{ids.export_link('csv')}", timeout=30)
    WebDriverWait(dash_duo.driver, 20).until(
        lambda d: d.execute_script("return !document.querySelector('[data-dash-is-loading=\"true\"]')"))


def _status(dash_duo, status_id: str = ids.EXPORT_STATUS) -> str:
    return dash_duo.driver.find_element(By.ID, status_id).text


def _wait_status(dash_duo, predicate, status_id: str = ids.EXPORT_STATUS, timeout: float = 60) -> str:
    WebDriverWait(dash_duo.driver, timeout).until(lambda _d: predicate(_status(dash_duo, status_id)))
    return _status(dash_duo, status_id)


def test_export_buttons_fetch_with_status_and_carry_title_and_size(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?year=2019&region=ML-5")
    title = dash_duo.driver.find_element(By.ID, ids.EXPORT_TITLE)
    assert title.get_attribute("placeholder") == "Security assistance in Mopti, 2019"
    title.send_keys("Mopti & the EU", Keys.ENTER)
    dash_duo.driver.find_element(By.ID, ids.EXPORT_SIZE).click()  # a Mantine select: its options are listed on click
    WebDriverWait(dash_duo.driver, 10).until(lambda d: next(
        (o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]') if o.text.strip() == "Text column (16 cm)"), None)).click()
    link = dash_duo.driver.find_element(By.ID, ids.export_link("png"))
    WebDriverWait(dash_duo.driver, 10).until(lambda _d: "size=column" in link.get_attribute("href"))
    href = link.get_attribute("href")
    assert "year=2019" in href and "region=ML-5" in href and "title=Mopti%20%26%20the%20EU" in href
    dash_duo.driver.find_element(By.ID, ids.export_link("csv")).click()
    assert _wait_status(dash_duo, lambda s: s.startswith("Downloaded")) == "Downloaded sahel-2019-engagements-ml-5-column.csv"


def test_after_a_link_with_an_ignored_part_the_buttons_carry_the_view_shown(dash_duo, dash_app):
    """The page shows the view it could apply and names what it ignored (the address keeps it, as
    the banner says); the share box, the export buttons and the briefing link carry the view
    shown, so the export answers with it instead of refusing the link's ignored part.
    """
    _start(dash_duo, dash_app, "/?year=2019&regoin=ML-5")
    driver = dash_duo.driver
    assert "regoin=ML-5" in driver.find_element(By.ID, ids.DATA_WARNING).text and "regoin=ML-5" in driver.current_url
    link = driver.find_element(By.ID, ids.export_link("csv"))
    WebDriverWait(driver, 10).until(lambda _d: link.get_attribute("href").endswith("/export/csv?year=2019"))
    assert driver.find_element(By.ID, ids.SHARE_LINK).get_attribute("value") == dash_duo.server_url + "/?year=2019"
    assert driver.find_element(By.ID, ids.BRIEF_PRESENT).get_attribute("href").endswith("/?year=2019&mode=brief")
    link.click()
    assert _wait_status(dash_duo, lambda s: s.startswith("Downloaded")) == "Downloaded sahel-2019-engagements.csv"


def test_a_refused_export_says_why(dash_duo, dash_app):
    # An export address the route cannot use (here made by hand) is refused, never guessed at,
    # and the page says why.
    _start(dash_duo, dash_app, "/?year=2019")
    link = dash_duo.driver.find_element(By.ID, ids.export_link("pdf"))
    WebDriverWait(dash_duo.driver, 10).until(lambda _d: link.get_attribute("href").endswith("/export/pdf?year=2019"))
    dash_duo.driver.execute_script("arguments[0].setAttribute('href', arguments[0].getAttribute('href') + '&regoin=ML-5')", link)
    link.click()
    text = _wait_status(dash_duo, lambda s: s.startswith("Export refused"))
    assert "unknown parameter 'regoin=ML-5': accepted parameters are" in text
    assert "is-error" in dash_duo.driver.find_element(By.ID, ids.EXPORT_STATUS).get_attribute("class")


def test_a_busy_server_is_named_and_progress_is_shown(dash_duo, dash_app, monkeypatch):
    import dashboard.routes
    from dashboard.export import ExportBusyError

    def slow_and_busy(*_args, **_kwargs):
        time.sleep(2.5)
        raise ExportBusyError("the export service is busy; try again in a minute")

    monkeypatch.setattr(dashboard.routes, "render_view", slow_and_busy)
    _start(dash_duo, dash_app, "/?year=2019")
    button = dash_duo.driver.find_element(By.ID, ids.export_link("pack"))
    button.click()
    working = _wait_status(dash_duo, lambda s: s.startswith("Preparing PACK…") and s.endswith(" s"), timeout=5)
    assert working.startswith("Preparing PACK… ")
    assert button.get_attribute("aria-busy") == "true" and "is-working" in button.get_attribute("class")
    assert _wait_status(dash_duo, lambda s: "busy" in s) == "The export service is busy. Try again in a minute."
    assert button.get_attribute("aria-busy") is None


def test_table_download_buttons_show_they_are_working(dash_duo, dash_app, monkeypatch):
    from dashboard.callbacks import panels

    real = panels.table_bytes

    def slow(*args, **kwargs):
        time.sleep(2)
        return real(*args, **kwargs)

    monkeypatch.setattr(panels, "table_bytes", slow)
    _start(dash_duo, dash_app, "/?year=2019")
    button = dash_duo.driver.find_element(By.ID, ids.DOWNLOAD_XLSX_BUTTON)
    button.click()
    WebDriverWait(dash_duo.driver, 5).until(lambda _d: "is-working-table" in button.get_attribute("class"))
    assert dash_duo.driver.find_element(By.ID, ids.DOWNLOAD_CSV_BUTTON).get_attribute("disabled") == "true"
    WebDriverWait(dash_duo.driver, 20).until(lambda _d: "is-working-table" not in button.get_attribute("class"))
    assert button.get_attribute("disabled") is None


def test_download_deck_links_follow_the_briefing_and_language(dash_duo, dash_app):
    _start(dash_duo, dash_app, "/?year=2019&lang=fr")
    pptx = dash_duo.driver.find_element(By.ID, ids.DECK_PPTX)
    WebDriverWait(dash_duo.driver, 10).until(lambda _d: pptx.get_attribute("href").endswith("/deck/eu-mali-2013-2023.pptx?lang=fr"))
    assert "Télécharger la présentation" in pptx.text
    assert dash_duo.driver.find_element(By.ID, ids.DECK_PDF).get_attribute("href").endswith(".pdf?lang=fr")
    assert not [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]
