"""The baseline a benchmark compares against: the same map built the straightforward way.

Reference rules applied one engagement at a time with pandas (``layers.view_model``, no
index, no cache), every site drawn as its own marker (no aggregation), a validated
``go.Figure`` with the GeoJSON in it, serialised with the standard-library JSON engine on
every change: what a first Dash version of this map would send for each filter change.
The GeoJSON is our simplified one (the unsimplified source is not carried at run time), so
the baseline's payload is understated and the ratios conservative.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from layers import view_model as vm
from layers.map_figure import map_spec
from layers.view_state import ViewState


def baseline_map_json(app: Any, state: ViewState) -> str:
    """The whole map figure of ``state`` as JSON, computed from scratch."""
    tables = app.tables
    at = vm.as_of_date(state.year, app.today)
    active = vm.filter_engagements(tables, state, at)
    codes = list(app.map_base.region_names)
    if state.metric == "idp":
        values = vm.idp_by_region(tables, state.year)
    elif state.metric == "budget":
        values = vm.budget_by_region(tables, active, codes, at).by_region
    else:
        values = vm.engagements_by_region(active, codes)
    shown = set(active["engagement_id"]) | ({state.selected} if state.selected else set())
    sites = tables["sites"]
    selected_sites = frozenset(sites.loc[sites["engagement_ids"].map(lambda ids: state.selected in ids), "site_id"]) if state.selected else frozenset()
    footprint = vm.engagement_area(tables, state.selected, at) if state.selected else frozenset()
    fig = go.Figure(map_spec(app.map_base, values, state, footprint=footprint, sites=vm.active_sites(tables, shown, at),
                             selected_sites=selected_sites, as_of_text=str(state.year), aggregate_above=None))
    return pio.to_json(fig, engine="json")
