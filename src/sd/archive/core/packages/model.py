"""The package model (信息包模型): what a reader gives detection and the repository.

Kept apart from :mod:`.reader`, which dispatches to :mod:`.eep` and :mod:`.transfer`: those
build these objects too, so the model sits below all three and none imports another back.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO
from typing import Literal

from sd.archive.core.errors import Problem
from sd.archive.core.packages.manifest import MANIFEST_NAMES
from sd.archive.core.packages.manifest import Manifest
from sd.archive.core.packages.metadata import METADATA_NAME
from sd.archive.core.packages.metadata import RecordMetadata

PackageKind = Literal["pre-archive", "archive", "transfer"]
KINDS: tuple[str, ...] = ("pre-archive", "archive", "transfer")
SinkFactory = Callable[[str], BinaryIO]


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
        return {
            p: f for p, f in self.files.items() if p != METADATA_NAME and p not in MANIFEST_NAMES
        }


class TempDirSinks:
    """A sink factory writing each entry to its own file in ``directory`` (临时文件落地).

    Names are numbered (the extension kept) so that no sender-chosen path reaches the disk.
    """

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = (
            os.fspath(directory) if directory else tempfile.mkdtemp(prefix="sd-archive-")
        )
        self._count = 0

    def __call__(self, path: str) -> BinaryIO:
        self._count += 1
        ext = os.path.splitext(path)[1][:10]
        return open(os.path.join(self.directory, f"{self._count:06d}{ext}"), "wb")  # noqa: SIM115


def package_digest(package) -> str:
    """The package's SM3 (信息包摘要值), waited for when it is still being computed beside
    the read (see :func:`read_package`)."""
    digest = package.digest
    if callable(digest):
        digest = package.digest = digest()
    return digest
