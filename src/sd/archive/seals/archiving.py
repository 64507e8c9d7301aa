"""The archiving seal (归档章) on ``archive``: "one trust system, two stampings".

When a record is archived, each original 正本 PDF or OFD gets a new component version:

- PDF: the 归档章 drawn on page 1 and a PAdES signature with the archives' archiving-seal key
  (:func:`sd.archive.core.seals.archiving_seal.stamp_pdf`);
- OFD: the 归档章 as a stamp annotation (an unsigned OFD) or as a later OFD signature that
  leaves the agency's seal valid (a signed one), and a detached signature over the new package
  (:func:`sd.archive.core.seals.archiving_seal.archive_ofd`); the signature (JSON) is a
  component too, whose ``version_of`` is the sealed OFD it signs (the original, when the
  agency's signature allows no later one).

The original as received stays untouched (保存版). When the seal cannot be applied (no key, a
file that does not parse) archiving still succeeds: the record's ``archiving_seal`` says why,
and the log has a warning — the seal is an added version, never a condition on the original.
"""

from __future__ import annotations

import contextlib

from plone import api
from ZODB.POSException import ConflictError

from sd.archive import logger
from sd.archive.core import retention
from sd.archive.core.seals.archiving_seal import archive_ofd
from sd.archive.core.seals.archiving_seal import stamp_pdf
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.seal_rendering import ArchivingSealFields
from sd.archive.interfaces import IComponent
from sd.archive.numbering import code_rule
from sd.archive.numbering import fonds_of
from sd.archive.seals import settings
from sd.archive.seals.verification import component_bytes
from sd.archive.seals.verification import component_format
from sd.archive.seals.verification import refresh_record
from sd.archive.seals.versions import add_version
from sd.archive.seals.versions import derived_name

ORIGINAL_ROLE = "正本"
SUFFIX = "归档章"


def seal_fields(record) -> ArchivingSealFields:
    """The 归档章 items of a record: 全宗号, 年度, 件号, 机构(问题), 保管期限, 页数."""
    item = getattr(record, "item_number", None)
    width = 4
    fonds = fonds_of(record)
    if fonds is not None:
        # a fonds without a usable grammar keeps the default
        with contextlib.suppress(Exception):
            width = code_rule(fonds).item_width
    period = getattr(record, "retention_period", None)
    try:
        period_label = retention.label(period) if period else ""
    except Exception:  # noqa: BLE001 - an unknown code is shown as stored
        period_label = period or ""
    pages = getattr(record, "pages", None)
    return ArchivingSealFields(
        fonds_code=getattr(record, "fonds_code", "") or "",
        year=str(getattr(record, "year", "") or ""),
        item_number=str(item).zfill(width) if item else "",
        organization=getattr(record, "org_code", "") or "",
        retention=period_label,
        pages=str(pages) if pages else "",
    )


def originals(record) -> list:
    """The components as received that get the seal: 正本, not derived, PDF or OFD."""
    return [
        c
        for c in record.objectValues()
        if IComponent.providedBy(c)
        and c.role == ORIGINAL_ROLE
        and not getattr(c, "version_of", None)
    ]


def apply_archiving_seal(record, stamp=None) -> list:
    """Add the sealed versions of the record's originals; returns the new components.

    ``stamp(data, fields, key)`` replaces :func:`stamp_pdf` (the after-archiving worker passes
    one that answers from PDFs it sealed ahead in a process, ``preservation.ahead.SealAhead``)."""
    key = settings.load_key()
    fields = seal_fields(record)
    added, notes = [], []
    for original in originals(record):
        data = component_bytes(original)
        fmt = component_format(original, data)
        name = original.file.filename or original.getId()
        try:
            if fmt == "PDF":
                sealed = (stamp or stamp_pdf)(data, fields, key)
                added.append(
                    add_version(
                        record,
                        original,
                        sealed,
                        derived_name(name, SUFFIX, "pdf"),
                        "application/pdf",
                        format_name="PDF",
                        archiving_seal="PAdES",
                    )
                )
            elif fmt == "OFD":
                sealed, detached = archive_ofd(data, fields, key)
                signed = bool(OfdPackage.open(data).signatures)
                ofd = original
                if sealed != data:
                    ofd = add_version(
                        record,
                        original,
                        sealed,
                        derived_name(name, SUFFIX, "ofd"),
                        "application/ofd",
                        format_name="OFD",
                        archiving_seal="signature+detached" if signed else "stamp+detached",
                    )
                    added.append(ofd)
                else:  # the agency's signature allows no later one: the JSON signs the original
                    notes.append(
                        f"{original.getId()}: its signature protects the signature list, "
                        "归档章 as a detached signature only"
                    )
                added.append(
                    add_version(
                        record,
                        ofd,
                        detached,
                        derived_name(name, SUFFIX, "sig.json"),
                        "application/json",
                        role="其他",
                        format_name="JSON",
                        archiving_seal="detached-signature",
                    )
                )
            else:
                continue
        except ConflictError:
            raise
        except Exception as exc:  # noqa: BLE001 - pyHanko/lxml/zip raise many kinds on bad files
            notes.append(f"{original.getId()}: {exc}")
            logger.warning("archiving seal not applied to %s: %s", original.absolute_url(), exc)
    subject = key.certificate().subject.rfc4514_string()
    parts = [f"{c.getId()} ({c.format_name})" for c in added if c.format_name != "JSON"]
    summary = f"归档章 {', '.join(parts) or '-'}; signer {subject}"
    if notes:
        summary += "; not applied: " + "; ".join(notes)
    record.archiving_seal = summary[:1000]
    refresh_record(record)
    return added


def may_seal(record) -> bool:
    """Only the sanctioned action of a user who may archive adds sealed versions (asked by
    ``sd.archive.lifecycle`` on ``archive``, before the AIP is written or queued)."""
    return api.user.has_permission("sd.archive: Archive records", obj=record)


def seal_archived(record, stamp=None) -> None:
    """Apply the archiving seal; a missing key or certificate is noted on the record."""
    try:
        apply_archiving_seal(record, stamp)
    except settings.SealConfigurationError as exc:
        record.archiving_seal = f"not applied: {exc.message}"[:1000]
        logger.warning("archiving seal not applied to %s: %s", record.absolute_url(), exc.message)
