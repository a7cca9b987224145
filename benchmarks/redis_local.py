"""A throw-away Redis for tests and the load test: Debian's ``redis-server`` on a free loopback
port, persistence off (no RDB snapshot, no append-only file), its working directory a temporary
folder, stopped (and the folder removed) on exit.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

HOST = "127.0.0.1"


def redis_server() -> str | None:
    """The path of ``redis-server``, or ``None`` (``make redis`` installs Debian's)."""
    return shutil.which("redis-server") or next((p for p in ("/usr/bin/redis-server",) if Path(p).is_file()), None)


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class LocalRedis:
    """``with LocalRedis() as redis: redis.url`` - a fresh, empty, memory-only Redis."""

    def __init__(self, port: int | None = None) -> None:
        binary = redis_server()
        if binary is None:
            raise RuntimeError("redis-server is not installed: `make redis` (part of `make test`) installs Debian's")
        self.port = port or free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.dir = Path(tempfile.mkdtemp(prefix="sahel-redis-"))
        self._log = (self.dir / "redis.log").open("wb")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.dir / 'redis.log').read_text(errors='replace')[-400:]}")
            if self.ping():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer within 20 s")

    def ping(self) -> bool:
        """Whether the server answers PING."""
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
