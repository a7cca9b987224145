"""Shared fixtures: the shipped catalog, app data, and Chrome options for dash_duo."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from sahel_data.load import DEFAULT_DATA_DIR, Catalog, load_catalog

TODAY = date(2026, 11, 22)  # fixed so tests do not drift with the calendar


def pytest_setup_options():
    """Headless Chromium for dash_duo, as root in a container, with no outside traffic."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--disable-quic", "--window-size=1920,1080"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return options


# Per-test time limits (pytest-timeout): 60 s by default (pyproject.toml); a real browser or an
# export renderer gets longer, because starting Chromium on 2 shared cores can take a while; so
# does the fuzz test, whose 2,000 posts take about 30 s on an idle 2-core machine and took over
# 60 s when it ran at half speed (2026-12-01: a clean CI run failed on that limit alone).
SLOW_MARK_TIMEOUTS = {"browser": 240, "export": 180, "fuzz": 180}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("timeout"):
            continue  # a test that sets its own limit keeps it
        limits = [s for mark, s in SLOW_MARK_TIMEOUTS.items() if item.get_closest_marker(mark)]
        if limits:
            item.add_marker(pytest.mark.timeout(max(limits)))


@pytest.fixture(scope="session", autouse=True)
def _data_cache_dir(tmp_path_factory):
    """The on-disk data cache (sahel_data.cache) in a scratch folder, never the user's."""
    before = os.environ.get("SAHEL_CACHE_DIR")
    os.environ["SAHEL_CACHE_DIR"] = str(tmp_path_factory.mktemp("data-cache"))
    yield
    if before is None:
        os.environ.pop("SAHEL_CACHE_DIR", None)
    else:
        os.environ["SAHEL_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def tables(catalog):
    return catalog.tables


@pytest.fixture(scope="session")
def app_data(catalog):
    from dashboard.view import build_app_data

    return build_app_data(catalog, TODAY)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data directory, to corrupt in defect tests."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def dash_app():
    """The real app, created once: Dash hands the @callback registry to the first app of a
    process, so every test (callback-level and browser) shares this one."""
    from dashboard.app import create_app

    return create_app(today=TODAY)
