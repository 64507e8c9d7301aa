"""Atomic file replacement (原子写入): temp file in the same directory + fsync + rename.

A reader never sees a half-written AIP: either the old file or the complete new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .hashing import copy_hashed

TEMP_PREFIX = ".tmp-"


def fsync_dir(path: str | os.PathLike) -> None:
    """Make a rename durable (目录同步); ignored where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, sync: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path`` atomically, on error it vanishes.

    ``sync=False`` leaves the flush to disk to the caller, who makes a batch of files durable
    with one ``os.sync()`` before it records them as stored (the ferry's import: one flush per
    batch instead of two per file)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, target)
        if sync:
            fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_copy(src: str | os.PathLike, dst: str | os.PathLike) -> tuple[str, int]:
    """Copy a file atomically; return (SM3 hex, size) of the bytes written."""
    with open(src, "rb") as fin, atomic_writer(dst) as fout:
        return copy_hashed(fin, fout)


def is_temp_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX)
