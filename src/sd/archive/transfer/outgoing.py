"""The records room side (档案室移交): eligible records, the DA/T 93 package, ``transfer``.

1. :func:`eligible` — archived records whose 年度 is at least ``transfer_after_years`` (registry
   ``sd.archive.settings.transfer_after_years``) behind the current year, by fonds, year,
   category and retention period;
2. :func:`transfer_out` — ``request_transfer`` then ``transfer`` per record (the evidence
   subscribers log ``transfer-out``; the record becomes read-only "transferred"), one commit;
3. :func:`build_package` — 说明文件.TXT, 目录文件.XML, one folder per record
   ``<全宗号>/<门类>/<年度>/<档号>/`` with 元数据.xml and the component files, the proof bundle
   of each ``transfer-out`` entry in ``其他/证据/<档号>.json``, the transferring side of the
   registration form in ``其他/移交与接收登记表.xml``, and ``manifest-sm3.txt``; the package
   is written to the transfer area, streamed, never held in memory;
4. :func:`~.receipt.sender_note` — the receipt text (manifest digest, count, fonds) signed by
   this node; the receipt coming back is taken by :func:`~.receipt.take_receipt`.

Delivery: a download (offline carriers) or ``delivery.deliver`` to another node's ``@transfer``.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import transaction
from plone import api

from sd.archive.core import digests
from sd.archive.core.codes.gaps import NOTE_KEY
from sd.archive.core.packages.manifest import Manifest
from sd.archive.core.packages.metadata import Component
from sd.archive.core.packages.metadata import GovernmentService
from sd.archive.core.packages.metadata import ProcessStep
from sd.archive.core.packages.metadata import RecordMetadata
from sd.archive.core.packages.metadata_render import render_metadata
from sd.archive.core.packages.transfer import CATALOGUE_NAME
from sd.archive.core.packages.transfer import DESCRIPTION_NAME
from sd.archive.core.packages.transfer import CatalogueRow
from sd.archive.core.packages.transfer import render_catalogue
from sd.archive.core.packages.transfer import render_description
from sd.archive.ledger import records as evidence_records
from sd.archive.repository import is_original_package
from sd.archive.transfer.receipt import sender_note
from sd.archive.transfer.sender import evidence_path

FORM_PATH = "其他/移交与接收登记表.xml"


# --- selection ---------------------------------------------------------------------------


def transfer_after_years() -> int:
    return api.portal.get_registry_record("sd.archive.settings.transfer_after_years", default=5)


def eligible(
    fonds,
    *,
    year: int | None = None,
    category: str | None = None,
    retention: str | None = None,
    years: int | None = None,
    today: date | None = None,
):
    """Archived records of ``fonds`` kept at least N years (年度 + N ≤ this year)."""
    years = transfer_after_years() if years is None else years
    latest = (today or date.today()).year - years
    query = {
        "portal_type": "Record",
        "fonds_code": fonds.fonds_code,
        "review_state": "archived",
        "path": "/".join(fonds.getPhysicalPath()),
        "sort_on": "archival_code",
    }
    if category:
        query["category_code"] = category
    if retention:
        query["retention_period"] = retention
    found = []
    for brain in api.portal.get_tool("portal_catalog")(**query):
        record = brain.getObject()
        record_year = getattr(record, "year", None)
        if not record_year or record_year > latest or (year and record_year != year):
            continue
        if not getattr(record, "archival_code", None):
            continue
        found.append(record)
    return found


def transfer_out(records, comment: str = "移交 / transfer") -> None:
    """Select and transfer each record (列入移交 → 移交); ``transfer-out`` is logged per record."""
    for record in records:
        if api.content.get_state(record) == "archived":
            api.content.transition(obj=record, transition="request_transfer", comment=comment)
        api.content.transition(obj=record, transition="transfer", comment=comment)


# --- the package -------------------------------------------------------------------------


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def content_components(record) -> list:
    """The record's files as received (保存版): no derived versions, no 原始包."""
    return [
        c
        for c in evidence_records.components(record)
        if getattr(c, "file", None) is not None
        and not is_original_package(c)
        and not getattr(c, "version_of", None)
    ]


def record_metadata(record) -> RecordMetadata:
    """元数据.xml of a stored record (the inverse of ``repository.record_fields``)."""
    components = []
    for n, c in enumerate(content_components(record), 1):
        sm3 = getattr(c, "sm3", None) or evidence_records.blob_digests(c)[0]["SM3"]
        components.append(
            Component(
                seq=str(getattr(c, "sequence", None) or n),
                role=c.role,
                path=evidence_records.component_path(c),
                size=str(c.file.getSize()),
                format=getattr(c, "format_name", None)
                or c.file.filename.rsplit(".", 1)[-1].upper(),
                digest=sm3,
                digest_algorithm="SM3",
            )
        )
    process = [
        ProcessStep(
            seq=str(s.get("sequence") or n),
            action=s.get("activity") or None,
            time=s.get("time") or None,
            agent=s.get("agent") or None,
            department=s.get("department") or None,
            description=s.get("description") or None,
        )
        for n, s in enumerate(getattr(record, "process_history", None) or [], 1)
    ]
    service = None
    if getattr(record, "service_item_name", None) or getattr(record, "case_number", None):
        service = GovernmentService(
            item_name=_text(record.service_item_name),
            item_code=_text(record.service_item_code),
            case_number=_text(record.case_number),
            applicant=_text(record.applicant_name),
            department=_text(record.accepting_department),
            accepted_at=_text(record.accepted_at),
            completed_at=_text(record.completed_at),
            result=_text(record.handling_result),
        )
    return RecordMetadata(
        kind=record.record_kind,
        aggregation_level=_text(getattr(record, "aggregation_level", None)) or "文件",
        agency=_text(getattr(record, "agency_name", None)),
        fonds_code=record.fonds_code,
        record_id=_text(record.electronic_record_id),
        archival_code=record.archival_code,
        category=_text(record.category_code),
        year=_text(record.year),
        retention=_text(record.retention_period),
        org_code=_text(getattr(record, "org_code", None)),
        item_number=_text(getattr(record, "item_number", None)),
        title=record.title,
        doc_number=_text(getattr(record, "document_number", None)),
        author=_text(getattr(record, "author", None)),
        date=_text(getattr(record, "document_date", None)),
        doc_type=_text(getattr(record, "document_type", None)),
        security=_text(getattr(record, "security_level", None)),
        open_status=_text(getattr(record, "open_status", None)),
        pages=_text(getattr(record, "pages", None)),
        keywords=";".join(getattr(record, "keywords", None) or []) or None,
        abstract=_text(getattr(record, "abstract", None)),
        components=components,
        process=process or None,
        government_service=service,
    )


def folder_of(record) -> str:
    return f"{record.fonds_code}/{record.category_code}/{record.year}/{record.archival_code}"


def catalogue_row(n: int, record, metadata: RecordMetadata) -> CatalogueRow:
    return CatalogueRow(
        {
            "顺序号": str(n),
            "档号": record.archival_code,
            "责任者": metadata.author or "",
            "题名": metadata.title or "",
            "日期": (metadata.date or "")[:10],
            "保管期限": metadata.retention or "",
            "密级": metadata.security or "",
            "页数": metadata.pages or "",
            "备注": "",
        }
    )


class _Writer:
    """A ZIP written entry by entry with the SM3 of every entry for the manifest."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.manifest: dict[str, str] = {}
        self.bytes = 0

    def add(self, name: str, data: bytes) -> None:
        self.zip.writestr(name, data)
        self.manifest[name] = digests.digest_bytes(data)
        self.bytes += len(data)

    def add_stream(self, name: str, stream, stored: bool = False) -> None:
        hasher = digests.new("SM3")
        info = zipfile.ZipInfo(name, date.today().timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with self.zip.open(info, "w", force_zip64=True) as out:
            while chunk := stream.read(1 << 20):
                hasher.update(chunk)
                out.write(chunk)
                self.bytes += len(chunk)
        self.manifest[name] = hasher.hexdigest()

    def close(self) -> str:
        body = Manifest("sm3", self.manifest).render()
        self.zip.writestr("manifest-sm3.txt", body)
        self.zip.close()
        return digests.digest_bytes(body)


def build_package(
    records,
    target: Path,
    *,
    unit: str,
    description: str = "",
    environment: str = "sd.archive (Plone 6)",
    form_xml: bytes | None = None,
    bundles=None,
    gap_note: str = "",
) -> dict:
    """Write the DA/T 93 package of ``records`` to ``target``; returns its facts.

    ``gap_note``: the 断号说明 line of 说明文件 (the recorded reasons of the gaps in the
    series taken, ``continuity.note_for``), left out when empty."""
    from sd.archive.ledger.current import current_ledger

    ledger = current_ledger()
    writer = _Writer(target)
    rows, codes = [], []
    for n, record in enumerate(records, 1):
        metadata = record_metadata(record)
        folder = folder_of(record)
        writer.add(f"{folder}/元数据.xml", render_metadata(metadata))
        for component in content_components(record):
            with component.file.open() as stream:
                # PDF/OFD/images are compressed already: store them, deflate the rest
                stored = component.file.filename.lower().endswith(
                    (".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".zip")
                )
                writer.add_stream(
                    f"{folder}/{evidence_records.component_path(component)}", stream, stored
                )
        index = (bundles or {}).get(record.UID(), getattr(record, "ledger_index", None))
        if index is not None:
            bundle = ledger.bundle(
                index,
                paths=[evidence_records.component_path(c) for c in content_components(record)],
            )
            writer.add(
                evidence_path(record.archival_code),
                json.dumps(bundle, ensure_ascii=False, sort_keys=True).encode("utf-8"),
            )
        rows.append(catalogue_row(n, record, metadata))
        codes.append(record.archival_code)
    values = {
        "移交单位": unit,
        "内容描述": description or f"{len(codes)} 件电子档案",
        "起止档号": f"{codes[0]}至{codes[-1]}" if codes else "",
        "档案数量": str(len(codes)),
        "软硬件环境": environment,
        "制作单位": unit,
        "制作时间": date.today().isoformat(),
    }
    if gap_note:
        values[NOTE_KEY] = gap_note
    writer.add(DESCRIPTION_NAME, render_description(values))
    writer.add(CATALOGUE_NAME, render_catalogue(rows))
    if form_xml is not None:
        writer.add(FORM_PATH, form_xml)
    data_bytes = writer.bytes
    manifest_sm3 = writer.close()
    return {
        "path": str(target),
        "manifest_sm3": manifest_sm3,
        "record_count": len(codes),
        "codes": codes,
        "data_bytes": data_bytes,
        "description": values,
        "package_sm3": digests.digest_file(str(target), ("SM3",))[0]["SM3"],
    }


# --- receipt and delivery ----------------------------------------------------------------


def prepare_transfer(
    fonds, records, *, unit: str, description: str = "", key=None, before_packaging=None
):
    """The whole records-room step: transfer the records, commit, write the package.

    Returns an outgoing :class:`TransferBatch` (in the fonds) whose package waits in the
    transfer area for download or delivery. Refused (409 ``SeriesGaps``) while a series the
    records take has a gap without a recorded reason (``continuity.check``).
    """
    import secrets

    from plone.dexterity.utils import addContentToContainer
    from plone.dexterity.utils import createContent

    from sd.archive.transfer import batch as state
    from sd.archive.transfer import continuity
    from sd.archive.transfer import form
    from sd.archive.transfer import spool

    records = list(records)
    continuity.check(fonds, records)  # 移交前连续性检查: each series as a whole (409)
    gap_note = continuity.note_for(fonds, records)
    transfer_out(records)
    uids = [r.UID() for r in records]
    transaction.commit()  # the transfer-out entries must be committed to be proven
    witnessed = before_packaging() if before_packaging is not None else None
    token = f"outgoing-{date.today().strftime('%Y%m%d')}-{secrets.token_hex(3)}"
    area = spool.batch_area(token)
    sender_form = form.sender_form_xml(
        fonds, records, unit=unit, description=description, gap_note=gap_note
    )
    facts = build_package(
        records,
        area / spool.PACKAGE_NAME,
        unit=unit,
        description=description,
        form_xml=sender_form,
        gap_note=gap_note,
    )
    shutil.rmtree(area / "work", ignore_errors=True)
    note = sender_note(facts["manifest_sm3"], facts["record_count"], fonds.fonds_code, key)
    batch = createContent(
        "TransferBatch",
        title=f"移交 {fonds.fonds_code} {facts['description']['内容描述']}",
        direction="outgoing",
        fonds_code=fonds.fonds_code,
        transferring_unit=unit,
        content_description=description,
    )
    batch.id = token
    batch = addContentToContainer(fonds, batch, checkConstraints=False)
    batch.token = token
    state.init_state(
        batch,
        {
            **facts,
            "fonds_code": fonds.fonds_code,
            "sender_receipt": note,
            "record_uids": uids,
            "witness": witnessed,
        },
        [],
    )
    batch.progress["finished"] = batch.progress["started"]
    for n, record in enumerate(records, 1):
        state.set_result(
            batch,
            n,
            outcome="transferred",
            archival_code=record.archival_code,
            uid=record.UID(),
            title=record.title,
            codes=[],
            errors=[],
            receipt={"ledger_index": record.ledger_index, "leaf_hash": record.leaf_hash},
        )
    api.content.transition(obj=batch, transition="submit", comment="移交包已生成 / package built")
    batch.reindexObject()
    return batch
