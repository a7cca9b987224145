"""Hostile input and production hardening: headers, secrets, fuzzed callback payloads."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import ids
from dashboard.serve import ServeError, check_secret

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=25,
)
store_like = st.fixed_dictionaries({}, optional={
    "year": json_values, "lang": st.sampled_from(["en", "fr", "xx"]) | json_values, "regions": json_values,
    "donors": json_values, "actors": json_values, "sectors": json_values, "search": json_values,
    "selected": st.sampled_from(["EUTM-MALI", "<b>x</b>", ""]) | json_values, "metric": json_values,
    "layers": json_values, "mode": json_values, "briefing": json_values, "scene": json_values, "ignored": json_values,
})


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def store_callbacks(client):
    """Every callback driven by the view store, with its real output spec."""
    deps = client.get("/_dash-dependencies").get_json()
    found = [d for d in deps if d["inputs"] == [{"id": ids.VIEW_STORE, "property": "data"}]]
    assert len(found) >= 5  # map, timeline, key figures, detail, table, warnings, frame
    return found


def test_security_headers_and_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split("; ") if p.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("secret", [None, "", "change-me", "short-secret", "x" * 31])
def test_serve_refuses_default_or_weak_secrets(secret):
    with pytest.raises(ServeError, match="SAHEL_SECRET_KEY"):
        check_secret(secret)


def test_serve_accepts_a_real_secret():
    assert check_secret("f" * 64) == "f" * 64


def _outputs(dep: dict) -> object:
    specs = []
    for part in dep["output"].strip(".").split("..."):
        component, prop = part.rsplit(".", 1)
        specs.append({"id": component, "property": prop.split("@")[0]})
    return specs if len(specs) > 1 else specs[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=store_like)
def test_fuzzed_store_payloads_never_500(client, store_callbacks, payload):
    for dep in store_callbacks:
        body = {"output": dep["output"], "outputs": _outputs(dep),
                "inputs": [{"id": ids.VIEW_STORE, "property": "data", "value": payload}],
                "changedPropIds": [f"{ids.VIEW_STORE}.data"], "state": []}
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code in (200, 204), (dep["output"], response.data[:200])
        assert b"Traceback" not in response.data
        assert b"<script" not in response.data.lower()
