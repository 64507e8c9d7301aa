"""Reading a submitted package (读取信息包): ``read_package(source, kind, limits, sink_factory)``.

``source`` is a path or a seekable binary file (the Plone side spools the request body to a
temporary file). The container is checked by :mod:`.zipsafe`, then every entry is streamed
once: the control files (元数据.xml, manifest) first and kept in memory under a size cap, then
the content files, each to a sink from ``sink_factory``. SM3 (and SHA-256 when needed) is
computed in the same pass, or, for a content file written to a named temporary file, from
that copy on a hashing thread while the next entry is read (the read waits for the digests
before it returns).

Only what makes the package unreadable or unsafe raises :class:`PackageError` (HTTP 400/413):
container rules, 元数据.xml missing, unsafe or malformed XML. Everything else (wrong digests,
missing files, bad values) is left to detection (HTTP 422), which sees the problems gathered
here in ``Package.problems``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO
from typing import Literal

from sd.archive.core.digests import digest_file
from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem
from sd.archive.core.packages.manifest import MANIFEST_NAMES
from sd.archive.core.packages.manifest import Manifest
from sd.archive.core.packages.manifest import parse_manifest
from sd.archive.core.packages.metadata import METADATA_NAME
from sd.archive.core.packages.metadata import RecordMetadata
from sd.archive.core.packages.metadata import parse_metadata
from sd.archive.core.packages.probe import FileProbe
from sd.archive.core.packages.zipsafe import Limits
from sd.archive.core.packages.zipsafe import SafeZip
from sd.archive.core.packages.zipsafe import ZipEntry
from sd.archive.core.packages.zipsafe import file_digest
from sd.archive.core.packages.zipsafe import open_zip
from sd.archive.core.packages.zipsafe import refuse

PackageKind = Literal["pre-archive", "archive", "transfer"]
KINDS: tuple[str, ...] = ("pre-archive", "archive", "transfer")
SinkFactory = Callable[[str], BinaryIO]

#: hashes content files from their temporary copies while the reader goes on with the next
#: entry (摘要与读取并行; hashlib works outside the interpreter lock); what it has not begun
#: when the reader is done, the reader hashes itself (:func:`settle`)
_hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sd-digest")
Pending = list[tuple["PackageFile", tuple[str, ...], Future]]


@dataclass
class PackageFile:
    """One file read from a package (信息包中的文件).

    ``path`` is relative to the record (for a transfer record: to its folder);
    ``package_path`` is the full name inside the ZIP; ``location`` the sink's file name.
    """

    path: str
    package_path: str
    size: int
    sm3: str
    sha256: str | None = None
    location: str | None = None
    head: bytes = b""
    tail: bytes = b""
    eicar: bool = False
    pdf_signature: bool | None = None  # a /ByteRange seen while reading; None: not probed

    def digest(self, algorithm: str) -> str | None:
        """The digest for 'SM3' / 'SHA-256' (any case), or None when it was not computed."""
        return self.sm3 if algorithm.lower().replace("-", "") == "sm3" else self.sha256


@dataclass
class Package:
    """A single-record package read and ready for detection (单件信息包).

    ``level`` tells the detection engine which catalogue items apply: a single-record package
    is checked at package and record level at once.
    """

    kind: str
    metadata: RecordMetadata
    files: dict[str, PackageFile]
    manifest: Manifest | None
    digest: str | Callable[[], str]  # see package_digest()
    source_format: str = "zip"
    problems: list[Problem] = field(default_factory=list)
    level: tuple[str, ...] = ("package", "record")
    object: str = ""

    def content_files(self) -> dict[str, PackageFile]:
        """Files other than 元数据.xml and the manifests (内容文件)."""
        return {p: f for p, f in self.files.items() if p != METADATA_NAME and p not in MANIFEST_NAMES}


class TempDirSinks:
    """A sink factory writing each entry to its own file in ``directory`` (临时文件落地).

    Names are numbered (the extension kept) so that no sender-chosen path reaches the disk.
    """

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = os.fspath(directory) if directory else tempfile.mkdtemp(prefix="sd-archive-")
        self._count = 0

    def __call__(self, path: str) -> BinaryIO:
        self._count += 1
        ext = os.path.splitext(path)[1][:10]
        return open(os.path.join(self.directory, f"{self._count:06d}{ext}"), "wb")  # noqa: SIM115


def stream_file(
    archive: SafeZip,
    entry: ZipEntry,
    path: str,
    sink_factory: SinkFactory | None,
    sha256: bool,
    keep: int = 0,
    pending: Pending | None = None,
) -> tuple[PackageFile, bytes | None]:
    """Stream one entry to a fresh sink and describe it (the single digest pass).

    With ``pending``, a file written to a named sink (and not kept in memory) is hashed from
    that copy on the hashing thread instead: its digests are filled in by :func:`settle`.
    """
    sink = sink_factory(entry.name) if sink_factory else None
    behind = pending is not None and isinstance(getattr(sink, "name", None), str) and not keep
    probe = FileProbe()
    try:
        digest, data = archive.stream(entry, sink, sha256=sha256, keep=keep, probe=probe,
                                      digests=not behind)
    finally:
        if sink is not None:
            sink.close()
    described = PackageFile(
        path=path,
        package_path=entry.name,
        size=digest.size,
        sm3=digest.sm3,
        sha256=digest.sha256,
        location=digest.location,
        **probe.facts(),
    )
    if behind:
        algorithms = ("SM3", "SHA-256") if sha256 else ("SM3",)
        future = _hashing.submit(digest_file, described.location, algorithms)
        pending.append((described, algorithms, future))
    return described, data


def settle(pending: Pending) -> None:
    """Fill in the digests computed behind the read. The files the hashing thread has not
    started yet are hashed here, newest first, while it finishes the others: waiting for
    the digests never takes longer than hashing them in the reader would."""
    found = {}
    for n in reversed(range(len(pending))):
        described, algorithms, future = pending[n]
        if future.cancel():
            found[n] = digest_file(described.location, algorithms)
    for n, (described, _algorithms, future) in enumerate(pending):
        digests, _size = found[n] if n in found else future.result()
        described.sm3 = digests["SM3"]
        described.sha256 = digests.get("SHA-256")
    pending.clear()


def _abandon(pending: Pending) -> None:
    """After a failed read: wait for the hashing thread to leave the files alone."""
    for _described, _algorithms, future in pending:
        if not future.cancel():
            future.exception()
    pending.clear()


def read_manifest(
    archive: SafeZip, prefix: str, sink_factory: SinkFactory | None, problems: list[Problem]
) -> tuple[Manifest | None, dict[str, PackageFile]]:
    """Read the root manifest (SM3 preferred over SHA-256); a bad one becomes a problem."""
    files: dict[str, PackageFile] = {}
    manifest = None
    for name in MANIFEST_NAMES:
        entry = archive.by_name.get(prefix + name)
        if entry is None:
            continue
        described, data = stream_file(archive, entry, name, sink_factory, False, archive.limits.max_metadata_size)
        files[name] = described
        try:
            parsed = parse_manifest(data or b"", name)
        except PackageError as exc:
            problems.extend(exc.problems)
            continue
        if manifest is None:
            manifest = parsed
    return manifest, files


def _needs_sha256(manifest: Manifest | None, metadata: RecordMetadata | None, asked: bool) -> bool:
    if asked or (manifest is not None and manifest.algorithm == "sha256"):
        return True
    components = metadata.components if metadata else []
    return any(c.digest_algorithm.replace("-", "").upper() == "SHA256" for c in components)


def read_record_zip(
    archive: SafeZip, kind: str, sink_factory: SinkFactory | None, sha256: bool, digest: str
) -> Package:
    """Read a pre-archive or archive ZIP (§3/§4): control files first, then the content."""
    problems: list[Problem] = []
    prefix = single_root_prefix(archive, METADATA_NAME)
    manifest, files = read_manifest(archive, prefix, sink_factory, problems)
    entry = archive.by_name.get(prefix + METADATA_NAME)
    if entry is None:
        raise refuse("package.metadata-missing", f"{METADATA_NAME} is missing at the package root", METADATA_NAME)
    described, data = stream_file(archive, entry, METADATA_NAME, sink_factory, sha256, archive.limits.max_metadata_size)
    metadata = parse_metadata(data or b"", METADATA_NAME, archive.limits.max_metadata_size)
    files[METADATA_NAME] = described
    need_sha = _needs_sha256(manifest, metadata, sha256)
    if need_sha and described.sha256 is None:
        described.sha256 = _sha256_of(data or b"")
    pending: Pending = []
    try:
        for entry in archive.files():
            path = entry.name[len(prefix) :]
            if not entry.name.startswith(prefix) or path in files:
                continue
            files[path], _ = stream_file(archive, entry, path, sink_factory, need_sha, pending=pending)
        settle(pending)
    finally:
        _abandon(pending)
    return Package(kind=kind, metadata=metadata, files=files, manifest=manifest, digest=digest, problems=problems)


def package_digest(package) -> str:
    """The package's SM3 (信息包摘要值), waited for when it is still being computed beside
    the read (see :func:`read_package`)."""
    digest = package.digest
    if callable(digest):
        digest = package.digest = digest()
    return digest


def _sha256_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def single_root_prefix(archive: SafeZip, marker: str) -> str:
    """'' or 'folder/' when the whole package sits in one top-level folder holding ``marker``."""
    if marker in archive.by_name:
        return ""
    tops = {e.name.split("/", 1)[0] for e in archive.entries}
    if len(tops) == 1:
        top = tops.pop() + "/"
        if top + marker in archive.by_name:
            return top
    return ""


def read_package(
    source: str | os.PathLike | BinaryIO,
    kind: str,
    limits: Limits | None = None,
    sink_factory: SinkFactory | None = None,
    *,
    sha256: bool = False,
    digest: str | Callable[[], str] = "",
):
    """Read a package of ``kind`` 'pre-archive' | 'archive' | 'transfer' (读取信息包).

    ``digest``: the package's SM3 when the caller computed it already (while spooling the
    request body), or a callable answering it (a digest computed beside the read, on another
    core): a single-record package keeps the callable and :func:`package_digest` asks it
    only when the answer is needed, so that the read does not wait for it; otherwise the
    digest is computed here.

    Returns a :class:`Package` (single record) or, for 'transfer', an open
    :class:`~sd.archive.core.packages.transfer.TransferPackage` whose ``records()`` yields
    one record at a time (close it, or use it in ``with``). An archive package may also be a
    DA/T 48 EEP XML file. Raises :class:`PackageError` (400/413) when the package cannot be
    read safely.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown package kind {kind!r}")
    if callable(digest):
        package = _read(source, kind, limits or Limits(), sink_factory, sha256, "")
        if isinstance(package, Package):  # asked when a check or the caller needs it
            package.digest = digest
        else:
            package.digest = digest()
        return package
    return _read(source, kind, limits or Limits(), sink_factory, sha256,
                 digest or file_digest(source))


def _read(source, kind: str, limits: Limits, sink_factory, sha256: bool, digest: str):
    if kind == "archive" and _looks_like_xml(source):
        from sd.archive.core.packages.eep import read_eep

        return read_eep(source, limits, sink_factory, sha256=sha256, digest=digest)
    archive = open_zip(source, limits)
    if kind == "transfer":
        from sd.archive.core.packages.transfer import open_transfer

        return open_transfer(archive, limits, sink_factory, sha256=sha256, digest=digest)
    with archive:
        return read_record_zip(archive, kind, sink_factory, sha256, digest)


def _looks_like_xml(source: str | os.PathLike | BinaryIO) -> bool:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fp:
            head = fp.read(64)
    else:
        source.seek(0)
        head = source.read(64)
        source.seek(0)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
