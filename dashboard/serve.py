"""Production serving under gunicorn: N worker processes sharing one app loaded before the fork.

State is never shared through module globals: the app (its data and view cache) is built once
in the gunicorn master and inherited by every worker copy-on-write; what must not be shared
(the export browser, the Redis connection) is made in each worker after the fork. The server
binds to 127.0.0.1 unless told otherwise, runs without debug or dev tools, and refuses to start
without a real secret key (``SAHEL_SECRET_KEY``, at least 32 characters), which signs any
session cookie an authentication layer may add.

With ``redis_url`` (``serve --redis redis://HOST:PORT/DB``) exports become jobs on a queue in
Redis, rendered by ``sahel-dashboard worker`` processes on any host (``dashboard.jobs``); the
web processes then start no browser. The view cache stays per process: a view costs a few
milliseconds, less than a round trip to a shared cache would save.
"""

from __future__ import annotations

import gc
import itertools
import math
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development"})
MIN_SECRET_LENGTH = 32
MAX_SECRET_LENGTH = 1024
# Bits the secret's own characters carry (length x Shannon entropy of its character frequencies):
# 64 hex characters from secrets.token_hex(32) carry about 240, 43 from token_urlsafe(32) about
# 210; 32 x "a" carries 0, "abcd" x 8 carries 64. 128 bits is the usual floor for a signing key.
MIN_SECRET_BITS = 128
MIN_DISTINCT_CHARACTERS = 12
# Adjacent characters that repeat or count up or down ("aaaa", "abcd", "4321"): a typed pattern.
MAX_PATTERN_SHARE = 0.5
HOW_TO_MAKE_ONE = ("make one with\n"
                   "  export SAHEL_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')\n"
                   "(64 random hexadecimal characters; keep it out of the repository and the shell history)")


class ServeError(RuntimeError):
    """The server cannot start safely; the message says what to fix."""


def secret_bits(secret: str) -> float:
    """An estimate of the secret's entropy in bits: its length times the Shannon entropy of its
    character frequencies. It can only overstate a weak secret's strength, never understate a
    random one's by much, so it refuses what is certainly weak.
    """
    counts = Counter(secret)
    n = len(secret)
    return max(0.0, -n * sum(c / n * math.log2(c / n) for c in counts.values())) if n else 0.0


def _pattern_share(secret: str) -> float:
    """The share of adjacent pairs that repeat or step by one ("aa", "ab", "ba")."""
    pairs = list(itertools.pairwise(secret))
    return sum(abs(ord(b) - ord(a)) <= 1 for a, b in pairs) / len(pairs) if pairs else 1.0


def check_secret(secret: str | None) -> str:
    """Return the secret if it is usable, else raise saying what is wrong and how to make a good one."""
    if secret is None or secret.strip().lower() in PLACEHOLDER_SECRETS:
        raise ServeError(f"SAHEL_SECRET_KEY is not set (or is a placeholder): {HOW_TO_MAKE_ONE}")
    if len(secret) < MIN_SECRET_LENGTH:
        raise ServeError(f"SAHEL_SECRET_KEY has {len(secret)} characters, fewer than {MIN_SECRET_LENGTH}: {HOW_TO_MAKE_ONE}")
    if len(secret) > MAX_SECRET_LENGTH or not secret.isprintable() or secret != secret.strip():
        raise ServeError(f"SAHEL_SECRET_KEY must be one line of at most {MAX_SECRET_LENGTH} printable characters, "
                         f"without surrounding spaces: {HOW_TO_MAKE_ONE}")
    distinct, bits = len(set(secret)), secret_bits(secret)
    if distinct < MIN_DISTINCT_CHARACTERS or bits < MIN_SECRET_BITS or _pattern_share(secret) > MAX_PATTERN_SHARE:
        raise ServeError(
            f"SAHEL_SECRET_KEY looks typed, not random ({distinct} different characters, about {bits:.0f} bits; "
            f"at least {MIN_DISTINCT_CHARACTERS} and {MIN_SECRET_BITS} bits needed, no runs like 'aaaa' or 'abcd'): "
            f"{HOW_TO_MAKE_ONE}"
        )
    return secret


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def exposure_warning(host: str) -> str:
    """What to say when ``serve`` listens beyond this machine (``""`` on loopback)."""
    if host in LOOPBACK or host.startswith("127."):
        return ""
    return (f"Warning: serving on {host}, reachable from other machines without the reverse proxy. gunicorn reads each "
            "request in a worker thread, so a few slow clients (slowloris) can hold every thread; put nginx in front "
            "(deploy/nginx.conf, see README 'Deploying') and keep serve on 127.0.0.1.")


def make_wsgi_app(data_dir: Path, secret: str, redis_url: str | None = None, max_queued: int | None = None) -> Any:
    """The Flask server of a fresh, warmed-up app, with a connection to the export queue when
    ``redis_url`` is given (``serve`` makes it once, before forking, and attaches each worker's
    queue after the fork instead).
    """
    from dashboard.app import create_app

    app = create_app(data_dir)
    if redis_url:
        attach_queue(app.server, data_dir, redis_url, max_queued)
    app.server.secret_key = secret
    app.server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    warm_up(app)
    return app.server


def attach_queue(server: Any, data_dir: Path, redis_url: str, max_queued: int | None, version: str | None = None) -> None:
    """Give ``server`` its own client of the export queue (one per process: sockets are not shared)."""
    from dashboard.jobs import MAX_QUEUED, QUEUE_KEY, ExportQueue, data_version

    server.extensions[QUEUE_KEY] = ExportQueue(redis_url, data_version=version or data_version(data_dir),
                                               max_queued=max_queued or MAX_QUEUED)


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


def _check_queue(redis_url: str) -> None:
    """Refuse to start without Redis rather than fail every export."""
    from dashboard.jobs import QueueUnavailableError, connect, redacted

    try:
        connect(redis_url).close()
    except QueueUnavailableError as exc:
        raise ServeError(f"{exc}; start Redis or fix --redis (serve without --redis renders exports itself)") from exc
    print(f"Exports go to the queue on {redacted(redis_url)}: run `sahel-dashboard worker --redis URL` to render them",
          file=sys.stderr)


def serve(data_dir: Path, *, host: str, port: int, workers: int, timeout: int = 90, redis_url: str | None = None,
          max_queued: int | None = None) -> None:
    """Run gunicorn in this process with ``workers`` worker processes (exports on the Redis queue
    at ``redis_url`` if given).

    The app is made once, here, before gunicorn forks (``preload_app``): a data problem stops
    the start with one clear message, and the workers share the loaded data copy-on-write
    (a worker restarted by gunicorn is ready at once). ``gc.freeze()`` keeps the collector
    from writing to, and so copying, every shared object in each worker.
    """
    from gunicorn.app.base import BaseApplication

    from dashboard.day import roll_over_before_fork

    secret = check_secret(os.environ.get("SAHEL_SECRET_KEY"))
    if warning := exposure_warning(host):
        print(warning, file=sys.stderr)
    wsgi = make_wsgi_app(data_dir, secret)  # raises DataError on invalid data, before any worker starts
    if redis_url:
        from dashboard.jobs import data_version

        _check_queue(redis_url)
        version = data_version(data_dir)
    gc.collect()
    gc.freeze()

    def pre_fork(_arbiter: Any, _worker: Any) -> None:
        roll_over_before_fork(wsgi)  # on a new day the master moves on first: the new worker inherits it

    def post_fork(_arbiter: Any, _worker: Any) -> None:
        if redis_url:
            attach_queue(wsgi, data_dir, redis_url, max_queued, version)

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("preload_app", value=True)  # load() runs here, before the fork
            self.cfg.set("pre_fork", pre_fork)
            self.cfg.set("post_fork", post_fork)
            # Threads per worker: a slow export must not block the same worker's callbacks.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("timeout", timeout)  # exports are bounded at 60 s; a stuck worker is recycled
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("max_requests", 5000)  # recycle workers now and then: bounds memory growth
            self.cfg.set("max_requests_jitter", 500)
            self.cfg.set("accesslog", "-")
            if "control_socket_disable" in self.cfg.settings:  # gunicorn >= 25 would write ~/.gunicorn/gunicorn.ctl,
                self.cfg.set("control_socket_disable", value=True)  # one path for every serve on the host: none

        def load(self) -> Any:
            return wsgi

    _Server().run()
