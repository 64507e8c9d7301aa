"""Detection subjects that are not read from a package (检测对象): preserved records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.errors import Problem
from sd.archive.core.packages.probe import EICAR
from sd.archive.core.packages.probe import FileProbe
from sd.archive.core.packages.reader import PackageFile


@dataclass
class PreservationSubject:
    """A preserved record (保存中的档案): its files, the digests of each copy, the references.

    ``copies``: {copy name: {path: SM3}} as measured on each storage location;
    ``expected``: {path: SM3} from the ledger when no ``ledger_digest`` callable is supplied.
    """

    object: str
    files: dict[str, PackageFile]
    copies: dict[str, dict[str, str]] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)
    metadata: object = None
    problems: list[Problem] = field(default_factory=list)
    kind: str = "preservation"
    level: tuple[str, ...] = ("record",)
    manifest: object = None


def describe_stored_file(path: str, location: str) -> PackageFile:
    """Read a stored file once: SM3, head/tail and EICAR flag (一次读取)."""
    digest, probe, size = hashlib.new("sm3"), FileProbe(), 0
    with open(location, "rb") as fp:
        for chunk in iter(lambda: fp.read(64 * 1024), b""):
            digest.update(chunk)
            probe.feed(chunk)
            size += len(chunk)
    return PackageFile(
        path=path,
        package_path=path,
        size=size,
        sm3=digest.hexdigest(),
        location=location,
        **probe.facts(),
    )


def preservation_subject(
    obj: str, locations: dict[str, str], copies=None, expected=None
) -> PreservationSubject:
    """Build the subject for a BC-stage run from {path: stored location}."""
    files = {path: describe_stored_file(path, location) for path, location in locations.items()}
    return PreservationSubject(obj, files, dict(copies or {}), dict(expected or {}))


def stored_file(path: str, location: str, sm3: str, size: int | None = None) -> PackageFile:
    """A stored file whose digest is already known (已知摘要): only its head and tail are read
    (format recognition); the digest is the record's, checked by fixity against the ledger."""
    from sd.archive.core.packages.probe import HEAD_SIZE
    from sd.archive.core.packages.probe import TAIL_SIZE

    with open(location, "rb") as fp:
        head = fp.read(HEAD_SIZE)
        end = fp.seek(0, 2)
        fp.seek(max(end - TAIL_SIZE, 0))
        tail = fp.read(TAIL_SIZE)
    return PackageFile(
        path=path,
        package_path=path,
        size=end if size is None else size,
        sm3=sm3,
        location=location,
        head=head,
        tail=tail,
        eicar=EICAR in head or EICAR in tail,
    )
