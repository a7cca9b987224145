"""The view callback's answer (dashboard/response.py): each part of the page is redrawn when a
field it reads changes, and left alone otherwise. Every claim of ``IGNORES`` (this part does not
read that field) is checked against the real outputs, for several views and values.
"""

from __future__ import annotations

import json
from dataclasses import replace

import plotly
import pytest

from dashboard.export import view_title
from dashboard.outputs import key_figures_output, map_output, table_output, timeline_output
from dashboard.response import IGNORES, PARTS, STATE_FIELDS, changed_fields, parts_to_draw
from layers.view_state import LAYERS, METRICS, MODES, SIZES, TIMELINES, parse_query

BASES = ("?year=2019", "?year=2019&region=ML-5&sel=EUTM-MALI", "?year=2015-2020&metric=idp&lang=fr&geo=mali,sahel",
         "?from=2013-03&to=2014-06&metric=budget&actor=eu_csdp&timeline=date")
OTHER_VALUES = {
    "metric": METRICS, "layers": ((), ("regions",), ("sites", "towns"), LAYERS), "timeline": TIMELINES, "mode": MODES,
    "selected": ("", "EUTM-MALI", "MINUSMA"), "briefing": ("", "eu-mali-2013-2023"), "scene": (0, 2),
    "title": ("", "A title of my own"), "subtitle": ("", "A subtitle"), "size": SIZES,
}
PART_OUTPUTS = {"map": map_output, "timeline": timeline_output, "table": table_output, "key_figures": key_figures_output,
                "export_title": view_title}


def _json(value) -> str:
    if hasattr(value, "to_plotly_json") and not hasattr(value, "_namespace"):  # a Patch: its operations
        value = value.to_plotly_json()
    if isinstance(value, tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return plotly.io.json.to_json_plotly(value)


def test_every_part_has_an_output_and_every_claim_names_a_field():
    assert set(PART_OUTPUTS) == set(PARTS)
    for part, fields in IGNORES.items():
        assert fields <= set(STATE_FIELDS), part
        assert fields - {"briefing", "scene", "subtitle", "size"} <= set(OTHER_VALUES), part  # each claim is checked below


@pytest.mark.parametrize("part", PARTS)
def test_a_part_does_not_change_with_a_field_it_ignores(app_data, part):
    """For each view and each field the part claims not to read, every other value of that field
    gives the same output, byte for byte."""
    checked = 0
    for query in BASES:
        base = parse_query(query, app_data.options)
        expected = _json(PART_OUTPUTS[part](app_data, base))
        for field in sorted(IGNORES[part]):
            for value in OTHER_VALUES[field]:
                other = replace(base, **{field: value})
                if other == base:
                    continue
                assert _json(PART_OUTPUTS[part](app_data, other)) == expected, (part, query, field, value)
                checked += 1
    assert checked >= 10 or not IGNORES[part]


@pytest.mark.parametrize("part", PARTS)
def test_a_part_is_redrawn_when_a_field_it_reads_changes_what_it_shows(app_data, part):
    """The claims are not vacuous: for each part, some field it reads changes its output, and the
    answer redraws it then."""
    base = parse_query("?year=2019", app_data.options)
    other = parse_query("?year=2019&region=ML-5&lang=fr&sel=EUTM-MALI&metric=idp", app_data.options)
    assert _json(PART_OUTPUTS[part](app_data, base)) != _json(PART_OUTPUTS[part](app_data, other))
    assert part in parts_to_draw(changed_fields(base, other))


def test_changed_fields_is_every_field_without_a_previous_view(app_data):
    state = parse_query("?year=2019", app_data.options)
    assert changed_fields(None, state) == frozenset(STATE_FIELDS)
    assert changed_fields(state, state) == frozenset()
    assert parts_to_draw(changed_fields(state, replace(state, metric="idp"))) == {"map", "key_figures", "export_title"}
    assert json.dumps(sorted(parts_to_draw(frozenset({"lang"})))) == json.dumps(sorted(PARTS))
