"""The repository step of the flow (入库): records and components from plain data.

Intake, transfer, the demo profile, tests and benchmarks all create records through here, so
a record is made one way only: fields set first, added once, indexed once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from typing import Any

from AccessControl import getSecurityManager
from plone.namedfile.file import NamedBlobFile
from zope.event import notify
from zope.interface import implementer
from zope.interface.interfaces import ObjectEvent
from zope.lifecycleevent import ObjectAddedEvent
from zope.lifecycleevent import ObjectCreatedEvent

from sd.archive.behaviors.government_service import SERVICE_FIELDS
from sd.archive.content.component import Component
from sd.archive.content.record import Record
from sd.archive.core.packages.manifest import MANIFEST_NAMES
from sd.archive.core.packages.metadata import METADATA_NAME
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.interfaces import IComponentStoredEvent

#: the role of the component that keeps a package as received (原始包): evidence of the
#: submission, not a record file (not verified for seals, not transferred, not sealed)
ORIGINAL_PACKAGE_ROLE = "原始包"


def is_original_package(component) -> bool:
    """Whether ``component`` keeps the package as received (原始包), not a record file."""
    return getattr(component, "role", "") == ORIGINAL_PACKAGE_ROLE


@implementer(IComponentStoredEvent)
class ComponentStoredEvent(ObjectEvent):
    """电子文件入库: see :class:`~sd.archive.interfaces.IComponentStoredEvent`."""


@dataclass
class ComponentData:
    """One file to store (电子文件): bytes or an open binary file, and what is known of it."""

    filename: str
    data: Any
    role: str = "正本"
    sequence: int = 1
    path: str = ""
    format_name: str = ""
    content_type: str = "application/octet-stream"
    sm3: str | None = None
    sha256: str | None = None
    size: int | None = None
    extra: dict = field(default_factory=dict)
    #: the reader saw no PDF signature (/ByteRange) and the file is no ZIP (OFD): the seal
    #: verification at storing has nothing to look for (kept for this transaction only)
    unsigned: bool = False


RECORD_FIELDS = (
    "title",
    "description",
    "record_kind",
    "electronic_record_id",
    "aggregation_level",
    "agency_name",
    "document_number",
    "author",
    "document_date",
    "document_type",
    "security_level",
    "open_status",
    "pages",
    "keywords",
    "abstract",
    "process_history",
    "fonds_code",
    "category_code",
    "year",
    "org_code",
    "volume_number",
    "retention_period",
    "retention_start",
    *SERVICE_FIELDS,
)


# --- 元数据.xml → record fields (著录项映射) ----------------------------------------------


def _date(value: str | None):
    try:
        return date.fromisoformat(value.strip()[:10]) if value else None
    except ValueError:
        return None


def _datetime(value: str | None):
    try:
        return datetime.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def sequence_number(value) -> int | None:
    """A sequence number (序号) as the sender wrote it: its int, None when it is not one."""
    return int(value) if value is not None and str(value).strip().isdigit() else None


def record_fields(metadata) -> dict:
    """The record's fields from 元数据.xml (DA/T 46 element → schema field): the one
    mapping intake and transfer store records with; ``transfer.outgoing.record_metadata`` is
    its inverse."""
    m = metadata
    values = {
        "title": m.title,
        "description": m.abstract or "",
        "record_kind": m.kind,
        "electronic_record_id": m.record_id,
        "aggregation_level": m.aggregation_level,
        "agency_name": m.agency,
        "document_number": m.doc_number,
        "author": m.author,
        "document_date": _date(m.date),
        "document_type": m.doc_type,
        "security_level": m.security,
        "open_status": m.open_status or None,
        "pages": m.pages_int,
        "keywords": m.keyword_list,
        "abstract": m.abstract,
        "fonds_code": m.fonds_code,
        "year": m.year_int,
        "process_history": [
            {
                "sequence": sequence_number(s.seq) or n,
                "activity": s.action or "",
                "time": s.time or "",
                "agent": s.agent or "",
                "department": s.department or "",
                "description": s.description or "",
            }
            for n, s in enumerate(m.process or [], 1)
        ],
    }
    service = m.government_service
    if service is not None:
        values.update(
            {
                "service_item_name": service.item_name,
                "service_item_code": service.item_code,
                "case_number": service.case_number,
                "applicant_name": service.applicant,
                "accepting_department": service.department,
                "accepted_at": _datetime(service.accepted_at),
                "completed_at": _datetime(service.completed_at),
                "handling_result": service.result,
            }
        )
    return {k: v for k, v in values.items() if v is not None}


def record_id(text: str) -> str:
    """A URL-safe id from an 电子文件号 (or title)."""
    from plone.i18n.normalizer.interfaces import IIDNormalizer
    from zope.component import getUtility

    return "r-" + getUtility(IIDNormalizer).normalize(text, max_length=80)


def _add(container, obj):
    """Add ``obj`` with its added event but without the container-modified event: a fonds
    that receives a record is not itself modified, and rewriting its modification date and
    catalog entry on every intake would make it a write hot spot."""
    container._setObject(obj.id, obj, suppress_events=True)
    obj = container._getOb(obj.id)
    notify(ObjectAddedEvent(obj, container, obj.id))
    return obj


def create_record(
    container, metadata: dict, components: Iterable[ComponentData] = (), id: str | None = None
):
    """Create a 件 in ``container`` with its components.

    Returns the record (acquisition-wrapped)."""
    unknown = set(metadata) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown record fields: {sorted(unknown)}")
    values = {k: v for k, v in metadata.items() if v is not None}
    values.setdefault("keywords", [])
    values.setdefault("process_history", [])
    record = new_record(
        id or record_id(values.get("electronic_record_id") or values.get("title", "")), values
    )
    record = _add(container, record)
    for comp in components:
        add_component(record, comp)
    return record


def new_record(id: str, values: dict):
    """A new Record with ``values`` set, announced as created (its UID is given then).

    What ``createContent`` does, without adapting the record to each of its schemas and
    asking every behavior for every value: the record's schema is empty and its behaviors
    (``plone.basic``'s title and description, the ``sd.archive`` ones) keep their fields as
    attributes of the record itself (none of them has a factory of its own)."""
    return _created(Record, "Record", id, values)


def _created(klass, portal_type: str, id: str, values: dict):
    """``klass(id, **values)`` of ``portal_type``, announced as created (its UID is given then)."""
    obj = klass(id, **values)
    obj.portal_type = portal_type
    notify(ObjectCreatedEvent(obj))
    return obj


class BlobSinks:
    """Where ``read_package`` writes a package's files (信息包文件落地): each content file
    straight into the blob it will be stored in, 元数据.xml and the manifests into
    ``TempDirSinks(directory)``.

    One new file per component, instead of a temporary copy that is opened again at storing
    and renamed over the blob's own empty file. ``blob(location)`` hands the blob of a
    written file to :func:`add_component` as its ``data``. The files of the blobs never
    taken (a refused package) are removed by :meth:`drop` when the package is done with, so
    nothing of the package stays.
    """

    #: files read into memory by the reader and never stored as components
    PACKAGE_FILES = frozenset({METADATA_NAME, *MANIFEST_NAMES})

    def __init__(self, directory):
        self.files = TempDirSinks(directory)
        self._blobs: dict[str, NamedBlobFile] = {}

    def __call__(self, path: str):
        name = path.rsplit("/", 1)[-1]
        if name in self.PACKAGE_FILES:
            return self.files(path)
        blob = NamedBlobFile(filename=name)
        sink = blob.open("w")
        self._blobs[sink.name] = blob
        return sink

    def blob(self, location: str | None) -> NamedBlobFile | None:
        """The blob written at ``location`` (taken: asked once), or None."""
        return self._blobs.pop(location, None) if location else None

    def drop(self) -> None:
        """Remove the files of the blobs nobody took (a refused or repeated package) at once,
        not when the blobs are collected: an error's traceback may keep them for a while."""
        blobs, self._blobs = self._blobs, {}
        for location in blobs:
            with suppress(FileNotFoundError):
                os.remove(location)


def add_component(record, comp: ComponentData):
    """Store one file in ``record`` (电子文件入库) as a part of it, not as content of its own:
    owned, ordered and reached through the record, announced by :class:`ComponentStoredEvent`
    only (no catalog entry, int id, link-integrity scan or content rule per file).

    ``comp.data`` is bytes, an open file (its file is taken over) or a ``NamedBlobFile``
    already written (:class:`BlobSinks`)."""
    if isinstance(comp.data, NamedBlobFile):
        blob = comp.data
        blob.filename = comp.filename
        blob.contentType = comp.content_type
    else:
        blob = NamedBlobFile(data=comp.data, filename=comp.filename, contentType=comp.content_type)
    values = {
        "title": comp.filename,
        "file": blob,
        "role": comp.role,
        "sequence": comp.sequence,
        "path": comp.path or comp.filename,
        "format_name": comp.format_name,
    }
    component = new_component(f"c{comp.sequence:03d}", values)
    if comp.sm3:
        component.sm3 = comp.sm3
        component.sha256 = comp.sha256
        component.size = comp.size
    for key, value in comp.extra.items():
        setattr(component, key, value)
    if comp.unsigned:
        component._v_unsigned = True
    component = _store_part(record, component)
    notify(ComponentStoredEvent(component))
    return component


def new_component(id: str, values: dict):
    """A new Component with ``values`` set, announced as created (its UID is given then).

    What ``createContent`` does, without looking each value up in every schema and behavior
    of the type: all of a component's fields (its own schema, ``plone.basic``'s title and
    description, ``sd.archive.seal``) are attributes of the component itself."""
    return _created(Component, "Component", id, values)


def _store_part(record, component):
    """Put ``component`` into ``record`` as ``_setObject`` would (ordered, owned, the adding
    user its Owner), without its id check: the id is the repository's own ``cNNN``, and
    checking it against skins, tools and method aliases cost more than the rest of the add."""
    if component.id in record:
        raise ValueError(f"{record.getId()} already holds a component {component.id}")
    record._setOb(component.id, component)
    component = record._getOb(component.id)
    component.manage_fixupOwnershipAfterAdd()
    if getattr(component, "__ac_local_roles__", None) is None:
        user = getSecurityManager().getUser()
        if user is not None and user.getId() is not None:
            component.manage_setLocalRoles(user.getId(), ["Owner"])
    return component
