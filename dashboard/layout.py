"""The page layout: header, filter sidebar, key figures, map, timeline, details and table.

Text that changes with the language carries an ``ids.text(key)`` id and is filled by one
callback; the initial render is English so the page is complete before any callback runs.
"""

from __future__ import annotations

from functools import lru_cache

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids
from dashboard.export import view_title
from dashboard.export_controls import deck_buttons, export_controls
from dashboard.outputs import (
    detail_output,
    key_figures_output,
    table_output,
    timeline_output,
    warning_output,
)
from dashboard.view import AppData, view_map_spec
from layers.i18n import label, t
from layers.period import MONTHS
from layers.view_state import GEOS, LAYERS, METRICS, TIMELINES, ViewState, default_state

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "svg", "filename": "sahel-map", "scale": 1},
    # plotly.js fetches base-map topojson even for hidden geo base maps: serve it ourselves.
    "topojsonURL": "/assets/topojson/",
}


def _field(key: str, control: html.Component) -> html.Div:
    # A label pointing at the control's DOM id names it for screen readers. (Wrapping the
    # control in the label would make every click inside a dropdown re-open it.)
    target = ids.dom_id(control.id) if getattr(control, "id", None) is not None else None
    return html.Div([
        html.Label(html.Span(t(key, "en"), id=ids.text(key)), htmlFor=target, className="field-label"),
        control,
    ], className="field")


def translated_options(field: str, app: AppData, lang: str) -> list[dict[str, str]]:
    """Dropdown/radio options of a view-state field, labelled in ``lang``."""
    opts = app.options
    if field == "regions":
        names = app.map_base.region_names
        return [{"label": names[c][lang], "value": c} for c in sorted(opts.regions, key=lambda c: names[c][lang])]
    if field == "donors":
        return [{"label": d, "value": d} for d in sorted(opts.donors)]
    if field in ("actors", "sectors"):
        values = opts.actors if field == "actors" else opts.sectors
        return sorted(({"label": label(v, lang), "value": v} for v in values), key=lambda o: o["label"])
    if field == "metric":
        return [{"label": t("metric_" + m, lang), "value": m} for m in METRICS]
    if field == "layers":
        return [{"label": t("layer_" + m, lang), "value": m} for m in LAYERS]
    if field == "selected":
        return engagement_options(app, lang)
    if field == "lang":
        return [{"label": "English", "value": "en"}, {"label": "Français", "value": "fr"}]
    if field in ("month_from", "month_to"):
        return [{"label": MONTHS[lang][m - 1], "value": m} for m in range(1, 13)]
    if field == "geo":
        return [{"label": t("geo_" + g, lang), "value": g} for g in GEOS]
    if field == "timeline":
        return [{"label": t("timeline_" + m, lang), "value": m} for m in TIMELINES]
    return []


# The engagement picker lists at most this many options at once; typing searches them all on
# the server (52,000 options at x1000 made the page and every language switch megabytes).
MAX_ENGAGEMENT_OPTIONS = 100


@lru_cache(maxsize=8)
def _all_engagement_options(app: AppData, lang: str) -> tuple[tuple[str, str, str], ...]:
    """(label, value, casefolded label) of every top-level engagement, sorted by label."""
    eng = app.tables["engagements"]
    eng = eng[eng["parent_id"] == ""]
    names = eng["name_fr" if lang == "fr" else "name_en"]
    labels = [f"{a} — {n}" if a else n for a, n in zip(eng["acronym"], names, strict=True)]
    rows = sorted(zip(labels, eng["engagement_id"], strict=True), key=lambda r: r[0].casefold())
    return tuple((label_, value, label_.casefold()) for label_, value in rows)


def engagement_options(app: AppData, lang: str, search: str = "", keep: str = "") -> list[dict[str, str]]:
    """Engagement picker options: those whose label contains ``search`` (all when empty), at
    most ``MAX_ENGAGEMENT_OPTIONS``, plus ``keep`` (the current selection must stay listed).
    """
    needle = search.casefold().strip() if isinstance(search, str) else ""
    out, kept = [], False
    for label_, value, folded in _all_engagement_options(app, lang):
        if value == keep:
            out.append({"label": label_, "value": value})
            kept = True
        elif (not needle or needle in folded) and len(out) < MAX_ENGAGEMENT_OPTIONS + kept:
            out.append({"label": label_, "value": value})
    eng = app.tables["engagements"]
    if keep and not kept and keep in eng.index:  # a sub-engagement, which the list leaves out
        row = eng.loc[keep]
        name = row["name_fr"] if lang == "fr" else row["name_en"]
        out.append({"label": f"{row['acronym']} — {name}" if row["acronym"] else name, "value": keep})
    return out


def _multi(field: str, key: str, app: AppData) -> html.Div:
    return _field(key, dcc.Dropdown(
        id=ids.control(field), options=translated_options(field, app, "en"), value=[], multi=True,
        placeholder=t("any", "en"), clearable=True, searchable=True, className="dropdown",
    ))


def sidebar(app: AppData, state: ViewState) -> html.Aside:
    """The filter panel; every control is bound to one ViewState field."""
    lo, hi = app.options.years
    return html.Aside([
        html.H2(t("filters", "en"), id=ids.text("filters")),
        _field("language", dcc.RadioItems(id=ids.control("lang"), options=translated_options("lang", app, "en"),
                                          value=state.lang, inline=True, className="radio")),
        _field("period", html.Div([
            dcc.RangeSlider(id=ids.control("years"), min=lo, max=hi, step=1,
                            value=[state.period.first.year, state.period.last.year], allowCross=False,
                            marks={y: {"label": str(y)} for y in range(lo, hi + 1, 2)},
                            tooltip={"always_visible": True, "placement": "top"}, updatemode="mouseup"),
            html.Div([
                dcc.Dropdown(id=ids.control("month_from"), options=translated_options("month_from", app, "en"),
                             value=state.period.first.month, clearable=False, searchable=False, className="dropdown month"),
                html.Span("–", className="month-sep"),
                dcc.Dropdown(id=ids.control("month_to"), options=translated_options("month_to", app, "en"),
                             value=state.period.last.month, clearable=False, searchable=False, className="dropdown month"),
            ], className="month-row"),
            html.Div([
                html.Button(t("play", "en"), id=ids.PLAY_BUTTON, className="btn", n_clicks=0),
                html.Button(html.Span(t("reset", "en"), id=ids.text("reset")), id=ids.RESET_BUTTON, className="btn btn-secondary", n_clicks=0),
            ], className="row-buttons"),
            dcc.Interval(id=ids.PLAY_INTERVAL, interval=1600, disabled=True),
        ])),
        _multi("regions", "regions", app),
        _multi("donors", "donors", app),
        _multi("actors", "actors", app),
        _multi("sectors", "sectors", app),
        _field("geo", dcc.Checklist(id=ids.control("geo"), options=translated_options("geo", app, "en"),
                                    value=list(state.geo), className="radio")),
        _field("search", dcc.Input(id=ids.control("search"), type="search", value=state.search, debounce=True,
                                   placeholder=t("search_placeholder", "en"), className="text-input", maxLength=80)),
        _field("selected", dcc.Dropdown(id=ids.control("selected"), options=translated_options("selected", app, "en"),
                                        value=state.selected or None, clearable=True, className="dropdown")),
        _field("metric", dcc.RadioItems(id=ids.control("metric"), options=translated_options("metric", app, "en"),
                                        value=state.metric, className="radio")),
        _field("layers", dcc.Checklist(id=ids.control("layers"), options=translated_options("layers", app, "en"),
                                       value=list(state.layers), className="radio")),
        _field("timeline_mode", dcc.RadioItems(id=ids.control("timeline"), options=translated_options("timeline", app, "en"),
                                               value=state.timeline, className="radio")),
        html.Div([
            html.Span(t("briefing", "en"), id=ids.text("briefing"), className="field-label"),
            dcc.Dropdown(id=ids.BRIEF_PICK, options=[{"label": b.title["en"], "value": b.briefing_id} for b in app.catalog.briefings.values()],
                         value=next(iter(app.catalog.briefings), None), clearable=False, className="dropdown"),
            html.Div([
                # Plain links: the stage takes over the whole page (assets/stage.js), so it is a new page.
                html.A(html.Span(t("start_briefing", "en"), id=ids.text("start_briefing")), id=ids.BRIEF_START, className="btn",
                       href="/?mode=brief"),
                html.A(html.Span(t("present_view", "en"), id=ids.text("present_view")), id=ids.BRIEF_PRESENT,
                       className="btn btn-secondary", href="/?mode=brief"),
            ], className="row-buttons"),
            deck_buttons(next(iter(app.catalog.briefings), None)),
            html.Details([
                html.Summary(t("save_scene", "en"), id=ids.text("save_scene")),
                dcc.Textarea(id=ids.SCENE_TEXT, value="", readOnly=True, className="text-input scene-text"),
            ]),
        ], className="field"),
        # Presentation state lives in the URL like every other part of the view.
        dcc.Input(id=ids.control("mode"), type="hidden", value=state.mode),
        dcc.Input(id=ids.control("briefing"), type="hidden", value=state.briefing),
        dcc.Input(id=ids.control("scene"), type="hidden", value=state.scene),
        html.Div([
            html.Label(t("share", "en"), id=ids.text("share"), htmlFor=ids.SHARE_LINK, className="field-label"),
            dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True, value="", className="text-input share"),
            html.Small(t("share_hint", "en"), id=ids.text("share_hint")),
        ], className="field"),
    ], className="sidebar", **{"aria-label": "filters"})


def serve_layout(app: AppData) -> html.Div:
    """The whole page for a first visit (the URL then restores the shared view)."""
    state = default_state(app.options)
    # Everything a plain first visit shows is drawn here, so the page needs no callback round
    # before it is complete (the callbacks draw only what a link or a click changes).
    map_figure = view_map_spec(app, state)
    timeline, timeline_style = timeline_output(app, state)
    rows, column_defs, caption = table_output(app, state)
    store = {**state.as_dict(), "ignored": []}
    return html.Div([
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.VIEW_STORE, data=store),
        dcc.Download(id=ids.DOWNLOAD),
        html.A(t("skip_to_table", "en"), id=ids.text("skip_to_table"), href="#table-section", className="skip-link"),
        html.Header([
            html.Div([
                html.H1(t("title", "en"), id=ids.text("title")),
                html.P(t("subtitle", "en"), id=ids.text("subtitle"), className="subtitle"),
            ]),
            html.P(t("data_as_of", "en", date=app.data_as_of("en")), id=ids.PAGE_TITLE, className="as-of"),
        ], className="header"),
        html.Div(warning_output(app, state, []), id=ids.DATA_WARNING, role="status"),
        html.Div([
            sidebar(app, state),
            html.Main([
                html.Section(key_figures_output(app, state), id=ids.KEY_FIGURES, className="key-figures", **{"aria-live": "polite"}),
                html.Section([
                    html.H2(t("map_heading", "en"), id=ids.text("map_heading"), className="visually-hidden"),
                    dcc.Graph(id=ids.MAP_GRAPH, figure=map_figure, config=GRAPH_CONFIG, className="map-graph"),
                    html.P([
                        html.Span(t("boundary_note", "en"), id=ids.text("boundary_note")), " ",
                        html.Span(t("attribution", "en"), id=ids.text("attribution")),
                    ], id=ids.MAP_NOTE, className="map-note"),
                    html.P(t("precision_open", "en"), id=ids.text("precision_open"), className="map-note"),
                    export_controls(view_title(app, state)),
                ], className="card map-card"),
                html.Section([
                    html.H2(t("timeline_heading", "en"), id=ids.text("timeline_heading")),
                    dcc.Graph(id=ids.TIMELINE_GRAPH, figure=timeline, style=timeline_style, config={**GRAPH_CONFIG, "scrollZoom": False}),
                ], className="card"),
                html.Section([
                    html.H2(t("detail_heading", "en"), id=ids.text("detail_heading")),
                    html.Div(detail_output(app, state), id=ids.DETAIL_PANEL, **{"aria-live": "polite"}),
                ], className="card"),
                html.Section([
                    html.H2(t("table_heading", "en"), id=ids.text("table_heading")),
                    html.P(caption, id=ids.TABLE_CAPTION, className="caption"),
                    html.Div([
                        html.Button(html.Span(t("download_csv", "en"), id=ids.text("download_csv")), id=ids.DOWNLOAD_CSV_BUTTON, className="btn", n_clicks=0),
                        html.Button(html.Span(t("download_xlsx", "en"), id=ids.text("download_xlsx")), id=ids.DOWNLOAD_XLSX_BUTTON, className="btn btn-secondary", n_clicks=0),
                    ], className="row-buttons"),
                    dag.AgGrid(
                        id=ids.TABLE_GRID, rowData=rows, columnDefs=column_defs,
                        # Fixed row height and a fixed-height, virtualised grid: only the rows in view
                        # are in the DOM. Auto-height rows measured every row before the page could
                        # paint (0.6 s for 52 rows on a first visit; 500 rows at scale); long text
                        # is in each cell's tooltip and in the downloads.
                        defaultColDef={"sortable": True, "resizable": True, "filter": True},
                        dashGridOptions={"rowSelection": {"mode": "singleRow", "enableClickSelection": True, "checkboxes": False},
                                         "animateRows": False, "tooltipShowDelay": 300},
                        className="ag-theme-alpine", style={"width": "100%", "height": "560px"},
                    ),
                ], className="card", id="table-section"),
            ], className="main"),
        ], className="body"),
    ], id=ids.PAGE_ROOT, className="page")
