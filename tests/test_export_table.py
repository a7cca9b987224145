"""The table download's CSV writer (dashboard.export_table.csv_text): the bytes pandas'
``to_csv(index=False)`` wrote, for every kind of cell the table can hold.
"""

from __future__ import annotations

import pandas as pd

from dashboard.export_table import csv_text, neutralise, table_bytes


def test_csv_text_writes_what_to_csv_wrote():
    rows = [["a,b", 'say "hi"', "'=1+1"], ["", None, "line\nbreak"], [float("nan"), pd.NA, " spaced "], ["↳ é", "x", ""]]
    headers = ["id", "Name", "Sources"]
    assert csv_text(headers, rows) == pd.DataFrame(rows, columns=headers).to_csv(index=False)
    assert csv_text(["id"], [[""]]) == pd.DataFrame({"id": [""]}).to_csv(index=False)
    assert csv_text(headers, []) == pd.DataFrame(columns=headers).to_csv(index=False)


def test_a_table_download_is_the_frame_s_csv(app_data):
    from dashboard.export_table import columns, table_rows
    from dashboard.view import compute_view
    from layers.view_state import state_from_values

    for values in ({}, {"year": 2019, "lang": "fr"}, {"year": 2021, "selected": "EUTM-MALI"}):
        state = state_from_values(values, app_data.options)
        facts = compute_view(app_data, state)
        cols = columns(state.lang, state.since)
        frame = pd.DataFrame(table_rows(app_data.engine, facts, state.lang), columns=["id", *[c for c, _ in cols]])
        expected = frame.rename(columns=dict(cols)).map(neutralise).to_csv(index=False).encode("utf-8-sig")
        assert table_bytes(app_data.engine, facts, state.lang, "csv") == expected
