"""Per-process app data, and the figures of a view built from the rules engine's facts.

``AppData`` is built once in ``create_app`` and kept on the Flask app (never a module
global); ``serve`` builds it before gunicorn forks, so the workers share it read-only,
copy-on-write. The engine memoises the facts
of a view by its (hashable, validated) state: the map, timeline, table and key-figure
callbacks of one interaction share one computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import flask
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers.faces import as_at_text
from layers.geojson import build_map_base
from layers.i18n import fmt_date, t
from layers.map_figure import MapBase, map_spec
from layers.period import Month, Period
from layers.region_notes import region_notes
from layers.rules.areas import Layout
from layers.rules.base import data_date
from layers.rules.engine import Engine, ViewFacts
from layers.sites import SitePoints
from layers.timeline import timeline_spec
from layers.view_state import Options, ViewState, state_from_values
from sahel_data.load import Catalog
from sahel_data.releases import ReleaseLog

EXTENSION_KEY = "sahel_dashboard"
FIRST_YEAR = 2012


@dataclass(frozen=True, eq=False)
class AppData:
    """Everything the callbacks read: the catalog, the rules engine, filter options, the map base."""

    catalog: Catalog
    options: Options
    map_base: MapBase
    today: date
    engine: Engine
    sites: SitePoints
    data_date: pd.Timestamp  # the latest dated figure: "data as of"
    releases: ReleaseLog | None = None  # the data's releases, for ?since= and the data version
    data_version: str = ""  # the release the data matches, else its content hash (sahel_data.releases.data_version)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The catalog's typed tables."""
        return self.catalog.tables

    def data_as_of(self, lang: str) -> str:
        """The data's "as of" date, as shown on every page and export."""
        return fmt_date(self.data_date, lang)

    def version_line(self, lang: str) -> str:
        """"Data version …", shown beside "Data as of" on the page and on every export ("" if unknown)."""
        return t("data_version", lang, version=self.data_version) if self.data_version else ""

    def as_of_line(self, lang: str) -> str:
        """"Data as of … · Data version …": the page header's line, and the exports' stamp."""
        return " · ".join(p for p in (t("data_as_of", lang, date=self.data_as_of(lang)), self.version_line(lang)) if p)

    def marking(self, lang: str) -> str:
        """The handling line and contact of ``data/markings.json`` ("" when there is none)."""
        markings = self.catalog.markings
        return " · ".join(part for part in (markings.get(key, {}).get(lang, "") for key in ("marking", "contact")) if part)


def build_options(tables: dict[str, pd.DataFrame], today: date, briefings: dict[str, int],
                  releases: tuple[tuple[str, str], ...] = (), polygons: frozenset[str] = frozenset()) -> Options:
    """The filter choices the data allows (months, regions, donors, actors, sectors).

    A period may start from January 2012 to the data's latest month (the month of its latest
    dated row, never after today: a later period would have its figures stand before it begins)
    and run on to the end of that month's year.
    """
    regions = tables["regions"]
    drawn = regions.loc[regions["region_code"].str.startswith("ML-") & regions["drawn_as"].ne(""), "drawn_as"]
    funding, eng = tables["funding"], tables["engagements"]

    def values(column: pd.Series) -> np.ndarray:  # an array: iterating a Series costs a step per item
        return column.to_numpy(object)

    unfunded = ~eng["engagement_id"].isin(set(values(funding["engagement_id"])))
    donors = set(values(funding["donor"])) | set(values(eng.loc[unfunded, "lead_actor"]))
    return Options(
        months=(Month(FIRST_YEAR, 1), Month.of(data_date(tables, today))),
        regions=frozenset(drawn) | polygons,  # every polygon of every boundary version
        donors=frozenset(d for d in donors if d),
        actors=frozenset(values(eng["actor_type"])),
        sectors=frozenset(s for row in values(eng["sectors"]) for s in row),
        engagements=frozenset(values(eng["engagement_id"])),
        briefings=tuple(sorted(briefings.items())),
        releases=releases,
    )


def utc_today() -> date:
    """Today's date in UTC: the day the app's figures stand at (dashboard/day.py moves it on)."""
    return datetime.now(UTC).date()


def build_app_data(catalog: Catalog, today: date | None = None) -> AppData:
    """Derive the static, per-process inputs of every callback from a loaded catalog, as at
    ``today`` (default: the UTC date).
    """
    today = today or utc_today()
    options = build_options(catalog.tables, today, {b: len(x.scenes) for b, x in catalog.briefings.items()},
                            tuple((r.version, r.date) for r in catalog.releases),
                            polygons=frozenset(c for v in catalog.boundaries for c in v.regions["region_code"]))
    releases = ReleaseLog(catalog.data_dir, catalog.releases, content_hash=catalog.content_hash, index_file=catalog.index_file)
    layouts = tuple(Layout(v.version_id, pd.Timestamp(v.valid_from), v.drawn) for v in catalog.boundaries)
    engine = Engine(catalog.tables, today, layouts)
    engine.warm([Period.year(y) for y in range(FIRST_YEAR, today.year + 1)])
    engine.changes = releases  # ?since= (layers.changes)
    return AppData(
        catalog=catalog,
        options=options,
        map_base=build_map_base(catalog.layers["mali_regions"], catalog.layers["sahel_countries"],
                                catalog.tables.get("towns"), catalog.tables.get("map_labels"), catalog.boundaries),
        today=today,
        engine=engine,
        sites=SitePoints.from_frame(catalog.tables["sites"]),
        data_date=engine.latest,
        releases=releases,
        data_version=releases.version,
    )


def app_data() -> AppData:
    """The AppData of the Flask app serving the current request."""
    return flask.current_app.extensions[EXTENSION_KEY]


def app_data_of(dash_app: Any) -> AppData:
    """The AppData a Dash app made by ``create_app`` serves (outside a request)."""
    return dash_app.server.extensions[EXTENSION_KEY]


def state_from_store(data: object, app: AppData) -> ViewState:
    """Re-validate a store payload: it comes from the browser and may be anything."""
    return state_from_values(data if isinstance(data, dict) else {}, app.options)


def compute_view(app: AppData, state: ViewState) -> ViewFacts:
    """The facts of ``state`` (memoised by the engine; export-only fields play no part)."""
    return app.engine.facts(state.for_facts())


def view_map_spec(app: AppData, state: ViewState, *, with_geometry: bool = True, label_px: int | None = None) -> dict[str, Any]:
    """The map of a view as a plain figure dict (the layout and the map callback send it; an
    export, with its labels placed for ``label_px``: ``layers.map_figure.map_spec``).
    """
    facts = compute_view(app, state)
    return map_spec(
        app.map_base, facts.region_values, state, footprint=facts.footprint, sites=app.sites.where(facts.site_mask),
        selected_sites=frozenset(app.tables["sites"]["site_id"].to_numpy()[facts.selected_sites]),
        as_of_text=as_at_text(facts, state.lang), with_geometry=with_geometry, layout_id=facts.layout_id,
        changed=(facts.changes.regions, facts.changes.sites, facts.changes.baseline or facts.changes.since),
        notes=region_notes(facts.region_values, state.metric, app.tables, state.lang), label_px=label_px,
    )


def view_map_figure(app: AppData, state: ViewState) -> go.Figure:
    """The map of a view as a validated figure (exports)."""
    return go.Figure(view_map_spec(app, state))


def view_timeline_spec(app: AppData, state: ViewState) -> dict[str, Any]:
    """The mandate timeline of a view as a plain figure dict (the timeline callback sends it)."""
    facts = compute_view(app, state)
    return timeline_spec(app.engine, facts, lang=state.lang, data_date=app.data_date, big=state.mode == "brief")


def view_timeline_figure(app: AppData, state: ViewState) -> go.Figure:
    """The mandate timeline of a view as a validated figure (the brief pack)."""
    return go.Figure(view_timeline_spec(app, state))
