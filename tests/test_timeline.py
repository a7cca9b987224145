"""Pure tests of the timeline builder on tiny inline data."""

from __future__ import annotations

import pandas as pd

from layers.timeline import build_timeline_figure, short_basis, timeline_segments

T = pd.Timestamp


def _engagements() -> pd.DataFrame:
    return pd.DataFrame({
        "engagement_id": ["EUTM-MALI", "SERVAL", "UNDATED"],
        "acronym": ["EUTM Mali", "Serval", ""],
        "name_en": ["EU Training Mission", "Operation Serval", "Undated project"],
        "name_fr": ["Mission de formation de l'UE", "Opération Serval", "Projet sans date"],
        "actor_type": ["eu_csdp", "france", "trust_fund"],
        "start_date": [T("2013-02-18"), T("2013-01-11"), pd.NaT],
        "end_date": [T("2024-05-18"), T("2014-07-15"), pd.NaT],
    })


def _mandates() -> pd.DataFrame:
    return pd.DataFrame({
        "engagement_id": ["EUTM-MALI", "EUTM-MALI", "EUTM-MALI"],
        "number": ["1", "2", "1 (amendment)"],
        "start_date": [T("2013-02-18"), T("2014-04-15"), T("2013-12-09")],
        "end_date": [T("2014-05-18"), T("2016-05-18"), pd.NaT],
        "legal_basis": ["Council Decision 2013/34/CFSP", "Council Decision 2014/220/CFSP", "Council Decision 2013/729/CFSP"],
    })


def _events() -> pd.DataFrame:
    return pd.DataFrame({
        "date": [T("2012-03-22"), T("2015-05-15")], "date_text": ["2012-03-22", "2015-05-15"],
        "kind": ["coup", "accord"], "title_en": ["Coup", "Peace agreement"], "title_fr": ["Coup d'État", "Accord de paix"],
        "key_event": [True, False],
    })


def test_short_basis():
    assert short_basis("UNSC resolution 2100 (25 Apr 2013)") == "Res. 2100"
    assert short_basis("Council Decision (CFSP) 2016/446 (23 Mar 2016)") == "2016/446"


def test_segments_use_numbered_mandates_else_own_period_and_skip_undated():
    seg = timeline_segments(_engagements(), _mandates(), until=T("2026-11-22"))
    assert list(seg[seg.engagement_id == "EUTM-MALI"].text) == ["2013/34", "2014/220"]
    assert list(seg[seg.engagement_id == "SERVAL"].end) == [T("2014-07-15")]
    assert "UNDATED" not in set(seg.engagement_id)


def test_figure_rows_clicks_events_and_cursor():
    fig = build_timeline_figure(_engagements(), _mandates(), _events(), lang="en", cursor=T("2019-12-31"),
                                until=T("2026-11-22"), selected="SERVAL")
    bars = [t for t in fig.data if t.type == "bar"]
    assert {c for t in bars for c in t.customdata} == {"EUTM-MALI", "SERVAL"}
    events = [t for t in fig.data if t.type == "scatter"]
    assert len(events) == 1 and events[0].name == "Coup"  # only key events
    assert fig.layout.shapes[0].x0 == "2019-12-31T00:00:00"
    serval = next(t for t in bars if "SERVAL" in t.customdata)
    assert serval.marker.line.width[0] == 3  # the selected row is outlined
    # Hatching overlays the actor colour: "replace" drew white stripes on nothing (invisible bars).
    assert all(t.marker.pattern.fillmode == "overlay" for t in bars)


def test_french_timeline():
    fig = build_timeline_figure(_engagements(), _mandates(), _events(), lang="fr", cursor=T("2013-12-31"), until=T("2026-11-22"))
    names = {t.name for t in fig.data}
    assert "Mission PSDC de l’UE" in names and "Coup d’État" in names


def test_rows_are_capped_and_the_selected_row_kept():
    n = 60
    eng = pd.DataFrame({
        "engagement_id": [f"E{i:02d}" for i in range(n)], "acronym": [f"E{i:02d}" for i in range(n)],
        "name_en": ["x"] * n, "name_fr": ["x"] * n, "actor_type": ["un"] * n,
        "start_date": [T("2013-01-01") + pd.Timedelta(days=i) for i in range(n)], "end_date": [T("2015-01-01")] * n,
    })
    fig = build_timeline_figure(eng, _mandates().iloc[0:0], _events(), lang="en", cursor=T("2014-01-01"),
                                until=T("2026-01-01"), selected="E59", max_rows=10)
    rows = {c for t in fig.data if t.type == "bar" for c in t.customdata}
    assert len(rows) == 10 and "E59" in rows
    assert any("50 more" in (a.text or "") for a in fig.layout.annotations)


def test_row_cap_keeps_the_earliest_rows_of_a_full_sort_and_counts_the_rest():
    import random

    rng = random.Random(5)
    n = 300
    starts = [None if i % 17 == 0 else T("2013-01-01") + pd.Timedelta(days=rng.randint(0, 40)) for i in range(n)]
    eng = pd.DataFrame({
        "engagement_id": [f"E{rng.randint(0, 10**6):07d}-{i}" for i in range(n)], "acronym": [""] * n,
        "name_en": ["x"] * n, "name_fr": ["x"] * n, "actor_type": ["un"] * n,
        "start_date": pd.to_datetime(starts), "end_date": [T("2015-01-01")] * n,
    })
    expected = eng.sort_values(["start_date", "engagement_id"], na_position="last").head(12)
    selected = expected["engagement_id"].iloc[3]  # selected and already among the first rows
    fig = build_timeline_figure(eng, _mandates().iloc[0:0], _events(), lang="en", cursor=T("2014-01-01"),
                                until=T("2026-01-01"), selected=selected, max_rows=12)
    rows = [c for t in fig.data if t.type == "bar" for c in t.customdata]
    assert set(rows) == set(expected["engagement_id"])
    assert any(f"{n - 12} more" in (a.text or "") for a in fig.layout.annotations)
