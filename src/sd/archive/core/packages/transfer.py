"""DA/T 93-2022 transfer packages (移交信息包, ``packages.md`` §5).

``说明文件.TXT`` (key：value, full-width or ASCII colon, UTF-8 or GBK), ``目录文件.XML`` (one
<文件> row per record), ``其他/`` and one folder per record ``<全宗号>/<门类>/<年度>/<档号>/``.
:class:`TransferPackage` reads the control files at once and yields the records one at a time
(:meth:`TransferPackage.records`), so a package of 10,000 records is never held in memory.
Structural problems (count mismatch, folder not catalogued, catalogued record without a
folder, duplicate 档号) are attached to the record they concern, or to the package.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem
from sd.archive.core.packages.manifest import Manifest
from sd.archive.core.packages.metadata import METADATA_NAME
from sd.archive.core.packages.metadata import RecordMetadata
from sd.archive.core.packages.metadata import parse_metadata
from sd.archive.core.packages.model import PackageFile
from sd.archive.core.packages.model import SinkFactory
from sd.archive.core.packages.streaming import read_manifest
from sd.archive.core.packages.streaming import single_root_prefix
from sd.archive.core.packages.streaming import stream_file
from sd.archive.core.packages.transfer_files import CATALOGUE_ELEMENTS  # noqa: F401
from sd.archive.core.packages.transfer_files import CATALOGUE_MISMATCH  # noqa: F401
from sd.archive.core.packages.transfer_files import CATALOGUE_NAME
from sd.archive.core.packages.transfer_files import DESCRIPTION_NAME
from sd.archive.core.packages.transfer_files import DESCRIPTION_REQUIRED  # noqa: F401
from sd.archive.core.packages.transfer_files import OTHER_FOLDER
from sd.archive.core.packages.transfer_files import CatalogueRow
from sd.archive.core.packages.transfer_files import correspondence_problems
from sd.archive.core.packages.transfer_files import parse_catalogue
from sd.archive.core.packages.transfer_files import parse_description
from sd.archive.core.packages.transfer_files import render_catalogue  # noqa: F401
from sd.archive.core.packages.transfer_files import render_description  # noqa: F401
from sd.archive.core.packages.zipsafe import Limits
from sd.archive.core.packages.zipsafe import SafeZip
from sd.archive.core.packages.zipsafe import ZipEntry
from sd.archive.core.packages.zipsafe import refuse


@dataclass
class TransferRecord:
    """One record of a transfer package (移交包中的一件), checked at record level.

    ``files`` and ``manifest`` use paths relative to the record folder, like a single-record
    package; ``metadata`` is None when 元数据.xml is missing or unreadable (see ``problems``).
    """

    folder: str
    archival_code: str
    metadata: RecordMetadata | None
    files: dict[str, PackageFile]
    manifest: Manifest | None
    catalogue_row: CatalogueRow | None = None
    problems: list[Problem] = field(default_factory=list)
    kind: str = "transfer"
    level: tuple[str, ...] = ("record",)
    digest: str = ""

    @property
    def object(self) -> str:
        return self.archival_code or self.folder

    def content_files(self) -> dict[str, PackageFile]:
        return {p: f for p, f in self.files.items() if p != METADATA_NAME}


@dataclass
class TransferPackage:
    """An open transfer package (移交信息包): control files read, records yielded lazily.

    Package-level detection sees ``files``/``manifest`` for the files outside record folders
    (说明文件, 目录文件, 其他/…), ``description``, ``catalogue`` and ``problems``.
    """

    archive: SafeZip
    prefix: str
    description: dict[str, str]
    catalogue: list[CatalogueRow]
    files: dict[str, PackageFile]
    manifest: Manifest | None
    digest: str
    folders: dict[str, list[ZipEntry]]
    folder_manifests: dict[str, dict[str, str]]
    sink_factory: SinkFactory | None
    sha256: bool
    problems: list[Problem] = field(default_factory=list)
    record_problems: dict[str, list[Problem]] = field(default_factory=dict)
    total_size: int = 0
    kind: str = "transfer"
    level: tuple[str, ...] = ("package",)
    object: str = ""
    metadata: None = None
    _reading: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __enter__(self) -> TransferPackage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.archive.close()

    @property
    def record_count(self) -> int:
        return len(self.folders)

    def _order(self) -> Iterator[tuple[str | None, CatalogueRow | None]]:
        """(folder, catalogue row) of each record: catalogue order first, then uncatalogued
        folders; a catalogued record without a folder has folder None."""
        by_code: dict[str, str] = {}
        for folder in self.folders:
            by_code.setdefault(folder.rsplit("/", 1)[-1], folder)
        done: set[str] = set()
        for row in self.catalogue:
            folder = by_code.get(row.archival_code)
            if folder is None or folder in done:
                if folder is None:
                    yield None, row
                continue
            done.add(folder)
            yield folder, row
        for folder in self.folders:
            if folder not in done:
                yield folder, None

    def records(self) -> Iterator[TransferRecord]:
        """Yield each record (逐件读取) in :meth:`_order`, its files read one record at a time."""
        for folder, row in self._order():
            yield self._missing_folder(row) if folder is None else self.read_record(folder, row)

    def record_codes(self) -> list[str]:
        """The 档号 of each record in the order :meth:`records` yields them, without reading."""
        return [
            row.archival_code if row is not None else folder.rsplit("/", 1)[-1]
            for folder, row in self._order()
        ]

    def check_entries(self) -> None:
        """Inflate every record file once (预检): a lying or corrupt entry refuses the whole
        package (``PackageError``) before a batch is opened for it."""
        with self._reading:
            self.archive.check_entries([e for entries in self.folders.values() for e in entries])

    def _missing_folder(self, row: CatalogueRow) -> TransferRecord:
        code = row.archival_code
        problem = Problem(
            "transfer.folder-missing", f"catalogued record {code} has no folder", code, "integrity"
        )
        empty = Manifest(self.manifest.algorithm, {}) if self.manifest else None
        return TransferRecord(
            folder="",
            archival_code=code,
            metadata=None,
            files={},
            manifest=empty,
            catalogue_row=row,
            problems=[problem, *self.record_problems.get(code, [])],
        )

    def read_record(self, folder: str, row: CatalogueRow | None) -> TransferRecord:
        """Stream one record folder's files to sinks and parse its 元数据.xml.

        Safe to call from two threads (a read-ahead thread and a retry): one reads at a time,
        the archive having one file position."""
        with self._reading:
            return self._read_record(folder, row)

    def _read_record(self, folder: str, row: CatalogueRow | None) -> TransferRecord:
        code = folder.rsplit("/", 1)[-1]
        problems = list(self.record_problems.get(code, []))
        if row is None:
            problems.append(
                Problem(
                    "transfer.not-catalogued",
                    f"folder {folder} is not in {CATALOGUE_NAME}",
                    code,
                    "integrity",
                )
            )
        entries = self.folders[folder]
        manifest_entries = self.folder_manifests.get(folder, {})
        manifest = Manifest(self.manifest.algorithm, manifest_entries) if self.manifest else None
        need_sha = self.sha256 or (manifest is not None and manifest.algorithm == "sha256")
        files: dict[str, PackageFile] = {}
        metadata = None
        base = self.prefix + folder + "/"
        for entry in entries:
            path = entry.name[len(base) :]
            is_metadata = path.lower() == METADATA_NAME.lower()
            keep = self.archive.limits.max_metadata_size if is_metadata else 0
            described, data = stream_file(
                self.archive, entry, path, self.sink_factory, need_sha, keep
            )
            files[path] = described
            if is_metadata:
                try:
                    metadata = parse_metadata(
                        data or b"", f"{folder}/{path}", self.archive.limits.max_metadata_size
                    )
                except PackageError as exc:
                    problems.extend(exc.problems)
        if metadata is not None:
            problems.extend(metadata.problems)
            problems.extend(_folder_path_problems(folder, metadata))
        return TransferRecord(
            folder=folder,
            archival_code=code,
            metadata=metadata,
            files=files,
            manifest=manifest,
            catalogue_row=row,
            problems=problems,
        )


def _folder_path_problems(folder: str, metadata: RecordMetadata) -> list[Problem]:
    parts = folder.split("/")
    problems = []
    if metadata.archival_code and parts[-1] != metadata.archival_code:
        problems.append(
            Problem(
                "transfer.folder-path",
                f"folder name differs from 档号 {metadata.archival_code}",
                folder,
                "authenticity",
            )
        )
    if len(parts) == 4:
        expected = (metadata.fonds_code, metadata.category, metadata.year)
        if tuple(parts[:3]) != expected:
            problems.append(
                Problem(
                    "transfer.folder-path",
                    "folder is not <全宗号>/<门类>/<年度>/<档号> of its metadata",
                    folder,
                    "authenticity",
                )
            )
    return problems


def _find(archive: SafeZip, prefix: str, name: str) -> ZipEntry | None:
    wanted = (prefix + name).lower()
    return next((e for e in archive.files() if e.name.lower() == wanted), None)


def open_transfer(
    archive: SafeZip,
    limits: Limits,
    sink_factory: SinkFactory | None,
    *,
    sha256: bool = False,
    digest: str = "",
) -> TransferPackage:
    """Read the control files of a transfer package and index its record folders."""
    try:
        return _open_transfer(archive, limits, sink_factory, sha256, digest)
    except BaseException:
        archive.close()
        raise


def _open_transfer(  # noqa: C901 - the 移交 layout, checked in reading order
    archive, limits, sink_factory, sha256, digest
) -> TransferPackage:
    prefix = single_root_prefix(archive, DESCRIPTION_NAME)
    problems: list[Problem] = []
    manifest, files = read_manifest(archive, prefix, sink_factory, problems)
    need_sha = sha256 or (manifest is not None and manifest.algorithm == "sha256")
    control = {}
    for name in (DESCRIPTION_NAME, CATALOGUE_NAME):
        entry = _find(archive, prefix, name)
        if entry is None:
            raise refuse(
                "package.control-file-missing", f"{name} is missing at the package root", name
            )
        files[name], control[name] = stream_file(
            archive, entry, name, sink_factory, need_sha, limits.max_metadata_size
        )
    description = parse_description(control[DESCRIPTION_NAME] or b"")
    catalogue = parse_catalogue(control[CATALOGUE_NAME] or b"", limits.max_metadata_size)

    folders: dict[str, list[ZipEntry]] = {}
    for entry in archive.files():
        rel = entry.name[len(prefix) :]
        head, _, base = rel.rpartition("/")
        if (
            head
            and base.lower() == METADATA_NAME.lower()
            and not rel.startswith(OTHER_FOLDER + "/")
        ):
            folders[head] = []
    if not folders:
        raise refuse("transfer.no-records", "the transfer package holds no record folder")
    if len(folders) > limits.max_records:
        raise refuse(
            "transfer.too-many-records",
            f"{len(folders)} records over {limits.max_records}",
            status=413,
        )
    for entry in archive.files():
        rel = entry.name[len(prefix) :]
        owner = _owner(rel, folders)
        if owner is not None:
            folders[owner].append(entry)
        elif rel not in files:
            if not rel.startswith(OTHER_FOLDER + "/"):
                problems.append(
                    Problem(
                        "transfer.stray-file", "file outside any record folder", rel, "integrity"
                    )
                )
            files[rel], _ = stream_file(archive, entry, rel, sink_factory, need_sha)

    root_manifest: dict[str, str] = {}
    folder_manifests: dict[str, dict[str, str]] = {}
    if manifest is not None:
        for path, value in manifest.entries.items():
            owner = _owner(path, folders)
            if owner is None:
                root_manifest[path] = value
            else:
                folder_manifests.setdefault(owner, {})[path[len(owner) + 1 :]] = value
    root_view = Manifest(manifest.algorithm, root_manifest, manifest.name) if manifest else None

    record_problems: dict[str, list[Problem]] = {}
    seen: set[str] = set()
    for row in catalogue:
        code = row.archival_code
        if code in seen:
            record_problems.setdefault(code, []).append(
                Problem(
                    "transfer.duplicate-code",
                    f"档号 {code} appears twice in {CATALOGUE_NAME}",
                    code,
                    "authenticity",
                )
            )
        seen.add(code)
    folder_codes: dict[str, int] = {}
    for folder in folders:
        code = folder.rsplit("/", 1)[-1]
        folder_codes[code] = folder_codes.get(code, 0) + 1
    for code, count in folder_codes.items():
        if count > 1:
            record_problems.setdefault(code, []).append(
                Problem(
                    "transfer.duplicate-code",
                    f"档号 {code} has {count} folders",
                    code,
                    "authenticity",
                )
            )
    problems.extend(correspondence_problems(catalogue, folders))
    return TransferPackage(
        archive=archive,
        prefix=prefix,
        description=description,
        catalogue=catalogue,
        files=files,
        manifest=root_view,
        digest=digest,
        folders=folders,
        folder_manifests=folder_manifests,
        sink_factory=sink_factory,
        sha256=need_sha,
        problems=problems,
        record_problems=record_problems,
        total_size=sum(e.size for e in archive.files()),
    )


def _owner(path: str, folders: dict[str, list[ZipEntry]]) -> str | None:
    """The record folder a path belongs to (deepest folder that is a prefix), or None."""
    head = path
    while "/" in head:
        head = head.rpartition("/")[0]
        if head in folders:
            return head
    return None
