"""Each kind of defect in a corrupted copy of the shipped data gives the exact expected error."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from sahel_data.load import load_catalog, validate
from sahel_data.problems import DataError, Problem


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(data: Path, table: str, line: int, column: str, value: str) -> str:
    """Set one cell (line is the 1-based file line); returns the previous value."""
    path = data / "tables" / f"{table}.csv"
    rows = read_rows(path)
    col = rows[0].index(column)
    old = rows[line - 1][col]
    rows[line - 1][col] = value
    write_rows(path, rows)
    return old


def cell(data: Path, table: str, line: int, column: str) -> str:
    rows = read_rows(data / "tables" / f"{table}.csv")
    return rows[line - 1][rows[0].index(column)]


def test_shipped_data_is_valid(data_copy):
    assert validate(data_copy) == []


def test_missing_column(data_copy):
    path = data_copy / "tables" / "mandates.csv"
    rows = [r[:-1] for r in read_rows(path)]
    write_rows(path, rows)
    assert Problem("mandates.csv", 1, "locators", "(missing)", "this required column in the header") in validate(data_copy)


@pytest.mark.parametrize(("table", "column", "value", "expected"), [
    ("engagements", "start_date", "2013-02-30x", "a date YYYY, YYYY-MM or YYYY-MM-DD"),
    ("engagements", "start_date", "18/02/2013", "a date YYYY, YYYY-MM or YYYY-MM-DD"),
    ("engagements", "kind", "spaceship", "one of "),
    ("engagements", "sectors", "training;cooking", "items from "),
    ("engagements", "engagement_id", "eutm mali", "an id matching"),
    ("mandates", "budget_eur", "-5", "a number >= 0"),
    ("mandates", "budget_eur", "12 300 000", "a number (digits, optional decimal point)"),
    ("idp_counts", "count", "12,000", "a whole number (digits only, no separators)"),
    ("funding", "is_component", "yes", "true or false"),
    ("events", "title_en", '=HYPERLINK("http://evil","x")', "text that does not start with = + - @"),
    ("events", "title_en", " padded", "no leading or trailing spaces"),
    ("engagements", "name_en", "", "a value (this column is required)"),
])
def test_bad_cell(data_copy, table, column, value, expected):
    set_cell(data_copy, table, 2, column, value)
    problems = [p for p in validate(data_copy) if p.file == f"{table}.csv" and p.row == 2 and p.column == column]
    assert problems, validate(data_copy)[:5]
    assert problems[0].value == value
    assert problems[0].expected.startswith(expected)


def test_end_before_start(data_copy):
    set_cell(data_copy, "mandates", 2, "start_date", "2013-02-18")
    set_cell(data_copy, "mandates", 2, "end_date", "2012-01-01")
    assert Problem("mandates.csv", 2, "end_date", "2012-01-01", "a date on or after start_date 2013-02-18") in validate(data_copy)


def test_duplicate_id(data_copy):
    first = cell(data_copy, "events", 2, "event_id")
    set_cell(data_copy, "events", 3, "event_id", first)
    assert Problem("events.csv", 3, "event_id", first, "a unique id (also on row 2)") in validate(data_copy)


@pytest.mark.parametrize(("table", "column", "target"), [
    ("mandates", "engagement_id", "engagements"),
    ("funding", "source_ids", "sources"),
    ("sites", "region_code", "regions"),
])
def test_dangling_reference(data_copy, table, column, target):
    set_cell(data_copy, table, 2, column, "NO-SUCH-ID")
    assert Problem(f"{table}.csv", 2, column, "NO-SUCH-ID", f"an id that exists in {target}.csv") in validate(data_copy)


def _engagement_line(data: Path, engagement_id: str) -> int:
    rows = read_rows(data / "tables" / "engagements.csv")
    return next(i + 1 for i, r in enumerate(rows) if r[0] == engagement_id)


def test_parent_cycle_names_every_engagement_on_it(data_copy):
    minusma, german = _engagement_line(data_copy, "MINUSMA"), _engagement_line(data_copy, "DE-MINUSMA")
    assert cell(data_copy, "engagements", german, "parent_id") == "MINUSMA"
    set_cell(data_copy, "engagements", minusma, "parent_id", "DE-MINUSMA")
    problems = [p for p in validate(data_copy) if p.column == "parent_id"]
    assert problems == sorted([
        Problem("engagements.csv", minusma, "parent_id", "DE-MINUSMA",
                "a parent chain that ends (no cycle: MINUSMA → DE-MINUSMA → MINUSMA)"),
        Problem("engagements.csv", german, "parent_id", "MINUSMA",
                "a parent chain that ends (no cycle: DE-MINUSMA → MINUSMA → DE-MINUSMA)"),
    ])  # NL-MINUSMA and the other contingents lead into the cycle but their own parent is fine


def test_longer_parent_cycle(data_copy):
    lines = {e: _engagement_line(data_copy, e) for e in ("EUTM-MALI", "EUCAP-SAHEL-MALI", "MINUSMA")}
    set_cell(data_copy, "engagements", lines["EUTM-MALI"], "parent_id", "EUCAP-SAHEL-MALI")
    set_cell(data_copy, "engagements", lines["EUCAP-SAHEL-MALI"], "parent_id", "MINUSMA")
    set_cell(data_copy, "engagements", lines["MINUSMA"], "parent_id", "EUTM-MALI")
    problems = [p for p in validate(data_copy) if p.column == "parent_id"]
    assert {p.row for p in problems} == set(lines.values())
    assert all(p.expected.startswith("a parent chain that ends (no cycle: ") for p in problems)


def test_parent_equal_to_own_id_is_refused(data_copy):
    line = _engagement_line(data_copy, "EUTM-MALI")
    set_cell(data_copy, "engagements", line, "parent_id", "EUTM-MALI")
    assert [p for p in validate(data_copy) if p.column == "parent_id"] == [
        Problem("engagements.csv", line, "parent_id", "EUTM-MALI",
                "a parent other than the engagement itself (a parent chain that ends, no cycle)"),
    ]


def _loaded_and_listed(data: Path, catalog) -> None:
    """Every row of every table either loads or is listed in ``rejected``: none dropped silently."""
    from sahel_data.schema import TABLES

    listed = {(p.file, p.row) for p in catalog.rejected}
    for table in TABLES:
        rows = read_rows(data / "tables" / table.file)[1:]
        loaded = set(catalog.tables[table.name]["_row"])
        assert all((i in loaded) != ((table.file, i) in listed) for i in range(2, len(rows) + 2)), table.file


def test_lenient_load_rejects_and_lists_the_rows_of_a_cycle(data_copy):
    from dashboard.view import build_app_data
    from layers.view_state import parse_query

    minusma, german = _engagement_line(data_copy, "MINUSMA"), _engagement_line(data_copy, "DE-MINUSMA")
    set_cell(data_copy, "engagements", minusma, "parent_id", "DE-MINUSMA")
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    cycle = [p for p in catalog.rejected if p.expected.startswith("a parent chain that ends (no cycle")]
    assert [(p.file, p.row, p.column) for p in cycle] == sorted([("engagements.csv", minusma, "parent_id"),
                                                                 ("engagements.csv", german, "parent_id")])
    engagements = catalog.tables["engagements"]
    assert not {"MINUSMA", "DE-MINUSMA", "NL-MINUSMA"} & set(engagements.index) and "EUTM-MALI" in engagements.index
    # The rows that refer to them (their mandates, figures, contingents...) are rejected and listed too.
    mandate = next(p for p in catalog.rejected if p.file == "mandates.csv" and p.value == "MINUSMA")
    assert mandate.column == "engagement_id" and mandate.expected == f"an id of a row that loads (engagements.csv row {minusma} is rejected)"
    assert any(p.row == _engagement_line(data_copy, "NL-MINUSMA") and p.column == "parent_id" for p in catalog.rejected)
    _loaded_and_listed(data_copy, catalog)
    app = build_app_data(catalog, date(2026, 11, 22))  # the rest still loads and answers a view
    listed = app.engine.facts(parse_query("?year=2019", app.options)).selection.listed
    assert "EUTM-MALI" in set(app.tables["engagements"]["engagement_id"].to_numpy()[listed])


def test_lenient_load_rejects_the_rows_of_a_rejected_engagement(data_copy):
    from dashboard.view import build_app_data

    set_cell(data_copy, "engagements", _engagement_line(data_copy, "MINUSMA"), "kind", "spaceship")
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    assert "MINUSMA" not in catalog.tables["engagements"].index
    assert "MINUSMA" not in set(catalog.tables["mandates"]["engagement_id"])  # was kept, and the engine crashed
    _loaded_and_listed(data_copy, catalog)
    build_app_data(catalog, date(2026, 11, 22))


def _mapped_site_line(data: Path) -> int:
    rows = read_rows(data / "tables" / "sites.csv")
    lat = rows[0].index("lat")
    return next(i + 1 for i, r in enumerate(rows[1:], start=1) if r[lat])


def test_out_of_range_coordinate(data_copy):
    line = _mapped_site_line(data_copy)
    set_cell(data_copy, "sites", line, "lat", "48.85")
    lon = cell(data_copy, "sites", line, "lon")
    problems = [p for p in validate(data_copy) if p.file == "sites.csv" and p.row == line]
    assert problems[0].value == f"48.85,{lon}"
    assert problems[0].expected.startswith("a point inside the Sahel box")


def test_swapped_lat_lon_is_named(data_copy):
    line = _mapped_site_line(data_copy)
    set_cell(data_copy, "sites", line, "lat", "-8.0")
    set_cell(data_copy, "sites", line, "lon", "12.65")
    problems = [p for p in validate(data_copy) if p.file == "sites.csv" and p.row == line]
    assert "(lat and lon swapped?)" in problems[0].expected


def test_coordinates_without_precision(data_copy):
    line = _mapped_site_line(data_copy)
    set_cell(data_copy, "sites", line, "precision", "unknown")
    assert Problem("sites.csv", line, "precision", "unknown", "a precision other than unknown when lat/lon are given") in validate(data_copy)


def test_amount_without_currency(data_copy):
    rows = read_rows(data_copy / "tables" / "funding.csv")
    amount = rows[0].index("amount")
    line = next(i + 1 for i, r in enumerate(rows[1:], start=1) if r[amount])
    set_cell(data_copy, "funding", line, "currency", "")
    assert Problem("funding.csv", line, "currency", "", "a value when amount is given") in validate(data_copy)


def test_eur_value_of_a_usd_amount_is_refused(data_copy):
    rows = read_rows(data_copy / "tables" / "funding.csv")
    header = rows[0]
    line = next(i + 1 for i, r in enumerate(rows[1:], start=1) if r[header.index("currency")] == "USD")
    set_cell(data_copy, "funding", line, "amount_eur", "90000000")
    problems = [p for p in validate(data_copy) if p.row == line and p.column == "amount_eur"]
    assert problems and "never converted" in problems[0].expected


def test_locators_must_match_sources(data_copy):
    set_cell(data_copy, "events", 2, "source_ids", "SEED-001;SEED-002;SEED-003")
    set_cell(data_copy, "events", 2, "locators", "p. 1 | p. 2")
    problems = [p for p in validate(data_copy) if p.file == "events.csv" and p.row == 2 and p.column == "locators"]
    assert problems and "3 sources, 2 locators" in problems[0].expected


def test_non_utf8_file(data_copy):
    path = data_copy / "tables" / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("utf-8") + "Coup d'État à Bamako\n".encode("latin-1"))
    problems = validate(data_copy)
    assert problems[0].file == "events.csv"
    assert problems[0].expected.startswith("UTF-8 text")
    assert problems[0].row == text.count("\n") + 1


def test_bom(data_copy):
    path = data_copy / "tables" / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate(data_copy)[0].expected.startswith("UTF-8 without BOM")


def test_wrong_delimiter(data_copy):
    path = data_copy / "tables" / "regions.csv"
    rows = read_rows(path)
    path.write_text("\n".join(";".join(r) for r in rows), encoding="utf-8")
    problem = validate(data_copy)[0]
    assert problem.file == "regions.csv" and problem.expected.startswith("comma-delimited columns")


def test_truncated_file(data_copy):
    path = data_copy / "tables" / "engagements.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    problems = validate(data_copy)
    assert any(p.file == "engagements.csv" and ("fields, found" in p.expected or "well-formed CSV" in p.expected) for p in problems)


def test_duplicate_header(data_copy):
    path = data_copy / "tables" / "events.csv"
    rows = read_rows(path)
    rows[0][-1] = rows[0][0]
    write_rows(path, rows)
    assert any(p.expected == "each column name once (duplicate header)" for p in validate(data_copy))


def test_extra_column(data_copy):
    path = data_copy / "tables" / "events.csv"
    write_rows(path, [[*r, "x"] for r in read_rows(path)])
    problems = validate(data_copy)
    assert problems[0].column == "x" and problems[0].expected.startswith("only the columns")


def test_missing_file(data_copy):
    (data_copy / "tables" / "indicators.csv").unlink()
    assert validate(data_copy)[0].expected == "the file to exist"


def _edit_geojson(data: Path, name: str, edit) -> None:
    path = data / "geo" / name
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_self_intersecting_polygon(data_copy):
    def bowtie(doc):
        doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[-10, 12], [-8, 14], [-8, 12], [-10, 14], [-10, 12]]]}
    _edit_geojson(data_copy, "mali_regions.geojson", bowtie)
    problems = validate(data_copy)
    assert problems[0].file == "mali_regions.geojson"
    assert "Self-intersection" in problems[0].value and "no self-intersection" in problems[0].expected


def test_empty_geometry(data_copy):
    def empty(doc):
        doc["features"][1]["geometry"] = {"type": "Polygon", "coordinates": []}
    _edit_geojson(data_copy, "mali_regions.geojson", empty)
    assert validate(data_copy)[0].value == "empty geometry"


def test_unclosed_ring(data_copy):
    def unclosed(doc):
        doc["features"][1]["geometry"] = {"type": "Polygon", "coordinates": [[[-10, 12], [-8, 14], [-8, 12]]]}
    _edit_geojson(data_copy, "mali_regions.geojson", unclosed)
    assert validate(data_copy)[0].expected.startswith("closed rings of at least 4 positions")


def test_wrong_crs(data_copy):
    def crs(doc):
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    _edit_geojson(data_copy, "sahel_countries.geojson", crs)
    assert Problem("sahel_countries.geojson", 0, "crs", "urn:ogc:def:crs:EPSG::3857", "EPSG:4326 / CRS84 longitude-latitude") in validate(data_copy)


def test_feature_outside_bbox(data_copy):
    def move(doc):
        doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[2, 48], [3, 48], [3, 49], [2, 49], [2, 48]]]}
    _edit_geojson(data_copy, "mali_regions.geojson", move)
    assert validate(data_copy)[0].expected.startswith("lon -13.0..5.0")


def test_truncated_geojson(data_copy):
    path = data_copy / "geo" / "mali_regions.geojson"
    path.write_bytes(path.read_bytes()[:5000])
    assert validate(data_copy)[0].expected == "valid JSON (is the file truncated?)"


def test_strict_load_raises_with_every_problem(data_copy):
    set_cell(data_copy, "events", 2, "kind", "party")
    set_cell(data_copy, "events", 3, "date", "yesterday")
    with pytest.raises(DataError, match=r"2 data problem\(s\)") as err:
        load_catalog(data_copy, use_cache=False)
    assert {p.row for p in err.value.problems} == {2, 3}


def test_lenient_load_keeps_valid_rows_and_lists_rejected(data_copy):
    total = len(read_rows(data_copy / "tables" / "events.csv")) - 1
    bad_id = cell(data_copy, "events", 2, "event_id")
    set_cell(data_copy, "events", 2, "kind", "party")
    catalog = load_catalog(data_copy, lenient=True, use_cache=False)
    assert len(catalog.tables["events"]) == total - 1
    assert bad_id not in catalog.tables["events"].index
    assert [(p.file, p.row, p.column) for p in catalog.rejected] == [("events.csv", 2, "kind")]


def test_lenient_load_still_refuses_an_unreadable_file(data_copy):
    (data_copy / "tables" / "events.csv").write_bytes(b"\xff\xfe garbage")
    with pytest.raises(DataError):
        load_catalog(data_copy, lenient=True, use_cache=False)


def test_huge_file_is_refused_before_reading(data_copy, monkeypatch):
    import sahel_data.tables as tables_module

    monkeypatch.setattr(tables_module, "MAX_FILE_BYTES", 1000)
    problems = validate(data_copy)
    assert problems[0].value.endswith("bytes") and problems[0].expected == "at most 1000 bytes"


def test_formula_cells_are_neutralised_in_downloads():
    import openpyxl
    import pandas as pd

    from dashboard.export_table import neutralise

    assert neutralise('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    assert neutralise("+1") == "'+1" and neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("plain") == "plain"
    assert neutralise(12.5) == 12.5
    frame = pd.DataFrame({"a": ["=1+1", "ok"]}).map(neutralise)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
