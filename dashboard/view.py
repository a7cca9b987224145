"""Per-process app data and the cached computation of a view.

``AppData`` is built once in ``create_app`` and kept on the Flask app (never a module
global), so gunicorn workers each hold their own read-only copy. ``compute_view`` memoises
the derived frames of a view by its (hashable, validated) state: the map, timeline, table
and key-figure callbacks of one interaction share one computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

import flask
import pandas as pd
import plotly.graph_objects as go

from layers import view_model as vm
from layers.geojson import build_map_base
from layers.i18n import t
from layers.map_figure import MapBase, build_map_figure
from layers.timeline import build_timeline_figure
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
    sites: pd.DataFrame
    footprint: frozenset[str]
    selected_sites: frozenset[str]


def compute_view(app: AppData, state: ViewState) -> ViewResult:
    """The cached derived data of ``state`` for this process's catalog."""
    return _compute_view_cached(app, state)


@lru_cache(maxsize=256)
def _compute_view_cached(app: AppData, state: ViewState) -> ViewResult:
    tables = app.tables
    at = vm.as_of_date(state.year, app.today)
    active = vm.filter_engagements(tables, state, at)
    codes = list(app.map_base.region_names)
    notes: dict[str, str] = {}
    budgets = vm.budgets_at(tables, active, at)
    split = vm.budget_by_region(tables, active, codes, at, budgets)
    unattributed = (split.national, split.multi_country)
    if state.metric == "idp":
        values = vm.idp_by_region(tables, state.year)
        names = tables["regions"].set_index("region_code")
        name_col = "name_fr" if state.lang == "fr" else "name_en"
        for row in values.itertuples():
            extra = [names.loc[m, name_col] for m in row.members if m != row.region_code]
            if extra:
                notes[row.region_code] = t("crosswalk_note", state.lang, names=", ".join(extra))
    elif state.metric == "budget":
        values = split.by_region
    else:
        values = vm.engagements_by_region(active, codes)
    selected_area: frozenset[str] = frozenset()
    selected_sites: frozenset[str] = frozenset()
    shown_ids = set(active["engagement_id"])
    if state.selected:
        selected_area = vm.engagement_area(tables, state.selected, at)
        shown_ids.add(state.selected)
        sites = tables["sites"]
        selected_sites = frozenset(sites.loc[sites["engagement_ids"].map(lambda ids: state.selected in ids), "site_id"])
    footprint = selected_area if state.selected else frozenset()
    return ViewResult(
        at=at,
        active=active,
        region_values=values,
        region_notes=notes,
        unattributed=unattributed,
        figures=vm.key_figures(tables, active, state, at, budgets),
        sites=vm.active_sites(tables, shown_ids, at),
        footprint=footprint,
        selected_sites=selected_sites,
    )


def view_map_figure(app: AppData, state: ViewState, *, with_geometry: bool = True) -> go.Figure:
    """The map of a view (the layout, the map callback and exports all draw it this way)."""
    view = compute_view(app, state)
    return build_map_figure(
        app.map_base, view.region_values, state, footprint=view.footprint, sites=view.sites,
        selected_sites=view.selected_sites, as_of_text=str(state.year), notes=view.region_notes,
        with_geometry=with_geometry,
    )


def view_timeline_figure(app: AppData, state: ViewState) -> go.Figure:
    """The mandate timeline of a view (the timeline callback and the brief pack)."""
    view = compute_view(app, state)
    return build_timeline_figure(
        view.active, app.tables["mandates"], app.tables["events"], lang=state.lang, cursor=view.at,
        until=max(view.at, pd.Timestamp(app.today)), selected=state.selected, big=state.mode == "brief",
    )
