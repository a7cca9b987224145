"""Every component id of the app, in one place.

Controls that make up the shareable view use pattern-matching ids ``{"type": CONTROL,
"field": <ViewState field>}`` so one callback can read and write all of them as a group.
Static UI text uses ``{"type": TEXT, "key": <i18n key>}`` so a language switch is one callback.
"""

from __future__ import annotations

import json

CONTROL = "view-control"
TEXT = "i18n-text"

URL = "url"
VIEW_STORE = "view-store"
# The first visit's timeline and table rows, kept aside until the map is drawn (assets/desk.js).
DEFERRED = "deferred-parts"
I18N = "i18n-texts"  # both languages' texts, for the language switch (dashboard/page_text.py)
PICKER_SEARCH = "picker-search"  # what is typed in the engagement picker (not its label)
MAP_DRAWN = "map-drawn"  # set by assets/desk.js when the map's first draw is done
PLAY_INTERVAL = "play-interval"
PLAY_BUTTON = "play-button"
RESET_BUTTON = "reset-button"
SHARE_LINK = "share-link"

MAP_GRAPH = "map-graph"
MAP_NOTE = "map-note"
MAP_CAPTION = "map-caption"  # the map's accessible name: what it shows, for which period
MAP_TABLE = "map-table"  # the map's values as a table (its text alternative)
TIMELINE_GRAPH = "timeline-graph"
KEY_FIGURES = "key-figures"
DETAIL_PANEL = "detail-panel"
TABLE_GRID = "engagement-grid"
TABLE_CAPTION = "engagement-caption"
DOWNLOAD_CSV_BUTTON = "download-csv-button"
DOWNLOAD_XLSX_BUTTON = "download-xlsx-button"
DOWNLOAD = "download"
DATA_WARNING = "data-warning"
PAGE_TITLE = "page-title"
EXPORT_PREFIX = "export-"  # + format: one download link per export format
EXPORT_FORMATS = ("png", "svg", "pdf", "pack", "csv", "xlsx")
EXPORT_TITLE = "export-title"  # the export's own title (title= in its link)
EXPORT_SUBTITLE = "export-subtitle"
EXPORT_SIZE = "export-size"
EXPORT_STATUS = "export-status"  # progress and refusals of the export buttons (assets/export.js)
DECK_PPTX = "deck-pptx"  # the chosen briefing's deck to download
DECK_PDF = "deck-pdf"
DECK_STATUS = "deck-status"


def export_link(fmt: str) -> str:
    """The id of the download link for ``fmt``."""
    return EXPORT_PREFIX + fmt


def control(field: str) -> dict[str, str]:
    """The pattern-matching id of the control bound to ViewState ``field``."""
    return {"type": CONTROL, "field": field}


CARD = "kf-card"
CARD_BODY = "kf-body"


def card(key: str) -> dict[str, str]:
    """The pattern-matching id of a key-figure card (a <details>; its n_clicks opens it)."""
    return {"type": CARD, "key": key}


def card_body(key: str) -> dict[str, str]:
    """The pattern-matching id of a key-figure card's body (filled when the card is opened)."""
    return {"type": CARD_BODY, "key": key}


def text(key: str) -> dict[str, str]:
    """The pattern-matching id of a static text element translated by ``key``."""
    return {"type": TEXT, "key": key}

PAGE_ROOT = "page-root"
BRIEF_START = "brief-start"
BRIEF_PRESENT = "brief-present"
BRIEF_PICK = "brief-pick"
SCENE_TEXT = "scene-text"


def dom_id(component_id: str | dict[str, str]) -> str:
    """The id attribute Dash gives a component in the page (dict ids: sorted, compact JSON)."""
    if isinstance(component_id, str):
        return component_id
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
