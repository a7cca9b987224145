"""The on-disk cache of validated tables (sahel_data.cache): a hit is the same catalog as a
rebuild, any change to the data rebuilds, a corrupt entry is logged and rebuilt, and an
unwritable folder still loads.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

import sahel_data.checks as checks_module
import sahel_data.load as load_module
from dashboard.view import build_app_data, compute_view
from layers.view_state import state_from_values
from sahel_data.problems import DataError
from sahel_data.releases import ReleaseLog, content_index
from tests.conftest import TODAY


def load_uncached(path: Path):
    """A strict load through the disk cache, without the per-process one."""
    return load_module._cached_catalog.__wrapped__(path.resolve(), lenient=False)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SAHEL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The table files validated row by row (``check_rows`` calls), to tell a hit from a rebuild."""
    seen: list[str] = []
    real = checks_module.check_rows

    def counting(raw, today):
        seen.append(raw.table.file)
        return real(raw, today)

    monkeypatch.setattr(checks_module, "check_rows", counting)
    return seen


def _assert_same_catalog(a, b) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
        assert list(a.tables[name].dtypes) == list(b.tables[name].dtypes)
    for name in a.layers:
        pd.testing.assert_frame_equal(pd.DataFrame(a.layers[name]), pd.DataFrame(b.layers[name]), check_exact=True)
    assert [v.version_id for v in a.boundaries] == [v.version_id for v in b.boundaries]
    assert (a.releases, a.markings, a.geo_manifest, a.rejected) == (b.releases, b.markings, b.geo_manifest, b.rejected)
    assert list(a.briefings) == list(b.briefings)


VIEWS = ({}, {"year": 2019, "regions": ["ML-5"]}, {"year": 2020, "metric": "budget"}, {"year": 2016, "metric": "idp"},
         {"year": 2021, "donors": ["European Union"], "selected": "EUTM-MALI"})


def test_a_hit_is_the_same_catalog_and_answers_as_a_rebuild(data_copy, cache_dir, checks):
    rebuilt = load_uncached(data_copy)
    assert checks, "the first load validates every table"
    assert len(list(cache_dir.iterdir())) == 1  # one entry written
    checks.clear()
    hit = load_uncached(data_copy)
    assert checks == []  # read from the cache: no row was checked again
    _assert_same_catalog(rebuilt, hit)
    assert hit.content_hash == rebuilt.content_hash == content_index(data_copy).content_hash()

    a, b = build_app_data(rebuilt, TODAY), build_app_data(hit, TODAY)
    assert a.data_version == b.data_version
    for values in VIEWS:
        fa, fb = compute_view(a, state_from_values(values, a.options)), compute_view(b, state_from_values(values, b.options))
        for key in ("engagements", "money", "personnel", "idps"):
            assert getattr(fa, key) == getattr(fb, key), (values, key)
        pd.testing.assert_frame_equal(fa.region_values, fb.region_values, check_exact=True)
        assert (fa.site_mask == fb.site_mask).all()


@pytest.mark.usefixtures("cache_dir")
def test_the_cached_content_index_is_the_data_s(data_copy):
    catalog = load_uncached(data_copy)
    load_uncached(data_copy)
    log = ReleaseLog(data_copy, catalog.releases, content_hash=catalog.content_hash, index_file=catalog.index_file)
    assert catalog.index_file is not None
    assert log.current.to_json() == content_index(data_copy).to_json()


def test_a_changed_file_rebuilds(data_copy, cache_dir, checks):
    load_uncached(data_copy)
    path = data_copy / "tables" / "engagements.csv"
    text = path.read_text(encoding="utf-8")
    first = pd.read_csv(path, dtype=str, keep_default_na=False).iloc[0]
    path.write_text(text.replace(first["name_en"], first["name_en"] + " (renamed)", 1), encoding="utf-8")
    checks.clear()
    catalog = load_uncached(data_copy)
    assert "engagements.csv" in checks
    assert catalog.tables["engagements"].at[first["engagement_id"], "name_en"] == first["name_en"] + " (renamed)"
    assert len(list(cache_dir.iterdir())) == 2  # the old entry is kept until pruned


@pytest.mark.usefixtures("cache_dir")
def test_a_change_the_content_hash_ignores_is_still_refused(data_copy):
    """A table whose last line break is gone (a file cut after its last row?) has the same rows,
    and so the same release content hash, but validation refuses it: the cache must not answer.
    """
    load_uncached(data_copy)
    before = content_index(data_copy).content_hash()
    path = data_copy / "tables" / "sources.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert content_index(data_copy).content_hash() == before  # the premise: the content hash cannot tell
    with pytest.raises(DataError) as refused:
        load_uncached(data_copy)
    assert refused.value.problems == load_module.validate(data_copy)
    assert refused.value.problems


@pytest.mark.parametrize("damage", ["arrays.npz", "texts.json", "meta.json", "missing-array"])
def test_a_corrupt_entry_is_logged_and_rebuilt(data_copy, cache_dir, checks, caplog, damage):
    rebuilt = load_uncached(data_copy)
    (entry,) = cache_dir.iterdir()
    if damage == "missing-array":
        import numpy as np

        with np.load(entry / "arrays.npz") as npz:
            kept = {k: npz[k] for k in npz.files[1:]}
        np.savez(entry / "arrays.npz", **kept)
    else:
        (entry / damage).write_bytes((entry / damage).read_bytes()[:100])
    checks.clear()
    with caplog.at_level(logging.WARNING, logger="sahel_data.cache"):
        again = load_uncached(data_copy)
    assert checks, "rebuilt: the tables were validated again"
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    _assert_same_catalog(rebuilt, again)
    checks.clear()
    load_uncached(data_copy)
    assert checks == []  # and written again


def test_an_unwritable_cache_folder_still_loads(data_copy, tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SAHEL_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even by root
    with caplog.at_level(logging.WARNING, logger="sahel_data.cache"):
        catalog = load_uncached(data_copy)
    _assert_same_catalog(catalog, load_module.load_catalog(data_copy, use_cache=False))
    assert any("not written" in r.getMessage() for r in caplog.records)


def test_cache_off(data_copy, monkeypatch, checks):
    monkeypatch.setenv("SAHEL_CACHE_DIR", "off")
    load_uncached(data_copy)
    checks.clear()
    load_uncached(data_copy)
    assert checks  # validated every time


@pytest.mark.usefixtures("cache_dir")
def test_a_loaded_catalog_holds_each_distinct_text_once(data_copy):
    """Validated now or read back, equal texts are one object (across tables too) and equal
    tuples of text one tuple: forked workers then touch far fewer pages (BENCHMARKS.md).
    """
    for catalog in (load_uncached(data_copy), load_uncached(data_copy)):  # a rebuild, then a hit
        eng, mandates = catalog.tables["engagements"], catalog.tables["mandates"]
        for column in ("scope", "actor_type", "source_ids", "sectors"):
            values = eng[column].to_numpy(object)
            assert len({id(v) for v in values}) == len(set(values)), column
        ids = {v: v for v in eng["engagement_id"].to_numpy(object)}
        assert all(ids[v] is v for v in mandates["engagement_id"].to_numpy(object))


def _typed_frame() -> pd.DataFrame:
    """One column of each kind the cache stores, with gaps, repeats and an empty tuple."""
    frame = pd.DataFrame({
        "key": pd.Series(["a", "b", "c", "d"], dtype="str"),
        "text": pd.Series(["x", None, "x", "a"], dtype="str"),
        "none": pd.Series([None] * 4, dtype="str"),
        "refs": pd.Series([("p", "x"), (), ("p", "x"), ("a",)], dtype=object),
        "n": pd.array([1, None, 3, 4], dtype="Int64"),
        "share": pd.array([0.5, None, 1.0, 2.0], dtype="Float64"),
        "when": pd.to_datetime(["2020-01-01", None, "2021-05-02", "2022-12-31"]),
        "flag": [True, False, True, False],
    })
    return frame.set_index("key", drop=False)


def test_shared_tables_keeps_every_value_and_shares_equal_ones():
    from sahel_data.cache import shared_tables

    tables = {"t": _typed_frame(), "empty": _typed_frame().iloc[:0]}
    shared = shared_tables(tables)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(shared[name], frame, check_exact=True)
    text, refs, key = shared["t"]["text"].to_numpy(object), shared["t"]["refs"].to_numpy(object), shared["t"]["key"]
    assert text[0] is text[2] and refs[0] is refs[2]
    assert refs[0][1] is text[0] and refs[3][0] is key.iloc[0]  # one pool for every column and tuple


def test_shared_tables_leaves_a_kind_it_does_not_store():
    from sahel_data.cache import shared_tables

    tables = {"t": _typed_frame().assign(lists=[["x"], [], ["y"], []])}
    assert shared_tables(tables) is tables
