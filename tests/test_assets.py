"""The vendored browser assets: the plotly.js bundle matches the plotly.js that exports use,
holds the trace types the figures draw, and ships with its licence."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

ASSETS = Path(__file__).resolve().parent.parent / "assets"
BUNDLE = ASSETS / "plotly-bundle.min.js"


def test_bundle_is_the_plotly_js_version_the_exports_use():
    found = re.findall(r'\.version="(\d+\.\d+\.\d+)"', BUNDLE.read_text(encoding="utf-8"))
    assert found == [get_plotlyjs_version()]


def test_bundle_registers_every_trace_type_the_figures_use(app_data):
    from dashboard.view import view_map_spec, view_timeline_spec
    from layers.view_state import default_state

    state = default_state(app_data.options)
    used = {trace["type"] for spec in (view_map_spec(app_data, state), view_timeline_spec(app_data, state))
            for trace in spec["data"]}
    entry = (ASSETS.parent / "scripts" / "plotly-bundle" / "entry.js").read_text(encoding="utf-8")
    registered = {"scatter", *re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)}
    assert used <= registered, used - registered
    text = BUNDLE.read_text(encoding="utf-8")
    for trace_type in used:
        assert f'name:"{trace_type}"' in text or f"name:'{trace_type}'" in text, trace_type


def test_bundle_licence_is_shipped():
    assert "MIT" in (ASSETS / "LICENSE-plotly.js.txt").read_text(encoding="utf-8")
