"""The index page's scripts (dashboard/page_scripts.py): no core-js polyfill, AG Grid's and
Mantine's scripts named for later instead of run before the first draw. Pure and Flask-client
tests; the browser side (the grid and the controls mounted after the map) is in
tests/test_browser.py and tests/test_after_map.py."""

from __future__ import annotations

import re

import dash_ag_grid as dag
import pytest

from dashboard.page_scripts import (
    GRID_SCRIPT_META,
    MANTINE_SCRIPT_META,
    DeskDash,
    ScriptsNotFoundError,
    grid_script_meta,
    lean_scripts,
    mantine_script_meta,
)

POLYFILL = '<script src="/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.12.1.min.js"></script>'
REACT = '<script src="/_dash-component-suites/dash/deps/react@18.v4_4_1m1.3.1.min.js"></script>'
GRID = '<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1.min.js"></script>'
DMC = '<script src="/_dash-component-suites/dash_mantine_components/dash_mantine_components.v2_8_1m1.js"></script>'


RENDERER = '<script src="/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_4_1m1.min.js"></script>'


def test_lean_scripts_takes_out_the_polyfill_the_grid_and_mantine_and_keeps_the_rest_in_order():
    lean = lean_scripts(f"{POLYFILL}\n{REACT}\n{DMC}\n{GRID}\n{RENDERER}")
    assert lean.grid == "/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m1.min.js"
    assert lean.mantine == "/_dash-component-suites/dash_mantine_components/dash_mantine_components.v2_8_1m1.js"
    assert lean.scripts == f"{REACT}\n{RENDERER}"


@pytest.mark.parametrize(("scripts", "missing"), [
    (f"{REACT}\n{GRID}\n{DMC}", "Dash's polyfill"),
    (f"{POLYFILL}\n{REACT}\n{DMC}", "AG Grid"),
    (f"{POLYFILL}\n{REACT}\n{GRID}", "Mantine"),
    (REACT, "Dash's polyfill or AG Grid or Mantine"),
    (f"{POLYFILL}\n{POLYFILL}\n{GRID}\n{DMC}", "Dash's polyfill"),  # not one: which would it be?
    (f"{POLYFILL}\n{GRID}\n{DMC}\n{DMC}", "Mantine"),
])
def test_lean_scripts_refuses_a_page_it_does_not_recognise(scripts, missing):
    """A Dash or dash-ag-grid upgrade that renames a script stops the app at start-up."""
    with pytest.raises(ScriptsNotFoundError, match=re.escape(f"no single {missing} <script>")):
        lean_scripts(scripts)


def test_an_index_page_without_the_scripts_stops_the_app_at_start_up(dash_app):  # noqa: ARG001 (see docstring)
    """(``dash_app`` first: Dash gives the clientside callbacks' scripts to the first app that
    writes an index page, and the real app must have them.)"""
    from dash import Dash

    from dashboard.page_scripts import check_index_page

    class Renamed(Dash):  # as if an upgrade had renamed AG Grid's script
        def interpolate_index(self, **kwargs):
            return DeskDash.interpolate_index(self, **{**kwargs, "scripts": kwargs["scripts"].replace("dash_ag_grid.", "grid.")})

    app = Renamed(__name__)
    app.layout = dag.AgGrid(id="grid")
    with pytest.raises(ScriptsNotFoundError, match="AG Grid"):
        check_index_page(app)


def test_the_meta_escapes_the_address():
    assert grid_script_meta('/a"b&c.js') == f'<meta name="{GRID_SCRIPT_META}" content="/a&quot;b&amp;c.js">'
    assert mantine_script_meta('/a"b&c.js') == (f'<meta name="{MANTINE_SCRIPT_META}" content="/a&quot;b&amp;c.js">'
                                                 '<link rel="preload" as="script" href="/a&quot;b&amp;c.js">')


def test_the_served_page_loads_neither_and_names_the_grid_script_it_serves(dash_app):
    client = dash_app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert not [s for s in sources if "polyfill" in s or "dash_ag_grid" in s or "dash_mantine_components" in s], sources
    # The bundles' one need from the polyfill comes from the vendored runtime, before Dash's renderer.
    # And assets/desk.js stands in for AG Grid's component before the renderer draws the layout.
    renderer = next(i for i, s in enumerate(sources) if "dash_renderer" in s)
    for asset in ("/assets/regenerator-runtime.js", "/assets/desk.js"):
        assert next(i for i, s in enumerate(sources) if asset in s) < renderer, asset
    url = re.search(rf'<meta name="{GRID_SCRIPT_META}" content="([^"]+)">', page).group(1)
    assert re.fullmatch(r"/_dash-component-suites/dash_ag_grid/dash_ag_grid\.v[0-9_]+m[0-9]+\.min\.js", url), url
    answer = client.get(url)
    assert answer.status_code == 200 and b"AgGrid" in answer.get_data()
    # Mantine's script: named, and preloaded (it downloads with the others, and runs after the map).
    mantine = re.search(rf'<meta name="{MANTINE_SCRIPT_META}" content="([^"]+)">', page).group(1)
    assert f'<link rel="preload" as="script" href="{mantine}">' in page
    assert re.fullmatch(r"/_dash-component-suites/dash_mantine_components/dash_mantine_components\.v[0-9_]+m[0-9]+\.js",
                        mantine), mantine
    answer = client.get(mantine)
    assert answer.status_code == 200 and b"MultiSelect" in answer.get_data()
    # The French page (dashboard/page_lang.py rewrites it after Dash) is the same page.
    french = client.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in french and f'content="{url}"' in french and "polyfill" not in french
