"""Concurrent exports in one process each get their own file (kaleido's shared browser crossed
the results of concurrent calls: a PNG request answered with another request's SVG or PDF).
"""

from __future__ import annotations

import threading

import pytest

from dashboard.export import render_figure

pytestmark = pytest.mark.export

FIGURE = {"data": [{"type": "bar", "x": [1, 2, 3], "y": [3, 1, 2]}], "layout": {"title": {"text": "concurrency"}}}
SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<svg", "pdf": b"%PDF"}


def test_concurrent_renders_in_one_process_each_get_their_own_result():
    render_figure(FIGURE, "svg", width=400, height=300)  # the browser is up before the race
    wrong: list[tuple[str, bytes]] = []
    lock = threading.Lock()

    def export(fmt: str) -> None:
        for _ in range(4):
            out = render_figure(FIGURE, fmt, width=400, height=300)
            if not out.lstrip().startswith(SIGNATURES[fmt]):
                with lock:
                    wrong.append((fmt, out[:12]))

    threads = [threading.Thread(target=export, args=(fmt,)) for fmt in ("png", "svg", "pdf", "png", "svg")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    assert not any(thread.is_alive() for thread in threads)
    assert wrong == []
