"""The scripts the desk's index page loads before its first draw, and the ones it leaves for later.

Dash writes a ``<script>`` for every component library and for its own dependencies, and its
renderer starts only once all of them have run. Two of them cost the first map without helping it
(measured in a first visit, ``benchmarks.interaction``):

- **AG Grid** (1.3 MB, plus a 0.9 MB chunk it loads when a grid mounts): the table is below the
  fold. Its script is taken out of the page and named in a ``<meta>``; ``assets/desk.js`` stands
  a placeholder in for the grid until the map is drawn, then loads the script and mounts the grid.
- **Dash's ``@babel/polyfill``** (core-js 2 and regenerator): a current browser has every feature
  core-js 2 adds but ``setImmediate`` (which every bundle here checks for before use), and
  core-js still replaces some native functions with its own slower ones
  (``String.prototype.trim``, which plotly.js calls for every attribute it sets). The bundles need
  only its regenerator runtime, vendored as ``assets/regenerator-runtime.js``
  (``scripts/vendor_assets.sh``).

A Dash or dash-ag-grid upgrade that renames either script stops the app at start-up
(``check_index_page``, called by ``create_app``), not in a visitor's browser
(``tests/test_page_scripts.py``).
"""

from __future__ import annotations

import html
import re
from typing import Any

from dash import Dash

GRID_SCRIPT_META = "deferred-grid-script"  # read by assets/desk.js
_POLYFILL = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@[^"]*"></script>\s*')
_GRID = re.compile(r'<script src="([^"]*/_dash-component-suites/dash_ag_grid/dash_ag_grid\.[^"/]*\.js)"></script>\s*')


class ScriptsNotFoundError(RuntimeError):
    """The index page lacks a script this module expects to move (a Dash or AG Grid upgrade)."""


def lean_scripts(scripts: str) -> tuple[str, str]:
    """``scripts`` (Dash's ``{%scripts%}``) without the polyfill and AG Grid's script, and the
    AG Grid script's address.
    """
    without_polyfill, polyfills = _POLYFILL.subn("", scripts)
    grid = _GRID.search(without_polyfill)
    if polyfills != 1 or grid is None:
        missing = [name for name, found in (("Dash's polyfill", polyfills == 1), ("AG Grid", grid is not None)) if not found]
        raise ScriptsNotFoundError(f"the index page's scripts have no single {' or '.join(missing)} <script> to move")
    return without_polyfill[:grid.start()] + without_polyfill[grid.end():], html.unescape(grid.group(1))


def grid_script_meta(url: str) -> str:
    """The ``<meta>`` that names AG Grid's script for ``assets/desk.js``."""
    return f'<meta name="{GRID_SCRIPT_META}" content="{html.escape(url, quote=True)}">'


def check_index_page(app: Dash) -> None:
    """Build ``app``'s index page once: ``ScriptsNotFoundError`` now, not on a visitor's request."""
    with app.server.test_request_context(app.config.requests_pathname_prefix):
        app.index()


class DeskDash(Dash):
    """Dash, with an index page that loads AG Grid after the map and no core-js polyfill."""

    def interpolate_index(self, **kwargs: Any) -> str:
        """Dash's index page, its scripts made lean (``lean_scripts``)."""
        scripts, grid_url = lean_scripts(kwargs["scripts"])
        kwargs["scripts"] = scripts
        kwargs["metas"] = kwargs.get("metas", "") + grid_script_meta(grid_url)
        return super().interpolate_index(**kwargs)
