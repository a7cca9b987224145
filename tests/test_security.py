"""Hostile input and production hardening: headers, secrets, fuzzed callback payloads."""

from __future__ import annotations

import json
import secrets

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.payloads import view_body, view_dependency
from dashboard.serve import ServeError, check_secret, exposure_warning, secret_bits

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
def view_post(client):
    """The view callback (it reads the store: the view the page shows) and the page's layout."""
    return view_dependency(client.get("/_dash-dependencies").get_json()), client.get("/_dash-layout").get_json()


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


@pytest.mark.parametrize("secret", [
    "a" * 32, "f" * 64, "abcd" * 8, "abcdefghijklmnopqrstuvwxyz012345", "0123456789" * 4,
    "Tr0ub4dor&3" * 3, "password" * 4, "ab" * 40, " " + secrets.token_hex(32), secrets.token_hex(32) + "\n",
])
def test_serve_refuses_low_entropy_secrets_and_says_how_to_make_one(secret):
    """Long enough is not random enough: 32 x "a" was accepted by the length check alone."""
    with pytest.raises(ServeError) as err:
        check_secret(secret)
    assert "secrets.token_hex(32)" in str(err.value)  # the message says how to make a good one


@pytest.mark.parametrize("secret", [secrets.token_hex(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)])
def test_serve_accepts_a_real_secret(secret):
    assert check_secret(secret) == secret
    assert secret_bits(secret) >= 128


def test_serve_warns_when_exposed_without_the_proxy():
    assert exposure_warning("127.0.0.1") == exposure_warning("localhost") == ""
    assert "deploy/nginx.conf" in exposure_warning("0.0.0.0")  # noqa: S104  (the case under test)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=store_like)
def test_fuzzed_store_payloads_never_500(client, view_post, payload):
    dep, layout = view_post
    controls = {"lang": "en", "years": [2019, 2019], "month_from": "1", "month_to": "12", "geo": ["mali"]}
    for changed in ("years", "lang", "url"):
        response = client.post("/_dash-update-component", json=view_body(dep, layout, controls, changed=changed, store=payload))
        # A no-update (204), an answer (200), or a refusal of what JSON cannot mean (NaN: 400); never a 500.
        assert response.status_code in (200, 204, 400), (changed, response.data[:200])
        assert b"Traceback" not in response.data
        assert b"<script" not in response.data.lower()


def test_the_store_echoes_only_plain_small_json_from_the_browser(app_data):
    """The store sends back what the page posted (the gate's "posted"): never a value the encoder
    or JavaScript cannot carry back as it came, nor a post the page never makes."""
    from dashboard.view_store import echoable, store_payload
    from layers.period import Period
    from layers.view_state import ViewState

    assert echoable({"years": [2019, 2019], "regions": ["ML-5"], "lang": "fr", "selected": None, "month_from": "1"})
    for bad in (10**30, -(2**53) - 1, float("nan"), float("inf"), "x" * 10_001, [[[["deep"]]]], list(range(501)),
                dict.fromkeys(range(3), 1), object()):
        assert not echoable(bad), bad
    state = ViewState(period=Period.year(2019))
    assert store_payload(state, app_data.options, posted={"years": [2019, 2019]})["posted"] == {"years": [2019, 2019]}
    assert store_payload(state, app_data.options, posted={"years": [10**30, 2019]})["posted"] is None
    assert store_payload(state, app_data.options, posted={"not_a_control": 1})["posted"] is None
    # A period the view cannot take: the controls' values are echoed, a value that cannot be is not.
    shown = store_payload(state, app_data.options, shown={"month_from": "5", "regions": [10**30]})["controls"]
    assert shown["month_from"] == "5" and shown["regions"] == store_payload(state, app_data.options)["controls"]["regions"]


def test_a_post_with_a_huge_integer_is_answered_not_echoed(client, view_post):
    dep, layout = view_post
    controls = {"lang": "en", "years": [2019, 2019], "month_from": "1", "month_to": "12", "geo": ["mali"]}
    body = view_body(dep, layout, controls, changed="years")
    body["inputs"][1]["value"] = {**body["inputs"][1]["value"], "mode": 10**30}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    assert response.get_json()["response"]["view-store"]["data"]["posted"] is None


def test_the_load_tests_users_post_the_view_as_a_tab_does(client):
    """``benchmarks/load.py``'s users post what the page posts: each answer is a 200 with the
    view, its store feeds the next post, and later posts redraw less than a first one (the load
    test once posted to callbacks the page no longer had: nothing)."""
    import random

    from benchmarks.load import ViewPoster, _random_view

    def get(url):
        response = client.get(url)
        return response.status_code, response.data

    def post(url, body):
        response = client.post(url, json=body)
        return response.status_code, response.data

    poster = ViewPoster("", get, post)
    rng, store, sizes = random.Random(3), None, []
    for _ in range(4):
        changed, values = _random_view(rng)
        status, data, store = poster.post(changed, values, store)
        answer = json.loads(data)["response"]
        assert status == 200 and "map-graph" in answer and "Traceback" not in data.decode()
        assert store == answer["view-store"]["data"] and store["controls"]["years"] == values["years"]
        sizes.append(len(answer))
    assert sizes[0] > min(sizes[1:])  # the first post draws every part; later ones only what changed
    # An answer without the view (a 204 from PreventUpdate, a 200 without the store) is an error
    # for the load test (status 0), not a success; the user keeps the store it had.
    for refused in ((204, b""), (200, b'{"response": {}}')):
        status, _, kept = ViewPoster("", get, lambda *_, answer=refused: answer).post(changed, values, store)
        assert status == 0 and kept == store
