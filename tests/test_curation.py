"""Curate without fear (issue 22): Excel's CSV, the workbook round trip, releases, "what changed since"."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from dashboard.cli import main
from dashboard.export_table import columns, table_bytes, table_rows
from dashboard.outputs import table_output
from dashboard.rehearse import data_version as rehearsal_version
from dashboard.rehearse import record_rehearsal
from dashboard.stage import briefing_deck
from dashboard.view import build_app_data, compute_view
from layers.view_state import QueryError, parse_query, parse_query_strict, to_query
from sahel_data.load import load_catalog, validate
from sahel_data.problems import Problem
from sahel_data.releases import content_index, data_version, read_diff, read_releases
from sahel_data.workbook import plan_workbook_import
from tests.conftest import TODAY

VERSION_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9a-f]{8}")


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _set(data: Path, table: str, row_id: str, column: str, value: str) -> str:
    path = data / "tables" / f"{table}.csv"
    rows = _rows(path)
    index = rows[0].index(column)
    row = next(r for r in rows[1:] if r[0] == row_id)
    old, row[index] = row[index], value
    _write_rows(path, rows)
    return old


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _excel_csv(rows: list[list[str]]) -> bytes:
    """What Excel's "CSV UTF-8" save writes: a BOM, CRLF row ends, a cell's line break as LF inside quotes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


# ---- what Excel writes -------------------------------------------------------------------------

def test_a_table_saved_by_excel_validates_and_reads_as_written(data_copy):
    path = data_copy / "tables" / "engagements.csv"
    rows = _rows(path)
    header = rows[0]
    note = header.index("description_en")
    rows[1][note] = "First paragraph.\nSecond paragraph."  # Alt+Enter in a cell
    path.write_bytes(_excel_csv(rows))
    assert path.read_bytes().startswith(b"\xef\xbb\xbfengagement_id,") and b"\r\n" in path.read_bytes()
    assert validate(data_copy) == []
    catalog = load_catalog(data_copy, use_cache=False)
    engagements = catalog.tables["engagements"]
    assert engagements.columns[0] == "engagement_id"  # the BOM is not part of the first column's name
    assert engagements.at[rows[1][0], "description_en"] == "First paragraph. Second paragraph."
    # Row numbers stay file line numbers: the two-line row takes lines 2 and 3, so the third row starts on line 5.
    rows[3][header.index("kind")] = "spaceship"
    path.write_bytes(_excel_csv(rows))
    assert [(p.file, p.row, p.column, p.value) for p in validate(data_copy)] == [("engagements.csv", 5, "kind", "spaceship")]


def test_a_line_break_in_a_name_is_still_refused(data_copy):
    path = data_copy / "tables" / "engagements.csv"
    rows = _rows(path)
    rows[1][rows[0].index("name_en")] = "European Union\nTraining Mission"
    path.write_bytes(_excel_csv(rows))
    problems = validate(data_copy)
    assert [(p.row, p.column) for p in problems] == [(2, "name_en")]
    assert problems[0].expected.startswith("one line of text without control")


# ---- the workbook round trip -------------------------------------------------------------------

def _export(data: Path, book: Path) -> None:
    assert main(["export-data", "--format", "xlsx", "-o", str(book), "--data-dir", str(data)]) == 0


def test_an_xlsx_round_trip_with_no_edits_changes_nothing_byte_for_byte(data_copy, tmp_path, capsys):
    # One table as Excel saved it: its BOM and CRLF line ends must survive too.
    path = data_copy / "tables" / "events.csv"
    path.write_bytes(_excel_csv(_rows(path)))
    before = _snapshot(data_copy)
    book = tmp_path / "tables.xlsx"
    _export(data_copy, book)
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames[:2] == ["about", "lists"]
    assert {"sources", "regions", "engagements", "mandates", "funding", "sites", "idp_counts", "events", "indicators",
            "disputes"} <= set(workbook.sheetnames)
    sheet = workbook["engagements"]
    header = [c.value for c in sheet[1]]
    assert "source_ids" not in header and "locators" not in header and header[header.index("source 1") + 1] == "locator 1"
    assert sheet.cell(2, 1).value == "EUTM-MALI" and sheet.cell(2, header.index("sectors") + 1).value == "training; advising"
    assert sheet.cell(2, header.index("source 2") + 1).value == "DEFENSEPOST-EUTM-2024"
    checks = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    kind = openpyxl.utils.get_column_letter(header.index("kind") + 1)
    parent = openpyxl.utils.get_column_letter(header.index("parent_id") + 1)
    assert checks[f"{kind}2"].startswith("lists!") and checks[f"{parent}2"].startswith("engagements!$A$2")
    assert sheet.cell(2, header.index("start_date") + 1).number_format == "@"  # text: Excel keeps 2013-02-18
    # Opened and saved again by a spreadsheet library (as a user's save would), then imported.
    workbook.save(book)
    assert main(["import", "xlsx", str(book), "--data-dir", str(data_copy)]) == 0
    assert "nothing to write" in capsys.readouterr().out
    assert _snapshot(data_copy) == before


def _edited_workbook(data: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A workbook with one changed cell, one added row and one removed row."""
    book = tmp_path / "edited.xlsx"
    _export(data, book)
    workbook = openpyxl.load_workbook(book)
    engagements = workbook["engagements"]
    header = [c.value for c in engagements[1]]
    row = next(r for r in range(2, engagements.max_row + 1) if engagements.cell(r, 1).value == "EUCAP-SAHEL-MALI")
    engagements.cell(row, header.index("personnel_note") + 1).value = "Up to 144 international and 65 local agents (2019)."
    indicators = workbook["indicators"]
    copied = [c.value for c in indicators[2]]
    copied[0] = "IND-EUTM-MALI-TEST-NEW"
    indicators.insert_rows(3)
    for j, value in enumerate(copied, start=1):
        indicators.cell(3, j).value = value
    disputed = {r[2] for r in _rows(data / "tables" / "disputes.csv")[1:]}
    events = workbook["events"]
    gone_row = next(r for r in range(events.max_row, 1, -1) if events.cell(r, 1).value and events.cell(r, 1).value not in disputed)
    gone = events.cell(gone_row, 1).value
    events.delete_rows(gone_row)
    workbook.save(book)
    return book, {"changed": "EUCAP-SAHEL-MALI", "added": "IND-EUTM-MALI-TEST-NEW", "after": copied and indicators.cell(2, 1).value,
                  "removed": gone, "row": str(row)}


def test_an_edited_workbook_imports_with_a_correct_diff(data_copy, tmp_path, capsys):
    book, edit = _edited_workbook(data_copy, tmp_path)
    before = _snapshot(data_copy)
    plan = plan_workbook_import(book, data_copy)
    assert plan.problems == []
    assert [(e.table, e.row_id, e.action, e.columns) for e in plan.edits] == [
        ("engagements", "EUCAP-SAHEL-MALI", "changed", ("personnel_note",)),
        ("events", edit["removed"], "removed", ()),
        ("indicators", "IND-EUTM-MALI-TEST-NEW", "added", ()),
    ]
    assert main(["import", "xlsx", str(book), "--dry-run", "--data-dir", str(data_copy)]) == 0
    report = capsys.readouterr().out
    assert f"changed EUCAP-SAHEL-MALI (sheet row {edit['row']}): personnel_note" in report
    assert f"removed {edit['removed']}" in report and "added IND-EUTM-MALI-TEST-NEW (sheet row 3)" in report
    assert _snapshot(data_copy) == before  # a dry run writes nothing
    assert main(["import", "xlsx", str(book), "--data-dir", str(data_copy)]) == 0
    after = _snapshot(data_copy)
    assert {name for name in after if after[name] != before.get(name)} == {
        "tables/engagements.csv", "tables/events.csv", "tables/indicators.csv"}
    assert validate(data_copy) == []
    # Only the edited line differs; the new row sits under the row above it in the sheet.
    old_lines = before["tables/engagements.csv"].decode().splitlines()
    new_lines = after["tables/engagements.csv"].decode().splitlines()
    assert len(old_lines) == len(new_lines)
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [int(edit["row"]) - 1]
    ids = [r[0] for r in _rows(data_copy / "tables" / "indicators.csv")]
    assert ids.index("IND-EUTM-MALI-TEST-NEW") == ids.index(edit["after"]) + 1
    assert edit["removed"] not in {r[0] for r in _rows(data_copy / "tables" / "events.csv")}
    catalog = load_catalog(data_copy, use_cache=False)
    assert catalog.tables["engagements"].at["EUCAP-SAHEL-MALI", "personnel_note"].endswith("agents (2019).")


def test_a_bad_edit_is_refused_with_sheet_row_column_value_and_expected_and_nothing_written(data_copy, tmp_path, capsys):
    book = tmp_path / "bad.xlsx"
    _export(data_copy, book)
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["engagements"]
    header = [c.value for c in sheet[1]]
    sheet.cell(3, header.index("kind") + 1).value = "spaceship"
    sheet.cell(2, header.index("source 2") + 1).value = "NO-SUCH-SOURCE"
    sheet.cell(4, header.index("start_date") + 1).value = "=TODAY()"
    workbook.save(book)
    before = _snapshot(data_copy)
    assert main(["import", "xlsx", str(book), "--data-dir", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "bad.xlsx, sheet 'engagements', row 4, column 'start_date': got '=TODAY()'; expected a value, not a formula" in err
    assert _snapshot(data_copy) == before
    sheet.cell(4, header.index("start_date") + 1).value = "2015-01-15"
    workbook.save(book)
    plan = plan_workbook_import(book, data_copy)
    where = "bad.xlsx, sheet 'engagements'"
    kinds = next(p for p in plan.problems if p.column == "kind")
    assert (kinds.file, kinds.row, kinds.value) == (where, 3, "spaceship") and kinds.expected.startswith("one of csdp_military_mission")
    source = next(p for p in plan.problems if p.value == "NO-SUCH-SOURCE")
    assert (source.file, source.row, source.column, source.expected) == (where, 2, "source 2", "an id that exists in sources.csv")
    assert main(["import", "xlsx", str(book), "--data-dir", str(data_copy)]) == 1
    assert "refused: nothing is written" in capsys.readouterr().err
    assert _snapshot(data_copy) == before


# ---- releases ----------------------------------------------------------------------------------

def _release(data: Path, note: str) -> str:
    assert main(["release", "--data-dir", str(data), "--note", note]) == 0
    releases, problems = read_releases(data)
    assert problems == []
    return releases[-1].version


def test_release_writes_the_version_and_a_row_level_diff(data_copy, capsys):
    first = _release(data_copy, "first")
    assert VERSION_RE.fullmatch(first) and first.startswith(datetime.now(UTC).date().isoformat())
    assert (data_copy / "releases" / f"{first}.index.json.gz").stat().st_size < 120_000  # small: hashes, not a copy
    assert data_version(data_copy) == first == rehearsal_version(data_copy)
    assert validate(data_copy) == []
    # A file saved by Excel (BOM, CRLF) has the same content, so the same version.
    events = data_copy / "tables" / "events.csv"
    events.write_bytes(_excel_csv(_rows(events)))
    assert data_version(data_copy) == first
    # Hand edits: a changed cell, an added row, a removed row.
    _set(data_copy, "funding", "FUND-EUTF-TOTAL-2018", "note", "Checked again against the EEAS page.")
    rows = _rows(data_copy / "tables" / "indicators.csv")
    rows.append([*rows[-1]])
    rows[-1][0] = "IND-ADDED-BY-HAND"
    gone = next(r for r in rows[1:] if r[0] not in {d[2] for d in _rows(data_copy / "tables" / "disputes.csv")})
    rows.remove(gone)
    _write_rows(data_copy / "tables" / "indicators.csv", rows)
    assert validate(data_copy) == [] and data_version(data_copy) not in (first, "")
    capsys.readouterr()
    second = _release(data_copy, "second")
    out = capsys.readouterr().out
    assert f"since {first}: 1 added, 1 changed, 1 removed" in out
    lines = (data_copy / "releases.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "version,date,content_hash,previous,added,changed,removed,note"
    assert lines[2].startswith(f"{second},{second[:10]},{second[11:]}") and lines[2].endswith(f",{first},1,1,1,second")
    diff = read_diff(data_copy, second)
    assert [(r.table, r.row_id, r.action, r.columns) for r in diff.rows] == [
        ("funding", "FUND-EUTF-TOTAL-2018", "changed", ("note",)),
        ("indicators", "IND-ADDED-BY-HAND", "added", ()),
        ("indicators", gone[0], "removed", ()),
    ]
    assert diff.rows[2].link("engagement_id") == (gone[1],)  # a removed row still says what it belonged to
    doc = (data_copy / "releases" / f"{second}.json").read_text(encoding="utf-8")
    assert json.loads(doc)["counts"] == {"added": 1, "changed": 1, "removed": 1} and len(doc.splitlines()) > 5  # one change a line
    # Nothing changed since: no new release.
    assert main(["release", "--data-dir", str(data_copy)]) == 0
    assert "nothing changed since release" in capsys.readouterr().out
    assert len((data_copy / "releases.csv").read_text(encoding="utf-8").splitlines()) == 3


def test_a_broken_release_record_is_a_named_problem(data_copy):
    version = _release(data_copy, "first")
    (data_copy / "releases" / f"{version}.index.json.gz").unlink()
    assert [(p.file, p.column, p.value) for p in validate(data_copy)] == [("releases.csv", "version", version)]


# ---- ?since= -----------------------------------------------------------------------------------

@pytest.fixture
def released(data_copy):
    """A data copy released once, then edited by hand: an engagement, a displacement count, a site."""
    version = _release(data_copy, "before the edits")
    app = build_app_data(load_catalog(data_copy, use_cache=False), TODAY)
    facts = compute_view(app, parse_query("?year=2012-2026", app.options))
    sites = app.tables["sites"]
    drawn = sites[facts.site_mask]
    site = drawn[drawn["region_code"].str.startswith("ML-")].iloc[0]
    _set(data_copy, "sites", site["site_id"], "note", "Seen on a 2024 image.")
    _set(data_copy, "engagements", "EUCAP-SAHEL-MALI", "personnel_note", "Up to 144 international agents (2019).")
    idp = next(r for r in _rows(data_copy / "tables" / "idp_counts.csv")[1:] if r[2] == "ML-5")
    _set(data_copy, "idp_counts", idp[0], "note", "Checked again.")
    return data_copy, version, str(site["site_id"]), str(site["region_code"])


def test_since_marks_the_engagements_regions_and_sites_changed_after_a_release(released):
    data, version, site, site_region = released
    app = build_app_data(load_catalog(data, use_cache=False), TODAY)
    assert app.options.releases == ((version, version[:10]),) and app.data_version not in (version, "")
    state = parse_query(f"?year=2012-2026&since={version}", app.options)
    assert state.since == version and state.ignored == () and to_query(state, app.options).endswith(f"since={version}")
    assert parse_query(to_query(state, app.options), app.options) == state
    # The store and the controls carry it (a hidden control, like briefing=): a filter change keeps the marks.
    from dashboard.layout import serve_layout
    from layers.view_state import state_from_controls, state_from_values

    assert state_from_values(state.as_dict(), app.options).since == version
    controls = {**state.as_dict(), "regions": ["ML-5"]}
    assert state_from_controls(controls, state.as_dict(), app.options)[0].since == version
    assert "'field': 'since'" in repr(serve_layout(app))
    changes = compute_view(app, state).changes
    assert changes.baseline == version and changes.total == 3
    assert "EUCAP-SAHEL-MALI" in changes.engagement_ids
    assert changes.regions >= {"ML-5", site_region} and changes.sites == {site}
    rows = {r["id"]: r for r in table_rows(app.engine, compute_view(app, state), "en")}
    assert rows["EUCAP-SAHEL-MALI"]["changed"] == "engagement changed (personnel_note)"
    assert sum(bool(r["changed"]) for r in rows.values()) == len(changes.engagements)
    _, defs, caption = table_output(app, state)
    assert [d["field"] for d in defs][:3] == ["acronym", "name", "changed"] and f"since {version}" in caption
    assert f"Changed since {version}".encode() in table_bytes(app.engine, compute_view(app, state), "en", "csv")
    # By date: the latest release on or before it. Without since=: nothing marked, no column.
    assert compute_view(app, parse_query(f"?year=2012-2026&since={version[:10]}", app.options)).changes.baseline == version
    plain = replace(state, since="")
    assert not compute_view(app, plain).changes and "changed" not in table_rows(app.engine, compute_view(app, plain), "en")[0]
    assert "changed" not in dict(columns("en"))
    # The printed pack's table has the column too, filled as in the CSV.
    from dashboard.export import pack_columns, pack_table

    assert [c[0] for c in pack_columns(state)][-2:] == ["changed", "sources"]
    assert "changed" not in [c[0] for c in pack_columns(plain)]
    packed = {r["id"]: r for r in pack_table(app, state)[0]}
    assert packed["EUCAP-SAHEL-MALI"]["changed"] == "engagement changed (personnel_note)"


@pytest.mark.parametrize(("since", "reason"), [
    ("2020-01-01", "before the first release"), ("2026-02-30", "not a day of the calendar"),
    ("latest", "not a release version or a date YYYY-MM-DD"), ("2026-11-30-ffffffff", "not a release version or a date"),
])
def test_since_names_a_release_or_is_refused(released, since, reason):
    data, version, _, _ = released
    app = build_app_data(load_catalog(data, use_cache=False), TODAY)
    with pytest.raises(QueryError) as caught:
        parse_query_strict(f"?since={since}", app.options)
    assert caught.value.problems[0].startswith(f"since={since}: {reason}") and version in caught.value.problems[0]
    lenient = parse_query(f"?since={since}", app.options)
    assert lenient.since == "" and lenient.ignored[0].startswith(f"since={since}")


def test_without_a_release_since_is_refused_and_the_version_is_the_content_hash(app_data):
    with pytest.raises(QueryError, match="no data release yet"):
        parse_query_strict("?since=2026-01-01", app_data.options)
    assert re.fullmatch(r"[0-9a-f]{12}", app_data.data_version)
    assert app_data.as_of_line("en").endswith(f"· Data version {app_data.data_version}")
    assert app_data.as_of_line("fr").endswith(f"· Version des données {app_data.data_version}")


def test_the_header_and_every_export_stamp_show_the_data_version(app_data):
    from dashboard.export import stamp
    from dashboard.layout import serve_layout

    assert f"Data version {app_data.data_version}" in stamp(app_data, "en", datetime(2026, 11, 22, tzinfo=UTC))
    assert f"Data version {app_data.data_version}" in repr(serve_layout(app_data))
    deck = briefing_deck(app_data, app_data.catalog.briefings["eu-mali-2013-2023"], "en")
    assert f"Data version {app_data.data_version}" in deck["data_as_of"]


# ---- the "what changed since the last briefing" slide -----------------------------------------

def test_a_briefing_opens_with_what_changed_since_its_last_rehearsal(released):
    data, version, _, _ = released
    path = data / "briefings" / "eu-mali-2013-2023.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["changes"] = {}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    app = build_app_data(load_catalog(data, use_cache=False), TODAY)
    deck = briefing_deck(app, app.catalog.briefings["eu-mali-2013-2023"], "en")
    slide = deck["slides"][1]
    assert deck["slides"][0]["kind"] == "opening" and slide["kind"] == "changes"
    assert slide["lines"] == ["Not rehearsed yet: no earlier data version to compare with."] and slide["changes"] == []
    # The rehearsal recorded the release the data matched then; the data changed since.
    record_rehearsal(path, "en", version, {}, TODAY)
    app = build_app_data(load_catalog(data, use_cache=False), TODAY)
    deck = briefing_deck(app, app.catalog.briefings["eu-mali-2013-2023"], "en")
    slide = deck["slides"][1]
    assert set(slide) >= {"kind", "title", "subtitle", "note", "lines", "citations", "query"}  # a bookend slide
    assert slide["title"] == "What changed since the last briefing"
    assert slide["lines"][0].startswith(f"Since data version {version}") and app.data_version in slide["lines"][0]
    assert slide["lines"][1] == "0 rows added, 3 changed, 0 removed"
    assert "EUCAP Sahel Mali: engagement changed (personnel_note)" in slide["changes"]
    assert any(line.startswith("Mopti: displacement count changed") for line in slide["changes"])
    assert not any("EUCAP-SAHEL-MALI" in line for line in slide["changes"])  # names, not ids, for the audience
    french = briefing_deck(app, app.catalog.briefings["eu-mali-2013-2023"], "fr")["slides"][1]
    assert french["title"] == "Ce qui a changé depuis le dernier briefing" and french["lines"][0].startswith("Depuis")
    stage_js = (Path(__file__).resolve().parent.parent / "assets" / "stage.js").read_text(encoding="utf-8")
    assert 'slide.kind === "changes"' in stage_js and "slide.changes" in stage_js


def test_content_index_covers_rows_and_other_files(data_copy):
    index = content_index(data_copy)
    assert index.rows["engagements"]["EUTM-MALI"].links["countries"].startswith("ML")
    assert "geo/mali_regions.geojson" in index.files and "tables/engagements.csv" not in index.files
    (data_copy / "geo" / "SOURCES.md").write_text("changed\n", encoding="utf-8")
    assert content_index(data_copy).content_hash() != index.content_hash()


def test_problem_strings_name_the_workbook_sheet():
    problem = Problem("bad.xlsx, sheet 'engagements'", 3, "kind", "spaceship", "one of ...")
    assert str(problem) == "bad.xlsx, sheet 'engagements', row 3, column 'kind': got 'spaceship'; expected one of ..."
