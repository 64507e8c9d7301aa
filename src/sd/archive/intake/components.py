"""A package's files as the record's components (组件): what intake and transfer store.

The files were read into blobs while the package was read (``BlobSinks``) or into temporary
copies; the package as received is kept beside them (原始包).
"""

from __future__ import annotations

import mimetypes
import os

from sd.archive.intake.received import spliced
from sd.archive.repository import ORIGINAL_PACKAGE_ROLE
from sd.archive.repository import BlobSinks
from sd.archive.repository import ComponentData
from sd.archive.repository import sequence_number


def component_data(package, sinks: BlobSinks | None = None) -> list[ComponentData]:
    """The record's files as listed in 元数据.xml: the blobs they were read into (``sinks``),
    else each opened from its temporary copy."""
    found = []
    for n, component in enumerate(package.metadata.components, 1):
        stored = package.files[component.path]
        name = os.path.basename(component.path)
        blob = sinks.blob(stored.location) if sinks is not None else None
        if blob is None:  # not read into a blob: the new blob consumes the temporary copy
            blob = open(stored.location, "rb")  # noqa: SIM115
        found.append(
            ComponentData(
                filename=name,
                data=blob,
                role=component.role or "其他",
                sequence=sequence_number(component.seq) or n,
                path=component.path,
                format_name=component.format or "",
                content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                sm3=stored.sm3,
                sha256=stored.sha256,
                size=stored.size,
                unsigned=stored.pdf_signature is False and not stored.head.startswith(b"PK"),
            )
        )
    return found


def original_package(package, spooled, sequence: int, record=None) -> ComponentData:
    """The package as received (原始包), kept beside the components: given the ``record``
    holding them, as a splice table over their blobs where it can (``received.spliced``),
    else the whole package (its blob consumes the spooled copy)."""
    eep = package.source_format == "eep"
    name = f"{package.metadata.record_id or 'package'}.{'eep' if eep else 'zip'}"
    content_type = "application/xml" if eep else "application/zip"
    sha256 = spooled.sha256
    data = spliced(package, spooled, record, name, content_type) if record is not None else None
    return ComponentData(
        filename=name,
        data=data if data is not None else open(spooled.file(), "rb"),  # noqa: SIM115
        role=ORIGINAL_PACKAGE_ROLE,
        sequence=sequence,
        path=name,
        format_name="EEP" if eep else "ZIP",
        content_type=content_type,
        sm3=spooled.sm3,
        sha256=sha256,
        size=spooled.size,
    )
