"""Spooling a request body to a temporary file (落盘), in chunks, never whole in memory.

The size limit (``sd.archive.settings.max_package_bytes``) is enforced while copying, so an
over-long body stops at the first chunk beyond the limit. The SM3 and SHA-256 digests of the
package (信息包摘要) are computed from the copy by a helper thread (hashlib works outside the
interpreter lock), beside the package read that follows; ``Spooled.sm3`` waits for them.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO

from sd.archive.core import digests
from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

CHUNK = 1 << 20
_helpers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sd-spool")


def discard(directory: str) -> None:
    """Remove a spooling directory on the helper thread (the request does not wait for the
    unlinks; everything kept was moved into blobs before)."""
    _helpers.submit(shutil.rmtree, directory, True)


def _digests(path: str) -> dict[str, str]:
    return digests.digest_file(path, ("SM3", "SHA-256"))[0]


@dataclass
class Spooled:
    """A body on disk: where, how many bytes, its SM3 and SHA-256 (waited for when asked)."""

    path: str
    size: int
    digests: Future = field(repr=False, default=None)

    @property
    def sm3(self) -> str:
        return self.digests.result()["SM3"]

    @property
    def sha256(self) -> str:
        return self.digests.result()["SHA-256"]


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
    size = 0
    with open(path, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            out.write(chunk)
    return Spooled(path=path, size=size, digests=_helpers.submit(_digests, path))
