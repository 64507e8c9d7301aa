"""Streaming a package's entries (逐项读取): one pass per entry to a sink, digests computed in
the same pass or beside it on a hashing thread; the root manifest; the package's root folder.
Shared by the ZIP reader (:mod:`.reader`) and the transfer package (:mod:`.transfer`).
"""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor

from sd.archive.core.digests import digest_file
from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem
from sd.archive.core.packages.manifest import MANIFEST_NAMES
from sd.archive.core.packages.manifest import Manifest
from sd.archive.core.packages.manifest import parse_manifest
from sd.archive.core.packages.model import PackageFile
from sd.archive.core.packages.model import SinkFactory
from sd.archive.core.packages.probe import FileProbe
from sd.archive.core.packages.zipsafe import SafeZip
from sd.archive.core.packages.zipsafe import ZipEntry

#: hashes content files from their temporary copies while the reader goes on with the next
#: entry (摘要与读取并行; hashlib works outside the interpreter lock); what it has not begun
#: when the reader is done, the reader hashes itself (:func:`settle`)
_hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sd-digest")
Pending = list[tuple["PackageFile", tuple[str, ...], Future]]


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
        digest, data = archive.stream(
            entry, sink, sha256=sha256, keep=keep, probe=probe, digests=not behind
        )
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
        described, data = stream_file(
            archive, entry, name, sink_factory, False, archive.limits.max_metadata_size
        )
        files[name] = described
        try:
            parsed = parse_manifest(data or b"", name)
        except PackageError as exc:
            problems.extend(exc.problems)
            continue
        if manifest is None:
            manifest = parsed
    return manifest, files


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
