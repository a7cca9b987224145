"""``sahel-dashboard import dtm``: IOM DTM rounds into idp_counts.csv (rules in sahel_data/dtm.py).

Two kinds of input:

* DTM-style CSVs written here, in the layout of HDX's "Global IOM DTM data for admin levels 0-2"
  (the header and hashtag rows of OCHA-DAP/hdx-scraper-iom-dtm); their figures are made up;
* the real export in ``tests/fixtures/dtm/`` (IOM DTM Mali baseline round 72; see its README).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from dashboard.cli import main
from sahel_data.dtm import DtmError, apply_plan, plan_dtm_import, read_dtm
from sahel_data.load import load_catalog, validate

# IOM's terms for its DTM data on HDX forbid redistribution, so the real export is not in the
# repository (tests/fixtures/dtm/README.md says where to get it); point SAHEL_DTM_FIXTURE at it.
FIXTURE = Path(os.environ.get("SAHEL_DTM_FIXTURE", Path(__file__).parent / "fixtures" / "dtm" /
                              "dtm_mali_baseline_assessment_round_72.xlsx"))
HEADER = ("id,operation,admin0Name,admin0Pcode,admin1Name,admin1Pcode,admin2Name,admin2Pcode,adminLevel,numPresentIdpInd,"
          "reportingDate,yearReportingDate,monthReportingDate,roundNumber,displacementReason,numberMales,numberFemales,"
          "idpOriginAdmin1Name,idpOriginAdmin1Pcode,assessmentType,operationStatus")
TAGS = ("#id+code,#operation+name,#country+name,#country+code,#adm1+name,#adm1+code,#adm2+name,#adm2+code,#adm+level,"
        "#affected+idps,#date+reported,#date+year+reported,#date+month+reported,#round+code,#cause+type,#affected+idps+m,"
        "#affected+idps+f,#adm1+name+origin,#adm1+code+origin,#assessment+type,#operation+status")
DATE = "2019-06-30"  # no count in the shipped data is dated this day


def dtm_row(code: str, count: object, *, level: int = 1, name: str = "", country: str = "MLI", date: str = DATE,
            rnd: str = "48", cause: str = "Conflict", assessment: str = "BA", adm2: str = "", origin: str = "ML05") -> str:
    return (f",Mali crisis,Mali,{country},{name},{code},,{adm2},{level},{count},{date}T00:00:00,{date[:4]},{int(date[5:7])},"
            f"{rnd},{cause},,,Mopti,{origin},{assessment},Active")


def write_dtm(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, TAGS, *rows]) + "\n", encoding="utf-8")
    return path


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def idps(data: Path):
    return load_catalog(data, use_cache=False).tables["idp_counts"]


# One figure per admin-1 p-code of the COD-AB vintage 2021-12-20, each a different number.
PCODE_FIGURES = {"ML01": ("Kayes", "ML-1", 101), "ML02": ("Koulikoro", "ML-2", 202), "ML03": ("Sikasso", "ML-3", 303),
                 "ML04": ("Segou", "ML-4", 404), "ML05": ("Mopti", "ML-5", 505), "ML06": ("Tombouctou", "ML-6", 606),
                 "ML07": ("Gao", "ML-7", 707), "ML08": ("Kidal", "ML-8", 808), "ML09": ("Bamako", "ML-BKO", 909),
                 "ML10": ("Menaka", "ML-9", 1010)}


def test_a_pcode_keyed_file_puts_every_figure_in_its_region(data_copy, tmp_path, capsys):
    rows = [dtm_row(code, n, name=name) for code, (name, _, n) in PCODE_FIGURES.items()]
    rows.append(dtm_row("", 7070, level=0))  # the national row
    rows.append(dtm_row("ML05", 40, name="Mopti", level=2, adm2="ML0501"))  # below admin 1: covered by ML05's row
    path = write_dtm(tmp_path / "dtm.csv", rows)
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy)]) == 0
    assert "figures to add: 11" in capsys.readouterr().out
    frame = idps(data_copy)
    new = frame[frame["idp_id"].str.startswith("IDP-DTM-")]
    placed = dict(zip(new["area_code"], new["count"], strict=True))
    assert placed == {region: n for _, region, n in PCODE_FIGURES.values()} | {"ML": 7070}
    assert placed["ML-BKO"] == 909 and placed["ML-9"] == 1010  # OCHA ML09 is Bamako, ML10 Ménaka
    assert "ML-10" not in placed  # ISO ML-10 (Taoudénit) gets nothing from ML10
    assert new["preferred"].all() and (new["date_text"] == DATE).all()
    bamako = new.set_index("area_code").loc["ML-BKO"]
    assert bamako["idp_id"] == f"IDP-DTM-{DATE}-ML-BKO-BA-R48"
    assert bamako["as_stated"] == "Bamako (ML09)"
    [source] = bamako["source_ids"]
    assert bamako["locators"] == (f"dtm.csv, row 11, column #affected+idps (Bamako ML09, {DATE})",)
    sources = load_catalog(data_copy, use_cache=False).tables["sources"]
    assert source.startswith("DTM-FILE-") and sources.at[source, "kind"] == "dataset"
    assert sources.at[source, "publisher"] == "International Organization for Migration (IOM), Displacement Tracking Matrix (DTM)"
    mopti = new.set_index("area_code").loc["ML-5"]
    assert mopti["count"] == 505 and "its rows below admin 1 are not added again" in mopti["note"]


def test_dtm_codes_with_the_iso3_prefix_are_placed_too(data_copy, tmp_path):
    path = write_dtm(tmp_path / "dtm.csv", [dtm_row("MLI09", 12, name="Bamako"), dtm_row("MLI10", 34, name="Menaka")])
    plan = plan_dtm_import(path, data_copy)
    assert {c.row["area_code"]: c.row["count"] for c in plan.added if c.table == "idp_counts"} == {"ML-BKO": "12", "ML-9": "34"}


def test_parts_by_reason_are_added_and_site_assessments_kept_not_preferred(data_copy, tmp_path):
    path = write_dtm(tmp_path / "dtm.csv", [
        dtm_row("ML05", 1000, name="Mopti", cause="Conflict"),
        dtm_row("ML05", 250, name="Mopti", cause="Insecurity"),
        dtm_row("ML05", 990, name="Mopti", assessment="SA"),
    ])
    plan = plan_dtm_import(path, data_copy)
    rows = {c.row["idp_id"]: c.row for c in plan.added if c.table == "idp_counts"}
    ba, sa = rows[f"IDP-DTM-{DATE}-ML-5-BA-R48"], rows[f"IDP-DTM-{DATE}-ML-5-SA-R48"]
    assert (ba["count"], ba["preferred"]) == ("1250", "true")
    assert "by displacement reason Conflict 1,000; Insecurity 250" in ba["note"]
    assert (sa["count"], sa["preferred"]) == ("990", "false")
    assert f"Not preferred: IDP-DTM-{DATE}-ML-5-BA-R48" in sa["note"]
    assert plan.problems == []


def test_a_count_already_preferred_stays_preferred(data_copy, tmp_path):
    # The shipped data has APA's 91,274 for Mopti on 30 Sep 2023 (IDP-2023-09-30-ML-5), preferred.
    path = write_dtm(tmp_path / "dtm.csv", [dtm_row("ML05", 91000, name="Mopti", date="2023-09-30")])
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy)]) == 0
    frame = idps(data_copy).set_index("idp_id")
    assert bool(frame.at["IDP-2023-09-30-ML-5", "preferred"])
    new = frame.loc["IDP-DTM-2023-09-30-ML-5-BA-R48"]
    assert not new["preferred"] and "IDP-2023-09-30-ML-5 is the preferred count for this date and area (kept)" in new["note"]


def test_dry_run_leaves_the_data_folder_byte_for_byte_unchanged(data_copy, tmp_path, capsys):
    path = write_dtm(tmp_path / "dtm.csv", [dtm_row(code, n, name=name) for code, (name, _, n) in PCODE_FIGURES.items()])
    before = folder_hash(data_copy)
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "figures to add: 10" in out and "dry run: nothing written" in out
    assert folder_hash(data_copy) == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(data_copy, tmp_path, capsys):
    path = write_dtm(tmp_path / "dtm.csv", [dtm_row(code, n, name=name) for code, (name, _, n) in PCODE_FIGURES.items()])
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy)]) == 0
    once = folder_hash(data_copy)
    capsys.readouterr()
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert "figures to add: 0" in out and "figures to change: 0" in out and "figures left alone (already there, unchanged): 10" in out
    assert "written:" not in out
    assert folder_hash(data_copy) == once
    assert not list((data_copy / "tables").glob(".*.tmp"))  # no temporary file left behind


def test_a_revised_file_changes_its_figures(data_copy, tmp_path, capsys):
    first = write_dtm(tmp_path / "dtm.csv", [dtm_row("ML05", 500, name="Mopti")])
    assert main(["import", "dtm", str(first), "--data-dir", str(data_copy)]) == 0
    revised = write_dtm(tmp_path / "dtm.csv", [dtm_row("ML05", 520, name="Mopti")])
    capsys.readouterr()
    assert main(["import", "dtm", str(revised), "--data-dir", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert "figures to change: 1" in out and "count '500' -> '520'" in out
    assert idps(data_copy).set_index("idp_id").at[f"IDP-DTM-{DATE}-ML-5-BA-R48", "count"] == 520


def test_unplaced_codes_are_listed_and_nothing_is_written(data_copy, tmp_path, capsys):
    path = write_dtm(tmp_path / "dtm.csv", [
        dtm_row("ML05", 505, name="Mopti"),
        dtm_row("NE001", 77, name="Agadez", country="NER"),  # another country's row
        dtm_row("ML11", 88, name="Bandiagara"),  # a p-code not in the recorded vintage
        dtm_row("ML9", 99, name="?"),  # neither system
    ])
    before = folder_hash(data_copy)
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "codes no area has: nothing is written" in err
    assert "'NER' (#country+code, row 4): another country's row (NER)" in err
    assert "'ML11' (#adm1+code, row 5): not an admin-1 p-code of Mali in the recorded vintage" in err
    assert "'ML9' (#adm1+code, row 6): ambiguous" in err
    assert folder_hash(data_copy) == before
    # --skip-unplaced: the placed rows go in, the others are still listed.
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy), "--skip-unplaced"]) == 0
    out = capsys.readouterr().out
    assert "codes no area has (left out: --skip-unplaced): 3" in out
    new = idps(data_copy)
    assert list(new.loc[new["idp_id"].str.startswith("IDP-DTM-"), "area_code"]) == ["ML-5"]


def test_a_table_edited_after_planning_is_not_overwritten(data_copy, tmp_path):
    plan = plan_dtm_import(write_dtm(tmp_path / "dtm.csv", [dtm_row("ML05", 5, name="Mopti")]), data_copy)
    idp = data_copy / "tables" / "idp_counts.csv"
    idp.write_bytes(idp.read_bytes().replace(b"IDMC estimate", b"IDMC's estimate", 1))  # someone else's edit
    before = folder_hash(data_copy)
    with pytest.raises(RuntimeError, match=r"idp_counts\.csv changed since the import was planned"):
        apply_plan(plan)
    assert folder_hash(data_copy) == before


def test_a_row_without_a_count_gives_no_figure_never_zero(data_copy, tmp_path):
    path = write_dtm(tmp_path / "dtm.csv", [dtm_row("ML10", "", name="Menaka"), dtm_row("ML05", 5, name="Mopti")])
    plan = plan_dtm_import(path, data_copy)
    assert [c.row["area_code"] for c in plan.added if c.table == "idp_counts"] == ["ML-5"]
    assert any(x.startswith(f"ML-9 {DATE}") and "no count on row 3" in x for x in plan.left_out)


def test_a_bad_cell_refuses_the_file_before_anything_is_written(data_copy, tmp_path, capsys):
    path = write_dtm(tmp_path / "dtm.csv", [dtm_row("ML05", "12.5", name="Mopti"), dtm_row("ML06", 5, date="2019-02-30")])
    before = folder_hash(data_copy)
    assert main(["import", "dtm", str(path), "--data-dir", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "dtm.csv, row 3, column '#affected+idps': got '12.5'; expected a whole number" in err
    assert "dtm.csv, row 4, column '#date+reported': got '2019-02-30T00:00:00'" in err
    assert folder_hash(data_copy) == before


def test_a_file_without_hashtags_is_refused(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text(HEADER + "\n" + dtm_row("ML05", 5) + "\n", encoding="utf-8")
    with pytest.raises(DtmError, match="an HXL hashtag row"):
        read_dtm(path)


def test_the_real_dtm_export(data_copy):
    """IOM DTM Mali baseline round 72 (30 Sep 2021), 56 commune rows with DTM's MLI p-codes."""
    if not FIXTURE.is_file():
        pytest.skip("the real IOM DTM export may not be redistributed: download it from HDX (tests/fixtures/dtm/README.md) "
                    "and set SAHEL_DTM_FIXTURE to run this test")
    dtm = read_dtm(FIXTURE)
    assert len(dtm.rows) == 56 and sum(r.count or 0 for r in dtm.rows) == 401736  # the round's published total
    before = folder_hash(data_copy)
    args = ["import", "dtm", str(FIXTURE), "--data-dir", str(data_copy), "--round", "72", "--assessment", "BA",
            "--source-url", "https://data.humdata.org/dataset/mali-baseline-assessment-data-iom-dtm"]
    assert main([*args, "--dry-run"]) == 0
    assert folder_hash(data_copy) == before
    assert main(args) == 0
    assert validate(data_copy) == []
    catalog = load_catalog(data_copy, use_cache=False)
    frame = catalog.tables["idp_counts"]
    new = frame[frame["idp_id"].str.startswith("IDP-DTM-2021-09-30-")].set_index("area_code")
    assert dict(new["count"]) == {"ML-1": 2435, "ML-2": 7290, "ML-3": 5833, "ML-4": 54885, "ML-5": 159027, "ML-6": 54382,
                                  "ML-7": 97859, "ML-8": 3488, "ML-9": 12995, "ML-BKO": 3542}
    assert int(new["count"].sum()) == 401736
    assert new.at["ML-BKO", "as_stated"] == "Bamako (MLI09)" and new.at["ML-9", "as_stated"] == "Menaka (MLI10)"
    gao = new.loc["ML-7"]  # three communes, one of them coded 'MLI07' followed by spaces
    assert gao["locators"] == ("dtm_mali_baseline_assessment_round_72.xlsx, rows 9-11, column #affected+idps+ind (Gao MLI07, 2021-09-30)",)
    assert "sum of the file's 3 rows below admin 1 (admin 3)" in gao["note"]
    assert "round 72 and assessment BA as given on import" in gao["note"]
    assert gao["idp_id"] == "IDP-DTM-2021-09-30-ML-7-BA-R72" and new["preferred"].all()
    [source] = set(new.at["ML-5", "source_ids"])
    assert catalog.tables["sources"].at[source, "location"] == "https://data.humdata.org/dataset/mali-baseline-assessment-data-iom-dtm"
    once = folder_hash(data_copy)
    assert main(args) == 0
    assert folder_hash(data_copy) == once
