"""Hostile input and production hardening: headers, secrets, fuzzed callback payloads."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.payloads import store_body
from benchmarks.payloads import store_callbacks as view_store_callbacks
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
    found = view_store_callbacks(deps)
    assert len(found) >= 5  # map, timeline, key figures, detail, table, warnings, frame
    return found


def test_security_headers_and_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split("; ") if p.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src and "'sha256-" in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("secret", [None, "", "change-me", "short-secret", "x" * 31])
def test_serve_refuses_default_or_weak_secrets(secret):
    with pytest.raises(ServeError, match="SAHEL_SECRET_KEY"):
        check_secret(secret)


def test_serve_accepts_a_real_secret():
    assert check_secret("f" * 64) == "f" * 64


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=store_like)
def test_fuzzed_store_payloads_never_500(client, store_callbacks, payload):
    for dep in store_callbacks:
        response = client.post("/_dash-update-component", json=store_body(dep, payload))
        assert response.status_code in (200, 204), (dep["output"], response.data[:200])
        assert b"Traceback" not in response.data
        assert b"<script" not in response.data.lower()
