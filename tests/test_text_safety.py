"""Text from data is shown as written, never run as markup (issue 19): one test per output.

plotly draws a subset of HTML in every text (a ``<a href>`` acronym was a live link on the
timeline's axis), so text that reaches a figure goes through ``layers.text.plain``. Dash's HTML
components and the AG Grid show text as text, so there the same string must arrive unchanged
(escaping it there would put ``&lt;`` on screen). The loader refuses markup in names (see the
corrupted-data catalogue); these tests build tables by hand, past the loader, so the outputs
are safe even if such a name got in.
"""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date
from typing import Any

import pandas as pd
import plotly

from layers.period import Period
from layers.rules.engine import Engine
from layers.text import plain
from layers.timeline import timeline_spec
from layers.view_state import ViewState
from tests.builders import make_tables

HOSTILE = "<a href='//e.xx'>X</a>"
ESCAPED = "&lt;a href='//e.xx'&gt;X&lt;/a&gt;"
TODAY = date(2026, 11, 30)
REGIONS = [{"region_code": "ML", "name_fr": "Mali", "name_en": "Mali", "kind": "country", "drawn_as": "MLI"},
           {"region_code": "ML-5", "name_fr": "Mopti", "name_en": "Mopti", "kind": "region", "drawn_as": "ML-5"}]


def _engine() -> Engine:
    tables = make_tables(
        regions=REGIONS,
        engagements=[{"engagement_id": "E1", "name_en": f"Mission {HOSTILE}", "name_fr": f"Mission {HOSTILE}", "acronym": HOSTILE,
                      "kind": "bilateral_project", "actor_type": "france", "lead_actor": f"Lead {HOSTILE}", "sectors": "training",
                      "status": "active", "scope": "national", "start_date": "2018-01-01", "end_date": "2020-12-31",
                      "description_en": HOSTILE, "description_fr": HOSTILE}],
        mandates=[{"mandate_id": "M1", "engagement_id": "E1", "number": "1", "start_date": "2018-01-01", "end_date": "2020-12-31",
                   "legal_basis": f"Decision {HOSTILE}"}],
        indicators=[{"indicator_id": "I1", "engagement_id": "E1", "date": "2019-06", "indicator": "personnel", "value": "300",
                     "qualifier": "exact", "scope": "mali", "note": HOSTILE}],
        events=[{"event_id": "EV1", "date": "2019-03-01", "kind": "coup", "title_en": HOSTILE, "title_fr": HOSTILE,
                 "key_event": "true"}],
    )
    return Engine(tables, TODAY)


def _strings(value: Any) -> list[str]:
    """Every string in a JSON-like value."""
    out, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return out


def test_plain_escapes_plotly_markup_and_nothing_else():
    assert plain(HOSTILE) == ESCAPED
    assert plain("AT&T <b>") == "AT&amp;T &lt;b&gt;"
    assert plain("Ménaka — Gao, 30 Sep 2023 «x»") == "Ménaka — Gao, 30 Sep 2023 «x»"
    assert plain(12) == "12"


def test_timeline_axis_labels_hover_and_events_show_markup_as_text():
    engine = _engine()
    facts = engine.facts(ViewState(period=Period.year(2019)))
    spec = timeline_spec(engine, facts, lang="en", data_date=pd.Timestamp("2026-11-22"))
    ticks = spec["layout"]["yaxis"]["ticktext"]
    assert ESCAPED in ticks  # the row of E1, named by its acronym: text, not a link
    texts = _strings(spec)
    assert not [s for s in texts if "<a " in s or "</a>" in s]  # no live markup anywhere in the figure
    assert any(ESCAPED in s for s in texts if s.startswith("<b>"))  # hover: our bold, their name escaped
    assert any(f"Decision {ESCAPED}" in s for s in texts)  # the legal basis in the hover
    big = timeline_spec(engine, facts, lang="en", data_date=pd.Timestamp("2026-11-22"), big=True)  # the stage's timeline
    assert ESCAPED in big["layout"]["yaxis"]["ticktext"] and not [s for s in _strings(big) if "<a " in s]


def _app_parts(engine: Engine):
    from dashboard.view import build_options

    options = build_options(engine.tables, TODAY, {})
    names = {r["region_code"]: {"en": r["name_en"], "fr": r["name_fr"]} for r in REGIONS}
    return options, names


def test_key_figures_show_the_name_as_text_never_as_a_link():
    from dashboard.cards import card_body, headline_cards

    engine = _engine()
    facts = engine.facts(ViewState(period=Period.year(2019)))
    options, names = _app_parts(engine)
    components = [*headline_cards(engine.tables, facts, options, names, lang="en", data_as_of="22 Nov 2026"),
                  *card_body(engine.tables, facts, "personnel", "en"), *card_body(engine.tables, facts, "engagements", "en")]
    page = json.loads(plotly.io.json.to_json_plotly(components))
    texts = _strings(page)
    assert any(HOSTILE in s for s in texts)  # React renders a string child as text: shown as written
    assert not any("&lt;" in s for s in texts)  # ... so it is not escaped twice
    assert "//e.xx" not in {c.get("props", {}).get("href") for c in _components(page)}  # no link made from data


def _components(value: Any) -> list[dict[str, Any]]:
    out, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "type" in node and "props" in node:
                out.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def test_table_rows_carry_the_text_and_the_grid_renders_it_as_text(dash_app):
    from dashboard.export_table import table_bytes, table_rows

    engine = _engine()
    facts = engine.facts(ViewState(period=Period.year(2019)))
    rows = table_rows(engine, facts, "en")
    assert rows[0]["acronym"] == HOSTILE and rows[0]["name"] == f"Mission {HOSTILE}"  # data stays data
    text = table_bytes(engine, facts, "en", "csv").decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(text)))["Acronym"] == HOSTILE
    # The grid draws cell values and tooltips as text: no HTML or markdown renderer, no code allowed.
    grid = next(c for c in _components(json.loads(plotly.io.json.to_json_plotly(dash_app.layout)))
                if c["props"].get("id") == "engagement-grid")
    props = grid["props"]
    assert not props.get("dangerously_allow_code")
    assert not [d for d in props.get("columnDefs") or [] if "cellRenderer" in d or "tooltipComponent" in d]


def test_detail_panel_shows_markup_as_text(app_data):
    from dataclasses import replace

    from dashboard.panels import detail_panel

    engine = _engine()
    catalog = replace(app_data.catalog, tables=engine.tables)
    app = replace(app_data, catalog=catalog, engine=engine)
    page = json.loads(plotly.io.json.to_json_plotly(detail_panel(app, "E1", "en")))
    texts = _strings(page)
    assert any(HOSTILE in s for s in texts) and not any("&lt;" in s for s in texts)
    assert "//e.xx" not in {c.get("props", {}).get("href") for c in _components(page)}


def test_map_hover_and_region_notes_show_markup_as_text():
    """The map's hover text (layers.map_figure.region_hover) and the notes under a region's value
    (layers.region_notes: plotly markup whose names went through plain)."""
    from layers.map_figure import region_hover
    from layers.region_notes import region_notes

    hover = region_hover({"en": HOSTILE, "fr": HOSTILE}, "idp", 120.0, "31 Dec 2022", "", lang="en")
    assert "<a " not in hover and HOSTILE in html.unescape(hover)  # escaped, and shown as written
    engine = _engine()
    values = pd.DataFrame({"region_code": ["ML-5"], "note": [f"{HOSTILE}: no count"]})
    notes = region_notes(values, "idp", engine.tables, "en")
    assert notes == {"ML-5": f"{ESCAPED}: no count"}


def test_export_page_shows_a_hostile_title_and_timeline_as_text():
    """An export page (layers.snapshot.figure_page): the title a user typed, the filters and the
    timeline's row names stay text."""
    from layers.snapshot import PAGE_SIZES, PageText, figure_page

    engine = _engine()
    facts = engine.facts(ViewState(period=Period.year(2019)))
    spec = timeline_spec(engine, facts, lang="en", data_date=pd.Timestamp("2026-11-22"))
    page = figure_page(next(iter(PAGE_SIZES.values())), PageText(title=HOSTILE, filters=f"2019 · {HOSTILE}"), spec)
    texts = _strings(page.to_plotly_json())
    assert not [s for s in texts if "<a " in s or "</a>" in s]
    assert any(ESCAPED in s for s in texts)
