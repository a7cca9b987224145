"""Callbacks for the timeline, key figures, detail panel, table, downloads and language."""

from __future__ import annotations

from typing import Any

from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.cards import card_body
from dashboard.export_table import table_bytes
from dashboard.inputs import clicks as clicks_of
from dashboard.inputs import first_point, first_row, lang_of, text_of, wildcard_keys
from dashboard.layout import (
    briefing_options,
    engagement_options,
    grid_options,
    timeline_config,
    translated_options,
)
from dashboard.outputs import detail_output, key_figures_output, table_output, timeline_output, warning_output
from dashboard.view import app_data, compute_view, state_from_store
from layers.i18n import t
from layers.strings import STRINGS
from layers.view_state import MAX_TEXT, state_from_values


@callback(Output(ids.TIMELINE_GRAPH, "figure"), Output(ids.TIMELINE_GRAPH, "style"), Output(ids.TIMELINE_GRAPH, "config"),
          Input(ids.VIEW_STORE, "data"), prevent_initial_call=True)
def timeline_figure(store: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Mandate timeline of the filtered engagements, cursor at the view's date (and its config
    in the view's language: the graph applies a config only with a figure).
    """
    app = app_data()
    state = state_from_store(store, app)
    return (*timeline_output(app, state), timeline_config(state.lang))


@callback(Output(ids.KEY_FIGURES, "children"), Input(ids.VIEW_STORE, "data"), prevent_initial_call=True)
def key_figures(store: Any) -> list[html.Div]:
    """The key-figure strip for the current view."""
    app = app_data()
    return key_figures_output(app, state_from_store(store, app))


@callback(
    Output(ids.card_body(MATCH), "children"),
    Input(ids.card(MATCH), "n_clicks"),
    State(ids.card_body(MATCH), "children"),
    State(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,
)
def explain_card(n_clicks: Any, body: Any, store: Any) -> list[Any]:
    """A key figure's rows, reasons and sources, built when the card is first opened (any later
    click inside it, on a source link say, leaves it as it is; a new view resets the cards).
    """
    app = app_data()
    key = ctx.triggered_id.get("key") if isinstance(ctx.triggered_id, dict) else None
    if key not in ("engagements", "money", "personnel", "idps") or (clicks_of(n_clicks) or 0) < 1 or body != "…":
        return no_update
    state = state_from_store(store, app)
    return card_body(app.tables, compute_view(app, state), key, state.lang)


@callback(Output(ids.DETAIL_PANEL, "children"), Input(ids.control("selected"), "value"), Input(ids.control("lang"), "value"),
          prevent_initial_call=True)
def detail(selected: Any, lang: Any) -> list[html.Component]:
    """Everything about the selected engagement, with sources.

    It depends on the selection and the language only, so it listens to those two controls:
    a year step or a filter change does not rebuild (and resend) the panel.
    """
    app = app_data()
    return detail_output(app, state_from_values({"selected": selected, "lang": lang}, app.options))


@callback(
    Output(ids.TABLE_GRID, "rowData"),
    Output(ids.TABLE_GRID, "columnDefs"),
    Output(ids.TABLE_CAPTION, "children"),
    Input(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,
)
def engagement_table(store: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """The filtered engagements as a sortable table (the map's text alternative)."""
    app = app_data()
    return table_output(app, state_from_store(store, app))


@callback(
    Output(ids.control("selected"), "value", allow_duplicate=True),
    Output(ids.control("selected"), "data", allow_duplicate=True),
    Input(ids.TIMELINE_GRAPH, "clickData"),
    Input(ids.TABLE_GRID, "selectedRows"),
    State(ids.control("lang"), "value"),
    prevent_initial_call=True,
)
def select_engagement(click: Any, selected_rows: Any, lang: Any) -> tuple[Any, Any]:
    """Clicking a timeline bar or a table row selects that engagement (by id, not text), and
    lists it in the picker in the same response (the picker clears values it does not list).
    """
    if ctx.triggered_id == ids.TIMELINE_GRAPH:
        engagement_id = first_point(click, "customdata")
    else:
        engagement_id = first_row(selected_rows, "id")
    app = app_data()
    if not isinstance(engagement_id, str) or engagement_id not in app.options.engagements:
        return no_update, no_update
    return engagement_id, engagement_options(app, lang_of(lang), keep=engagement_id)


TRANSLATED_SELECTS = ("regions", "donors", "actors", "sectors", "month_from", "month_to")
SEARCHABLE = ("regions", "donors", "actors", "sectors", "selected")


@callback(
    Output(ids.text(ALL), "children"),
    *[Output(ids.control(field), "data") for field in TRANSLATED_SELECTS],
    Output(ids.BRIEF_PICK, "data"),
    Output(ids.PAGE_TITLE, "children"),
    Output(ids.control("regions"), "placeholder"),
    Output(ids.control("donors"), "placeholder"),
    Output(ids.control("actors"), "placeholder"),
    Output(ids.control("sectors"), "placeholder"),
    Output(ids.control("search"), "placeholder"),
    Output(ids.EXPORT_SUBTITLE, "placeholder"),
    *[Output(ids.control(field), "nothingFoundMessage") for field in SEARCHABLE],
    Output(ids.control("years"), "thumbFromLabel"),
    Output(ids.control("years"), "thumbToLabel"),
    Output(ids.TABLE_GRID, "dashGridOptions"),
    Input(ids.control("lang"), "value"),
    prevent_initial_call=True,  # the layout is drawn in English; a link in French sets the control
)
def translate(lang: Any) -> tuple[Any, ...]:
    """Every static string, option label and control name in the chosen language, and the
    grid's own texts (AG Grid's locale).
    """
    app = app_data()
    lang = lang_of(lang)
    keys = wildcard_keys(ctx.outputs_list[0], "key", STRINGS.keys())
    if keys is None:  # texts this page does not have: a hand-made post
        return no_update
    options = [translated_options(f, app, lang) for f in TRANSLATED_SELECTS] + [briefing_options(app, lang)]
    placeholders = (t("any", lang),) * 4 + (t("search_placeholder", lang), t("export_subtitle_placeholder", lang))
    names = (t("nothing_found", lang),) * len(SEARCHABLE) + (t("first_year", lang), t("last_year", lang))
    return ([t(k, lang) for k in keys], *options, app.as_of_line(lang), *placeholders, *names, grid_options(lang))


# The page's language and title follow the language switch (the index page has them from its
# address: dashboard/page_lang.py). String work in the browser; the CSP allows it by hash.
clientside_callback(
    """function (lang, title) {
        var code = lang === 'fr' ? 'fr' : 'en';
        document.documentElement.lang = code;
        if (typeof title === 'string' && title) { document.title = title; }
        return code;
    }""",
    Output(ids.PAGE_ROOT, "lang"),
    Input(ids.control("lang"), "value"),
    Input(ids.text("title"), "children"),
)


@callback(
    Output(ids.control("selected"), "data", allow_duplicate=True),
    Input(ids.control("selected"), "searchValue"),
    Input(ids.control("selected"), "value"),
    Input(ids.control("lang"), "value"),
    prevent_initial_call=True,
)
def engagement_picker_options(search: Any, selected: Any, lang: Any) -> list[dict[str, str]]:
    """The picker's options: what the typed text matches, in the language shown, and always
    the current selection (a shared link may select one the first page of options lacks).
    """
    app = app_data()
    state = state_from_values({"selected": selected, "lang": lang}, app.options)
    return engagement_options(app, state.lang, text_of(search, MAX_TEXT), state.selected)


@callback(Output(ids.DATA_WARNING, "children"), Input(ids.VIEW_STORE, "data"), prevent_initial_call=True)
def data_warning(store: Any) -> list[html.Component]:
    """Rejected rows (lenient mode) and ignored parts of a hand-edited link, never hidden."""
    app = app_data()
    ignored = store.get("ignored") if isinstance(store, dict) else None
    return warning_output(app, state_from_store(store, app), ignored if isinstance(ignored, list) else [])


@callback(
    Output(ids.DOWNLOAD, "data"),
    Input(ids.DOWNLOAD_CSV_BUTTON, "n_clicks"),
    Input(ids.DOWNLOAD_XLSX_BUTTON, "n_clicks"),
    State(ids.VIEW_STORE, "data"),
    prevent_initial_call=True,
    # While the file is made, both buttons are disabled and spin (assets/app.css): they show they work.
    running=[(Output(button, "disabled"), True, False) for button in (ids.DOWNLOAD_CSV_BUTTON, ids.DOWNLOAD_XLSX_BUTTON)]
    + [(Output(button, "className"), f"btn{extra} is-working-table", f"btn{extra}")
       for button, extra in ((ids.DOWNLOAD_CSV_BUTTON, ""), (ids.DOWNLOAD_XLSX_BUTTON, " btn-secondary"))],
)
def download_table(_csv: int, _xlsx: int, store: Any) -> dict[str, Any]:
    """The filtered rows with their source columns, as CSV or Excel."""
    fmt = "xlsx" if ctx.triggered_id == ids.DOWNLOAD_XLSX_BUTTON else "csv"
    if not clicks_of(_xlsx if fmt == "xlsx" else _csv):
        return no_update  # no click: nothing to download
    app = app_data()
    state = state_from_store(store, app)
    content = table_bytes(app.engine, compute_view(app, state), state.lang, fmt)
    name = "-".join(v for _, v in state.period.params())
    return dcc.send_bytes(content, f"sahel-engagements-{name}.{fmt}")
