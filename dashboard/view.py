"""Per-process app data and the cached computation of a view.

``AppData`` is built once in ``create_app`` and kept on the Flask app (never a module
global), so gunicorn workers each hold their own read-only copy. ``compute_view`` memoises
the derived frames of a view by its (hashable, validated) state: the map, timeline, table
and key-figure callbacks of one interaction share one computation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import flask
import pandas as pd
import plotly.graph_objects as go

from layers import view_model as vm
from layers.geojson import build_map_base
from layers.i18n import t
from layers.map_figure import MapBase, map_spec
from layers.sites import SitePoints
from layers.timeline import timeline_spec
from layers.view_index import ViewIndex
from layers.view_state import Options, ViewState, state_from_values
from sahel_data.load import Catalog

EXTENSION_KEY = "sahel_dashboard"


@dataclass(frozen=True, eq=False)
class AppData:
    """Everything the callbacks read: the catalog, filter options and the static map base."""

    catalog: Catalog
    options: Options
    map_base: MapBase
    today: date
    index: ViewIndex

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The catalog's typed tables."""
        return self.catalog.tables


def build_app_data(catalog: Catalog, today: date | None = None) -> AppData:
    """Derive the static, per-process inputs of every callback from a loaded catalog."""
    today = today or datetime.now(UTC).date()
    return AppData(
        catalog=catalog,
        options=vm.build_options(catalog.tables, today, {b: len(x.scenes) for b, x in catalog.briefings.items()}),
        map_base=build_map_base(catalog.layers["mali_regions"], catalog.layers["sahel_countries"]),
        today=today,
        index=ViewIndex(catalog.tables, today).warm(),
    )


def app_data() -> AppData:
    """The AppData of the Flask app serving the current request."""
    return flask.current_app.extensions[EXTENSION_KEY]


def state_from_store(data: object, app: AppData) -> ViewState:
    """Re-validate a store payload: it comes from the browser and may be anything."""
    return state_from_values(data if isinstance(data, dict) else {}, app.options)


@dataclass(frozen=True)
class ViewResult:
    """Derived frames and figures' inputs of one view."""

    at: pd.Timestamp
    active: pd.DataFrame
    region_values: pd.DataFrame
    region_notes: dict[str, str]
    unattributed: tuple[float, float]  # national, multi-country (budget metric only)
    figures: vm.KeyFigures
    sites: SitePoints
    footprint: frozenset[str]
    selected_sites: frozenset[str]


def compute_view(app: AppData, state: ViewState) -> ViewResult:
    """The cached derived data of ``state`` for this process's catalog."""
    return _compute_view_cached(app, state)


@lru_cache(maxsize=256)
def _compute_view_cached(app: AppData, state: ViewState) -> ViewResult:
    # The rules are layers.view_model's; the index answers them with array operations.
    tables, index = app.tables, app.index
    facts = index.year(state.year)
    at = facts.at
    positions = index.selection(state)
    active = index.active_frame(positions)
    codes = list(app.map_base.region_names)
    notes: dict[str, str] = {}
    split = index.budget_split(positions, facts, codes)
    if state.metric == "idp":
        values = index.idp_by_region(state.year)
        names = tables["regions"].set_index("region_code")
        name_col = "name_fr" if state.lang == "fr" else "name_en"
        for code, members in zip(values["region_code"], values["members"], strict=True):
            extra = [names.loc[m, name_col] for m in members if m != code]
            if extra:
                notes[code] = t("crosswalk_note", state.lang, names=", ".join(extra))
    elif state.metric == "budget":
        values = split.by_region
    else:
        values = index.region_counts(positions, facts, codes)
    shown = list(index.ids[positions])
    footprint: frozenset[str] = frozenset()
    selected_sites: frozenset[str] = frozenset()
    sites = tables["sites"]
    if state.selected:
        footprint = index.area(state.selected, facts)
        shown.append(state.selected)
        selected_sites = frozenset(sites["site_id"].to_numpy()[index.sites_of([state.selected])])
    return ViewResult(
        at=at,
        active=active,
        region_values=values,
        region_notes=notes,
        unattributed=(split.national, split.multi_country),
        figures=index.key_figures(positions, facts, state),
        sites=index.site_points.where(index.sites_of(shown, at)),
        footprint=footprint,
        selected_sites=selected_sites,
    )


def budget_lookup(app: AppData, state: ViewState) -> Callable[[str], vm.Budget]:
    """An engagement's budget in the view's year, from the index (the table and downloads)."""
    facts = app.index.year(state.year)
    return lambda engagement_id: app.index.budget(engagement_id, facts)


def view_map_spec(app: AppData, state: ViewState, *, with_geometry: bool = True) -> dict[str, Any]:
    """The map of a view as a plain figure dict (the layout and the map callback send it)."""
    view = compute_view(app, state)
    return map_spec(
        app.map_base, view.region_values, state, footprint=view.footprint, sites=view.sites,
        selected_sites=view.selected_sites, as_of_text=str(state.year), notes=view.region_notes,
        with_geometry=with_geometry,
    )


def view_map_figure(app: AppData, state: ViewState) -> go.Figure:
    """The map of a view as a validated figure (exports and the baseline benchmark)."""
    return go.Figure(view_map_spec(app, state))


def view_timeline_spec(app: AppData, state: ViewState) -> dict[str, Any]:
    """The mandate timeline of a view as a plain figure dict (the timeline callback sends it)."""
    view = compute_view(app, state)
    return timeline_spec(
        view.active, app.tables["mandates"], app.tables["events"], lang=state.lang, cursor=view.at,
        until=max(view.at, pd.Timestamp(app.today)), selected=state.selected, big=state.mode == "brief",
    )


def view_timeline_figure(app: AppData, state: ViewState) -> go.Figure:
    """The mandate timeline of a view as a validated figure (the brief pack)."""
    return go.Figure(view_timeline_spec(app, state))
