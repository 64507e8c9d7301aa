"""Dissemination copies (利用复制件): one watermarked PDF of a record's files.

What a copy holds, per component of the record (newest version of each: a converted or
sealed version replaces the file it was made from):

- PDF: every page stamped (``core.access.watermark``);
- images (JPEG, PNG, TIFF, BMP, GIF): put on A4 pages, then stamped;
- OFD: the PDF version the preservation conversion made, when there is one; otherwise it is
  left out and the copy's first lines say so (OFD is kept as is by the conversion,
  ``core.preservation.conversion``: there is no rendition to stamp);
- anything else (XML, office files before conversion): left out, said the same way.

A certified copy (档案证明) has the evidence certificate of the ledger
(``ledger.certificate``) appended. The originals are only read.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from plone import api

from sd.archive.core.access import watermark
from sd.archive.core.access.period import beijing_text
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import IComponent

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif")


def _components(record) -> list:
    found = [c for c in record.objectValues() if IComponent.providedBy(c)]
    converted = record.get("converted")
    if converted is not None and hasattr(converted, "objectValues"):
        found += [c for c in converted.objectValues() if IComponent.providedBy(c)]
    replaced = {getattr(c, "version_of", None) for c in found} - {None, ""}
    current = [c for c in found if c.UID() not in replaced]
    by_uid = {c.UID(): c for c in found}

    def place(component):
        """A version takes the place of the file it was made from (its 序号)."""
        seen = set()
        while getattr(component, "version_of", None) in by_uid and component.UID() not in seen:
            seen.add(component.UID())
            component = by_uid[component.version_of]
        return (getattr(component, "sequence", 0) or 0, component.getId())

    return sorted(current, key=place)


def _kind(component) -> str:
    name = (getattr(component.file, "filename", "") or component.getId()).lower()
    content_type = (getattr(component.file, "contentType", "") or "").lower()
    suffix = PurePosixPath(name).suffix
    if suffix == ".pdf" or content_type == "application/pdf":
        return "pdf"
    if suffix in IMAGE_SUFFIXES or content_type.startswith("image/"):
        return "image"
    if suffix == ".ofd":
        return "ofd"
    return "other"


def parts(record) -> tuple[list[tuple[str, bytes, bool]], list[tuple[str, str]]]:
    """(parts to stamp: (name, bytes, is image), left out: (name, reason))."""
    found, left_out = [], []
    for component in _components(record):
        name = getattr(component.file, "filename", "") or component.getId()
        kind = _kind(component)
        if kind in ("pdf", "image"):
            found.append((name, component.file.data, kind == "image"))
        elif kind == "ofd":
            left_out.append((name, "OFD 无 PDF 版本，未提供复制件（可到馆查阅）"))
        else:
            left_out.append((name, "该格式不提供带水印的复制件"))
    return found, left_out


def certificate(record) -> bytes:
    """The evidence certificate of ``record`` (证据证书, PDF) as the ledger's export makes it."""
    from sd.archive.ledger import records
    from sd.archive.ledger.certificate import certificate_pdf
    from sd.archive.ledger.current import current_ledger
    from sd.archive.ledger.export import export_entry_index

    ledger = current_ledger()
    # the check reads every described field: as the system, not as the requester (who may
    # not read the record and would see fields missing)
    with api.env.adopt_roles(["Manager"]):
        status = records.tamper_status(record, ledger)
    if not status.intact:
        raise ArchiveError(
            "the stored copy no longer matches its ledger entry: no certificate "
            "(存储副本与存证不一致，不能出具档案证明)",
            [Problem(p["code"], p["message"], object=p["object"]) for p in status.problems],
            409,
            "StoredCopyChanged",
        )
    bundle = ledger.bundle(export_entry_index(record, ledger))
    return certificate_pdf(bundle, record.Title(), ledger.confirmed_by(bundle["checkpoint"]))


def _copy(record, lines: list[str], diagonal: str, extra=()) -> bytes:
    found, left_out = parts(record)
    lines = [*(f"未含 {name}：{why}" for name, why in left_out), *lines]
    if not found:
        raise ArchiveError(
            "the record has no file that can be served as a copy (该档案没有可提供复制件的文件)",
            [Problem("access.no-servable-file", why, name, "file") for name, why in left_out]
            or [Problem("access.no-servable-file", "no files", record.getId(), "file")],
            409,
            "CopyUnavailable",
        )
    return watermark.copy_pdf(found, lines, diagonal, extra)


def requester_name(user_id: str) -> str:
    user = api.user.get(userid=user_id)
    fullname = (user.getProperty("fullname", "") if user is not None else "") or ""
    return f"{fullname} ({user_id})" if fullname and fullname != user_id else user_id


def request_copy(request, record) -> bytes:
    """The watermarked copy of ``record`` under ``request`` (requester, number, Beijing time,
    仅供查阅); with the evidence certificate for a certified copy."""
    from sd.archive.core.access.rules import CERTIFIED

    lines = watermark.watermark_lines(
        requester_name(request.requester),
        request.request_number,
        beijing_text(),
        getattr(record, "archival_code", "") or "",
    )
    extra = [certificate(record)] if request.form == CERTIFIED else []
    return _copy(record, lines, watermark.FOR_READING, extra)


def public_copy(record) -> bytes:
    """The public reading copy of an open record (公开阅览 + time)."""
    lines = watermark.public_lines(beijing_text(), getattr(record, "archival_code", "") or "")
    return _copy(record, lines, watermark.PUBLIC_READING)


def filename(record, number: str = "") -> str:
    """The copy's file name: its 档号 (or id) and the request number, ASCII-safe."""
    code = getattr(record, "archival_code", "") or record.getId()
    base = f"{number}-{code}" if number else code
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base) + ".pdf"
