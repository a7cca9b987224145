"""``sahel-dashboard export-data``: the data for other tools, one writer per format.

Formats are pluggable: a writer is a function ``(catalog, out_dir, today) -> [paths written]``
registered under its name with :func:`data_format`; ``export-data --format NAME`` finds it in
:data:`FORMATS`. Each writes into ``out_dir`` and replaces its files atomically.

* ``hxl``: every table as an HXL-tagged CSV (the table's own rows and values, a row of hashtags
  under the header, :mod:`sahel_data.hxl`), with a Frictionless ``datapackage.json`` describing
  them (:mod:`sahel_data.datapackage`).
* ``gpkg``: one GeoPackage for GIS users (QGIS...): the Mali regions, the sites and the Sahel
  countries as layers, joined to their current figures (below), and the sources as a table.
* ``xlsx``: the tables as one workbook to edit in Excel and bring back with ``import xlsx``
  (:mod:`sahel_data.workbook`).

"Current" means as at the data's date (its latest dated row, never after today: no figure stands
later), by the dashboard's own rules (``layers.rules``):

* a region's IDP figure is the latest count of one date covering the whole polygon over the
  whole series (2012 to today), with its date, the areas it adds and their sources, or its status
  (``partial``: counts of some of its areas only; ``unknown``: none), never a sum of dates;
* a region's engagements are those of the data's latest year the dashboard counts there, apart from
  the country-wide ones (the same for every region, given as their own column);
* a site lists which of its engagements are active on that date; Mali's country feature carries the
  latest national IDP count.

Both code systems travel with every area: ``region_code`` (ISO 3166-2) and ``pcode`` (OCHA COD-AB,
with ``pcode_vintage``), so a layer joins to p-coded humanitarian data as well as to ours.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sahel_data.atomic import write_bytes_atomic, write_text_atomic
from sahel_data.datapackage import datapackage
from sahel_data.hxl import hashtags
from sahel_data.load import Catalog
from sahel_data.schema import TABLES

GPKG_NAME = "sahel-security-assistance.gpkg"
FIRST_YEAR = 2012


@dataclass(frozen=True)
class DataFormat:
    """A registered export format: its name, a line of help, and its writer."""

    name: str
    help: str
    write: Callable[[Catalog, Path, date], list[Path]]


FORMATS: dict[str, DataFormat] = {}


def data_format(name: str, help_text: str) -> Callable[[Callable[[Catalog, Path, date], list[Path]]], Callable[[Catalog, Path, date], list[Path]]]:
    """Register a writer as format ``name`` (``@data_format("xlsx", "one workbook")``)."""

    def register(write: Callable[[Catalog, Path, date], list[Path]]) -> Callable[[Catalog, Path, date], list[Path]]:
        FORMATS[name] = DataFormat(name, help_text, write)
        return write

    return register


def export_data(catalog: Catalog, out_dir: Path, formats: list[str], today: date) -> list[Path]:
    """Write ``formats`` into ``out_dir`` (created if needed); returns every file written.
    Raises ``KeyError`` naming an unknown format before anything is written.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise KeyError(f"unknown format(s) {', '.join(unknown)}; expected {', '.join(sorted(FORMATS))}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in dict.fromkeys(formats):
        written += FORMATS[name].write(catalog, out_dir, today)
    return written


# ---------------------------------------------------------------------------------------------
# HXL-tagged CSV + datapackage.json


def hxl_text(catalog: Catalog, table: str) -> str:
    """``table`` as HXL-tagged CSV: its file's header and rows, values as written, hashtags under the header."""
    spec = next(t for t in TABLES if t.name == table)
    text = (catalog.data_dir / "tables" / spec.file).read_text(encoding="utf-8-sig")  # a BOM (Excel) is not text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [c.name for c in spec.columns]
    index = [rows[0].index(c) for c in header]  # the loaded file has exactly the schema's columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerow(hashtags(table))
    writer.writerows([[r[i] for i in index] for r in rows[1:] if r])
    return buffer.getvalue()


@data_format("hxl", "every table as HXL-tagged CSV, with a Frictionless datapackage.json")
def write_hxl(catalog: Catalog, out_dir: Path, today: date) -> list[Path]:
    """Every table as ``<table>.csv`` with its hashtag row, and ``datapackage.json``."""
    written = []
    for table in TABLES:
        target = out_dir / table.file
        write_text_atomic(target, hxl_text(catalog, table.name))
        written.append(target)
    target = out_dir / "datapackage.json"
    write_text_atomic(target, json.dumps(datapackage(hxl=True, created=today), ensure_ascii=False, indent=2) + "\n")
    return [*written, target]


# ---------------------------------------------------------------------------------------------
# An Excel workbook to edit and import back (sahel_data.workbook)


def write_workbook_file(catalog: Catalog, target: Path, today: date) -> Path:
    """The tables as one workbook at ``target``, stamped with the data version."""
    from sahel_data.releases import data_version
    from sahel_data.workbook import write_workbook

    return write_workbook(catalog.data_dir, target, version=data_version(catalog.data_dir, list(catalog.releases)), today=today)


@data_format("xlsx", "one Excel workbook of the tables, to edit and bring back with import xlsx")
def write_xlsx(catalog: Catalog, out_dir: Path, today: date) -> list[Path]:
    """``sahel-security-assistance.xlsx``: one sheet per table, sources and locators side by side,
    drop-downs for codes and vocabularies (``sahel_data.workbook``).
    """
    from sahel_data.workbook import WORKBOOK_NAME

    return [write_workbook_file(catalog, out_dir / WORKBOOK_NAME, today)]


# ---------------------------------------------------------------------------------------------
# GeoPackage


def _joined(values: object) -> str:
    return ";".join(str(v) for v in values) if isinstance(values, (list, tuple)) else ("" if values is None else str(values))


def _date_text(frame: pd.DataFrame, column: str) -> pd.Series:
    text = f"{column}_text"
    return frame[text] if text in frame else frame[column].astype(str)


def region_layer(catalog: Catalog, today: date) -> gpd.GeoDataFrame:
    """The drawn Mali regions with both codes, their current IDP figure and their engagements."""
    from layers.period import Period
    from layers.rules.displacement import region_note
    from layers.rules.engine import Engine
    from layers.view_state import ViewState

    engine = Engine(catalog.tables, today)
    regions = catalog.tables["regions"].set_index("region_code", drop=False)
    pcode = regions["pcode"].to_dict()
    names = regions["name_en"].to_dict()
    latest = engine.latest  # the data's date: no figure stands later (layers.period)
    whole = Period.year(FIRST_YEAR, latest.year)
    counts = engine.displacement_at(whole.as_at(latest)).regions_at(whole, whole.as_at(latest))
    engaged = engine.facts(ViewState(period=Period.year(latest.year), metric="engagements")).region_values.set_index("region_code")
    shapes = catalog.layers["mali_regions"]
    rows = []
    for code in shapes["region_code"]:
        count = counts.get(code)
        row = regions.loc[code]
        rows.append({
            "region_code": code,
            "pcode": row["pcode"],
            "pcode_vintage": row["pcode_vintage_text"],
            "name_fr": row["name_fr"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "idp_status": count.status if count else "unknown",
            "idp_count": count.value if count and count.status == "value" else None,
            "idp_date": count.date_text if count and count.status == "value" else "",
            "idp_areas": ";".join(count.members) if count else "",
            "idp_areas_pcode": ";".join(pcode.get(a) or "(no p-code)" for a in count.members) if count else "",
            "idp_note": region_note(count, names, "en") if count else "no count",
            "idp_source_ids": ";".join(count.source_ids) if count else "",
            "engagements_here": int(engaged.at[code, "value"]) if code in engaged.index else 0,
            "engagements_country_wide": int(engaged.at[code, "country_wide"]) if code in engaged.index else 0,
            "as_at": latest.date().isoformat(),
        })
    frame = pd.DataFrame(rows)
    frame["idp_count"] = frame["idp_count"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=list(shapes["geometry"]), crs="EPSG:4326")


def site_layer(catalog: Catalog, today: date) -> gpd.GeoDataFrame:
    """Every mapped site (with coordinates), its region in both codes, and its engagements active
    on the data's date (its latest dated figure, not after today).
    """
    from layers.rules.base import Rules

    sites = catalog.tables["sites"]
    sites = sites[sites["lat"].notna() & sites["lon"].notna()]
    pcode = catalog.tables["regions"].set_index("region_code")["pcode"].to_dict()
    rules = Rules(catalog.tables, today)
    latest = rules.data_date()
    active = rules.active_at(latest)
    live = {eid for eid, i in rules.position.items() if active[i]}
    frame = pd.DataFrame({
        "site_id": sites["site_id"].to_numpy(),
        "name": sites["name"].to_numpy(),
        "kind": sites["kind"].to_numpy(),
        "precision": sites["precision"].to_numpy(),
        "placed_at": sites["placed_at"].to_numpy(),
        "region_code": sites["region_code"].to_numpy(),
        "region_pcode": [pcode.get(c, "") or "" for c in sites["region_code"]],
        "country": sites["country"].to_numpy(),
        "engagement_ids": [_joined(v) for v in sites["engagement_ids"]],
        "engagements_active": [";".join(e for e in v if e in live) for v in sites["engagement_ids"]],
        "active_from": _date_text(sites, "active_from").to_numpy(),
        "active_to": _date_text(sites, "active_to").to_numpy(),
        "note": sites["note"].to_numpy(),
        "source_ids": [_joined(v) for v in sites["source_ids"]],
        "locators": [" | ".join(v) for v in sites["locators"]],
        "as_at": latest.date().isoformat(),
    })
    points = gpd.points_from_xy(sites["lon"].astype(float), sites["lat"].astype(float))
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def country_layer(catalog: Catalog, today: date) -> gpd.GeoDataFrame:
    """The Sahel countries (context), with their codes and, for Mali, the latest national IDP count."""
    from layers.rules.base import data_date

    countries = catalog.layers["sahel_countries"]
    regions = catalog.tables["regions"]
    by_drawn = regions[regions["kind"] == "country"].set_index("drawn_as")
    idp = catalog.tables["idp_counts"]
    latest_day = data_date(catalog.tables, today)
    national = idp[(idp["area_code"] == "ML") & idp["preferred"] & (idp["date"] <= latest_day)].sort_values("date")
    latest = national.iloc[-1] if len(national) else None
    rows = []
    for iso3 in countries["iso3"]:
        code = by_drawn.index.get_loc(iso3) if iso3 in by_drawn.index else None
        row = by_drawn.iloc[code] if code is not None else None
        is_mali = row is not None and row["region_code"] == "ML"
        rows.append({
            "iso3": iso3,
            "region_code": row["region_code"] if row is not None else "",
            "pcode": row["pcode"] if row is not None else "",
            "name_fr": countries.loc[countries["iso3"] == iso3, "name_fr"].iloc[0],
            "name_en": countries.loc[countries["iso3"] == iso3, "name_en"].iloc[0],
            "g5_sahel": bool(countries.loc[countries["iso3"] == iso3, "g5_sahel"].iloc[0]),
            "idp_count": int(latest["count"]) if is_mali and latest is not None else None,
            "idp_date": latest["date_text"] if is_mali and latest is not None else "",
            "idp_source_ids": _joined(latest["source_ids"]) if is_mali and latest is not None else "",
            "as_at": latest_day.date().isoformat(),
        })
    frame = pd.DataFrame(rows)
    frame["idp_count"] = frame["idp_count"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=list(countries["geometry"]), crs="EPSG:4326")


def source_table(catalog: Catalog) -> pd.DataFrame:
    """The sources, so that every ``source_ids`` value in the layers resolves inside the file."""
    sources = catalog.tables["sources"]
    return pd.DataFrame({c.name: (_date_text(sources, c.name) if c.kind == "date" else sources[c.name]).to_numpy()
                         for c in TABLES[0].columns})


@data_format("gpkg", "one GeoPackage: regions, sites and countries joined to their current figures, and the sources")
def write_gpkg(catalog: Catalog, out_dir: Path, today: date) -> list[Path]:
    """The GeoPackage, written beside ``out_dir`` first and moved into place whole."""
    import pyogrio

    target = out_dir / GPKG_NAME
    with tempfile.TemporaryDirectory(prefix=".gpkg-", dir=out_dir) as scratch:
        path = Path(scratch) / GPKG_NAME
        for name, layer in (("regions", region_layer(catalog, today)), ("sites", site_layer(catalog, today)),
                            ("countries", country_layer(catalog, today))):
            pyogrio.write_dataframe(layer, path, layer=name, driver="GPKG")
        pyogrio.write_dataframe(source_table(catalog), path, layer="sources", driver="GPKG")
        write_bytes_atomic(target, path.read_bytes())
    return [target]
