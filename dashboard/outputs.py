"""What each view-driven part of the page shows for a view state.

The callbacks call these on a change; the layout calls them for the first paint, so a first
visit draws the whole page without a round of callbacks (they are ``prevent_initial_call``,
and the URL sync writes the store only when the link asks for another view).
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.briefing import footer, title_bar
from dashboard.export_table import table_rows
from dashboard.panels import detail_panel, key_figures_strip
from dashboard.view import AppData, budget_lookup, compute_view, view_timeline_spec
from layers.i18n import fmt_int, t
from layers.view_state import ViewState

# The grid shows this many rows at most; the downloads always carry every row.
MAX_GRID_ROWS = 500
MAX_COUNT_SOURCES = 30  # sources listed under the engagement count


def timeline_output(app: AppData, state: ViewState) -> tuple[dict[str, Any], dict[str, str]]:
    """The timeline figure, and the graph's height (it follows the number of rows)."""
    fig = view_timeline_spec(app, state)
    return fig, {"height": f"{fig['layout']['height']}px"}


def key_figures_output(app: AppData, state: ViewState) -> list[html.Div]:
    """The key-figure strip."""
    view = compute_view(app, state)
    # The count's sources: the documents that date the engagements counted (the strip lists
    # the first MAX_COUNT_SOURCES; stop collecting there rather than walk 20,000 rows).
    sources: dict[str, None] = {}
    for ids in view.active["source_ids"]:
        sources.update(dict.fromkeys(ids))
        if len(sources) >= MAX_COUNT_SOURCES:
            break
    return key_figures_strip(app.tables, view.figures, state, view.unattributed, tuple(sources)[:MAX_COUNT_SOURCES])


def table_output(app: AppData, state: ViewState) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Grid rows, column definitions and caption."""
    view = compute_view(app, state)
    rows, columns = table_rows(app.tables, view.active.head(MAX_GRID_ROWS), state.lang, view.at, budget_lookup(app, state))
    caption = t("rows_shown", state.lang, n=fmt_int(len(view.active), state.lang), year=state.year)
    if len(view.active) > MAX_GRID_ROWS:
        caption += " " + t("grid_capped", state.lang, n=fmt_int(MAX_GRID_ROWS, state.lang))
    defs = [{"field": key, "headerName": name, "minWidth": 110 if key != "name" else 260, "tooltipField": key} for key, name in columns]
    return rows, defs, caption


def warning_output(app: AppData, state: ViewState, ignored: list[Any]) -> list[html.Component]:
    """Rejected rows (lenient mode) and ignored parts of a hand-edited link, never hidden."""
    out: list[html.Component] = []
    rejected = app.catalog.rejected
    if rejected:
        out.append(html.Div([
            html.Strong(t("data_warning", state.lang, n=len({(p.file, p.row) for p in rejected}))),
            html.Ul([html.Li(str(p)) for p in rejected[:100]]),
        ], className="warning"))
    if ignored:
        items = ", ".join(str(i)[:40] for i in ignored[:10])
        out.append(html.Div(t("ignored_link", state.lang, items=items), className="warning"))
    return out


def frame_output(app: AppData, state: ViewState) -> tuple[str, Any, Any]:
    """Presentation layout on or off, with the scene's title bar and the sources footer."""
    if state.mode != "brief":
        return "page", [], []
    briefing = app.catalog.briefings.get(state.briefing)
    attribution = app.catalog.geo_manifest.get("attribution", "")
    return ("page brief", title_bar(state, briefing, app.map_base.region_names),
            footer(state, app.catalog.data_as_of, attribution))


def detail_output(app: AppData, state: ViewState) -> list[html.Component]:
    """Everything about the selected engagement, with sources."""
    return detail_panel(app.tables, state.selected, state.lang)
