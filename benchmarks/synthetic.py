"""Seeded synthetic copies of the shipped data at larger scales, for benchmarks only.

Every synthetic row is a copy of a real row with a new id (suffix ``-SYNk``), a marked name,
and jittered dates or coordinates; it keeps the real row's sources only so that the copy
passes the same validation as real data. The output goes to a scratch folder; nothing here
is ever loaded by default.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from pathlib import Path

# Tables that grow with the scale factor, and the id columns that must be made unique.
SCALED = {
    "engagements": ("engagement_id",),
    "mandates": ("mandate_id",),
    "funding": ("funding_id",),
    "sites": ("site_id",),
    "idp_counts": ("idp_id",),
    "indicators": ("indicator_id",),
}
MALI_BOX = (-11.5, 11.0, 3.5, 19.5)  # lon0, lat0, lon1, lat1 well inside the country
# A points layer standing for project locations or incidents: at x1000 the sites table is
# topped up to 100,000 mapped points (the scale for a points layer).
POINTS_AT_SCALE = {1000: 100_000}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _shift_year(value: str, years: int) -> str:
    if not value:
        return value
    year = min(max(int(value[:4]) + years, 2012), 2024)
    return f"{year}{value[4:]}" if not value[4:].startswith("-02-29") else f"{year}-02-28"


def make_scaled_data(source: Path, target: Path, factor: int, seed: int = 7) -> Path:
    """Write ``source`` scaled ``factor`` times into ``target`` (a fresh folder)."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    if factor <= 1:
        return target
    tables = target / "tables"
    engagement_ids = {r["engagement_id"] for r in _read(tables / "engagements.csv")[1]}
    for name, keys in SCALED.items():
        header, rows = _read(tables / f"{name}.csv")
        out = list(rows)
        for k in range(1, factor):
            suffix = f"-SYN{k}"
            shift = rng.randint(-2, 2)
            for row in rows:
                copy = dict(row)
                for col in keys:
                    copy[col] = row[col] + suffix
                if "engagement_id" in copy and name != "engagements" and row.get("engagement_id") in engagement_ids:
                    copy["engagement_id"] = row["engagement_id"] + suffix
                if name == "engagements":
                    copy["name_en"] = "[synthetic] " + row["name_en"]
                    copy["name_fr"] = "[synthétique] " + row["name_fr"]
                    copy["parent_id"] = row["parent_id"] + suffix if row["parent_id"] else ""
                    start, end = _shift_year(row["start_date"], shift), _shift_year(row["end_date"], shift)
                    if start and end and start > end:
                        start, end = end, start
                    copy["start_date"], copy["end_date"] = start, end
                if name == "sites":
                    copy["engagement_ids"] = ";".join(e + suffix for e in row["engagement_ids"].split(";") if e)
                    if row["lat"]:
                        copy["lon"] = f"{rng.uniform(MALI_BOX[0], MALI_BOX[2]):.4f}"
                        copy["lat"] = f"{rng.uniform(MALI_BOX[1], MALI_BOX[3]):.4f}"
                        copy["precision"] = "nearest_town"
                if name == "idp_counts":
                    # Same date and area, not preferred: the one-preferred-per-date rule holds
                    # and the table (and the filtering work over it) still grows.
                    copy["preferred"] = "false"
                out.append(copy)
        _write(tables / f"{name}.csv", header, out)
    points = POINTS_AT_SCALE.get(factor)
    if points:
        _top_up_points(tables / "sites.csv", points, factor, rng)
    # The disputes table points at real rows only; it does not scale.
    return target


def _top_up_points(path: Path, total: int, factor: int, rng: random.Random) -> None:
    """Add synthetic project locations until the sites table holds ``total`` rows."""
    header, rows = _read(path)
    mapped = [r for r in rows if r["lat"] and r["engagement_ids"]]
    extra = []
    for k in range(total - len(rows)):
        copy = dict(mapped[k % len(mapped)])
        copy["site_id"] = f"{copy['site_id']}-PT{k}"
        copy["name"] = f"[synthetic] project location {k}"
        copy["kind"] = "project_site"
        copy["precision"] = "nearest_town"
        copy["lon"] = f"{rng.uniform(MALI_BOX[0], MALI_BOX[2]):.4f}"
        copy["lat"] = f"{rng.uniform(MALI_BOX[1], MALI_BOX[3]):.4f}"
        # Linked to one copy of the real site's engagement, so filters select them.
        first = copy["engagement_ids"].split(";")[0].split("-SYN")[0]
        suffix = rng.randrange(factor)
        copy["engagement_ids"] = first + (f"-SYN{suffix}" if suffix else "")
        extra.append(copy)
    _write(path, header, rows + extra)
