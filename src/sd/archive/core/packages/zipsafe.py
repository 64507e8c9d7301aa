"""Safe streaming ZIP reading (安全的 ZIP 读取).

Opens a package from a path or a seekable binary file object and refuses, before any byte is
extracted, everything ``packages.md`` §1 forbids: absolute paths, ``..``, backslashes, symlinks,
encrypted entries, compression other than stored/deflate, duplicate names, too many entries,
too much declared data and excessive per-entry compression ratios. Each entry is then
*streamed once*: the raw data is inflated here (not by :mod:`zipfile`) so that the output is
counted against the declared size while it is produced — a bomb whose header lies stops at the
first byte beyond its declaration — and SM3 (and SHA-256 when asked) are computed in the same
pass while the bytes go to a caller-supplied sink.
"""

from __future__ import annotations

import hashlib
import os
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

CHUNK = 256 * 1024
GIB = 1024**3
MIB = 1024**2

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_MAGIC = b"PK\003\004"
_S_IFMT = 0o170000
_S_IFLNK = 0o120000
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_ALLOWED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}


@dataclass(frozen=True)
class Limits:
    """Configurable package limits (信息包限制), defaults from ``packages.md`` §1.

    ``ratio_floor``: the compression-ratio rule applies to entries larger than this, so that a
    small, highly repetitive text file is not mistaken for a bomb.
    """

    max_entries: int = 10_000
    max_total_size: int = 4 * GIB
    max_ratio: float = 100.0
    ratio_floor: int = 64 * 1024
    max_metadata_size: int = 8 * MIB
    max_name_length: int = 1024
    max_records: int = 10_000


@dataclass(frozen=True)
class ZipEntry:
    """One file entry of the central directory with its decoded, checked name (条目)."""

    name: str
    size: int
    compressed_size: int
    crc: int
    method: int
    header_offset: int
    is_dir: bool


@dataclass(frozen=True)
class EntryDigest:
    """What streaming one entry produced: size and digests (hex, lower case) and sink name."""

    name: str
    size: int
    sm3: str
    sha256: str | None = None
    location: str | None = None


def _problem(code: str, message: str, name: str = "", prop: str = "security") -> Problem:
    return Problem(code=code, message=message, object=name, property=prop)


def refuse(code: str, message: str, name: str = "", status: int = 400) -> PackageError:
    """Build the PackageError for one refused rule (one place for the error shape)."""
    return PackageError(message, [_problem(code, message, name)], status=status)


def decode_name(info: zipfile.ZipInfo) -> str:
    """Decode an entry name (文件名解码): UTF-8 when flagged, else UTF-8, GBK, then CP437.

    :mod:`zipfile` decoded unflagged names as CP437, which is reversible, so the raw bytes
    are recovered first; real Windows zips written on Chinese systems carry GBK names.
    """
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437")


def check_name(name: str, limits: Limits) -> None:
    """Refuse unsafe entry names (路径安全): absolute, ``..``, backslash, drive, control chars."""
    if len(name) > limits.max_name_length:
        raise refuse("zip.name-too-long", "entry name too long", name[:80])
    if "\\" in name:
        raise refuse("zip.backslash", "backslash in entry name", name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise refuse("zip.absolute-path", "absolute path in entry name", name)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise refuse("zip.control-character", "control character in entry name", name)
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise refuse("zip.path-traversal", "'..' in entry name", name)
    if any(p in ("", ".") for p in parts):
        raise refuse("zip.bad-path", "empty or '.' path segment", name)


def _check_info(info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    mode = info.external_attr >> 16
    if mode & _S_IFMT == _S_IFLNK:
        raise refuse("zip.symlink", "symbolic link entries are refused", name)
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise refuse("zip.encrypted", "encrypted entries are refused", name)
    if info.compress_type not in _ALLOWED_METHODS:
        raise refuse("zip.compression", f"compression method {info.compress_type} refused", name)
    if info.file_size > limits.ratio_floor:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise refuse(
                "zip.ratio", f"compression ratio {ratio:.0f} over {limits.max_ratio:g}", name
            )


class SafeZip:
    """A checked ZIP container (安全 ZIP): entries listed, each streamed once on demand.

    Use :func:`open_zip`. The underlying file stays open until :meth:`close` (or ``with``).
    """

    def __init__(self, fileobj: BinaryIO, entries: list[ZipEntry], owns: bool, limits: Limits):
        self._fp = fileobj
        self._owns = owns
        self.limits = limits
        self.entries = entries
        self.by_name = {e.name: e for e in entries}

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._owns:
            self._fp.close()

    def files(self) -> list[ZipEntry]:
        """File entries (not directories), in central-directory order."""
        return [e for e in self.entries if not e.is_dir]

    def _data_offset(self, entry: ZipEntry) -> int:
        self._fp.seek(entry.header_offset)
        header = self._fp.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_MAGIC:
            raise refuse("zip.corrupt", "bad local file header", entry.name)
        fields = _LOCAL_HEADER.unpack(header)
        flags, method, name_len, extra_len = fields[3], fields[4], fields[10], fields[11]
        if method != entry.method or (flags & _ENCRYPTED_FLAG):
            raise refuse(
                "zip.header-mismatch", "local header differs from central directory", entry.name
            )
        return entry.header_offset + _LOCAL_HEADER.size + name_len + extra_len

    def iter_chunks(self, entry: ZipEntry) -> Iterator[bytes]:
        """Yield the entry's bytes, inflating at most the declared size (防止谎报大小的炸弹)."""
        self._fp.seek(self._data_offset(entry))
        remaining_in = entry.compressed_size
        produced = 0
        crc = 0
        inflater = zlib.decompressobj(-15) if entry.method == zipfile.ZIP_DEFLATED else None
        budget = entry.size + 1  # one byte beyond the declaration proves the lie
        while True:
            if inflater is not None and inflater.unconsumed_tail:
                raw = inflater.unconsumed_tail
            elif remaining_in > 0:
                raw = self._fp.read(min(CHUNK, remaining_in))
                if not raw:
                    raise refuse("zip.truncated", "entry data truncated", entry.name)
                remaining_in -= len(raw)
            else:
                break
            try:
                out = inflater.decompress(raw, min(CHUNK, budget - produced)) if inflater else raw
            except zlib.error as exc:
                raise refuse("zip.corrupt", f"deflate error: {exc}", entry.name) from None
            produced += len(out)
            if produced > entry.size:
                raise refuse(
                    "zip.size-mismatch", "entry inflates beyond its declared size", entry.name
                )
            if out:
                crc = zlib.crc32(out, crc)
                yield out
            if inflater is not None and inflater.eof:
                break
        if produced != entry.size:
            raise refuse(
                "zip.size-mismatch",
                f"entry has {produced} bytes, declared {entry.size}",
                entry.name,
            )
        if crc != entry.crc:
            raise refuse("zip.crc", "CRC-32 mismatch", entry.name)

    def check_entries(self, entries: list[ZipEntry] | None = None) -> None:
        """Inflate each entry once, keeping nothing (预检): an entry that inflates beyond its
        declared size, bad deflate data or a CRC mismatch is refused now, before anything is
        stored from the package, rather than when its turn comes."""
        for entry in self.files() if entries is None else entries:
            for _chunk in self.iter_chunks(entry):
                pass

    def stream(
        self,
        entry: ZipEntry,
        sink: BinaryIO | None = None,
        sha256: bool = False,
        keep: int = 0,
        probe=None,
        digests: bool = True,
    ) -> tuple[EntryDigest, bytes | None]:
        """Stream one entry once: SM3 (+SHA-256) computed and bytes written to ``sink``.

        ``keep`` > 0 also returns the bytes in memory (for control files such as 元数据.xml),
        refusing with 413 when the entry is larger than ``keep``. ``probe`` (a
        :class:`~sd.archive.core.packages.probe.FileProbe`) sees every chunk too. With
        ``digests=False`` nothing is hashed (the caller hashes the written copy; ``sm3`` is
        '').
        """
        if keep and entry.size > keep:
            raise refuse(
                "xml.too-large", f"{entry.size} bytes over the {keep} byte cap", entry.name, 413
            )
        sm3 = hashlib.new("sm3") if digests else None
        sha = hashlib.sha256() if sha256 and digests else None
        kept = bytearray() if keep else None
        for chunk in self.iter_chunks(entry):
            if sm3 is not None:
                sm3.update(chunk)
            if sha is not None:
                sha.update(chunk)
            if sink is not None:
                sink.write(chunk)
            if kept is not None:
                kept += chunk
            if probe is not None:
                probe.feed(chunk)
        location = getattr(sink, "name", None) if sink is not None else None
        digest = EntryDigest(
            name=entry.name,
            size=entry.size,
            sm3=sm3.hexdigest() if sm3 is not None else "",
            sha256=sha.hexdigest() if sha else None,
            location=location if isinstance(location, str) else None,
        )
        return digest, (bytes(kept) if kept is not None else None)


def open_zip(source: str | os.PathLike | BinaryIO, limits: Limits | None = None) -> SafeZip:
    """Open and check a package container (打开并检查 ZIP); raise PackageError when refused."""
    limits = limits or Limits()
    owns = isinstance(source, (str, os.PathLike))
    fp: BinaryIO = open(source, "rb") if owns else source  # noqa: SIM115
    try:
        fp.seek(0)
        try:
            archive = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error, OSError) as exc:
            raise refuse("zip.not-a-zip", f"not a readable ZIP file: {exc}", status=400) from None
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise refuse("zip.too-many-entries", f"{len(infos)} entries over {limits.max_entries}")
        entries: list[ZipEntry] = []
        seen: dict[str, str] = {}
        total = 0
        for info in infos:
            name = decode_name(info)
            check_name(name, limits)
            total += info.file_size
            if total > limits.max_total_size:
                raise refuse(
                    "zip.too-large",
                    f"uncompressed size over {limits.max_total_size} bytes",
                    status=413,
                )
            _check_info(info, name, limits)
            key = unicodedata.normalize("NFC", name).casefold().rstrip("/")
            if key in seen:
                raise refuse(
                    "zip.duplicate-name", f"duplicate entry name (also {seen[key]!r})", name
                )
            seen[key] = name
            entries.append(
                ZipEntry(
                    name=name.rstrip("/") if info.is_dir() else name,
                    size=info.file_size,
                    compressed_size=info.compress_size,
                    crc=info.CRC,
                    method=info.compress_type,
                    header_offset=info.header_offset,
                    is_dir=info.is_dir(),
                )
            )
        if not any(not e.is_dir for e in entries):
            raise refuse("zip.empty", "the package contains no files")
        return SafeZip(fp, entries, owns, limits)
    except BaseException:
        if owns:
            fp.close()
        raise


def file_digest(source: str | os.PathLike | BinaryIO, algorithm: str = "sm3") -> str:
    """Digest of a whole file (信息包摘要), read in chunks; file objects are rewound after."""
    digest = hashlib.new(algorithm)
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fp:
            for chunk in iter(lambda: fp.read(CHUNK), b""):
                digest.update(chunk)
    else:
        source.seek(0)
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
        source.seek(0)
    return digest.hexdigest()
