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
from collections.abc import Callable
from typing import BinaryIO

from sd.archive.core.errors import Problem
from sd.archive.core.packages.eep import read_eep
from sd.archive.core.packages.manifest import Manifest
from sd.archive.core.packages.metadata import METADATA_NAME
from sd.archive.core.packages.metadata import RecordMetadata
from sd.archive.core.packages.metadata import parse_metadata
from sd.archive.core.packages.model import KINDS
from sd.archive.core.packages.model import Package
from sd.archive.core.packages.model import PackageFile  # noqa: F401 - re-exported
from sd.archive.core.packages.model import PackageKind  # noqa: F401
from sd.archive.core.packages.model import SinkFactory
from sd.archive.core.packages.model import TempDirSinks  # noqa: F401
from sd.archive.core.packages.model import package_digest  # noqa: F401
from sd.archive.core.packages.streaming import Pending
from sd.archive.core.packages.streaming import _abandon
from sd.archive.core.packages.streaming import _hashing  # noqa: F401
from sd.archive.core.packages.streaming import read_manifest
from sd.archive.core.packages.streaming import settle
from sd.archive.core.packages.streaming import single_root_prefix
from sd.archive.core.packages.streaming import stream_file
from sd.archive.core.packages.transfer import open_transfer
from sd.archive.core.packages.zipsafe import Limits
from sd.archive.core.packages.zipsafe import SafeZip
from sd.archive.core.packages.zipsafe import file_digest
from sd.archive.core.packages.zipsafe import open_zip
from sd.archive.core.packages.zipsafe import refuse


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
        raise refuse(
            "package.metadata-missing",
            f"{METADATA_NAME} is missing at the package root",
            METADATA_NAME,
        )
    described, data = stream_file(
        archive, entry, METADATA_NAME, sink_factory, sha256, archive.limits.max_metadata_size
    )
    metadata = parse_metadata(data or b"", METADATA_NAME, archive.limits.max_metadata_size)
    files[METADATA_NAME] = described
    problems.extend(metadata.problems)  # a government-service layout fault: for detection
    need_sha = _needs_sha256(manifest, metadata, sha256)
    if need_sha and described.sha256 is None:
        described.sha256 = _sha256_of(data or b"")
    pending: Pending = []
    try:
        for entry in archive.files():
            path = entry.name[len(prefix) :]
            if not entry.name.startswith(prefix) or path in files:
                continue
            files[path], _ = stream_file(
                archive, entry, path, sink_factory, need_sha, pending=pending
            )
        settle(pending)
    finally:
        _abandon(pending)
    return Package(
        kind=kind,
        metadata=metadata,
        files=files,
        manifest=manifest,
        digest=digest,
        problems=problems,
    )


def _sha256_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


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
    return _read(
        source, kind, limits or Limits(), sink_factory, sha256, digest or file_digest(source)
    )


def _read(source, kind: str, limits: Limits, sink_factory, sha256: bool, digest: str):
    if kind == "archive" and _looks_like_xml(source):
        return read_eep(source, limits, sink_factory, sha256=sha256, digest=digest)
    archive = open_zip(source, limits)
    if kind == "transfer":
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
