"""Boundary versions: importing a layout that applies from a date, and every part following it.

The fixture is made here from the bundled boundaries: Gao (ML-7) is split along a meridian into
a western Gao (p-code ML07) and an eastern Ménaka (ML10, ISO ML-9); the other regions keep their
bundled polygons and p-codes. It is imported as the boundaries from 1 January 2016.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from dashboard.cli import main
from sahel_data.boundary_import import BoundaryError, plan_boundary_import
from sahel_data.load import load_catalog
from tests.conftest import TODAY

SPLIT_LON = 1.0  # east of it: Ménaka


def _fixture(data_dir: Path, target: Path) -> Path:
    base = gpd.read_file(data_dir / "geo" / "mali_regions.geojson")
    regions = load_catalog(data_dir, use_cache=False).tables["regions"]
    pcodes = dict(zip(regions["region_code"], regions["pcode"], strict=True))
    rows = []
    for code, fr, en, geom in zip(base["region_code"], base["name_fr"], base["name_en"], base.geometry, strict=True):
        if code != "ML-7":
            rows.append({"admin1Pcode": pcodes[code], "admin1Name_fr": fr, "admin1Name_en": en, "geometry": geom})
            continue
        west = shapely.intersection(geom, shapely.box(-20, 0, SPLIT_LON, 30))
        east = shapely.intersection(geom, shapely.box(SPLIT_LON, 0, 20, 30))
        rows += [{"admin1Pcode": "ML07", "admin1Name_fr": "Gao", "admin1Name_en": "Gao", "geometry": west},
                 {"admin1Pcode": "ML10", "admin1Name_fr": "Ménaka", "admin1Name_en": "Menaka", "geometry": east}]
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(target, driver="GeoJSON")
    return target


def _hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


ARGS = ["--valid-from", "2016-01-01", "--source", "Test split of the bundled Natural Earth regions", "--licence", "public domain"]


@pytest.fixture
def imported(data_copy, tmp_path):
    path = _fixture(data_copy, tmp_path / "mali_adm1_2016.geojson")
    assert main(["import", "boundaries", str(path), "--data-dir", str(data_copy), *ARGS]) == 0
    return data_copy, path


def test_a_dry_run_writes_nothing_and_a_bad_file_is_refused(data_copy, tmp_path, capsys):
    path = _fixture(data_copy, tmp_path / "adm1.geojson")
    before = _hash(data_copy)
    assert main(["import", "boundaries", str(path), "--data-dir", str(data_copy), *ARGS, "--dry-run"]) == 0
    assert "10 regions" in capsys.readouterr().out and _hash(data_copy) == before
    plain = tmp_path / "plain.geojson"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.box(-5, 14, -4, 15)], crs="EPSG:4326").to_file(plain, driver="GeoJSON")
    with pytest.raises(BoundaryError, match="admin1Pcode or ADM1_PCODE"):
        plan_boundary_import(plain, data_copy, valid_from=date(2016, 1, 1), source="x", licence="y")
    assert _hash(data_copy) == before


def test_the_import_records_the_version_its_crosswalk_and_its_provenance(imported):
    data_dir, path = imported
    catalog = load_catalog(data_dir, use_cache=False)
    base, new = catalog.boundaries
    assert (base.version_id, new.version_id, new.valid_from) == ("base", "from-2016-01-01", date(2016, 1, 1))
    assert sorted(new.regions["region_code"]) == sorted([*base.regions["region_code"], "ML-9"])
    # Every area code is placed: Ménaka on its own polygon now; Taoudénit and Bandiagara still inside theirs.
    assert (new.drawn["ML-9"], new.drawn["ML-10"], new.drawn["ML-BDG"], new.drawn["ML-7"]) == ("ML-9", "ML-6", "ML-5", "ML-7")
    manifest = json.loads((data_dir / "geo" / "boundaries.json").read_text(encoding="utf-8"))["versions"][0]
    assert manifest["licence"] == "public domain" and manifest["imported_from"] == path.name
    source = catalog.tables["sources"].loc[manifest["source_id"]]
    assert source["publisher"].startswith("Test split")
    # The same file for the same date again changes nothing.
    before = _hash(data_dir)
    assert main(["import", "boundaries", str(path), "--data-dir", str(data_dir), *ARGS]) == 0
    assert _hash(data_dir) == before


def test_the_map_filters_and_figures_follow_the_views_date(imported):
    from dashboard.view import build_app_data, view_map_spec
    from layers.map_figure import TRACE
    from layers.view_state import parse_query

    data_dir, _ = imported
    app = build_app_data(load_catalog(data_dir, use_cache=False), TODAY)
    later = view_map_spec(app, parse_query("?year=2019", app.options), with_geometry=False)["data"][TRACE["regions"]]
    earlier = view_map_spec(app, parse_query("?year=2014", app.options), with_geometry=False)["data"][TRACE["regions"]]
    assert "from-2016-01-01|ML-9" in later["locations"] and "ML-9" in later["customdata"]
    assert all(key.startswith("base|") for key in earlier["locations"]) and "ML-9" not in earlier["customdata"]
    # Both versions' polygons went to the browser once, in one GeoJSON.
    keys = {f["properties"]["key"] for f in app.map_base.regions_geojson["features"]}
    assert {"base|ML-7", "from-2016-01-01|ML-7", "from-2016-01-01|ML-9"} <= keys
    # A Ménaka count of 2020 is drawn on Ménaka's own polygon, not added to Gao's.
    idp = app.engine.facts(parse_query("?year=2020&metric=idp", app.options)).region_values.set_index("region_code")
    counts = app.tables["idp_counts"]
    menaka_2020 = counts[(counts["area_code"] == "ML-9") & (counts["date"].dt.year == 2020) & counts["preferred"]]
    if len(menaka_2020):
        assert idp.at["ML-9", "status"] in ("value", "partial")
    # The region filter offers Ménaka, and a 2019 view filtered on it reads its polygon.
    assert "ML-9" in app.options.regions
    view = app.engine.facts(parse_query("?year=2019&region=ML-9", app.options))
    assert view.layout_id == "from-2016-01-01"
    assert app.engine.facts(parse_query("?year=2014", app.options)).layout_id == "base"


@pytest.mark.export
def test_exports_draw_the_version_of_their_date(imported):
    from dashboard.export import render_view
    from dashboard.view import build_app_data
    from layers.view_state import parse_query

    data_dir, _ = imported
    app = build_app_data(load_catalog(data_dir, use_cache=False), TODAY)
    svg_2019 = render_view(app, parse_query("?year=2019", app.options), "svg").decode("utf-8")
    svg_2014 = render_view(app, parse_query("?year=2014", app.options), "svg").decode("utf-8")
    # One region more is drawn in 2019 (Gao and Ménaka apart) than in 2014.
    assert svg_2019.count('class="choroplethlocation"') == svg_2014.count('class="choroplethlocation"') + 1
