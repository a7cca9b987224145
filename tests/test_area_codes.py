"""Area codes in both systems: ISO 3166-2 (the tables' keys) and OCHA COD p-codes (regions.csv ``pcode``).

The two number Mali's regions differently (OCHA ML09 is Bamako, ISO ML-9 is Ménaka; OCHA ML10 is
Ménaka, ISO ML-10 is Taoudénit), so a code is placed only when it is exactly one of the table's
codes, never on its digits.
"""

from __future__ import annotations

import pytest

from sahel_data.codes import AreaCodes, UnplacedCode, resolve_area_code
from sahel_data.load import validate
from sahel_data.problems import Problem
from tests.test_validation_defects import cell, read_rows, set_cell


@pytest.fixture(scope="module")
def codes(catalog):
    return AreaCodes(catalog.tables["regions"])


@pytest.mark.parametrize(("code", "region"), [
    ("ML09", "ML-BKO"),  # OCHA: Bamako ...
    ("MLI09", "ML-BKO"),  # ... as DTM writes it
    ("ML-BKO", "ML-BKO"),
    ("ML-9", "ML-9"),  # ISO: Ménaka ...
    ("ML10", "ML-9"),  # ... which is OCHA ML10
    ("MLI10", "ML-9"),
    ("ML-10", "ML-10"),  # ISO: Taoudénit
    ("ML05", "ML-5"), ("MLI05", "ML-5"), ("ML-5", "ML-5"),
    ("ML01", "ML-1"), ("ML08", "ML-8"),
    ("ML", "ML"), ("MLI", "ML"),
    ("ML-BDG", "ML-BDG"), ("NER", "NER"),
    ("  mli07             ", "ML-7"),  # spaces and case as real files carry them
])
def test_either_system_lands_on_the_right_area(catalog, code, region):
    assert resolve_area_code(code, catalog.tables["regions"]) == region


def test_bamako_is_never_menaka(codes):
    assert codes.resolve("ML09") == "ML-BKO" != codes.resolve("ML-9") == "ML-9"
    assert codes.resolve("ML10") == "ML-9" != codes.resolve("ML-10") == "ML-10"


@pytest.mark.parametrize(("code", "reason"), [
    ("ML9", "ambiguous"),
    ("09", "ambiguous"),
    ("9", "ambiguous"),
    ("ML11", "not an admin-1 p-code of Mali in the recorded vintage (COD-AB valid on 2021-12-20: ML01–ML10)"),
    ("MLI11", "not an admin-1 p-code of Mali in the recorded vintage"),
    ("ML0501", "a p-code finer than admin 1 (admin 2)"),
    ("BF13", "a code of another country (BF)"),
    ("NER001", "a code of another country (NER)"),
    ("ML-09", "not an ISO 3166-2 or project code"),
    ("", "no code given"),
    ("Mopti", "not a region_code or pcode"),
])
def test_codes_it_cannot_place_are_refused_with_the_reason(codes, code, reason):
    placement = codes.place(code)
    assert placement.region_code is None and not placement.placed
    assert placement.reason.startswith(reason), placement.reason
    with pytest.raises(UnplacedCode, match=r"ambiguous|vintage|finer|another country|ISO|no code|not a"):
        codes.resolve(code)


def test_every_pcode_is_dated_and_sourced(catalog):
    regions = catalog.tables["regions"]
    with_pcode = regions[regions["pcode"] != ""]
    assert set(with_pcode["region_code"]) == {"ML", "ML-1", "ML-2", "ML-3", "ML-4", "ML-5", "ML-6", "ML-7", "ML-8", "ML-BKO", "ML-9"}
    assert (with_pcode["pcode_vintage_text"] == "2021-12-20").all()
    for row in with_pcode.to_dict("records"):
        assert "COD-AB-MLI-2021" in row["source_ids"]
        locator = row["locators"][row["source_ids"].index("COD-AB-MLI-2021")]
        assert f"'{row['pcode']}'" in locator and "2021-12-20" in locator
        if row["region_code"] != "ML":
            hdx = row["locators"][row["source_ids"].index("HDX-PCODES-ADM1")]
            assert hdx.startswith(f"MLI,1,{row['pcode']},") and hdx.endswith(",MLI,2021-12-20")
    assert catalog.tables["regions"].at["ML-10", "pcode"] == "" and catalog.tables["regions"].at["ML-BDG", "pcode"] == ""


def _line(data, code):
    return next(i + 1 for i, r in enumerate(read_rows(data / "tables" / "regions.csv")) if r[0] == code)


def test_a_pcode_that_is_another_areas_iso_code_is_refused(data_copy):
    line = _line(data_copy, "ML-5")
    set_cell(data_copy, "regions", line, "pcode", "ML")
    problems = [p for p in validate(data_copy) if p.file == "regions.csv" and p.column == "pcode"]
    assert Problem("regions.csv", line, "pcode", "ML", f"a p-code of one area only (also on row {_line(data_copy, 'ML')})") in problems
    assert any(p.expected.startswith("a p-code that is not the region_code of another area") for p in problems)


def test_an_iso_code_in_the_pcode_column_is_refused(data_copy):
    line = _line(data_copy, "ML-5")
    set_cell(data_copy, "regions", line, "pcode", "ML-5")
    assert Problem("regions.csv", line, "pcode", "ML-5",
                   "an OCHA p-code: two capital letters and digits (ML05; ML for the country)") in validate(data_copy)


def test_a_pcode_without_its_vintage_is_refused(data_copy):
    line = _line(data_copy, "ML-BKO")
    assert cell(data_copy, "regions", line, "pcode") == "ML09"
    set_cell(data_copy, "regions", line, "pcode_vintage", "")
    assert Problem("regions.csv", line, "pcode_vintage", "",
                   "the validOn date of the COD release the p-code comes from") in validate(data_copy)


def test_a_duplicated_pcode_is_refused(data_copy):
    line = _line(data_copy, "ML-9")
    set_cell(data_copy, "regions", line, "pcode", "ML09")
    assert Problem("regions.csv", line, "pcode", "ML09",
                   f"a p-code of one area only (also on row {_line(data_copy, 'ML-BKO')})") in validate(data_copy)
