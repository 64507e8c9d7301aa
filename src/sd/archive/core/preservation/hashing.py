"""Streaming SM3 for preservation copies (保存副本的摘要值计算).

SM3 hex lower case through OpenSSL (``hashlib.new("sm3")``), which releases the GIL on large
updates, so threads hash in parallel. Files are read in chunks, never whole.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from sd.archive.core import digests

CHUNK = 1 << 20
ALGORITHM = "SM3"


def new_sm3():
    """A fresh SM3 hasher (SM3 杂凑), from the one place that knows the algorithms."""
    return digests.new("SM3")


def sm3_bytes(data: bytes) -> str:
    return digests.digest_bytes(data, "SM3")


def sm3_stream(stream: BinaryIO, chunk: int = CHUNK) -> tuple[str, int]:
    """SM3 hex and size of what remains in ``stream``."""
    h = new_sm3()
    size = 0
    buf = bytearray(chunk)
    view = memoryview(buf)
    readinto = getattr(stream, "readinto", None)
    while True:
        if readinto is not None:
            n = readinto(buf)
            if not n:
                break
            h.update(view[:n])
        else:
            data = stream.read(chunk)
            if not data:
                break
            n = len(data)
            h.update(data)
        size += n
    return h.hexdigest(), size


def sm3_file(path: str | os.PathLike, chunk: int = CHUNK) -> str:
    """SM3 hex of a file (文件摘要值)."""
    with open(path, "rb", buffering=0) as f:
        return sm3_stream(f, chunk)[0]


def copy_hashed(src: BinaryIO, dst: BinaryIO, chunk: int = CHUNK) -> tuple[str, int]:
    """Copy ``src`` to ``dst`` and return (SM3 hex, size) of the bytes copied."""
    h = new_sm3()
    size = 0
    while True:
        data = src.read(chunk)
        if not data:
            break
        h.update(data)
        dst.write(data)
        size += len(data)
    return h.hexdigest(), size


def file_size(path: str | os.PathLike) -> int:
    return Path(path).stat().st_size
