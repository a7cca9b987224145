"""Every component id of the app, in one place.

Controls that make up the shareable view use pattern-matching ids ``{"type": CONTROL,
"field": <ViewState field>}`` so one callback can read and write all of them as a group.
Static UI text uses ``{"type": TEXT, "key": <i18n key>}`` so a language switch is one callback.
"""

from __future__ import annotations

import json

CONTROL = "view-control"
TEXT = "i18n-text"
LABEL = "i18n-label"  # a choice (Mantine Radio or Checkbox) whose ``label`` prop is a translated text

URL = "url"
VIEW_STORE = "view-store"
# The first visit's timeline and table rows, kept aside until the map is drawn (assets/desk.js),
# and the map's values table, until its disclosure is opened.
DEFERRED = "deferred-parts"
I18N = "i18n-texts"  # both languages' texts, for the language switch (dashboard/page_text.py)
PICKER_SEARCH = "picker-search"  # what is typed in the engagement picker (not its label)
MAP_DRAWN = "map-drawn"  # set by assets/desk.js when the map's first draw is done
# Set by assets/desk.js when AG Grid's script, loaded after the map's first draw, has mounted the
# grid (dashboard/page_scripts.py): the table's rows wait for it.
GRID_READY = "grid-ready"
# Which parts of the page are in view, {part: bool} over IN_VIEW_PARTS (below), set by
# assets/desk.js; a part out of view waits in DEFERRED and is drawn when it comes into view.
IN_VIEW = "parts-in-view"
TIMELINE_SECTION = "timeline-section"  # the card around the timeline
TABLE_SECTION = "table-section"  # the card around the table (the skip link's target)
# The view controls' values, written in the browser when one differs from the value the view store
# says it shows: the view callback's trigger for a change made on the page (not by the callback).
CONTROLS_CHANGED = "controls-changed"
# The language the view callback has just drawn the view in, written only when it changes: the
# page's own texts follow it in the browser (so the switch posts first and translates after).
VIEW_LANG = "view-lang"
PLAY_INTERVAL = "play-interval"
PLAY_BUTTON = "play-button"
RESET_BUTTON = "reset-button"
SHARE_LINK = "share-link"

MAP_GRAPH = "map-graph"
MAP_NOTE = "map-note"
MAP_CAPTION = "map-caption"  # the map's accessible name: what it shows, for which period
MAP_TABLE = "map-table"  # the map's values as a table (its text alternative)
MAP_TABLE_DETAILS = "map-table-details"  # the disclosure around it
TIMELINE_GRAPH = "timeline-graph"
KEY_FIGURES = "key-figures"
DETAIL_PANEL = "detail-panel"
DETAIL_SECTION = "detail-section"  # the card around the detail panel
DETAIL_STATUS = "detail-status"  # announces a selection (the panel itself may be out of view)
# The parts drawn only in view, and the element that says whether each is: a card while any of it
# is in the window, or a disclosure (<details>) while open. The page gives this to assets/desk.js
# (data-in-view-parts).
IN_VIEW_PARTS = {"timeline": TIMELINE_SECTION, "table": TABLE_SECTION, "detail": DETAIL_SECTION,
                 "map_table": MAP_TABLE_DETAILS}
# The element that says a part waits (aria-busy): the part itself, but for the disclosure, its
# content (a closed disclosure is not busy: nothing in it is shown until it is opened).
BUSY_PARTS = {**IN_VIEW_PARTS, "map_table": MAP_TABLE}
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


def label(key: str) -> dict[str, str]:
    """The pattern-matching id of a choice (radio, checkbox) whose label is translated by ``key``."""
    return {"type": LABEL, "key": key}

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
