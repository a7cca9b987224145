"""Hand-made tables for rule tests: a few rows written as CSV text, typed like loaded data.

Only the columns a test cares about need to be given; every other column is empty, and
``source_ids``/``locators`` default to one test source so rows look like real ones.
"""

from __future__ import annotations

import pandas as pd

from sahel_data.load import frame_from_records
from sahel_data.schema import TABLES


def make_tables(**rows: list[dict[str, str]]) -> dict[str, pd.DataFrame]:
    """Every table of the schema; those named get the given rows, the others none."""
    out = {}
    for table in TABLES:
        records = [dict(r) for r in rows.get(table.name, [])]
        if table.sourced:
            for record in records:
                record.setdefault("source_ids", "SRC-TEST")
                record.setdefault("locators", "test quote")
        out[table.name] = frame_from_records(table, records)
    return out
