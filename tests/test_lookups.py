"""Per-table lookups (layers.lookups): rows grouped by engagement as the table's own dicts,
made when asked for; children by parent; sites by every engagement they list.
"""

from __future__ import annotations

import pandas as pd

from layers.lookups import Rows, children_of, records_by_engagement, sites_by_engagement


def _grouped(frame: pd.DataFrame, key: str) -> dict[str, list[dict]]:
    """The reference: every row's dict, grouped by ``key`` in table order."""
    out: dict[str, list[dict]] = {}
    for record in frame.to_dict("records"):
        out.setdefault(record[key], []).append(record)
    return out


def test_rows_by_engagement_are_the_table_s_dicts_in_table_order():
    frame = pd.DataFrame({"engagement_id": ["B", "A", "B", "C", "B"], "n": pd.array([1, 2, None, 4, 5], dtype="Int64"),
                          "when": pd.to_datetime(["2020-01-01", None, "2021-01-01", "2022-01-01", "2023-01-01"])})
    rows = records_by_engagement(frame)
    assert isinstance(rows, Rows)
    expected = _grouped(frame, "engagement_id")
    assert sorted(rows) == sorted(expected) and len(rows) == 3
    for key, records in expected.items():
        assert repr(rows[key]) == repr(records)
    assert "A" in rows and "Z" not in rows
    assert rows.get("Z", []) == []
    assert records_by_engagement(frame) is rows  # built once per frame


def test_children_of_lists_each_parent_s_children_in_table_order():
    engagements = pd.DataFrame({"engagement_id": ["P", "c2", "Q", "c1", "q1"], "parent_id": ["", "P", "", "P", "Q"]})
    assert children_of(engagements) == {"P": ("c2", "c1"), "Q": ("q1",)}
    assert children_of(engagements.iloc[:0]) == {}


def test_sites_by_engagement_lists_a_site_under_every_engagement_it_names():
    sites = pd.DataFrame({"site_id": ["s1", "s2", "s3"], "engagement_ids": [("A", "B"), (), ("B",)]})
    rows = sites_by_engagement(sites)
    assert sorted(rows) == ["A", "B"]
    assert [r["site_id"] for r in rows["A"]] == ["s1"]
    assert [r["site_id"] for r in rows["B"]] == ["s1", "s3"]
    assert rows.get("C", []) == []


def test_the_detail_panel_s_indexes_are_built_at_start(monkeypatch):
    """``create_app`` builds them before ``serve`` forks: a worker's first click finds them."""
    import layers.lookups
    from dashboard.app import create_app
    from dashboard.panels import BY_ENGAGEMENT

    tables = create_app().server.extensions["sahel_dashboard"].tables
    built: list[int] = []
    real = layers.lookups._positions
    monkeypatch.setattr(layers.lookups, "_positions", lambda *a: built.append(1) or real(*a))
    for name in BY_ENGAGEMENT:
        records_by_engagement(tables[name])
    sites_by_engagement(tables["sites"])
    children_of(tables["engagements"])
    assert built == []


def test_a_frame_s_lookups_do_not_keep_it_alive():
    """The per-frame cache drops its entry when the frame dies (the rows hold it weakly)."""
    import gc
    import weakref

    frame = pd.DataFrame({"engagement_id": ["A", "B", "A"], "x": [1, 2, 3]})
    assert [r["x"] for r in records_by_engagement(frame)["A"]] == [1, 3]
    gone = weakref.ref(frame)
    del frame
    gc.collect()
    assert gone() is None
