"""Callbacks for the timeline, key figures, detail panel, table, downloads and language."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.export_table import table_bytes, table_rows
from dashboard.layout import GRAPH_CONFIG, translated_options
from dashboard.panels import detail_panel, key_figures_strip
from dashboard.view import app_data, compute_view, state_from_store, view_timeline_figure
from layers.i18n import fmt_int, t

# The grid shows this many rows at most; the downloads always carry every row.
MAX_GRID_ROWS = 500


@callback(Output(ids.TIMELINE_GRAPH, "figure"), Output(ids.TIMELINE_GRAPH, "style"), Input(ids.VIEW_STORE, "data"))
def timeline_figure(store: Any) -> tuple[go.Figure, dict[str, str]]:
    """Mandate timeline of the filtered engagements, cursor at the view's date.

    The graph's height follows the number of rows (a responsive graph takes its container's
    height, which would otherwise be zero).
    """
    app = app_data()
    fig = view_timeline_figure(app, state_from_store(store, app))
    return fig, {"height": f"{fig.layout.height}px"}


@callback(Output(ids.KEY_FIGURES, "children"), Input(ids.VIEW_STORE, "data"))
def key_figures(store: Any) -> list[html.Div]:
    """The key-figure strip for the current view."""
    app = app_data()
    state = state_from_store(store, app)
    view = compute_view(app, state)
    # The count's sources: the documents that date the engagements counted.
    sources = tuple(dict.fromkeys(s for ids in view.active["source_ids"] for s in ids))
    return key_figures_strip(app.tables, view.figures, state, view.unattributed, sources)


@callback(Output(ids.DETAIL_PANEL, "children"), Input(ids.VIEW_STORE, "data"))
def detail(store: Any) -> list[html.Component]:
    """Everything about the selected engagement, with sources."""
    app = app_data()
    state = state_from_store(store, app)
    return detail_panel(app.tables, state.selected, state.lang)


@callback(
    Output(ids.TABLE_GRID, "rowData"),
    Output(ids.TABLE_GRID, "columnDefs"),
    Output(ids.TABLE_CAPTION, "children"),
    Input(ids.VIEW_STORE, "data"),
)
def engagement_table(store: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """The filtered engagements as a sortable table (the map's text alternative)."""
    app = app_data()
    state = state_from_store(store, app)
    view = compute_view(app, state)
    rows, columns = table_rows(app.tables, view.active.head(MAX_GRID_ROWS), state.lang, view.at)
    caption = t("rows_shown", state.lang, n=fmt_int(len(view.active), state.lang), year=state.year)
    if len(view.active) > MAX_GRID_ROWS:
        caption += " " + t("grid_capped", state.lang, n=fmt_int(MAX_GRID_ROWS, state.lang))
    return rows, [{"field": key, "headerName": name, "minWidth": 110 if key != "name" else 260} for key, name in columns], caption


@callback(
    Output(ids.control("selected"), "value", allow_duplicate=True),
    Input(ids.TIMELINE_GRAPH, "clickData"),
    Input(ids.TABLE_GRID, "selectedRows"),
    prevent_initial_call=True,
)
def select_engagement(click: Any, selected_rows: Any) -> Any:
    """Clicking a timeline bar or a table row selects that engagement (by id, not text)."""
    try:
        if ctx.triggered_id == ids.TIMELINE_GRAPH:
            engagement_id = click["points"][0]["customdata"]
        else:
            engagement_id = selected_rows[0]["id"]
    except (KeyError, IndexError, TypeError):
        return no_update
    if not isinstance(engagement_id, str) or engagement_id not in app_data().options.engagements:
        return no_update
    return engagement_id


@callback(
    Output(ids.text(ALL), "children"),
    Output(ids.control("regions"), "options"),
    Output(ids.control("actors"), "options"),
    Output(ids.control("sectors"), "options"),
    Output(ids.control("metric"), "options"),
    Output(ids.control("layers"), "options"),
    Output(ids.control("selected"), "options"),
    Output(ids.PAGE_TITLE, "children"),
    Output(ids.MAP_GRAPH, "config"),
    Output(ids.TIMELINE_GRAPH, "config"),
    Output(ids.control("regions"), "placeholder"),
    Output(ids.control("donors"), "placeholder"),
    Output(ids.control("actors"), "placeholder"),
    Output(ids.control("sectors"), "placeholder"),
    Output(ids.control("search"), "placeholder"),
    Input(ids.control("lang"), "value"),
)
def translate(lang: Any) -> tuple[Any, ...]:
    """Every static string and option label in the chosen language."""
    app = app_data()
    lang = lang if lang in ("en", "fr") else "en"
    keys = [item["id"]["key"] for item in ctx.outputs_list[0]]
    options = [translated_options(f, app, lang) for f in ("regions", "actors", "sectors", "metric", "layers", "selected")]
    # plotly.js formats axis dates and numbers with the locale served from assets/.
    configs = ({**GRAPH_CONFIG, "locale": lang}, {**GRAPH_CONFIG, "scrollZoom": False, "locale": lang})
    placeholders = (t("any", lang),) * 4 + (t("search_placeholder", lang),)
    return ([t(k, lang) for k in keys], *options, t("data_as_of", lang, date=app.catalog.data_as_of), *configs, *placeholders)


@callback(
    Output(ids.DATA_WARNING, "children"),
    Input(ids.VIEW_STORE, "data"),
)
def data_warning(store: Any) -> list[html.Component]:
    """Rejected rows (lenient mode) and ignored parts of a hand-edited link, never hidden."""
    app = app_data()
    state = state_from_store(store, app)
    out: list[html.Component] = []
    rejected = app.catalog.rejected
    if rejected:
        out.append(html.Div([
            html.Strong(t("data_warning", state.lang, n=len({(p.file, p.row) for p in rejected}))),
            html.Ul([html.Li(str(p)) for p in rejected[:100]]),
        ], className="warning"))
    ignored = store.get("ignored") if isinstance(store, dict) else None
    if isinstance(ignored, list) and ignored:
        items = ", ".join(str(i)[:40] for i in ignored[:10])
        out.append(html.Div(t("ignored_link", state.lang, items=items), className="warning"))
    return out


@callback(
    Output(ids.DOWNLOAD, "data"),
    Input(ids.DOWNLOAD_CSV_BUTTON, "n_clicks"),
    Input(ids.DOWNLOAD_XLSX_BUTTON, "n_clicks"),
    State(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,
)
def download_table(_csv: int, _xlsx: int, store: Any) -> dict[str, Any]:
    """The filtered rows with their source columns, as CSV or Excel."""
    app = app_data()
    state = state_from_store(store, app)
    view = compute_view(app, state)
    fmt = "xlsx" if ctx.triggered_id == ids.DOWNLOAD_XLSX_BUTTON else "csv"
    content = table_bytes(app.tables, view.active, state.lang, view.at, fmt)
    return dcc.send_bytes(content, f"sahel-engagements-{state.year}.{fmt}")
