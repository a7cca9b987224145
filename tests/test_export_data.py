"""``sahel-dashboard export-data``: HXL-tagged CSV + datapackage.json, and a GeoPackage.

Read back with the tools their users have: libhxl for HXL, pyogrio (GDAL, as QGIS) for the
GeoPackage, and the Frictionless framework for the data package.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import hxl
import pyogrio
import pytest

from dashboard.cli import main
from dashboard.exchange import FORMATS, GPKG_NAME, data_format, export_data
from layers.rules.base import data_date
from sahel_data.datapackage import datapackage
from sahel_data.hxl import HASHTAG_RE, HASHTAGS, hashtags
from sahel_data.schema import TABLES
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def exported(catalog, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    export_data(catalog, out, ["hxl", "gpkg"], TODAY)
    return out


def test_every_column_has_a_well_formed_hashtag():
    for table in TABLES:
        tags = hashtags(table.name)
        assert len(tags) == len(table.columns)
        assert all(HASHTAG_RE.match(t) for t in tags), table.name
        assert len(set(tags)) == len(tags), f"{table.name}: two columns share a hashtag"
        assert set(HASHTAGS[table.name]) == {c.name for c in table.columns}, table.name


def test_standard_hashtags_where_they_exist():
    assert HASHTAGS["idp_counts"]["count"] == "#affected+idps"
    assert HASHTAGS["idp_counts"]["date"] == "#date"
    assert HASHTAGS["funding"]["amount"] == "#value" and HASHTAGS["funding"]["currency"] == "#currency"
    assert HASHTAGS["funding"]["donor"].startswith("#org")
    assert HASHTAGS["regions"]["pcode"] == "#adm1+code+pcode" and HASHTAGS["regions"]["region_code"] == "#adm1+code+iso"
    assert HASHTAGS["sites"]["lat"] == "#geo+lat" and HASHTAGS["sites"]["lon"] == "#geo+lon"
    assert all(HASHTAGS[t.name]["source_ids"].startswith("#meta+source") for t in TABLES if t.sourced)


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_libhxl_reads_every_exported_table(exported, catalog, table):
    path = exported / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == [c.name for c in TABLES_BY[table].columns] and rows[1] == hashtags(table)
    source = list(csv.reader(io.StringIO((catalog.data_dir / "tables" / f"{table}.csv").read_text(encoding="utf-8"), newline="")))
    assert rows[2:] == source[1:]  # the table's own values, untouched
    data = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    assert [c.get_display_tag(sort_attributes=False) for c in data.columns] == hashtags(table)
    assert [c.header for c in data.columns] == rows[0]
    assert len(list(data)) == len(catalog.tables[table])


TABLES_BY = {t.name: t for t in TABLES}


def test_hxl_consumers_can_ask_for_displacement_by_hashtag(exported, catalog):
    data = hxl.data(str(exported / "idp_counts.csv"), hxl.InputOptions(allow_local=True))
    preferred = [r for r in data if r.get("#meta+preferred") == "true" and r.get("#adm1+code+iso") == "ML-5"]
    frame = catalog.tables["idp_counts"]
    assert sum(int(r.get("#affected+idps")) for r in preferred) == int(frame[frame["preferred"] & (frame["area_code"] == "ML-5")]["count"].sum())
    regions = {r.get("#adm1+code+pcode"): r.get("#adm1+code+iso")
               for r in hxl.data(str(exported / "regions.csv"), hxl.InputOptions(allow_local=True)) if r.get("#adm1+code+pcode")}
    assert regions["ML09"] == "ML-BKO" and regions["ML10"] == "ML-9"


def test_datapackage_lists_every_table_and_field(exported):
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert package == datapackage(hxl=True, created=TODAY)
    assert [r["name"] for r in package["resources"]] == [t.name for t in TABLES]
    for resource, table in zip(package["resources"], TABLES, strict=True):
        assert resource["path"] == table.file and (exported / resource["path"]).is_file()
        assert [f["name"] for f in resource["schema"]["fields"]] == [c.name for c in table.columns]
        assert resource["schema"]["primaryKey"] == table.key
        assert resource["dialect"] == {"header": True, "headerRows": [1], "commentRows": [2]}
        refs = {k["fields"]: k["reference"] for k in resource["schema"].get("foreignKeys", [])}
        assert set(refs) == {c.name for c in table.columns if c.kind == "ref"}
    idp = next(r for r in package["resources"] if r["name"] == "idp_counts")["schema"]
    fields = {f["name"]: f for f in idp["fields"]}
    assert fields["count"]["type"] == "integer" and fields["count"]["constraints"] == {"required": True, "minimum": 0}
    assert fields["preferred"]["type"] == "boolean" and fields["date"]["type"] == "string"
    assert {"fields": "area_code", "reference": {"resource": "regions", "fields": "region_code"}} in idp["foreignKeys"]
    parent = next(r for r in package["resources"] if r["name"] == "engagements")["schema"]["foreignKeys"]
    assert {"fields": "parent_id", "reference": {"resource": "", "fields": "engagement_id"}} in parent


def test_frictionless_validates_the_package_and_catches_a_bad_value(exported, tmp_path):
    from frictionless import validate

    report = validate(str(exported / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in exported.iterdir():
        if path.suffix in (".csv", ".json"):
            (broken / path.name).write_bytes(path.read_bytes())
    text = (broken / "idp_counts.csv").read_text(encoding="utf-8")
    text = text.replace(",approx,true,", ",approx,maybe,", 1)  # not a boolean
    text = text.replace("IDP-2012-10-01-ML-NORTH,2012-10-01,ML-NORTH,", "IDP-2012-10-01-ML-NORTH,2012-10-01,ML-NOWHERE,", 1)
    (broken / "idp_counts.csv").write_text(text, encoding="utf-8")
    report = validate(str(broken / "datapackage.json"))
    assert not report.valid
    errors = report.flatten(["rowNumber", "fieldName", "type"])
    assert [3, "preferred", "type-error"] in errors  # row 3: the first data row, under the header and hashtag rows
    assert [4, None, "foreign-key"] in errors  # area_code must be a region_code of regions.csv


def test_pyogrio_reads_the_geopackage_layers(exported, catalog):
    path = exported / GPKG_NAME
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"regions": "Polygon", "sites": "Point", "countries": "MultiPolygon", "sources": None}
    regions = pyogrio.read_dataframe(path, layer="regions")
    assert regions.crs.to_epsg() == 4326
    assert set(regions["region_code"]) == set(catalog.layers["mali_regions"]["region_code"])
    by_code = regions.set_index("region_code")
    assert by_code.at["ML-BKO", "pcode"] == "ML09" and by_code.at["ML-5", "pcode"] == "ML05"
    assert (by_code["pcode_vintage"] == "2021-12-20").all()
    # Current figures by the dashboard's rules: Gao's latest cover adds Ménaka's count of the same date.
    assert by_code.at["ML-7", "idp_status"] == "value" and by_code.at["ML-7", "idp_areas"] == "ML-7;ML-9"
    assert by_code.at["ML-7", "idp_areas_pcode"] == "ML07;ML10"
    assert by_code.at["ML-5", "idp_count"] == 144492 and by_code.at["ML-5", "idp_date"] == "2023-09-30"
    sites = pyogrio.read_dataframe(path, layer="sites")
    mapped = catalog.tables["sites"]["lat"].notna()
    assert len(sites) == int(mapped.sum()) and sites.geometry.notna().all()
    assert set(sites.loc[sites["region_code"] == "ML-BKO", "region_pcode"]) == {"ML09"}
    countries = pyogrio.read_dataframe(path, layer="countries").set_index("iso3")
    assert countries.at["MLI", "region_code"] == "ML" and countries.at["MLI", "pcode"] == "ML"
    assert countries.at["MLI", "idp_count"] > 0
    sources = pyogrio.read_dataframe(path, layer="sources", read_geometry=False)
    assert set(sources["source_id"]) == set(catalog.tables["sources"]["source_id"])
    # Every layer stands at the data's date (its latest dated row, 17 Feb 2026), not at the day of
    # the export: no figure stands later than the data.
    for layer in (regions, sites, countries):
        assert set(layer["as_at"]) == {data_date(catalog.tables, TODAY).date().isoformat()} == {"2026-02-17"}


def test_formats_are_pluggable(catalog, tmp_path):
    assert {"hxl", "gpkg"} <= set(FORMATS)

    @data_format("count", "a test format: one line per table")
    def write_count(catalog, out_dir, _today):
        target = out_dir / "count.txt"
        target.write_text("".join(f"{name} {len(frame)}\n" for name, frame in catalog.tables.items()), encoding="utf-8")
        return [target]

    try:
        assert export_data(catalog, tmp_path, ["count"], TODAY) == [tmp_path / "count.txt"]
        with pytest.raises(KeyError, match="unknown format"):
            export_data(catalog, tmp_path, ["xlsx-not-yet"], TODAY)
    finally:
        FORMATS.pop("count")


def test_the_command(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export-data", "--format", "hxl,gpkg", "-o", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {t.file for t in TABLES} | {"datapackage.json", GPKG_NAME}
    assert main(["export-data", "--format", "shapefile", "-o", str(out)]) == 2
    assert "unknown format(s) shapefile; expected gpkg, hxl" in capsys.readouterr().err
