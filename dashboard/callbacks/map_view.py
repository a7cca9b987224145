"""Map callbacks: restyle the map for a view without resending geometry; click to filter."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, Patch, State, callback, no_update

from dashboard import ids
from dashboard.inputs import first_point, str_list
from dashboard.layout import map_config
from dashboard.outputs import map_table_output
from dashboard.view import app_data, state_from_store, view_map_spec

# Geometry goes to the browser once, in the layout; filter changes patch everything else.
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


@callback(Output(ids.MAP_GRAPH, "figure"), Output(ids.MAP_GRAPH, "config"), Output(ids.MAP_CAPTION, "children"),
          Output(ids.MAP_TABLE, "children"), Input(ids.VIEW_STORE, "data"), prevent_initial_call=True)
def map_figure(store: Any) -> tuple[Patch, dict[str, Any], str, Any]:
    """The map for the current view, as a Patch of values, colours and visibility, with its
    config in the view's language (the graph applies a config only with a figure); and its
    caption and values as a table (its name and text alternative), from the same figure.
    """
    app = app_data()
    state = state_from_store(store, app)
    spec = view_map_spec(app, state, with_geometry=False)
    return (patch_without_geometry(spec), map_config(state.lang), *map_table_output(spec, state))


@callback(
    Output(ids.control("regions"), "value", allow_duplicate=True),
    Input(ids.MAP_GRAPH, "clickData"),
    State(ids.control("regions"), "value"),
    prevent_initial_call=True,
)
def region_filter_from_map(click: Any, regions: Any) -> Any:
    """Clicking a region toggles it in the region filter (identified by customdata)."""
    code = first_point(click, "customdata")
    if not isinstance(code, str) or code not in app_data().options.regions:
        return no_update  # a site marker or anything else: not a region
    current = str_list(regions)
    return [r for r in current if r != code] if code in current else [*current, code]
