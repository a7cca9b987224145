"""Writing a file atomically: readers see the old bytes or the new ones, never half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over
    ``path`` (``os.replace`` is atomic on one file system). The file keeps its permissions.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)  # noqa: PTH101 (a descriptor-free chmod of the temp path)
        else:
            os.chmod(tmp, 0o644)  # noqa: PTH101 (mkstemp creates 0600; a table is readable like its siblings)
        os.replace(tmp, path)  # noqa: PTH105 (Path.replace is the same call; kept explicit: it is the atomic step)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)  # noqa: PTH108
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """:func:`write_bytes_atomic` for UTF-8 text (no BOM, line endings as given)."""
    write_bytes_atomic(path, text.encode("utf-8"))
