"""The scripts the desk's index page loads before its first draw, and the ones it leaves for later.

Dash writes a ``<script>`` for every component library and for its own dependencies, and its
renderer starts only once all of them have run. Three of them cost the first map without helping it
(measured in a first visit, ``benchmarks.interaction``):

- **AG Grid** (1.3 MB, plus a 0.9 MB chunk it loads when a grid mounts): the table is below the
  fold. Its script is taken out of the page and named in a ``<meta>``; ``assets/desk.js`` stands
  a placeholder in for the grid until the map is drawn, then loads the script and mounts the grid.
- **Mantine** (1 MB): only the parts drawn after the map use it (``dashboard/after_map.py``). Its
  script is preloaded, so it downloads with the others, and run once the map is drawn
  (``assets/desk.js``, which stands a placeholder in for its components until then: Dash's renderer
  looks every component of the layout up as it starts, mounted or not).
- **Dash's ``@babel/polyfill``** (core-js 2 and regenerator): a current browser has every feature
  core-js 2 adds but ``setImmediate`` (which every bundle here checks for before use), and
  core-js still replaces some native functions with its own slower ones
  (``String.prototype.trim``, which plotly.js calls for every attribute it sets). The bundles need
  only its regenerator runtime, vendored as ``assets/regenerator-runtime.js``
  (``scripts/vendor_assets.sh``).

A Dash, dash-ag-grid or dash-mantine-components upgrade that renames one of these scripts stops the app at start-up
(``check_index_page``, called by ``create_app``), not in a visitor's browser
(``tests/test_page_scripts.py``).
"""

from __future__ import annotations

import html
import re
from typing import Any, NamedTuple

from dash import Dash

GRID_SCRIPT_META = "deferred-grid-script"  # read by assets/desk.js
MANTINE_SCRIPT_META = "deferred-mantine-script"  # read by assets/desk.js
_POLYFILL = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@[^"]*"></script>\s*')
_GRID = re.compile(r'<script src="([^"]*/_dash-component-suites/dash_ag_grid/dash_ag_grid\.[^"/]*\.js)"></script>\s*')
_MANTINE = re.compile(
    r'<script src="([^"]*/_dash-component-suites/dash_mantine_components/dash_mantine_components\.[^"/]*\.js)"></script>\s*')


class ScriptsNotFoundError(RuntimeError):
    """The index page lacks a script this module expects to move (a Dash, AG Grid or Mantine upgrade)."""


class LeanScripts(NamedTuple):
    """The index page's scripts made lean, and the addresses of the two it leaves for later."""

    scripts: str
    grid: str
    mantine: str


def lean_scripts(scripts: str) -> LeanScripts:
    """``scripts`` (Dash's ``{%scripts%}``) without the polyfill, AG Grid's script and Mantine's,
    and the addresses of those two.
    """
    without_polyfill, polyfills = _POLYFILL.subn("", scripts)
    found = {"AG Grid": _GRID.findall(without_polyfill), "Mantine": _MANTINE.findall(without_polyfill)}
    missing = [name for name, ok in (("Dash's polyfill", polyfills == 1), *((k, len(v) == 1) for k, v in found.items())) if not ok]
    if missing:
        raise ScriptsNotFoundError(f"the index page's scripts have no single {' or '.join(missing)} <script> to move")
    lean = _MANTINE.sub("", _GRID.sub("", without_polyfill))
    return LeanScripts(lean, html.unescape(found["AG Grid"][0]), html.unescape(found["Mantine"][0]))


def grid_script_meta(url: str) -> str:
    """The ``<meta>`` that names AG Grid's script for ``assets/desk.js``."""
    return f'<meta name="{GRID_SCRIPT_META}" content="{html.escape(url, quote=True)}">'


def mantine_script_meta(url: str) -> str:
    """The ``<meta>`` that names Mantine's script for ``assets/desk.js``, and its preload."""
    address = html.escape(url, quote=True)
    return f'<meta name="{MANTINE_SCRIPT_META}" content="{address}"><link rel="preload" as="script" href="{address}">'


def check_index_page(app: Dash) -> None:
    """Build ``app``'s index page once: ``ScriptsNotFoundError`` now, not on a visitor's request."""
    with app.server.test_request_context(app.config.requests_pathname_prefix):
        app.index()


class DeskDash(Dash):
    """Dash, with an index page that runs AG Grid's and Mantine's scripts after the map and has no
    core-js polyfill.
    """

    def interpolate_index(self, **kwargs: Any) -> str:
        """Dash's index page, its scripts made lean (``lean_scripts``)."""
        lean = lean_scripts(kwargs["scripts"])
        kwargs["scripts"] = lean.scripts
        kwargs["metas"] = kwargs.get("metas", "") + grid_script_meta(lean.grid) + mantine_script_meta(lean.mantine)
        return super().interpolate_index(**kwargs)
