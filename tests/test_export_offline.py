"""Exports make no request off the machine (issue 17: each export made 5 — MathJax from a CDN,
Google's update and account services, a search engine).

How it is proved: the export runs in a child process whose browser is told to send every request
through a proxy (the proxy variables, and Chromium's own --proxy-server through choreographer's
CHOREO_PROXY_SERVER) that is a local listener recording each connection it gets. Only local
files and loopback addresses bypass a proxy, so any request for another host reaches the
listener, whatever resolved it. A control run of kaleido as it comes (MathJax from its CDN,
Chromium's defaults) shows that the listener does see a browser's requests; the export's own
run, browser kept alive for a while after its renders, must leave it empty.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.export
ROOT = Path(__file__).resolve().parent.parent
LINGER_S = 8  # background fetches (updaters, sign-in) start seconds after the browser does


class Listener:
    """A TCP listener on 127.0.0.1 that records the first line of every connection."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    first = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                except OSError:
                    first = ""
                self.seen.append(first or "(connection without a request line)")
                with contextlib.suppress(OSError):
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _run(code: str, listener: Listener, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    proxy = f"http://127.0.0.1:{listener.port}"
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    env.update(dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"), proxy))
    env["CHOREO_PROXY_SERVER"] = proxy
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,  # noqa: S603
                          timeout=200, check=False)


def test_the_listener_sees_a_browser_that_calls_out(listener, tmp_path):
    """Control: kaleido as it comes (MathJax from a CDN, Chromium's defaults) is caught."""
    code = f"""
import time, kaleido, plotly.graph_objects as go
kaleido.start_sync_server(silence_warnings=True)
kaleido.calc_fig_sync(go.Figure(go.Scatter(y=[1, 2])).to_dict(), opts={{"format": "png"}})
time.sleep({LINGER_S})
kaleido.stop_sync_server(silence_warnings=True)
"""
    result = _run(code, listener, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert listener.seen, "the listener saw nothing: it would not catch an export's requests either"
    assert any("cdnjs.cloudflare.com" in line for line in listener.seen), listener.seen


def test_exports_make_no_request_off_the_machine(listener, tmp_path):
    code = f"""
import time
from datetime import date
from pathlib import Path
from dashboard.deck import render_deck
from dashboard.export import render_view
from dashboard.view import build_app_data
from layers.view_state import parse_query_strict
from sahel_data.load import DEFAULT_DATA_DIR, load_catalog

app = build_app_data(load_catalog(DEFAULT_DATA_DIR), date(2026, 11, 22))
for query in ("?region=ML-5&year=2019", "?year=2019&sel=EUTM-MALI&lang=fr&size=slide"):
    state = parse_query_strict(query, app.options)
    for fmt in ("png", "svg", "pdf", "pack"):
        Path(fmt + str(len(query))).write_bytes(render_view(app, state, fmt))
Path("deck.pptx").write_bytes(render_deck(app, "eu-mali-2013-2023", "en", "pptx"))
time.sleep({LINGER_S})
print("rendered")
"""
    result = _run(code, listener, tmp_path)
    assert result.returncode == 0 and "rendered" in result.stdout, result.stderr[-3000:]
    assert (tmp_path / "deck.pptx").stat().st_size > 10_000
    assert listener.seen == [], listener.seen
