"""Production serving under gunicorn: N worker processes, each with its own app and caches.

State is never shared through module globals: every worker builds its app (and its data,
view cache and export browser) after the fork. The server binds to 127.0.0.1 unless told
otherwise, runs without debug or dev tools, and refuses to start without a real secret key
(``SAHEL_SECRET_KEY``, at least 32 characters), which signs any session cookie an
authentication layer may add.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development"})
MIN_SECRET_LENGTH = 32


class ServeError(RuntimeError):
    """The server cannot start safely; the message says what to fix."""


def check_secret(secret: str | None) -> str:
    """Return the secret if it is usable, else raise with the fix."""
    if secret is None or secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        raise ServeError(
            f"Set SAHEL_SECRET_KEY to a random value of at least {MIN_SECRET_LENGTH} characters, e.g.\n"
            "  export SAHEL_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return secret


def make_wsgi_app(data_dir: Path, secret: str) -> Any:
    """The Flask server of a fresh app (called in each worker after fork)."""
    from dashboard.app import create_app

    app = create_app(data_dir)
    app.server.secret_key = secret
    app.server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    warm_up(app)
    return app.server


def warm_up(app: Any) -> None:
    """Serve one page and one view change before taking traffic.

    plotly and Dash build some of their machinery lazily on first use; doing that once, in one
    thread, keeps a fresh worker's first concurrent requests (after a restart) from racing.
    """
    from dashboard.view import app_data, view_timeline_figure
    from layers.view_state import default_state

    client = app.server.test_client()
    client.get("/")
    client.get("/_dash-layout")
    client.get("/_dash-dependencies")
    with app.server.app_context():
        data = app_data()
        view_timeline_figure(data, default_state(data.options))


def serve(data_dir: Path, *, host: str, port: int, workers: int, timeout: int = 90) -> None:
    """Run gunicorn in this process with ``workers`` worker processes."""
    from gunicorn.app.base import BaseApplication

    secret = check_secret(os.environ.get("SAHEL_SECRET_KEY"))
    # Validate once before forking so a data problem stops the start with one clear message.
    from sahel_data.load import load_catalog

    load_catalog(data_dir)

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Threads per worker: a slow export must not block the same worker's callbacks.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("timeout", timeout)  # exports are bounded at 60 s; a stuck worker is recycled
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("max_requests", 5000)  # recycle workers now and then: bounds memory growth
            self.cfg.set("max_requests_jitter", 500)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return make_wsgi_app(data_dir, secret)

    _Server().run()
