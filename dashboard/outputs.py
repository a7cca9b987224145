"""What each view-driven part of the page shows for a view state.

The view callback calls these on a change (``dashboard.response``); the layout calls them for
the first paint, so a first visit draws the whole page without a round of callbacks (the view
callback writes only what a link asks to change).
"""

from __future__ import annotations

import json
import math
from typing import Any

from dash import Patch, html

from dashboard.briefing import exit_query
from dashboard.cards import headline_cards
from dashboard.export_table import columns, table_rows
from dashboard.panels import detail_panel
from dashboard.view import AppData, compute_view, view_map_spec, view_timeline_spec
from layers.faces import engagement_name
from layers.i18n import fmt_int, t
from layers.issue_text import issue_text
from layers.map_table import map_table
from layers.text_metrics import text_px
from layers.view_state import ViewState, to_query
from sahel_data.problems import group_by_cause

# The grid shows this many rows at most; the downloads always carry every row.
MAX_GRID_ROWS = 200
# Minimum widths that add up to the grid's width at 1920 px (about 1,500 px): the columns are
# then stretched to fill it (columnSize responsiveSizeToFit); long text is in each cell's tooltip.
COLUMN_WIDTHS = {"acronym": 100, "name": 190, "changed": 160, "group": 110, "status": 130, "part_of": 80, "actor": 100, "lead": 100,
                 "sectors": 110, "start": 85, "end": 85, "scope": 90, "amounts": 210, "source_ids": 110}
COLUMN_SHARE = {"name": 2, "amounts": 2}  # these start twice their minimum: they get twice the share of spare width
HEADER_FONT_PX = 14  # the grid's header text (AG Grid's theme)
HEADER_CHROME_PX = 54  # its cell's padding (16 + 16) and filter button (16), and a little room


def column_min_width(key: str, name: str) -> int:
    """A column's least width: its own, or wide enough for the longest word of its header, so a
    header wraps between words and never inside one ("Parti / e de" in French).
    """
    longest = max((text_px(word, HEADER_FONT_PX) for word in name.split()), default=0.0)
    return max(COLUMN_WIDTHS.get(key, 90), math.ceil(longest) + HEADER_CHROME_PX)


def timeline_output(app: AppData, state: ViewState) -> tuple[dict[str, Any], dict[str, str]]:
    """The timeline figure, and the graph's height (it follows the number of rows)."""
    fig = view_timeline_spec(app, state)
    return fig, {"height": f"{fig['layout']['height']}px"}


def key_figures_output(app: AppData, state: ViewState) -> list[html.Div]:
    """The key-figure cards."""
    return headline_cards(app.tables, compute_view(app, state), app.options, app.map_base.region_names, lang=state.lang,
                          data_as_of=app.data_as_of(state.lang))


def table_output(app: AppData, state: ViewState) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Grid rows, column definitions and caption (the caption's count is the card's)."""
    facts = compute_view(app, state)
    rows = table_rows(app.engine, facts, state.lang, limit=MAX_GRID_ROWS)
    listed = len(facts.selection.listed)
    counted = len(facts.selection.counted)
    caption = t("rows_shown", state.lang, n=fmt_int(listed, state.lang), counted=fmt_int(counted, state.lang),
                period=state.period.label(state.lang))
    if listed > MAX_GRID_ROWS:
        caption += " " + t("grid_capped", state.lang, n=fmt_int(MAX_GRID_ROWS, state.lang))
    if state.since and facts.changes.baseline:  # ?since=: the "Changed since" column says what
        caption += " " + t("changes_caption", state.lang, n=fmt_int(len(facts.changes.engagements), state.lang),
                           since=state.since, version=facts.changes.baseline)
    # The quotes (locators) stay in the downloads and the detail panel: in the grid they were
    # most of every view change's bytes.
    rows = [{k: v for k, v in r.items() if k != "locators"} for r in rows]
    named = [(key, name, column_min_width(key, name)) for key, name in columns(state.lang, state.since) if key != "locators"]
    defs = [{"field": key, "headerName": name, "minWidth": least, "width": least * COLUMN_SHARE.get(key, 1),
             "tooltipField": key, "wrapHeaderText": True, "autoHeaderHeight": True} for key, name, least in named]
    return rows, defs, caption


MAX_CAUSES_SHOWN = 100  # rejected rows listed with their reasons (validate lists every one)
MAX_DEPENDANTS_SHOWN = 50  # rows listed under each cause


def warning_output(app: AppData, state: ViewState, ignored: list[Any]) -> list[html.Component]:
    """Rejected rows (lenient mode) and ignored parts of a hand-edited link, never hidden.

    Each row rejected for a reason of its own is listed with it; the rows rejected because they
    refer to it (its mandates, figures, events, sites...) are listed under it, one click away.
    """
    out: list[html.Component] = []
    rejected = app.catalog.rejected
    if rejected:
        lang = state.lang
        causes = group_by_cause(rejected)
        items = []
        for cause in causes[:MAX_CAUSES_SHOWN]:
            parts: list[Any] = ["; ".join(str(p) for p in cause.problems) or f"{cause.file}, row {cause.row}"]
            if cause.dependants:
                shown = cause.dependants[:MAX_DEPENDANTS_SHOWN]
                more = len(cause.dependants) - len(shown)
                parts.append(html.Details([
                    html.Summary(t("rejected_dependants", lang, n=cause.dependant_rows)),
                    html.Ul([html.Li(str(p)) for p in shown] + ([html.Li(t("rejected_more", lang, n=more))] if more else [])),
                ], className="rejected-dependants"))
            items.append(html.Li(parts))
        if len(causes) > MAX_CAUSES_SHOWN:
            items.append(html.Li(t("rejected_more", lang, n=len(causes) - MAX_CAUSES_SHOWN)))
        out.append(html.Div([
            html.Strong(t("data_warning", lang, n=len({(p.file, p.row) for p in rejected if p.row}))),
            html.Ul(items),
        ], className="warning"))
    if ignored:
        # Whole messages ("from=2019-06 to=2019-03 (ends before it starts)"), capped only against abuse.
        items = "; ".join(issue_text(str(i), state.lang)[:160] for i in ignored[:10])
        out.append(html.Div(t("ignored_link", state.lang, items=items), className="warning"))
    return out


def map_table_output(figure: dict[str, Any], state: ViewState) -> tuple[str, html.Table]:
    """The map's caption (its accessible name) and its values as a table, from its figure."""
    table = map_table(figure, state.metric, state.lang)
    return table.caption, html.Table([
        html.Caption(table.caption),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in table.headers])),
        html.Tbody([html.Tr([html.Th(row[0], scope="row"), *[html.Td(c) for c in row[1:]]]) for row in table.rows]),
    ], className="detail-table")


def detail_output(app: AppData, state: ViewState) -> list[html.Component]:
    """Everything about the selected engagement, with sources."""
    return detail_panel(app, state.selected, state.lang)


def detail_waiting(lang: str) -> list[html.Component]:
    """What the detail panel shows while its new content waits for it to come into view."""
    return [html.P(t("detail_waiting", lang), className="muted")]


def table_waiting(lang: str) -> str:
    """What the table's caption says while its rows wait to come into view (never an older count)."""
    return t("table_waiting", lang)


def detail_status(app: AppData, state: ViewState) -> str:
    """The sentence that announces a selection ("" when nothing is selected: nothing to say)."""
    if not state.selected or state.selected not in app.tables["engagements"].index:
        return ""
    return t("detail_status", state.lang, name=engagement_name(app.tables, state.selected, state.lang))


# Geometry goes to the browser once, in the layout; a view change patches everything else.
STATIC_TRACE_KEYS = frozenset({"geojson", "type", "featureidkey"})


def patch_without_geometry(spec: dict[str, Any]) -> Patch:
    """A Patch that sets every trace property and the legend, but never the GeoJSON."""
    patch = Patch()
    for i, trace in enumerate(spec["data"]):
        for key, value in trace.items():
            if key not in STATIC_TRACE_KEYS:
                patch["data"][i][key] = value
    patch["layout"]["legend"] = spec["layout"]["legend"]
    return patch


def map_output(app: AppData, state: ViewState) -> tuple[Patch, str, html.Table]:
    """The map of a view as a Patch of values, colours and visibility (``uirevision`` keeps the
    user's zoom), and its caption and values as a table, from the same figure.
    """
    spec = view_map_spec(app, state, with_geometry=False)
    return (patch_without_geometry(spec), *map_table_output(spec, state))


def scene_output(app: AppData, state: ViewState) -> str:
    """The view as a scene to paste into a briefing file (presentation keys left out)."""
    scene = {"title": {"en": "…", "fr": "…"}, "note": {"en": "…", "fr": "…"}, "view": exit_query(to_query(state, app.options))}
    return json.dumps(scene, ensure_ascii=False, indent=2)
