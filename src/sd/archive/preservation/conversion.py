"""Conversion to preservation formats (格式转换), originals kept.

A component is converted with ``core.preservation.conversion`` (DOCX/DOC/ODT → PDF/A-2b by
LibreOffice, PDF → PDF/A-2b by Ghostscript, JPEG etc. → PNG, OFD kept); the result is added
as a NEW component under ``converted/`` with ``version_of`` set to the original (never taking
its path or bytes: PDF → PDF/A keeps the extension), the
attestation (tool and version, SM3 of source and result, pages and text compared) is kept on
the new component and logged in the ledger as a ``convert`` event listing the record's files,
source and result side by side; the record then gets a new
AIP version.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from AccessControl import Unauthorized
from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.preservation import conversion as core
from sd.archive.ledger import log_event
from sd.archive.seals.versions import add_version

from .package import add_preservation_event
from .package import blob_path

ATTESTATION_KEY = "sd.archive.preservation.attestation"
PERMISSION = "sd.archive: Manage preservation"
#: the folder of converted copies, under the source's folder (its path is never reused)
CONVERTED = "converted"
FORMATS = {
    ".pdf": ("PDF/A-2b", "application/pdf"),
    ".png": ("PNG", "image/png"),
    ".tif": ("TIFF", "image/tiff"),
    ".tiff": ("TIFF", "image/tiff"),
}


def attestation(component) -> dict | None:
    value = IAnnotations(component).get(ATTESTATION_KEY)
    return dict(value) if value else None


def convert_component(component):
    """Convert ``component``; returns (new component or None when kept as is, attestation)."""
    record = component.__parent__
    if not api.user.has_permission(PERMISSION, obj=record):
        raise Unauthorized("converting needs 'sd.archive: Manage preservation'")
    name = component.file.filename or component.getId()
    with tempfile.TemporaryDirectory(prefix="sd-convert-") as tmp:
        source = Path(tmp) / ("source" + Path(name).suffix.lower())
        source.symlink_to(blob_path(component))
        result = core.convert(source, Path(tmp) / "out")
        if result.result is None or result.result == source:
            return None, result.attestation
        if not result.ok:
            raise ArchiveError(
                "the conversion did not keep the significant properties",
                [
                    Problem(
                        "CONVERT-CHECK", str(result.attestation.get("significant_properties")), name
                    )
                ],
                422,
                "ConversionFailed",
            )
        suffix = result.result.suffix.lower()
        format_name, content_type = FORMATS.get(
            suffix, (suffix.lstrip(".").upper(), "application/octet-stream")
        )
        new_name = Path(name).stem + suffix
        with open(result.result, "rb") as data:
            new = add_version(
                record,
                component,
                data,
                new_name,
                content_type,
                format_name=format_name,
                folder=CONVERTED,
            )
    att = dict(result.attestation)
    att["source"] = {**att["source"], "component": component.UID(), "sm3": component.sm3}
    att["result"] = {**(att["result"] or {}), "component": new.UID(), "sm3": new.sm3}
    IAnnotations(new)[ATTESTATION_KEY] = att
    # the entry lists every file of the record by path, the source and the converted copy
    log_event("convert", record, code=record.archival_code or "", title=record.title or "")
    add_preservation_event(
        record,
        "转换",
        f"{name} ({component.sm3}) → {new_name} ({new.sm3}) by {att.get('tool')} "
        f"{att.get('tool_version')}",
    )
    return new, att
