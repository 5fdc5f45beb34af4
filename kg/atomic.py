"""Atomic file writes: the one helper every writer uses (exports, caches), so a reader never
sees a half-written file and a failure leaves the previous file in place.

A shared utility: may import only kg.errors."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.errors import InputError


def check_output(path: str | os.PathLike) -> Path:
    """The output file, or InputError if it cannot be written there (a folder, a missing folder)."""
    path = Path(path)
    if str(path) in ("", "."):
        raise InputError("-o needs a file name")
    if path.is_dir():
        raise InputError(f"cannot write {path}: it is a folder")
    if not path.parent.is_dir():
        raise InputError(f"cannot write {path}: folder {path.parent} does not exist")
    return path


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path = check_output(path)
    parent = path.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path
