"""The destruction register (销毁清册) and certificate (销毁证明) of a batch.

The certificate is kept on the batch (``certificate_file``) and **filed as a record of the
fonds itself**: the batch's fonds is the agency's own fonds (机关档案室) or, for a holdings
batch, the fonds whose records the archives destroyed; the certificate documents an act of
that fonds' records management, so it goes there as an administrative record (文书, category
``WS``) of the execution's year, kept permanently (``Y``: 销毁清册与销毁证明永久保存), numbered
and archived like any record (档号, ledger, AIP). The organisation part of its code is the
one of the first destroyed record (机构或问题 of the records it speaks of).
"""

from __future__ import annotations

import transaction
from plone import api
from plone.namedfile.file import NamedBlobFile

from sd.archive import logger
from sd.archive.browser.times import beijing_time
from sd.archive.core.appraisal import register
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import Kind
from sd.archive.core.errors import ArchiveError

from . import batches


def reason_of(batch, uid: str) -> str:
    """The destroy reasons the members gave for the record (their own, else the batch's)."""
    found = batches.opinions_of(batch)
    reasons = []
    for member in batch.members:
        opinion = rules.member_opinion(found, member, uid)
        if opinion and opinion.reason not in reasons:
            reasons.append(opinion.reason)
    return "；".join(reasons) or batch.reason


def register_items(batch, uids=None):
    for uid in uids if uids is not None else batches.to_destroy(batch):
        yield batch.items[uid], reason_of(batch, uid)


def _time(value: str) -> str:
    return beijing_time(value) if value else ""


def facts(batch) -> dict:
    fonds = batches.fonds_of_batch(batch)
    return {
        "fonds_code": batch.fonds_code,
        "fonds_title": fonds.title,
        "title": batch.title,
        "kind_label": Kind(batch.kind).label_zh,
        "proposer": batch.proposer,
        "proposed": _time(batch.proposed),
        "approver": batch.approver,
        "approved": _time(batch.approved),
        "supervisors": list(batch.supervisors),
        "executor": batch.executor,
        "executed": _time(batch.executed),
        "count": len(getattr(batch, "done", None) or ()),
    }


def register_file(batch, fmt: str) -> bytes:
    """销毁清册 as ``xlsx`` or ``pdf`` (the records the group decided to destroy)."""
    make = register.register_xlsx if fmt == "xlsx" else register.register_pdf
    return make(facts(batch), register_items(batch))


def make(batch) -> None:
    """Make the certificate, keep it on the batch and file it in the fonds."""
    done = [u for u in batches.to_destroy(batch) if u in batch.done]
    data = register.certificate_pdf(facts(batch), register_items(batch, done))
    batch.certificate_file = NamedBlobFile(
        data=data, filename=f"销毁证明-{batch.getId()}.pdf", contentType="application/pdf"
    )
    savepoint = transaction.savepoint(optimistic=True)
    try:
        record = file_certificate(batch, data, done)
    except ArchiveError as error:  # kept on the batch; the page says it was not filed
        savepoint.rollback()
        logger.error("certificate of %s not filed: %s", batch.getId(), error)
        batch.certificate_error = error.message
        return
    batch.certificate_uid = record.UID()


def file_certificate(batch, data: bytes, done):
    """File the certificate as an archived record of the fonds (see the module)."""
    from sd.archive.numbering import assign_code
    from sd.archive.repository import ComponentData
    from sd.archive.repository import create_record

    fonds = batches.fonds_of_batch(batch)
    year = int(batch.executed[:4]) if batch.executed else batches.retention.today().year
    org = next((batch.items[u].get("org_code") for u in done if batch.items[u].get("org_code")), "")
    metadata = {
        "title": f"{batch.title}电子档案销毁证明",
        "record_kind": "电子公文",
        "electronic_record_id": f"APPRAISAL-{batch.fonds_code}-{batch.getId()}",
        "agency_name": getattr(fonds, "agency_name", "") or fonds.title,
        "author": getattr(fonds, "agency_name", "") or fonds.title,
        "fonds_code": batch.fonds_code,
        "year": year,
        "retention_period": "Y",
        "document_type": "销毁证明",
        "keywords": ["销毁证明", "销毁清册"],
    }
    component = ComponentData(
        filename=f"销毁证明-{batch.getId()}.pdf",
        data=data,
        role="正本",
        sequence=1,
        content_type="application/pdf",
        format_name="PDF",
    )
    with api.env.adopt_roles(["Manager"]):  # the system files its own record
        record = create_record(fonds, metadata, [component])
        assign_code(record, "WS", year, "Y", org)
        api.content.transition(record, transition="archive", comment=f"鉴定批次 {batch.getId()}")
    return record
