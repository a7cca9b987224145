"""Fuzzing every registered callback through Dash's own endpoint: no post may get a 5xx answer
or leave a traceback in the log (issue 19).

The callbacks are read from ``/_dash-dependencies`` (server and clientside alike: a post to a
clientside callback's output is refused too). Each hypothesis example posts one payload to every
callback: either a body in the callback's own shape (the components the page really has for a
wildcard, or others, consistently) with generated values, or a body with its shape broken (wrong
types and lengths, wildcard lists that are not lists, ids without their keys, junk
``changedPropIds``, deep nesting, huge strings, NaN, bodies that are not JSON...).
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from benchmarks.payloads import output_parts, view_body, view_dependency

MIN_PER_CALLBACK = 100  # posts to each callback, more when there are fewer than 20 callbacks
MIN_POSTS = 2000  # in all (issue 19); the test takes about 30 s
UPDATE = "/_dash-update-component"

scalars = (st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.integers(-3, 3000)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30))
huge_text = st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "é", "<a href='//e.xx'>X</a>", "\u202e", "\x00"]),
                      st.integers(1_000, 20_000))
json_values = st.recursive(
    scalars | huge_text,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=6),
    max_leaves=20,
)
store_like = st.fixed_dictionaries({}, optional=dict.fromkeys(("from", "to", "year", "lang", "regions", "donors", "actors", "sectors", "geo", "search", "selected", "metric", "layers", "timeline", "mode", "briefing", "scene", "ignored"), json_values)) | st.fixed_dictionaries({"from": st.sampled_from(["2019-01", "2026-12", "١٠١٩-01", "2019-13"]),
                            "to": st.sampled_from(["2019-12", "2012-01", "99999999999-01"]),
                            "regions": st.lists(st.sampled_from(["ML-5", "ML-5", "XX", ""]), max_size=60),
                            "selected": st.sampled_from(["EUTM-MALI", "<b>x</b>", ""]), "lang": st.sampled_from(["en", "fr", "de"])})


def value_for(prop: str) -> st.SearchStrategy[Any]:
    """Values a property might carry, plausible ones mixed with junk."""
    plausible = {
        "data": store_like,
        "search": st.sampled_from(["", "?year=2019", "?year=2019&year=2020", "?region=ML-5&sel=EUTM-MALI", "?" + "x=1&" * 60,
                                   "?briefing=eu-mali-2013-2023&scene=2", "?from=2026-12"]) | st.text(max_size=300),
        "href": st.text(max_size=200),
        "clickData": st.fixed_dictionaries({"points": st.lists(st.fixed_dictionaries(
            {"customdata": st.sampled_from(["ML-5", "MINUSMA", ["SITE"], "<img src=x>"]) | json_values}), max_size=3)}),
        "selectedRows": st.lists(st.fixed_dictionaries({"id": st.sampled_from(["EUTM-MALI", "NOPE"]) | json_values}), max_size=3),
        "n_clicks": st.integers(-2, 5) | st.sampled_from([None, True, 1.5, "1", 10**40]),
        "n_intervals": st.integers(-2, 10**6),
        "disabled": st.booleans() | json_values,
        "search_value": st.text(max_size=100) | huge_text,
        "children": st.sampled_from(["…", "x", None]) | json_values,
        "value": st.sampled_from(["en", "fr", [2019, 2020], [2026, 2012], 3, ["ML-5"], "EUTM-MALI", None]) | json_values,
    }
    return plausible.get(prop, json_values) | json_values


def layout_ids(layout: Any) -> list[dict[str, Any]]:
    """Every dict id in the page's layout (the components a wildcard pattern can match)."""
    found, stack = [], [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("id"), dict):
                found.append(node["id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def wildcard(pattern: Any) -> str:
    if isinstance(pattern, dict):
        for value in pattern.values():
            if isinstance(value, list):
                return value[0]
    return ""


@st.composite
def component_ids(draw: Any, pattern: dict[str, Any], real: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ids matching ``pattern``: the page's own (a sample, in order), sometimes with strangers."""
    fixed = {k: v for k, v in pattern.items() if not isinstance(v, list)}
    mine = [i for i in real if set(i) == set(pattern) and all(i[k] == v for k, v in fixed.items())]
    chosen = [i for i in mine if draw(st.booleans()) or draw(st.booleans())]
    key = next(k for k, v in pattern.items() if isinstance(v, list))
    strangers = draw(st.lists(st.sampled_from(["bogus", "period", "ignored", "__proto__", 7, True]) | st.text(max_size=8),
                              max_size=2, unique_by=str))
    return chosen + [{**fixed, key: s} for s in strangers if s not in {i[key] for i in chosen}]


@st.composite
def well_shaped(draw: Any, dep: dict[str, Any], real: list[dict[str, Any]]) -> dict[str, Any]:
    """A body in the callback's shape, with generated values (a wildcard pattern lists the same
    components wherever it recurs, as the renderer does)."""
    lists: dict[str, list[dict[str, Any]]] = {}
    match = draw(st.sampled_from(["engagements", "money", "personnel", "idps"]) | st.text(max_size=10) | st.integers())

    def entries(id_text: str, prop: str, *, with_value: bool) -> Any:
        pattern = parse_id(id_text)
        kind = wildcard(pattern)
        if kind == "ALL":
            ids = lists.setdefault(id_text, draw(component_ids(pattern, real)))
            return [{"id": i, "property": prop, **({"value": draw(value_for(prop))} if with_value else {})} for i in ids]
        ident = {k: (match if isinstance(v, list) else v) for k, v in pattern.items()} if kind == "MATCH" else pattern
        return {"id": ident, "property": prop, **({"value": draw(value_for(prop))} if with_value else {})}

    outputs = [entries(i, p, with_value=False) for i, p in output_parts(dep["output"])]
    inputs = [entries(d["id"], d["property"], with_value=True) for d in dep["inputs"]]
    state = [entries(d["id"], d["property"], with_value=True) for d in dep["state"]]
    names = [f"{json.dumps(e['id'], sort_keys=True, separators=(',', ':')) if isinstance(e['id'], dict) else e['id']}.{e['property']}"
             for item in inputs for e in (item if isinstance(item, list) else [item])]
    changed = draw(st.lists(st.sampled_from(names), max_size=1, unique=True)) if names else []
    body = {"output": dep["output"], "outputs": outputs if dep["output"].startswith("..") else outputs[0],
            "inputs": inputs, "changedPropIds": changed}
    if dep["state"] or draw(st.booleans()):
        body["state"] = state
    return body


BROKEN_KINDS = ("not_object", "drop_key", "junk_key", "lengths", "wildcard_not_list", "id_broken", "property", "changed",
                "deep", "huge", "nan", "clientside_or_unknown", "match_mismatch", "duplicate_component")


@st.composite
def broken(draw: Any, dep: dict[str, Any], real: list[dict[str, Any]]) -> Any:
    """A body whose shape is wrong in one way (or not JSON at all: returned as bytes)."""
    body = draw(well_shaped(dep, real))
    kind = draw(st.sampled_from(BROKEN_KINDS))
    groups = [k for k in ("outputs", "inputs", "state") if isinstance(body.get(k), list) and body[k]]
    if kind == "not_object":
        return draw(st.sampled_from([b"", b"{", b"[" * 100_000, b"\xff\xfe", b"null", b"42", b'"x"', b"[]",
                                     json.dumps([body]).encode(), b'{"output": NaN}']))
    if kind == "drop_key":
        body.pop(draw(st.sampled_from(["output", "outputs", "inputs", "state", "changedPropIds"])), None)
    elif kind == "junk_key":
        body[draw(st.sampled_from(["output", "outputs", "inputs", "state", "changedPropIds"]))] = draw(json_values)
    elif kind == "lengths" and groups:
        group = draw(st.sampled_from(groups))
        body[group] = body[group][:-1] if draw(st.booleans()) else [*body[group], draw(json_values)]
    elif kind == "wildcard_not_list" and groups:
        group = draw(st.sampled_from(groups))
        i = draw(st.integers(0, len(body[group]) - 1))
        item = body[group][i]
        body[group][i] = item[0] if isinstance(item, list) and item else [item] if isinstance(item, dict) else draw(json_values)
    elif kind == "id_broken" and groups:
        group = draw(st.sampled_from(groups))
        item = body[group][draw(st.integers(0, len(body[group]) - 1))]
        entry = item[0] if isinstance(item, list) and item else item
        if isinstance(entry, dict):
            entry["id"] = draw(st.sampled_from([{}, {"type": "view-control"}, {"field": ["x"], "type": "view-control"},
                                                {"key": {"nested": 1}, "type": "kf-card"}, None, 5, "url"]) | json_values)
    elif kind == "property" and groups:
        group = draw(st.sampled_from(groups))
        item = body[group][draw(st.integers(0, len(body[group]) - 1))]
        entry = item[0] if isinstance(item, list) and item else item
        if isinstance(entry, dict):
            entry["property"] = draw(st.sampled_from(["__proto__", "value.x", "", None, 3]) | st.text(max_size=20))
    elif kind == "changed":
        body["changedPropIds"] = draw(st.lists(st.sampled_from(["{bad json.value", "url", ".", "x" * 5000, '{"a":1}.b'])
                                               | st.text(max_size=30) | json_values, min_size=1, max_size=3))
    elif kind == "deep":  # as bytes: neither json.dumps nor a failure report may recurse that deep
        depth = draw(st.integers(30, 50_000))
        text = json.dumps({**body, "inputs": ["DEEP"]})
        return text.replace('"DEEP"', '{"a":[' * depth + '"x"' + "]}" * depth).encode()
    elif kind == "huge":
        return json.dumps({**body, "pad": "x" * draw(st.integers(600_000, 900_000))}).encode()
    elif kind == "nan":
        return json.dumps({**body, "extra": [math.nan, math.inf]}).encode()
    elif kind == "clientside_or_unknown":
        body["output"] = draw(st.sampled_from(["share-link.value", "..export-png.href...export-svg.href..", "nope.x",
                                               "..a.b...c.d..", ""]) | st.text(max_size=40))
    elif kind == "match_mismatch":
        for item in body.get("state") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), dict) and "key" in item["id"]:
                item["id"]["key"] = "other"
    elif kind == "duplicate_component":
        for group in groups:
            body[group] = [[*item, item[0]] if isinstance(item, list) and item else item for item in body[group]]
    return body


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def deps(client):
    found = client.get("/_dash-dependencies").get_json()
    assert len(found) >= 12
    return found


@pytest.fixture(scope="module")
def real_ids(client):
    return layout_ids(client.get("/_dash-layout").get_json())


@pytest.mark.fuzz  # a longer time limit (tests/conftest.py SLOW_MARK_TIMEOUTS)
def test_every_callback_survives_generated_posts(client, deps, real_ids, caplog):
    """Every callback gets at least MIN_PER_CALLBACK posts: 0 server errors, 0 logged tracebacks or errors."""
    caplog.set_level(logging.WARNING)
    posted: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    per_callback = max(MIN_PER_CALLBACK, -(-MIN_POSTS // len(deps)))

    def fuzz(dep: dict[str, Any]) -> None:
        @settings(max_examples=per_callback, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(body=st.one_of(well_shaped(dep, real_ids), broken(dep, real_ids)))
        def run(body: Any) -> None:
            before = len(caplog.records)
            if isinstance(body, bytes):
                response = client.post(UPDATE, data=body, content_type="application/json")
            else:
                response = client.post(UPDATE, data=json.dumps(body, allow_nan=True), content_type="application/json")
            posted[dep["output"]] += 1
            statuses[response.status_code] += 1
            shown = (body if isinstance(body, bytes) else json.dumps(body, allow_nan=True).encode())[:300]
            assert response.status_code < 500, (dep["output"], response.status_code, response.data[:300], shown)
            assert b"Traceback" not in response.data, shown
            logged = [r for r in caplog.records[before:] if r.exc_info or r.levelno >= logging.ERROR]
            assert not logged, (dep["output"], logged[0].getMessage()[:300], shown)

        run()

    for dep in deps:  # one hypothesis run per callback: each gets its own payloads
        fuzz(dep)
    print(f"fuzz: {sum(posted.values())} posts to {len(posted)} callbacks; statuses {dict(statuses)}")
    assert sum(posted.values()) >= MIN_POSTS, posted
    assert set(posted) == {d["output"] for d in deps}  # every registered callback, clientside included
    assert min(posted.values()) >= per_callback
    # Not only the guard answered: many posts reached their callback (an answer or a no-update); a
    # post to a clientside callback is always refused, so count the server callbacks' posts.
    server = [d for d in deps if not d.get("clientside_function")]
    assert statuses[200] + statuses[204] >= per_callback * len(server) // 5, statuses
    assert statuses[400] >= MIN_POSTS // 5, statuses


def test_the_pages_own_posts_are_still_answered(client, deps):
    """The checks refuse what the page never sends, and nothing it does: a language switch
    redraws the view in French, and Reset view sets every control."""
    layout = client.get("/_dash-layout").get_json()
    view = view_dependency(deps)
    values = {"lang": "fr", "years": [2019, 2019], "month_from": "1", "month_to": "12", "geo": ["mali"], "metric": "engagements"}
    response = client.post(UPDATE, json=view_body(view, layout, values, changed="lang", store={"from": "2019-01", "to": "2019-12"}))
    assert response.status_code == 200, response.data[:300]
    answer = response.get_json()["response"]
    # The grid's new headers come after the map's redraw, kept aside in the deferred store.
    assert "config" not in answer["map-graph"] and answer["timeline-graph"]["config"]["locale"] == "fr"
    assert "Type d’acteur" in json.dumps(answer["deferred-parts"], ensure_ascii=False)
    response = client.post(UPDATE, json=view_body(view, layout, {**values, "regions": ["ML-5"]}, changed="reset", reset=1,
                                                  search="?year=2019&region=ML-5&lang=fr"))
    assert response.status_code == 200, response.data[:300]
    # The controls are written with set_props (Dash's "sideUpdate"), not as outputs of the callback.
    written = {json.loads(k)["field"]: v["value"] for k, v in response.get_json()["sideUpdate"].items()
               if k.startswith('{"field"') and "value" in v}
    assert written["regions"] == [] and "lang" not in written  # every control back to the default view, the language kept
    assert response.get_json()["response"]["url"]["search"] == "?lang=fr"
