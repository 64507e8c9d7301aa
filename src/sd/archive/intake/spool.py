"""Spooling a request body to a temporary file (落盘), in chunks, never whole in memory.

The size limit (``sd.archive.settings.max_package_bytes``) is enforced before anything is
copied when the body's size is known, and while copying otherwise (an over-long body stops
at the first chunk beyond the limit). The SM3 and SHA-256 digests of the package (信息包摘要)
are computed by a helper thread (hashlib and file I/O work outside the interpreter lock).

``spool(..., beside=True)`` goes one step further for the intake interfaces: when the body
can be read a second time without moving the reader's position (a file with a descriptor, or
bytes in memory), nothing is copied first: the caller reads the package from the body itself
(``Spooled.source``) after it has called ``Spooled.begin()``: the helper makes the copy and
its digests while the caller reads, checks and stores. Begin it *before* the read: the helper
needs the interpreter lock between its steps (read, write, each digest update), which the
read gives up at every file call and hash, while storing is Python work that holds it (begun
after the read, the copy was still being made when the record asked for it: ~9 % of a
request spent waiting, bench/RESULTS.md). ``Spooled.file()`` and the digests begin the copy
if nobody did and wait for it (it becomes the record's original package); ``discard`` waits
for a copy begun and gives up one never begun.
"""

from __future__ import annotations

import io
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
PACKAGE_DIGESTS = ("SM3", "SHA-256")


def discard(directory: str, spooled: Spooled | None = None) -> None:
    """Remove a spooling directory on the helper thread (the request does not wait for the
    unlinks; everything kept was moved into blobs before). A copy still being made beside the
    read is finished first; one never begun is given up."""
    if spooled is not None:
        spooled.close()
    pending = spooled.digests if spooled is not None else None

    def remove():
        if pending is not None:
            pending.exception()  # wait, whatever the outcome
        shutil.rmtree(directory, True)

    _helpers.submit(remove)


def _digests(path: str) -> dict[str, str]:
    return digests.digest_file(path, PACKAGE_DIGESTS)[0]


@dataclass
class Spooled:
    """A body on disk: where, how many bytes, its SM3 and SHA-256 (waited for when asked).

    ``source`` is the body itself while the copy at ``path`` is still to be made beside it
    (read the package from :meth:`readable`, then :meth:`begin` the copy); None when ``path``
    was written before.
    """

    path: str
    size: int
    digests: Future = field(repr=False, default=None)
    source: BinaryIO | None = field(repr=False, default=None)
    #: the copy beside the read, not begun yet (see :meth:`begin`)
    _beside: _SecondReader | None = field(repr=False, default=None)

    def begin(self) -> None:
        """Start the copy and its digests on the helper thread (once)."""
        if self._beside is not None and self.digests is None:
            self.digests = _helpers.submit(_copy_beside, self._beside, self.path)

    def close(self) -> None:
        """Give up a copy that was never begun."""
        if self._beside is not None and self.digests is None:
            self._beside.close()
            self._beside = None

    def _copied(self) -> dict[str, str]:
        """The copy's digests, the copy begun if nobody did and waited for."""
        self.begin()
        return self.digests.result()

    @property
    def sm3(self) -> str:
        return self._copied()["SM3"]

    @property
    def sha256(self) -> str:
        return self._copied()["SHA-256"]

    def readable(self) -> BinaryIO | str:
        """What to read the package from now: the body itself, or the copy."""
        if self.source is not None:
            self.source.seek(0)
            return self.source
        return self.path

    def file(self) -> str:
        """The copy's path, once it is complete."""
        self._copied()
        return self.path


def too_large(limit: int, size: int | None = None) -> PackageError:
    seen = f" ({size} bytes)" if size is not None else ""
    return PackageError(
        "the package is over the size limit",
        [
            Problem(
                "request.too-large",
                f"packages up to {limit} bytes are accepted{seen}",
                "",
                "request",
            )
        ],
        status=413,
        type="PayloadTooLarge",
    )


def spool(
    stream: BinaryIO, directory: str, limit: int, name: str = "package", *, beside: bool = False
) -> Spooled:
    """Copy ``stream`` from its current position into ``directory``/``name``."""
    path = os.path.join(directory, name)
    if beside:
        second = _SecondReader.of(stream, limit)
        if second is not None:
            return Spooled(path=path, size=second.size, source=second.body, _beside=second)
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


@dataclass
class _SecondReader:
    """Reads the whole body a second time without moving the first reader's position: from
    the bytes of an in-memory body, or with ``pread`` on a descriptor of its own (a duplicate,
    so the body may be closed by the server before the copy is done)."""

    body: BinaryIO
    size: int
    data: memoryview | None = None
    fd: int | None = None
    offset: int = 0

    @classmethod
    def of(cls, stream: BinaryIO, limit: int) -> _SecondReader | None:
        """None when the body can only be read once (then it is copied first). Raises 413
        over ``limit``."""
        body = getattr(stream, "file", stream)  # a multipart FileUpload wraps its file
        try:
            if body.tell() != 0:
                return None
            size = body.seek(0, os.SEEK_END)
            body.seek(0)
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return None
        if size > limit:
            raise too_large(limit, size)
        if isinstance(body, io.BytesIO):
            return cls(body, size, data=memoryview(body.getvalue()))
        try:
            fd = body.fileno()
            body.flush()  # the server's last writes may still sit in the file's buffer
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return None
        return cls(body, size, fd=os.dup(fd))

    def read(self, n: int) -> bytes | memoryview:
        n = min(n, self.size - self.offset)
        if self.data is not None:
            chunk = self.data[self.offset : self.offset + n]
        else:
            chunk = os.pread(self.fd, n, self.offset)
        self.offset += len(chunk)
        return chunk

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        self.data = None


@dataclass
class _Tee:
    """A reader that writes what it reads to ``out``."""

    source: _SecondReader
    out: BinaryIO

    def read(self, n: int) -> bytes | memoryview:
        chunk = self.source.read(n)
        self.out.write(chunk)
        return chunk


def _copy_beside(body: _SecondReader, path: str) -> dict[str, str]:
    """Copy and digest the body in one pass (on a helper thread)."""
    try:
        with open(path, "wb") as out:
            found, size = digests.digest_stream(_Tee(body, out), PACKAGE_DIGESTS)
    finally:
        body.close()
    if size != body.size:
        raise OSError(f"the request body ended at {size} of {body.size} bytes")
    return found
