"""AG Grid's own texts in the page's language: its menus, filters, pagination and ARIA labels.

English is AG Grid's built-in language. French is AG Grid's French locale, vendored from npm
``@ag-grid-community/locale`` (MIT, the version of the ag-grid-community that dash-ag-grid
bundles) by ``scripts/vendor_assets.sh`` into ``assets/ag-grid-locale-fr.json``; it reaches the
grid through ``dashGridOptions.localeText``. Dash serves ``assets/`` but loads only its
``.js`` and ``.css`` files into the page, so the JSON is read here, once.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALE_FILES = {"fr": Path(__file__).resolve().parent.parent / "assets" / "ag-grid-locale-fr.json"}


@cache
def _load(lang: str) -> dict[str, str]:
    path = LOCALE_FILES.get(lang)
    return json.loads(path.read_text(encoding="utf-8")) if path else {}


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's ``localeText`` for ``lang`` (empty for English: the grid's built-in texts)."""
    return dict(_load(lang))
