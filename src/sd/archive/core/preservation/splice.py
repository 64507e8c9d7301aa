"""The package as received kept once: a splice table beside the components (原始包拼接表).

A ZIP package whose members are stored (not deflated) holds each component's bytes as one
contiguous run. Keeping the whole ZIP beside the components stores those bytes twice. A
splice table keeps everything of the package that is not a component's bytes, verbatim (the
local headers, 元数据.xml, manifests, deflated members, the central directory), and for each
component run its offset, length and SM3; the package is the table's literal bytes with the
component files spliced in at their offsets, byte for byte, verified against the package's
digests when the table is made (:func:`build_zip_table`) and by whoever reads it against the
digest the ledger holds.

Layout of a table file::

    SD-ARCHIVE-SPLICE/1\\n
    {"format": ..., "size": N, "sm3": ..., "sha256": ...,
     "parts": [[offset, length, sm3, name], ...]}\\n   (one line)
    <literal bytes: the package without the parts, in order>

A table never starts like a package as received (ZIP ``PK``, EEP ``<?xml``), so readers tell
one from the other by its first bytes (:func:`is_table`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import zipfile
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

MAGIC = b"SD-ARCHIVE-SPLICE/1\n"
FORMAT = "sd.archive-splice/1"
#: the 格式信息 of a table in an AIP document
FORMAT_NAME = "sd.archive 原始包拼接表/1"
CHUNK = 1 << 20
_LOCAL = struct.Struct("<4s5H3L2H")
_LOCAL_MAGIC = b"PK\x03\x04"

#: where a part's bytes are read from: a file path, or an object with ``open()``
Source = str | os.PathLike | Callable[[], BinaryIO]


class SpliceError(ValueError):
    """A table that cannot be read or does not fit its parts."""


@dataclass(frozen=True)
class Part:
    """One component run of the package: where, how long, its SM3, its name in the package."""

    offset: int
    length: int
    sm3: str
    name: str = ""


@dataclass(frozen=True)
class Table:
    """A read table: the package's size and digests, its parts and where its literal bytes
    start in the table file."""

    size: int
    sm3: str
    sha256: str
    parts: tuple[Part, ...]
    literal_offset: int

    @property
    def shared(self) -> int:
        """Bytes of the package read from the parts."""
        return sum(p.length for p in self.parts)


def is_table(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a splice table."""
    return head.startswith(MAGIC)


def read_table(stream: BinaryIO) -> Table:
    """The header of the table in ``stream`` (positioned at its start)."""
    if stream.read(len(MAGIC)) != MAGIC:
        raise SpliceError("not a splice table")
    line = stream.readline(1 << 24)
    try:
        header = json.loads(line)
        parts = tuple(Part(int(o), int(n), str(s), str(name)) for o, n, s, name in header["parts"])
        table = Table(
            int(header["size"]),
            str(header["sm3"]),
            str(header["sha256"]),
            parts,
            len(MAGIC) + len(line),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise SpliceError(f"unreadable splice table header: {error}") from None
    end = 0
    for part in parts:
        if part.offset < end or part.length < 0:
            raise SpliceError("splice table parts overlap or are out of order")
        end = part.offset + part.length
    if end > table.size:
        raise SpliceError("splice table parts beyond the package size")
    return table


def _member_runs(path: str | os.PathLike, wanted: Mapping[str, tuple[str, int]]) -> list[Part]:
    """The stored members of the ZIP at ``path`` named in ``wanted`` ({name: (sm3, size)}) as
    parts (their data offsets read from the local headers)."""
    parts = []
    with open(path, "rb") as fp, zipfile.ZipFile(fp) as archive:
        infos = archive.infolist()
        for info in infos:
            name = _decoded(info)
            if name not in wanted or info.is_dir() or info.compress_type != zipfile.ZIP_STORED:
                continue
            sm3, size = wanted[name]
            if info.file_size != size or info.compress_size != size or size == 0:
                continue
            fp.seek(info.header_offset)
            fields = _LOCAL.unpack(fp.read(_LOCAL.size))
            # signature, version, flags, method, time, date, crc, sizes, name and extra lengths
            if fields[0] != _LOCAL_MAGIC or fields[3] != zipfile.ZIP_STORED:
                continue
            start = info.header_offset + _LOCAL.size + fields[9] + fields[10]
            parts.append(Part(start, size, sm3, name))
    parts.sort(key=lambda p: p.offset)
    kept, end = [], 0
    for part in parts:  # a crafted ZIP may point two names at one run: keep the first
        if part.offset >= end:
            kept.append(part)
            end = part.offset + part.length
    return kept


def _decoded(info: zipfile.ZipInfo) -> str:
    from sd.archive.core.packages.zipsafe import decode_name

    return decode_name(info)


def write_table(
    package: str | os.PathLike,
    parts: list[Part],
    out: BinaryIO,
    *,
    size: int,
    sm3: str,
    sha256: str,
) -> int:
    """Write the table of ``package`` without ``parts`` to ``out``; returns its size."""
    header = {
        "format": FORMAT,
        "size": size,
        "sm3": sm3,
        "sha256": sha256,
        "parts": [[p.offset, p.length, p.sm3, p.name] for p in parts],
    }
    line = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    out.write(MAGIC)
    out.write(line)
    written = len(MAGIC) + len(line)
    with open(package, "rb") as src:
        position = 0
        for start, end in [*((p.offset, p.offset + p.length) for p in parts), (size, size)]:
            written += _copy(src, out, start - position)
            src.seek(end)
            position = end
    return written


def _copy(src: BinaryIO, out: BinaryIO, n: int) -> int:
    left = n
    while left > 0:
        chunk = src.read(min(CHUNK, left))
        if not chunk:
            raise SpliceError("the package ended early")
        out.write(chunk)
        left -= len(chunk)
    return n


def build_zip_table(
    package: str | os.PathLike,
    members: Mapping[str, tuple[str, int]],
    out_path: str | os.PathLike,
    *,
    sm3: str,
    sha256: str,
    sources: Mapping[str, Source],
) -> Table | None:
    """Write the splice table of the ZIP ``package`` to ``out_path`` when at least one of
    ``members`` ({name in the ZIP: (sm3, size)}) is a stored run; None otherwise (nothing
    written). The table is checked before it is kept: the package assembled from it and
    ``sources`` ({sm3: the component's file}) must hash to ``sha256``, else the table is
    removed and :class:`SpliceError` raised (the caller keeps the whole package)."""
    parts = _member_runs(package, members)
    if not parts:
        return None
    size = os.path.getsize(package)
    with open(out_path, "wb") as out:
        write_table(package, parts, out, size=size, sm3=sm3, sha256=sha256)
    try:
        with open(out_path, "rb") as f:
            table = read_table(f)
        with Assembled(out_path, sources, table) as reader:
            found = hashlib.sha256()
            total = 0
            while chunk := reader.read(CHUNK):
                found.update(chunk)
                total += len(chunk)
        if total != size or found.hexdigest() != sha256:
            raise SpliceError("the assembled package differs from the package as received")
    except BaseException:
        os.remove(out_path)
        raise
    return table


class Assembled(io.RawIOBase):
    """The package a table describes, read (and sought) as one file: the table's literal
    bytes with each part's file spliced in. ``sources`` maps a part's SM3 to its file."""

    def __init__(
        self,
        table_path: str | os.PathLike | Callable[[], BinaryIO],
        sources: Mapping[str, Source],
        table: Table | None = None,
    ):
        super().__init__()
        self._table_source = table_path
        self._files: dict[object, BinaryIO] = {}
        if table is None:
            table = read_table(self._open(("table",), table_path))
        self.table = table
        self._segments = []  # (start in the package, length, key, source, offset in source)
        literal = table.literal_offset
        position = 0
        for part in table.parts:
            if part.sm3 not in sources:
                raise SpliceError(f"no file for the part {part.name or part.sm3}")
            if part.offset > position:
                gap = part.offset - position
                self._segments.append((position, gap, ("table",), table_path, literal))
                literal += gap
            self._segments.append(
                (part.offset, part.length, ("part", part.sm3), sources[part.sm3], 0)
            )
            position = part.offset + part.length
        if table.size > position:
            self._segments.append(
                (position, table.size - position, ("table",), table_path, literal)
            )
        self._position = 0
        try:  # every file opened now: a blob cache may evict a file later, an open one stays
            for _start, _length, key, source, _offset in self._segments:
                self._open(key, source)
        except BaseException:
            self.close()
            raise

    def _open(self, key, source) -> BinaryIO:
        f = self._files.get(key)
        if f is None:
            f = source() if callable(source) else open(source, "rb")  # noqa: SIM115
            self._files[key] = f
        return f

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.table.size}
        self._position = max(0, base[whence] + offset)
        return self._position

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.table.size - self._position
        out = []
        while n > 0 and self._position < self.table.size:
            start, length, key, source, offset = self._segment(self._position)
            inside = self._position - start
            want = min(n, length - inside)
            f = self._open(key, source)
            f.seek(offset + inside)
            chunk = f.read(want)
            if len(chunk) != want:
                raise SpliceError(f"a file of the package ended early ({key[-1]})")
            out.append(chunk)
            self._position += want
            n -= want
        return b"".join(out)

    def _segment(self, position: int):
        lo, hi = 0, len(self._segments) - 1
        while lo < hi:  # the last segment starting at or before position
            mid = (lo + hi + 1) // 2
            if self._segments[mid][0] <= position:
                lo = mid
            else:
                hi = mid - 1
        return self._segments[lo]

    def close(self) -> None:
        files, self._files = self._files, {}
        for f in files.values():
            f.close()
        super().close()


def open_source(source: Source) -> BinaryIO:
    """Open a file given as a path or as an object with ``open()`` (a spliced package)."""
    if hasattr(source, "open") and not isinstance(source, (str, os.PathLike)):
        return source.open()
    if callable(source):
        return source()
    return open(source, "rb")  # noqa: SIM115


@dataclass(frozen=True)
class SplicedFile:
    """A spliced package as plain data (table file, {part SM3: file}): opened with
    :meth:`open`, handed to threads and worker processes like a path."""

    table: str
    parts: tuple[tuple[str, str], ...]

    def open(self) -> Assembled:
        return Assembled(self.table, dict(self.parts))
