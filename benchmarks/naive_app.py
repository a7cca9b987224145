"""The naive reference build: the dashboard's main view written the straightforward way.

What a first Dash version of this dashboard looks like when written from the plotly and Dash
documentation, with none of the project's rules, builders or caches (nothing from ``layers/``
or ``dashboard/``): pandas reads the CSVs in ``data/tables`` on start-up, ``px.choropleth``
colours the bundled regions GeoJSON, ``px.scatter_geo`` draws the sites, every callback
returns a whole figure or a whole table, AG Grid lists the engagements, and ``fig.write_image``
(kaleido) makes the PNG. The benchmark (``benchmarks/interaction.py``) measures it side by side
with our app, with the same filters and the same steps.

Two settings keep it offline, as ours must be: Dash serves its own bundles (``serve_locally``,
the default) and the map is a geo projection, not tiles; plotly.js fetches base-map topojson
even for a hidden base map, so the graph's ``topojsonURL`` points at a route that serves the
repository's vendored copy. Like ours it is gzip-compressed (Dash's ``compress`` flag), so
bytes on the wire compare like with like.

Run: ``python -m benchmarks.naive_app [--port 8060]`` (Flask's server), or
``gunicorn 'benchmarks.naive_app:make_server()'`` (the benchmark does this).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import dash_ag_grid as dag
import geopandas as gpd
import pandas as pd
import plotly.express as px
import plotly.io as pio
import shapely
from dash import Dash, Input, Output, State, dcc, html
from flask import send_from_directory

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TOPOJSON = ROOT / "assets" / "topojson"  # vendored plotly base maps (data files, not code of ours)
METRICS = ("engagements", "budget", "idp")
YEARS = (2012, 2025)
TEXT = {
    "en": {"engagements": "Engagements", "budget": "Funding (EUR)", "idp": "Displaced people", "region": "Region",
           "donor": "Donor", "year": "Year", "metric": "Map colour", "selected": "Engagement", "lang": "Language",
           "name": "Name", "lead": "Lead", "start": "Start", "end": "End", "export": "Export PNG"},
    "fr": {"engagements": "Engagements", "budget": "Financement (EUR)", "idp": "Personnes déplacées", "region": "Région",
           "donor": "Bailleur", "year": "Année", "metric": "Couleur de la carte", "selected": "Engagement",
           "lang": "Langue", "name": "Nom", "lead": "Chef de file", "start": "Début", "end": "Fin",
           "export": "Exporter en PNG"},
}


def load_data(data_dir: Path = DATA) -> dict[str, Any]:
    """Every table the view needs, read with pandas, and the regions' GeoJSON (geopandas)."""
    tables = {name: pd.read_csv(data_dir / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("engagements", "funding", "idp_counts", "sites", "regions")}
    tables["funding"]["amount_eur"] = pd.to_numeric(tables["funding"]["amount_eur"], errors="coerce")
    tables["idp_counts"]["count"] = pd.to_numeric(tables["idp_counts"]["count"], errors="coerce")
    regions = gpd.read_file(data_dir / "geo" / "mali_regions.geojson")
    # plotly's geo traces (d3-geo) read an anticlockwise ring as "the globe except this polygon".
    regions["geometry"] = shapely.orient_polygons(regions.geometry.values, exterior_cw=True)
    geo = json.loads(regions.to_json())
    return {**tables, "geo": geo, "map_regions": pd.DataFrame(regions.drop(columns="geometry"))}


def donors(data: dict[str, Any]) -> list[str]:
    """Funders, and the lead of every engagement without a funding row."""
    funding, eng = data["funding"], data["engagements"]
    unfunded = eng.loc[~eng["engagement_id"].isin(funding["engagement_id"]), "lead_actor"]
    return sorted({*funding["donor"], *unfunded} - {""})


def active_engagements(data: dict[str, Any], year: int, regions: list[str], donor_list: list[str]) -> pd.DataFrame:
    """Top-level Mali engagements active in ``year``, filtered by region and donor."""
    eng = data["engagements"]
    in_mali = eng["scope"].isin(["national", "regions"]) | eng["countries"].str.split(";").map(lambda c: "ML" in c)
    eng = eng[(eng["parent_id"] == "") & in_mali]
    eng = eng[(eng["start_date"] != "") & (eng["start_date"].str[:4] <= str(year))]
    eng = eng[(eng["end_date"] == "") | (eng["end_date"].str[:4] >= str(year))]
    if regions:
        eng = eng[eng["regions"].map(lambda r: r == "" or bool(set(r.split(";")) & set(regions)))]
    if donor_list:
        funded = data["funding"].loc[data["funding"]["donor"].isin(donor_list), "engagement_id"]
        eng = eng[eng["engagement_id"].isin(funded) | eng["lead_actor"].isin(donor_list)]
    return eng


def region_values(data: dict[str, Any], eng: pd.DataFrame, metric: str, year: int, lang: str) -> pd.DataFrame:
    """One row per map region: its code, name and the metric's value."""
    out = data["map_regions"][["region_code"]].copy()
    out["name"] = data["map_regions"]["name_fr" if lang == "fr" else "name_en"]
    per_region = eng.assign(region_code=eng["regions"].str.split(";")).explode("region_code")
    if metric == "idp":
        idp = data["idp_counts"]
        idp = idp[(idp["preferred"] == "true") & (idp["date"] <= f"{year}-12-31")].sort_values("date")
        values = idp.groupby("area_code")["count"].last()
    elif metric == "budget":
        funding = data["funding"].merge(per_region[["engagement_id", "region_code"]], on="engagement_id")
        values = funding.groupby("region_code")["amount_eur"].sum()
    else:
        values = per_region.groupby("region_code")["engagement_id"].nunique()
    out["value"] = out["region_code"].map(values).fillna(0)
    return out


def active_sites(data: dict[str, Any], eng: pd.DataFrame, year: int, selected: str | None) -> pd.DataFrame:
    """Sites of the active engagements in ``year``, the selected engagement's marked."""
    sites = data["sites"]
    sites = sites[(sites["lat"] != "") & ((sites["active_from"] == "") | (sites["active_from"] <= f"{year}-12-31"))]
    sites = sites[(sites["active_to"] == "") | (sites["active_to"] >= f"{year}-01-01")]
    ids = set(eng["engagement_id"]) | ({selected} if selected else set())
    links = sites["engagement_ids"].str.split(";")
    sites = sites[links.map(lambda e: bool(set(e) & ids))].copy()
    sites["lat"], sites["lon"] = sites["lat"].astype(float), sites["lon"].astype(float)
    sites["group"] = sites["engagement_ids"].map(lambda e: "selected" if selected in e.split(";") else "site")
    return sites


def map_figure(data: dict[str, Any], view: dict[str, Any]) -> Any:
    """The whole map of ``view``: a choropleth of the regions and the sites on top."""
    year, lang, metric = int(view["year"]), view["lang"], view["metric"]
    eng = active_engagements(data, year, view["regions"], view["donors"])
    values = region_values(data, eng, metric, year, lang)
    fig = px.choropleth(values, geojson=data["geo"], locations="region_code", featureidkey="properties.region_code",
                        color="value", hover_name="name", color_continuous_scale="Blues",
                        labels={"value": TEXT[lang][metric]})
    if view["regions"]:
        fig.update_traces(marker_line_width=[3 if c in view["regions"] else 0.5 for c in values["region_code"]])
    sites = active_sites(data, eng, year, view["selected"])
    if len(sites):
        points = px.scatter_geo(sites, lat="lat", lon="lon", hover_name="name", color="group",
                                color_discrete_map={"site": "#444444", "selected": "#e66101"})
        fig.add_traces(points.data)
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 30, "b": 0}, height=560, title=f"{TEXT[lang][metric]}, {year}")
    return fig


def table_rows(data: dict[str, Any], view: dict[str, Any]) -> list[dict[str, str]]:
    """The engagements of ``view`` as table rows."""
    eng = active_engagements(data, int(view["year"]), view["regions"], view["donors"])
    name = "name_fr" if view["lang"] == "fr" else "name_en"
    return [{"name": n, "lead": lead, "start": s, "end": e}
            for n, lead, s, e in zip(eng[name], eng["lead_actor"], eng["start_date"], eng["end_date"], strict=True)]


def png_bytes(data: dict[str, Any], view: dict[str, Any]) -> bytes:
    """The map of ``view`` as a PNG, via ``fig.write_image``."""
    import io

    pio.defaults.mathjax = None  # kaleido's page would fetch MathJax from a CDN: offline, none
    pio.defaults.topojson = TOPOJSON.as_uri() + "/"  # and the base map from cdn.plot.ly
    buffer = io.BytesIO()
    map_figure(data, view).write_image(buffer, format="png", width=1200, height=800, scale=2)
    return buffer.getvalue()


def _options(data: dict[str, Any], lang: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    regions = data["map_regions"]
    region_opts = [{"label": n, "value": c} for c, n in zip(regions["region_code"], regions[f"name_{lang}"], strict=True)]
    eng = data["engagements"]
    eng = eng[eng["parent_id"] == ""]
    eng_opts = [{"label": n, "value": e} for e, n in zip(eng["engagement_id"], eng[f"name_{lang}"], strict=True)]
    return region_opts, eng_opts


def _layout(data: dict[str, Any]) -> html.Div:
    text = TEXT["en"]
    region_opts, eng_opts = _options(data, "en")
    return html.Div([
        html.H1("Security assistance to Mali"),
        html.Div([
            html.Label(text["lang"]), dcc.RadioItems(["en", "fr"], "en", id="lang", inline=True),
            html.Label(text["region"]), dcc.Dropdown(region_opts, [], id="regions", multi=True),
            html.Label(text["donor"]), dcc.Dropdown(donors(data), [], id="donors", multi=True),
            html.Label(text["year"]), dcc.Slider(*YEARS, 1, value=2019, id="year", marks=None,
                                                 tooltip={"always_visible": True}),
            html.Label(text["selected"]), dcc.Dropdown(eng_opts, None, id="selected"),
            html.Label(text["metric"]), dcc.RadioItems(list(METRICS), "engagements", id="metric", inline=True),
        ], style={"width": "320px", "float": "left"}),
        html.Div([
            dcc.Graph(id="map-graph", config={"topojsonURL": "/naive-topojson/"}),
            html.Button(text["export"], id="export-button"), dcc.Download(id="export-download"),
            dag.AgGrid(id="grid", columnDefs=[{"field": f, "headerName": text[f]} for f in ("name", "lead", "start", "end")],
                       rowData=[], columnSize="sizeToFit"),
        ], style={"marginLeft": "340px"}),
    ])


def create_app(data_dir: Path = DATA) -> Dash:
    """The naive app: data read once at start-up, three whole-output callbacks."""
    data = load_data(data_dir)
    app = Dash(__name__, serve_locally=True, compress=True, title="Naive build")
    app.layout = _layout(data)
    fields = ("regions", "donors", "year", "metric", "selected", "lang")
    view_inputs = [Input(k, "value") for k in fields]

    def view_of(*values: Any) -> dict[str, Any]:
        view = dict(zip(fields, values, strict=True))
        return {**view, "regions": view["regions"] or [], "donors": view["donors"] or []}

    @app.callback(Output("map-graph", "figure"), *view_inputs)
    def update_map(*values: Any) -> Any:
        return map_figure(data, view_of(*values))

    @app.callback(Output("grid", "rowData"), Output("grid", "columnDefs"), *view_inputs)
    def update_table(*values: Any) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        view = view_of(*values)
        return table_rows(data, view), [{"field": f, "headerName": TEXT[view["lang"]][f]} for f in ("name", "lead", "start", "end")]

    @app.callback(Output("regions", "options"), Output("selected", "options"), Input("lang", "value"),
                  prevent_initial_call=True)
    def relabel(lang: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        return _options(data, lang)

    @app.callback(Output("export-download", "data"), Input("export-button", "n_clicks"),
                  *[State(i.component_id, "value") for i in view_inputs], prevent_initial_call=True)
    def export_png(_clicks: int, *values: Any) -> Any:
        return dcc.send_bytes(png_bytes(data, view_of(*values)), "map.png")

    @app.server.route("/naive-topojson/<path:name>")
    def topojson(name: str) -> Any:
        return send_from_directory(TOPOJSON, name)

    return app


def make_server() -> Any:
    """The Flask server, for ``gunicorn 'benchmarks.naive_app:make_server()'``."""
    return create_app().server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8060)
    create_app().run(port=parser.parse_args().port, debug=False)
