"""The page layout: header, filter sidebar, key figures, map, timeline, details and table.

Text that changes with the language carries an ``ids.text(key)`` id and is filled by one
callback; the initial render is English so the page is complete before any callback runs.

The selects, radio and checkbox groups and the period slider are dash-mantine-components:
each is named by its visible label (a ``<label for>`` or a group's label), reached with one Tab
and operated with the arrow keys. Dash 4's own Dropdown, RadioItems and Checklist fail axe
(a focusable element hidden from screen readers; options nested in ``role="option"`` labels;
a dropdown announced by its value) and take no props that would fix them (README, *Accessibility*).
"""

from __future__ import annotations

import json
from typing import Any

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.after_map import mantine_after_map
from dashboard.export import view_title
from dashboard.export_controls import JS_MESSAGES, deck_buttons, export_controls
from dashboard.outputs import (
    detail_output,
    key_figures_output,
    map_table_output,
    scene_output,
    table_output,
    timeline_output,
    warning_output,
)
from dashboard.page_text import (
    TEXT_PROPS,
    all_translations,
    briefing_options,
    grid_options,
    translated_options,
)
from dashboard.view import AppData, view_map_spec
from dashboard.view_store import store_payload
from layers.i18n import t
from layers.map_figure import BASE_MAP_TOPOJSON
from layers.view_state import GEOS, LAYERS, METRICS, TIMELINES, ViewState, default_state

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "scrollZoom": True,
    # sendChartToCloud would upload the figure to Plotly's cloud: never from a ministry desk.
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
    "toImageButtonOptions": {"format": "svg", "filename": "sahel-map", "scale": 1},
    # plotly.js fetches base-map topojson even for hidden geo base maps: serve it ourselves.
    "topojsonURL": "/assets/topojson/",
}
# The map's config is the same in both languages. plotly.js 4 draws a graph whose config changed
# from scratch, twice (react, newPlot, react again: 60 ms and a purge of the map's listeners, for
# a language switch); the map's only text plotly localises is its modebar's tooltips (its numbers
# and names come written out from layers/), and assets/desk.js names those in the page's language.
MAP_CONFIG = GRAPH_CONFIG


def preloads(prefix: str = "/") -> str:
    """The page's requests that otherwise wait for its scripts, asked for with them.

    Dash's renderer asks for the page's layout and callbacks (``_dash-layout``,
    ``_dash-dependencies``) only once its scripts have run, and plotly.js asks for the base map
    only when it first plots the map, after the first answer: each a round trip before the map
    shows (on a VPN or satellite link, the longest waits of a first visit). Preloaded, they come
    with the scripts, and the renderer's and plotly's requests are answered from the preloads
    (tests/test_browser.py).
    """
    urls = [f"{prefix}_dash-layout", f"{prefix}_dash-dependencies", f"{GRAPH_CONFIG['topojsonURL']}{BASE_MAP_TOPOJSON}"]
    return "\n        ".join(f'<link rel="preload" href="{url}" as="fetch" crossorigin="anonymous">' for url in urls)


def timeline_config(lang: str) -> dict[str, Any]:
    """The timeline's plotly config in ``lang`` (no scroll zoom: the page scrolls past it): its date
    axis names months in ``lang``. dcc.Graph applies a config only with a new figure, so the view
    callback sends it with the timeline's figure.
    """
    return {**GRAPH_CONFIG, "scrollZoom": False, "locale": lang}


def _label(key: str) -> str:
    """A control's visible label (its ``label`` prop), in English; the language switch sets it
    (dashboard/page_text.py TEXT_PROPS).
    """
    return t(key, "en")


# Mantine's combobox dropdowns: above the sticky sidebar.
COMBOBOX = {"zIndex": 400, "shadow": "md"}


def _field(key: str, control: html.Component) -> html.Div:
    # A label pointing at the control's DOM id names it for screen readers. (Wrapping the
    # control in the label would make every click inside a dropdown re-open it.)
    target = ids.dom_id(control.id) if getattr(control, "id", None) is not None else None
    return html.Div([
        html.Label(t(key, "en"), id=ids.text(key), htmlFor=target, className="field-label"),
        control,
    ], className="field")


def _multi(field: str, key: str, app: AppData) -> dmc.MultiSelect:
    return dmc.MultiSelect(
        id=ids.control(field), data=translated_options(field, app, "en"), value=[], label=_label(key),
        placeholder=t("any", "en"), clearable=True, searchable=True, nothingFoundMessage=t("nothing_found", "en"),
        comboboxProps=COMBOBOX, maxDropdownHeight=320, className="field", hidePickedOptions=False,
    )


def _radios(field: str, key: str, value: str, choices: tuple[str, ...], prefix: str) -> dmc.RadioGroup:
    """A radio group named by its label; each choice's label is a translated text."""
    radios = [dmc.Radio(id=ids.label(prefix + c), label=t(prefix + c, "en"), value=c, size="sm") for c in choices]
    return dmc.RadioGroup(id=ids.control(field), label=_label(key), value=value, className="field",
                          wrapperProps={"data-field": field}, children=dmc.Stack(radios, gap=6))


def _checks(field: str, key: str, value: list[str], choices: tuple[str, ...], prefix: str) -> dmc.CheckboxGroup:
    """A checkbox group named by its label; each choice's label is a translated text."""
    return dmc.CheckboxGroup(id=ids.control(field), label=_label(key), value=value, className="field",
                             wrapperProps={"data-field": field}, children=dmc.Stack(
        [dmc.Checkbox(id=ids.label(prefix + c), label=t(prefix + c, "en"), value=c, size="sm") for c in choices],
        gap=6))


def _period(app: AppData, state: ViewState) -> html.Fieldset:
    """The period: a range of years (two thumbs, each named), the first and last month, play and reset."""
    lo, hi = app.options.years
    months = [
        dmc.Select(id=ids.control(field), data=translated_options(field, app, "en"), value=str(month), label=_label(field),
                   allowDeselect=False, comboboxProps=COMBOBOX, maxDropdownHeight=320, className="month")
        for field, month in (("month_from", state.period.first.month), ("month_to", state.period.last.month))
    ]
    return html.Fieldset([
        html.Legend(t("period", "en"), id=ids.text("period"), className="field-label"),
        dmc.RangeSlider(id=ids.control("years"), min=lo, max=hi, step=1, minRange=0,
                        value=[state.period.first.year, state.period.last.year],
                        # A mark every four years fits the sidebar; the thumbs' labels give the years chosen.
                        marks=[{"value": y, "label": str(y)} for y in range(lo, hi + 1, 4)],
                        labelAlwaysOn=True, thumbSize=24, updatemode="mouseup", className="year-slider",
                        thumbFromLabel=t("first_year", "en"), thumbToLabel=t("last_year", "en")),
        html.Div([months[0], html.Span("–", className="month-sep", **{"aria-hidden": "true"}), months[1]], className="month-row"),
        html.Div([
            html.Button(t("play", "en"), id=ids.PLAY_BUTTON, className="btn", n_clicks=0),
            html.Button(t("reset", "en"), id=ids.RESET_BUTTON, className="btn btn-secondary", n_clicks=0),
        ], className="row-buttons"),
        dcc.Interval(id=ids.PLAY_INTERVAL, interval=1600, disabled=True),
    ], className="field period")


def _briefing_controls(app: AppData, state: ViewState) -> html.Div:
    first = next(iter(app.catalog.briefings), None)
    return html.Div([
        dmc.Select(id=ids.BRIEF_PICK, data=briefing_options(app, "en"), value=first, label=_label("briefing"),
                   allowDeselect=False, comboboxProps=COMBOBOX, maxDropdownHeight=320),
        html.Div([
            # Plain links: the stage takes over the whole page (assets/stage.js), so it is a new page.
            html.A(t("start_briefing", "en"), id=ids.BRIEF_START, className="btn",
                   href="/?mode=brief"),
            html.A(t("present_view", "en"), id=ids.BRIEF_PRESENT,
                   className="btn btn-secondary", href="/?mode=brief"),
        ], className="row-buttons"),
        deck_buttons(first),
        html.Details([
            html.Summary(t("save_scene", "en"), id=ids.text("save_scene")),
            html.Label(t("scene_text_label", "en"), id=ids.text("scene_text_label"), htmlFor=ids.SCENE_TEXT, className="field-label"),
            dcc.Textarea(id=ids.SCENE_TEXT, value=scene_output(app, state), readOnly=True, className="text-input scene-text"),
        ]),
    ], className="field")


def sidebar(app: AppData, state: ViewState) -> html.Aside:
    """The filter panel; every control is bound to one ViewState field. Its heading is drawn with
    the page, its controls once the map is (``dashboard.after_map``).
    """
    return html.Aside([
        html.H2(t("filters", "en"), id=ids.text("filters")),
        mantine_after_map(_sidebar_controls(app, state)),
        # Mantine's script could not be had (assets/desk.js): the controls cannot be drawn.
        # An alert: shown (assets/app.css) only when Mantine's script failed, which a screen reader then announces.
        html.P(t("filters_failed", "en"), id=ids.text("filters_failed"), className="filters-failed", role="alert"),
    ], className="sidebar", **{"aria-labelledby": ids.dom_id(ids.text("filters"))})


def _sidebar_controls(app: AppData, state: ViewState) -> list[Component]:
    return [
        dmc.RadioGroup(id=ids.control("lang"), label=_label("language"), value=state.lang, className="field",
                       wrapperProps={"data-field": "lang"}, children=dmc.Group([
            # Each language's name in itself, marked as such for screen readers (WCAG 3.1.2).
            dmc.Radio(label=html.Span(name, lang=code), value=code, size="sm")
            for code, name in (("en", "English"), ("fr", "Français"))], gap="md")),
        _period(app, state),
        _multi("regions", "regions", app),
        _multi("donors", "donors", app),
        _multi("actors", "actors", app),
        _multi("sectors", "sectors", app),
        _checks("geo", "geo", list(state.geo), GEOS, "geo_"),
        _field("search", dcc.Input(id=ids.control("search"), type="search", value=state.search, debounce=True,
                                   placeholder=t("search_placeholder", "en"), className="text-input", maxLength=80)),
        dmc.Select(id=ids.control("selected"), data=translated_options("selected", app, "en"), value=state.selected or None,
                   label=_label("selected"), clearable=True, searchable=True, nothingFoundMessage=t("nothing_found", "en"),
                   comboboxProps=COMBOBOX, maxDropdownHeight=320, className="field"),
        _radios("metric", "metric", state.metric, METRICS, "metric_"),
        _checks("layers", "layers", list(state.layers), LAYERS, "layer_"),
        _radios("timeline", "timeline_mode", state.timeline, TIMELINES, "timeline_"),
        _briefing_controls(app, state),
        # Presentation state lives in the URL like every other part of the view.
        dcc.Input(id=ids.control("mode"), type="hidden", value=state.mode),
        dcc.Input(id=ids.control("briefing"), type="hidden", value=state.briefing),
        dcc.Input(id=ids.control("scene"), type="hidden", value=state.scene),
        dcc.Input(id=ids.control("since"), type="hidden", value=state.since),  # ?since=: a data release (layers.changes)
        html.Div([
            html.Label(t("share", "en"), id=ids.text("share"), htmlFor=ids.SHARE_LINK, className="field-label"),
            dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True, value="", className="text-input share"),
            html.Small(t("share_hint", "en"), id=ids.text("share_hint")),
        ], className="field"),
    ]


# AG Grid has no option for the grid's own name: a function of assets/dashAgGridFunctions.js labels
# its root by the heading above it and describes it by its caption (each time its rows change).
NAME_GRID_ARGS = ", ".join(json.dumps(x) for x in (ids.TABLE_GRID, ids.dom_id(ids.text("table_heading")), ids.TABLE_CAPTION))
NAME_GRID = f"nameGrid(params, {NAME_GRID_ARGS})"


def map_figure_section(caption: str, figure: dict[str, Any]) -> html.Figure:
    """The map, named by its caption, with its values as a table one click away (the text
    alternative: region, value, legend class, as of). The table itself waits in DEFERRED until
    its disclosure is opened (``serve_layout``).
    """
    return html.Figure([
        dcc.Graph(id=ids.MAP_GRAPH, figure=figure, config=MAP_CONFIG, className="map-graph"),
        html.Figcaption(caption, id=ids.MAP_CAPTION, className="visually-hidden"),
        html.Details([
            html.Summary(t("map_table_summary", "en"), id=ids.text("map_table_summary")),
            html.Div(id=ids.MAP_TABLE),
        ], className="map-table", id=ids.MAP_TABLE_DETAILS),
    ], className="map-figure", **{"aria-labelledby": ids.MAP_CAPTION})


def components(page: Component) -> list[Component]:
    """Every Dash component of ``page``, itself included, in any prop (children, labels)."""
    out, stack = [], [page]
    while stack:
        node = stack.pop()
        if isinstance(node, Component):
            out.append(node)
            stack.extend(node.to_plotly_json()["props"].values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return out


def text_keys(page: Component) -> list[str]:
    """The i18n key of every translated text of ``page`` (``ids.text`` and ``ids.label`` ids)."""
    return sorted({c.id["key"] for c in components(page)
                   if isinstance(getattr(c, "id", None), dict) and c.id.get("type") in (ids.TEXT, ids.LABEL)})


def blank_figure(figure: dict[str, Any]) -> dict[str, Any]:
    """An empty figure of ``figure``'s height: the place of a graph drawn after the map."""
    return {"data": [], "layout": {"height": figure["layout"].get("height"), "xaxis": {"visible": False},
                                   "yaxis": {"visible": False}, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}


def table_section(caption: str, column_defs: list[dict[str, Any]]) -> html.Section:
    """The engagements as a sortable grid, with its caption and downloads; its rows come once
    the map is drawn (a first visit: ``serve_layout``) or with the view callback's answer.
    """
    return html.Section([
        html.H2(t("table_heading", "en"), id=ids.text("table_heading")),
        html.P(caption, id=ids.TABLE_CAPTION, className="caption"),
        html.Div([
            html.Button(t("download_csv", "en"), id=ids.DOWNLOAD_CSV_BUTTON, className="btn", n_clicks=0),
            html.Button(t("download_xlsx", "en"), id=ids.DOWNLOAD_XLSX_BUTTON, className="btn btn-secondary", n_clicks=0),
        ], className="row-buttons"),
        # Shown only if AG Grid's script, loaded after the map, cannot be had (assets/desk.js, app.css).
        html.P(t("grid_failed", "en"), id=ids.text("grid_failed"), className="grid-failed", role="alert"),
        dag.AgGrid(
            id=ids.TABLE_GRID, rowData=None, columnDefs=column_defs,  # rows: once the map is drawn
            # Fixed row height and a fixed-height, virtualised grid: only the rows in view
            # are in the DOM. Auto-height rows measured every row before the page could
            # paint (0.6 s for 52 rows on a first visit; 500 rows at scale); long text
            # is in each cell's tooltip and in the downloads.
            defaultColDef={"sortable": True, "resizable": True, "filter": True},
            getRowId="params.data.id", dashGridOptions=grid_options(),
            eventListeners={"modelUpdated": [NAME_GRID]},
            # Columns share the grid's width in proportion to their widths, never under them, each
            # time the grid or its columns change. (Flex columns sometimes kept AG Grid's default
            # 200 px after a language switch renamed them, and the grid scrolled sideways.)
            columnSize="responsiveSizeToFit",
            style={"width": "100%", "height": "560px"},
        ),
    ], className="card", id=ids.TABLE_SECTION)


def serve_layout(app: AppData) -> html.Div:
    """The whole page for a first visit (the URL then restores the shared view)."""
    state = default_state(app.options)
    # Everything a plain first visit shows is drawn here, so the page needs no callback round
    # before it is complete (the callbacks draw only what a link or a click changes).
    map_figure = view_map_spec(app, state)
    timeline, timeline_style = timeline_output(app, state)
    rows, column_defs, caption = table_output(app, state)
    map_caption, map_table = map_table_output(map_figure, state)
    store = store_payload(state, app.options)
    page = html.Div([
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.VIEW_STORE, data=store),
        # Below the fold: the timeline and the table's rows are drawn once the map is (assets/desk.js);
        # the map's values table when its disclosure is opened. Every Dash component on the page
        # adds to the cost of each store update in Dash's renderer (a change makes about 90), and
        # the closed table alone was 51 of them.
        dcc.Store(id=ids.DEFERRED, data={"timeline_figure": timeline, "rows": rows, "map_table": map_table}),
        dcc.Store(id=ids.MAP_DRAWN),
        dcc.Store(id=ids.GRID_READY),
        dcc.Store(id=ids.IN_VIEW),  # unknown until assets/desk.js watches the parts below the map
        dcc.Store(id=ids.CONTROLS_CHANGED),  # a control the user changed (the view callback's trigger)
        dcc.Store(id=ids.VIEW_LANG),  # the texts' language, when the view callback changes it
        dcc.Store(id=ids.PICKER_SEARCH, data=""),
        dcc.Download(id=ids.DOWNLOAD),
        html.A(t("skip_to_table", "en"), id=ids.text("skip_to_table"), href="#" + ids.TABLE_SECTION, className="skip-link"),
        html.Header([
            html.Div([
                html.H1(t("title", "en"), id=ids.text("title")),
                html.P(t("subtitle", "en"), id=ids.text("subtitle"), className="subtitle"),
            ]),
            html.P(app.as_of_line("en"), id=ids.PAGE_TITLE, className="as-of"),  # "Data as of … · Data version …"
        ], className="header"),
        html.Div(warning_output(app, state, []), id=ids.DATA_WARNING, role="status"),
        html.Div([
            sidebar(app, state),
            html.Main([
                html.Section(key_figures_output(app, state), id=ids.KEY_FIGURES, className="key-figures", **{"aria-live": "polite"}),
                # A selection is announced in one sentence: the panel, long and perhaps out of view
                # (then drawn as it comes into view), is not a live region.
                html.P(id=ids.DETAIL_STATUS, role="status", className="visually-hidden"),
                html.Section([
                    html.H2(t("map_heading", "en"), id=ids.text("map_heading"), className="visually-hidden"),
                    map_figure_section(map_caption, map_figure),
                    html.P([
                        html.Span(t("boundary_note", "en"), id=ids.text("boundary_note")), " ",
                        html.Span(t("attribution", "en"), id=ids.text("attribution")),
                    ], id=ids.MAP_NOTE, className="map-note"),
                    html.P(t("precision_open", "en"), id=ids.text("precision_open"), className="map-note"),
                    export_controls(view_title(app, state)),
                ], className="card map-card"),
                html.Section([
                    html.H2(t("timeline_heading", "en"), id=ids.text("timeline_heading")),
                    dcc.Graph(id=ids.TIMELINE_GRAPH, figure=blank_figure(timeline), style=timeline_style,
                              config=timeline_config(state.lang)),
                ], className="card", id=ids.TIMELINE_SECTION),
                html.Section([
                    html.H2(t("detail_heading", "en"), id=ids.text("detail_heading")),
                    html.Div(detail_output(app, state), id=ids.DETAIL_PANEL),
                ], className="card", id=ids.DETAIL_SECTION),
                table_section(caption, column_defs),
            ], className="main"),
        ], className="body"),
    ], id=ids.PAGE_ROOT, className="page", **{"data-in-view-parts": json.dumps(ids.IN_VIEW_PARTS)})
    # Both languages' texts, for the language switch in the browser (dashboard/page_text.py), and
    # the export buttons' messages (assets/export.js reads them there).
    page.children.append(dcc.Store(id=ids.I18N, data=all_translations(
        app, sorted({*text_keys(page), *JS_MESSAGES, *(key for _, _, key in TEXT_PROPS)}))))
    # No Mantine provider around the page: each part that uses Mantine has its own, drawn after the map.
    return page
