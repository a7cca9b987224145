"""Reading a data file safely: never block, never read without bound, never recurse without bound.

Every data file (tables, GeoJSON layers, the geo manifest, briefings, markings) is opened here.
The path is opened without following it into anything but a regular file: the descriptor is
opened non-blocking (a FIFO would otherwise wait for a writer for ever) and checked with
``fstat`` before a byte is read, so a directory, a pipe, a socket, a device (``/dev/zero``) or
a broken or looping symlink is a :class:`~sahel_data.problems.Problem` naming the file, not a
hang. At most ``limit`` bytes are read. JSON is parsed only after its nesting depth has been
measured on the text itself (the parser recurses; a megabyte of ``[`` would exhaust the stack).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

from sahel_data.problems import Problem

NOT_REGULAR = "a regular file (not a directory, pipe, device or broken link)"
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def describe(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((text for test, text in _KINDS if test(mode)), "not a regular file")


def read_limited(path: Path, name: str, limit: int) -> tuple[bytes | None, list[Problem]]:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else the problem.

    ``name`` is how problems name the file (``events.csv``, ``briefings/x.json``).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if path.is_symlink():
            return None, [Problem(name, 0, "", f"a broken link to {path.readlink()}"[:120], NOT_REGULAR)]
        return None, [Problem(name, 0, "", str(path), "the file to exist")]
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, [Problem(name, 0, "", "a symbolic link loop", NOT_REGULAR)]
        if exc.errno == errno.EISDIR:
            return None, [Problem(name, 0, "", "a directory", NOT_REGULAR)]
        return None, [Problem(name, 0, "", f"cannot open: {exc.strerror}", "a readable regular file")]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem(name, 0, "", describe(info.st_mode), NOT_REGULAR)]
        if info.st_size > limit:
            return None, [Problem(name, 0, "", f"{info.st_size} bytes", f"at most {limit} bytes")]
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the file may grow while it is read: never read past the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return None, [Problem(name, 0, "", f"more than {limit} bytes", f"at most {limit} bytes")]
        return b"".join(chunks), []
    except OSError as exc:
        return None, [Problem(name, 0, "", f"cannot read: {exc.strerror}", "a readable regular file")]
    finally:
        os.close(fd)


def json_depth(text: str) -> int:
    """How deeply the JSON text nests arrays and objects (brackets inside strings not counted).

    Measured on the text, before parsing: the parser itself recurses once per level.
    """
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


class _NotFiniteError(ValueError):
    """A JSON number that is not finite (``NaN``, ``Infinity``, ``1e999``)."""


def _refuse_constant(text: str) -> float:
    raise _NotFiniteError(text)


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotFiniteError(text[:40])
    return value


def read_json_file(path: Path, name: str, *, limit: int, max_depth: int) -> tuple[object | None, list[Problem]]:
    """A JSON document read safely: a regular file of at most ``limit`` bytes, UTF-8, nesting
    at most ``max_depth`` levels; else ``None`` and the problem (naming the line where known).
    """
    data, problems = read_limited(path, name, limit)
    if data is None:
        return None, problems
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "", repr(data[exc.start : exc.start + 4]), f"UTF-8 text ({exc.reason})")]
    depth = json_depth(text)
    if depth > max_depth:
        return None, [Problem(name, 0, "", f"JSON nested {depth} levels deep", f"at most {max_depth} levels of nesting")]
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite), []
    except json.JSONDecodeError as exc:
        return None, [Problem(name, exc.lineno, "", exc.msg, "valid JSON (is the file truncated?)")]
    except _NotFiniteError as exc:
        return None, [Problem(name, 0, "", str(exc), "finite numbers (JSON has no NaN or Infinity)")]
    except RecursionError:  # not reachable below max_depth; kept so no input can end in a traceback
        return None, [Problem(name, 0, "", "JSON nested too deeply", f"at most {max_depth} levels of nesting")]
