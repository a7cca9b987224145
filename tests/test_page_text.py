"""The page's translated texts as the layout draws them, and what the layout leaves out.

Each Dash component of the page adds to the cost of every store update in Dash's renderer (a
view change makes about 90), so a translated label is a string in its control's own prop
(``TEXT_PROPS``, ``ids.label``) rather than a Span of its own, the export messages live in the
texts store rather than in hidden elements, and the map's values table waits until it is opened.
"""

from __future__ import annotations

from typing import Any

import pytest
from dash.development.base_component import Component

from dashboard import ids
from dashboard.export_controls import JS_MESSAGES
from dashboard.layout import components, serve_layout
from dashboard.page_text import TEXT_PROPS
from layers.i18n import t
from layers.view_state import LANGS


@pytest.fixture(scope="module")
def page(app_data) -> list[Component]:
    return components(serve_layout(app_data))


def _by_id(page: list[Component]) -> dict[str, Component]:
    return {ids.dom_id(c.id): c for c in page if getattr(c, "id", None) is not None}


def _store(page: list[Component], store_id: str) -> Any:
    return _by_id(page)[store_id].data


def test_each_translated_prop_is_drawn_in_english_as_a_plain_string(page):
    found = _by_id(page)
    for component_id, prop, key in TEXT_PROPS:
        value = getattr(found[ids.dom_id(component_id)], prop)
        assert value == t(key, "en"), (component_id, prop, value)


def test_each_choice_label_is_its_own_text_in_english(page):
    choices = [c for c in page if isinstance(getattr(c, "id", None), dict) and c.id["type"] == ids.LABEL]
    assert len(choices) >= 15  # metric and timeline radios, geography and layer checkboxes
    assert all(c.label == t(c.id["key"], "en") for c in choices)


def test_the_language_switch_has_every_label_in_both_languages(page):
    texts = _store(page, ids.I18N)
    keys = {key for _, _, key in TEXT_PROPS} | {c.id["key"] for c in page
                                                if isinstance(getattr(c, "id", None), dict) and c.id["type"] == ids.LABEL}
    for lang in LANGS:
        assert {k: texts[lang]["texts"].get(k) for k in keys} == {k: t(k, lang) for k in keys}


def test_export_messages_are_texts_for_the_script_not_elements_of_the_page(page):
    texts = _store(page, ids.I18N)
    for lang in LANGS:
        assert {k: texts[lang]["texts"][k] for k in JS_MESSAGES} == {k: t(k, lang) for k in JS_MESSAGES}
    text_ids = {c.id["key"] for c in page if isinstance(getattr(c, "id", None), dict) and c.id["type"] == ids.TEXT}
    assert not text_ids & set(JS_MESSAGES)
    assert t("export_working", "fr") != t("export_working", "en")  # the French message exists to be found


def test_the_map_values_table_waits_until_its_disclosure_is_opened(page):
    found = _by_id(page)
    assert found[ids.MAP_TABLE].children is None
    deferred = _store(page, ids.DEFERRED)["map_table"]
    assert type(deferred).__name__ == "Table"
    caption = found[ids.MAP_CAPTION].children
    assert deferred.children[0].children == caption  # the table's caption is the map's name


def test_the_first_page_stays_lean(page):
    # About 280 components before the labels became strings and the closed table waited: every
    # store update of a change then cost 0.45 ms in Dash's renderer, against 0.26 ms at 176.
    assert len(page) < 200, len(page)


def test_no_label_or_button_text_is_left_out_of_the_language_switch(page):
    # The other way round from the test above: a string label or button text the layout draws is
    # either a TEXT_PROPS entry or a choice with its ids.label id, so none stays English.
    listed = {(ids.dom_id(cid), prop) for cid, prop, _ in TEXT_PROPS}
    missed = []
    for c in page:
        cid = getattr(c, "id", None)
        choice = isinstance(cid, dict) and cid.get("type") == ids.LABEL
        if isinstance(getattr(c, "label", None), str) and not choice and (ids.dom_id(cid) if cid else None, "label") not in listed:
            missed.append((type(c).__name__, cid, c.label))
        if type(c).__name__ in ("Button", "A") and isinstance(c.children, str) and cid and (ids.dom_id(cid), "children") not in listed:
            missed.append((type(c).__name__, cid, c.children))
    # Kept as they are: the export formats' names, the Play button (its clientside callback names
    # it in the language of the page) and the skip link (an ids.text element).
    allowed = {*(fmt.upper() for fmt in ids.EXPORT_FORMATS), t("play", "en"), t("skip_to_table", "en")}
    assert [m for m in missed if m[2] not in allowed] == []
