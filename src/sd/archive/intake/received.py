"""The package as received (原始包) stored once beside its components (#31 item 6).

A ZIP package's stored (not deflated) members are the components' bytes: keeping the whole
ZIP beside the components kept them twice. With the ``shared`` layout (the default;
``SD_ARCHIVE_PACKAGE_LAYOUT=whole`` keeps the whole ZIP as before) the original package's
file is a :class:`PackageAsReceived`: its blob holds a splice table
(:mod:`sd.archive.core.preservation.splice`: everything of the ZIP that is not a component's
bytes, verbatim) and it refers to the components' own blobs for the rest. ``open()``,
``data`` and ``getSize()`` answer the package as received byte for byte (checked against its
SHA-256 before the table is kept; its SM3 stays the record's ``package_sm3`` and the
ledger's); the AIP holds the table as the 原始包 document beside the full components, and a
rebuild joins them again (:func:`adopt_tables`). EEP packages, deflated members and
records stored before keep the whole package: nothing to migrate, both kinds are read alike.
"""

from __future__ import annotations

import os
import zipfile

from DateTime import DateTime
from plone.namedfile.file import NamedBlobFile

from sd.archive import logger
from sd.archive.core.digests import digest_file
from sd.archive.core.preservation import splice

LAYOUT_ENV = "SD_ARCHIVE_PACKAGE_LAYOUT"
SHARED, WHOLE = "shared", "whole"


def layout() -> str:
    """``shared`` (a splice table beside the components) or ``whole`` (the whole package)."""
    return WHOLE if os.environ.get(LAYOUT_ENV, SHARED).strip().lower() == WHOLE else SHARED


def blob_file(blob) -> str:
    """The file path of a ZODB blob, committed or not."""
    with blob.open("r") as f:
        return f.name


class PackageAsReceived(NamedBlobFile):
    """The package as received, read from a splice table and the components' blobs.

    Immutable (an archived record's files never change): ``open("w")`` is refused."""

    def __init__(self, table_path: str, parts: dict, size: int, filename: str, contentType: str):
        table_sm3 = digest_file(table_path, ("SM3",))[0]["SM3"]
        table_size = os.path.getsize(table_path)
        with open(table_path, "rb") as f:
            super().__init__(data=f, contentType=contentType, filename=filename)
        self._parts = tuple(parts.items())  # ((SM3, the component's Blob), ...)
        self._package_size = size
        self.table_sm3, self.table_size = table_sm3, table_size

    @classmethod
    def from_table_blob(cls, named: NamedBlobFile, parts: dict, size: int) -> PackageAsReceived:
        """Wrap a blob already holding a table (a record rebuilt from its AIP)."""
        self = cls.__new__(cls)
        self._blob = named._blob
        self.filename = named.filename
        self.contentType = named.contentType
        self._modified = DateTime().millis()
        path = blob_file(named._blob)
        self._parts = tuple(parts.items())
        self._package_size = size
        self.table_sm3 = digest_file(path, ("SM3",))[0]["SM3"]
        self.table_size = os.path.getsize(path)
        return self

    def table_file(self) -> str:
        """The path of the splice table's blob file (what the AIP holds)."""
        return blob_file(self._blob)

    def source(self) -> splice.SplicedFile:
        """The package as plain data for threads and worker processes (``open()``)."""
        return splice.SplicedFile(
            self.table_file(), tuple((sm3, blob_file(blob)) for sm3, blob in self._parts)
        )

    def open(self, mode="r"):
        if mode != "r":
            raise ValueError("the package as received cannot be changed")
        return self.source().open()

    def openDetached(self):
        return self.open()

    def _getData(self):
        with self.open() as f:
            return f.read()

    def _setData(self, data):
        if getattr(self, "_parts", None) is not None:
            raise ValueError("the package as received cannot be changed")
        super()._setData(data)

    data = property(_getData, _setData)
    _data = property(_getData, _setData)

    @property
    def size(self):
        return self._package_size

    def getSize(self):
        return self._package_size


def is_shared(named) -> bool:
    """Whether a component's file is read through a splice table."""
    return isinstance(named, PackageAsReceived)


def source_of(component) -> str | splice.SplicedFile:
    """Where a component's bytes are read from: its blob's file, or a spliced package."""
    named = component.file
    if is_shared(named):
        return named.source()
    return named._blob.committed()


def spliced(package, spooled, record, filename: str, content_type: str):
    """The package as received as a :class:`PackageAsReceived` over ``record``'s components,
    or None (the whole package is kept): an EEP, no stored member, the ``whole`` layout, or a
    table that does not assemble to the package's SHA-256 (logged)."""
    if layout() != SHARED or package.source_format == "eep":
        return None
    blobs = {}
    for c in record.objectValues():
        named = getattr(c, "file", None)
        if getattr(c, "sm3", None) and named is not None and not is_shared(named):
            blobs.setdefault(c.sm3, named._blob)
    members = {}
    for component in package.metadata.components:
        stored = package.files.get(component.path)
        if stored is not None and stored.sm3 in blobs and stored.package_path:
            members[stored.package_path] = (stored.sm3, stored.size)
    if not members:
        return None
    path = spooled.file()
    table_path = path + ".splice"
    used = {sm3 for sm3, _size in members.values()}
    sources = {sm3: blob_file(blob) for sm3, blob in blobs.items() if sm3 in used}
    try:
        table = splice.build_zip_table(
            path, members, table_path, sm3=spooled.sm3, sha256=spooled.sha256, sources=sources
        )
    except (splice.SpliceError, OSError, zipfile.BadZipFile, ValueError) as error:
        logger.warning("package of %s kept whole: %s", record.getId(), error)
        return None
    if table is None:
        return None
    parts = {p.sm3: blobs[p.sm3] for p in table.parts}
    try:
        return PackageAsReceived(table_path, parts, spooled.size, filename, content_type)
    finally:
        if os.path.exists(table_path):
            os.remove(table_path)


def adopt_tables(record) -> list[str]:
    """Join the original package of a record rebuilt from its AIP again: a component whose
    blob holds a splice table becomes a :class:`PackageAsReceived` over its siblings, with
    the package's digests and size. Returns the ids joined; raises ``SpliceError`` when the
    parts are missing or the package does not assemble to its SHA-256."""
    joined = []
    siblings = [c for c in record.objectValues() if getattr(c, "file", None) is not None]
    for component in siblings:
        named = component.file
        if is_shared(named):
            continue
        with named.open() as f:
            if not splice.is_table(f.read(len(splice.MAGIC))):
                continue
            f.seek(0)
            table = splice.read_table(f)
        blobs = {
            c.sm3: c.file._blob
            for c in siblings
            if c is not component and getattr(c, "sm3", None) and not is_shared(c.file)
        }
        missing = [p.name or p.sm3 for p in table.parts if p.sm3 not in blobs]
        if missing:
            raise splice.SpliceError(f"the package's parts are missing: {', '.join(missing)}")
        shared = PackageAsReceived.from_table_blob(
            named, {p.sm3: blobs[p.sm3] for p in table.parts}, table.size
        )
        with shared.open() as f:
            found, size = _digests(f)
        if size != table.size or found["SHA-256"] != table.sha256:
            raise splice.SpliceError("the rebuilt package differs from the package as received")
        component.file = shared
        component.sm3, component.sha256, component.size = found["SM3"], found["SHA-256"], size
        joined.append(component.getId())
    return joined


def _digests(stream):
    from sd.archive.core.digests import digest_stream

    return digest_stream(stream, ("SM3", "SHA-256"))
