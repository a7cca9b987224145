"""Firefox ESR as well as Chromium (issue 18): government desktops often run Firefox ESR.

One smoke test in Debian's ``firefox-esr``, driven over WebDriver BiDi without geckodriver
(``tests/firefox_bidi.py`` says why): the default view draws its map, table and key figures, the
language switch turns the page French, a briefing opens and steps to its next slide, axe-core
finds no WCAG 2.2 A/AA violation outside the table (the table's two Firefox-only findings are
listed in the README), and no page reports an error (the CSP included).
"""

from __future__ import annotations

import pytest

from tests.a11y_browser import AXE, AXE_EXCLUDE, WCAG22_AA
from tests.firefox_bidi import FIREFOX, Firefox

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(FIREFOX is None, reason="Debian's firefox-esr is not installed (make browser installs it)")]

DRAWN = "document.querySelectorAll('#map-graph .choroplethlayer path').length > 5 && !document.querySelector('[data-dash-is-loading=\"true\"]')"


# Open in Firefox only (README, "Accessibility"): axe reports AG Grid's header row
# (aria-required-children) and its scrolling viewports (scrollable-region-focusable); Chromium
# reports neither. The grid is left out of the Firefox run until they are fixed, and checked here.
FIREFOX_GRID_FINDINGS = {"aria-required-children", "scrollable-region-focusable"}


def _axe(ff: Firefox, *, context: str = "") -> list:
    ff.run(AXE.read_text(encoding="utf-8"))
    exclude = [*AXE_EXCLUDE, ["#engagement-grid"]]
    where = context or f"{{exclude: {exclude!r}}}"
    return ff.js(f"axe.run({where}, {{runOnly: {{type: 'tag', values: {WCAG22_AA!r}}}, resultTypes: ['violations']}})"
                 ".then(r => r.violations.map(v => v.id))")


def test_default_view_and_a_briefing_step_in_firefox_esr(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    base = dash_duo.server_url
    with Firefox() as ff:
        ff.listen_for_errors()
        ff.get(base + "/")
        ff.wait(DRAWN)
        assert ff.js("document.documentElement.lang") == "en"
        ff.js("document.getElementById('table-section').scrollIntoView() || true")  # drawn as it comes into view
        assert ff.wait("document.querySelectorAll('#engagement-grid .ag-center-cols-container .ag-row').length") > 0
        assert ff.js("document.querySelectorAll('.kf-summary').length") == 4
        assert _axe(ff) == []
        assert set(_axe(ff, context="{include: [['#engagement-grid']]}")) <= FIREFOX_GRID_FINDINGS
        # The language switch, as a user makes it: the radio labelled "Français".
        ff.js("document.querySelector('[data-field=\"lang\"] input[value=\"fr\"]').click() || true")
        ff.wait("document.documentElement.lang === 'fr' && document.getElementById('download-csv-button').textContent === 'Télécharger CSV'")
        assert "lang=fr" in ff.js("location.search")
        assert ff.console_errors() == []
        ff.get(base + "/?mode=brief&briefing=eu-mali-2013-2023&lang=fr")
        ff.wait("document.documentElement.dataset.stage === 'ready'")
        total = ff.js("window.sahelStage.go(1).then(() => document.querySelector('.stage-counter').textContent)")
        assert total.startswith("2 / ")
        assert ff.wait("document.querySelectorAll('#stage-map .choroplethlayer path').length") > 5
        assert ff.js("document.documentElement.lang") == "fr"
        assert _axe(ff) == []
        assert ff.console_errors() == []
