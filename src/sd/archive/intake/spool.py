"""Spooling a request body to a temporary file (落盘), in chunks, never whole in memory.

The SM3 and SHA-256 digests of the package (信息包摘要) are computed in the same pass; the size limit
(``sd.archive.settings.max_package_bytes``) is enforced while copying, so an over-long body
stops at the first chunk beyond the limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

from sd.archive.core import digests
from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

CHUNK = 1 << 20


@dataclass
class Spooled:
    """A body on disk: where, how many bytes, its SM3 and SHA-256."""

    path: str
    size: int
    sm3: str
    sha256: str = ""


def too_large(limit: int, size: int | None = None) -> PackageError:
    seen = f" ({size} bytes)" if size is not None else ""
    return PackageError(
        "the package is over the size limit",
        [Problem("request.too-large", f"packages up to {limit} bytes are accepted{seen}",
                 "", "request")],
        status=413, type="PayloadTooLarge",
    )


def spool(stream: BinaryIO, directory: str, limit: int, name: str = "package") -> Spooled:
    """Copy ``stream`` from its current position into ``directory``/``name``."""
    path = os.path.join(directory, name)
    hasher, sha256 = digests.new("SM3"), digests.new("SHA-256")
    size = 0
    with open(path, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            hasher.update(chunk)
            sha256.update(chunk)
            out.write(chunk)
    return Spooled(path=path, size=size, sm3=hasher.hexdigest(), sha256=sha256.hexdigest())
