"""Hostile input to the other doors (issue 19): ``/export``, the CLI and the development server.

Each refuses with a message naming what it cannot use, substitutes nothing, and never hangs.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from pathlib import Path

import pytest

from dashboard.cli import main


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.mark.parametrize(("query", "named"), [
    ("year=99999999999", "year=99999999999"),  # was rendered as 2024
    ("yaer=2019", "unknown parameter 'yaer=2019'"),  # was ignored
    ("year=2019&year=2020", "year= given 2 times"),
    ("year=٢٠١٩", "ASCII digits"),
    ("from=2026-12", "starts after the data's latest month"),
    ("region=ML-5&region=ML-5", "given twice"),
    ("q=" + "x" * 81, "longer than 80 characters"),
    ("year=", "given without a value"),
])
def test_export_refuses_what_it_cannot_use(client, query, named):
    for fmt in ("csv", "png"):
        response = client.get(f"/export/{fmt}?{query}")
        assert response.status_code == 400, (fmt, query, response.data[:200])
        assert named in response.get_data(as_text=True)
        assert b"Traceback" not in response.data


def test_export_answers_a_valid_query(client):
    response = client.get("/export/csv?year=2019&region=ML-5")
    assert response.status_code == 200 and response.mimetype == "text/csv"


@pytest.mark.parametrize(("argv", "message"), [
    (["--view", "?yaer=2019"], "unknown parameter 'yaer=2019'"),
    (["--view", "?year=99999999999"], "year=99999999999"),
    (["--view", "?year=2019", "--years", "٢٠١٩"], "--years: bad year range"),
    (["--view", "?year=2019", "--years", "2013-20130"], "--years: bad year range"),
    (["--view", "?year=2019", "--format", "gif"], "unknown format(s) gif"),
])
def test_cli_export_refuses_with_exit_2_and_a_message(tmp_path, capsys, argv, message):
    assert main(["export", *argv, "-o", str(tmp_path / "out.png")]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", ["fifo", "directory", "deep", "not_object"])
def test_cli_export_reads_a_scene_file_safely(tmp_path, capsys, kind):
    scene = tmp_path / "scene.json"
    if kind == "fifo":
        os.mkfifo(scene)  # reading it would wait for a writer for ever
    elif kind == "directory":
        scene.mkdir()
    elif kind == "deep":
        scene.write_text("[" * 50_000 + "]" * 50_000)
    else:
        scene.write_text('["?year=2019"]')
    assert main(["export", "--view", str(scene), "-o", str(tmp_path / "out.png")]) == 2
    assert "scene" in capsys.readouterr().err


def test_development_server_does_not_announce_versions():
    from werkzeug.serving import make_server

    from dashboard.security import QuietRequestHandler

    def app(_environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = make_server("127.0.0.1", 0, app, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/", timeout=10) as response:
            header = response.headers["Server"]
    finally:
        server.shutdown()
    assert header == "sahel-dashboard"
    assert "Werkzeug" not in header and "Python" not in header


def test_run_uses_the_quiet_request_handler(monkeypatch):
    import dashboard.app
    from dashboard.security import QuietRequestHandler

    seen = {}

    class Stub:
        def run(self, **kwargs):
            seen.update(kwargs)

    monkeypatch.setattr(dashboard.app, "create_app", lambda *_a, **_k: Stub())
    assert main(["run", "--port", "8999", "--data-dir", str(Path("data"))]) == 0
    assert seen["request_handler"] is QuietRequestHandler and seen["host"] == "127.0.0.1"
