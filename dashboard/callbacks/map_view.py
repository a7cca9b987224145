"""Map clicks: clicking a region toggles it in the region filter.

String work in the browser (the CSP allows it by hash): the click writes the region control,
and the view callback (dashboard/callbacks/view_state.py) answers with the new map, as a Patch
that never resends the geometry, in the same single request as everything else.
"""

from __future__ import annotations

from dash import Input, Output, State, clientside_callback

from dashboard import ids

# A region's polygons carry its code as customdata; a site marker carries a list. Only a code
# the region filter lists is taken (the filter's options are the regions the map can draw).
clientside_callback(
    """function (click, regions, options) {
        var C = window.dash_clientside;
        var p = click && Array.isArray(click.points) ? click.points[0] : null;
        var code = p ? p.customdata : null;
        if (typeof code !== 'string' || !Array.isArray(options)
            || !options.some(function (o) { return o && o.value === code; })) { return C.no_update; }
        var current = Array.isArray(regions) ? regions.filter(function (r) { return typeof r === 'string'; }) : [];
        return current.indexOf(code) >= 0 ? current.filter(function (r) { return r !== code; }) : current.concat([code]);
    }""",
    Output(ids.control("regions"), "value", allow_duplicate=True),
    Input(ids.MAP_GRAPH, "clickData"),
    State(ids.control("regions"), "value"),
    State(ids.control("regions"), "data"),
    prevent_initial_call=True,
)
