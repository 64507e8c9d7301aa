"""Strip a seal's digital data, keep its image (去除签章数字信息、保留印章图像).

A records officer's action (``@@strip-seal`` form, ``POST @strip-seal``). In order:

1. check the request: a reason, a component of this record, a signed OFD/PDF;
2. verify first and record the result, the certificates and the digests: the component's and
   the record's ``seal_findings`` (DA/T 46 M57–M64, business entity 验证) and an entry in the
   record's ``strip_log``;
3. strip with the core (:func:`sd.archive.core.seals.strip.strip_ofd` / ``strip_pdf``) and add the
   result as a NEW component (利用版) at a path of its own, linked to the original by
   ``version_of``; the original stays the preservation version (保存版), path and bytes;
4. log the event in the ledger (:func:`sd.archive.ledger.log_event`, event ``seal-strip``),
   an entry that lists every file of the record, the original and the stripped copy.

Everything happens in the caller's transaction: a failure leaves nothing half stored.
"""

from __future__ import annotations

import datetime as dt

from AccessControl import Unauthorized
from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.seals.strip import strip_ofd
from sd.archive.core.seals.strip import strip_pdf
from sd.archive.interfaces import IComponent
from sd.archive.ledger import log_event
from sd.archive.seals import settings
from sd.archive.seals.verification import component_bytes
from sd.archive.seals.verification import component_format
from sd.archive.seals.verification import file_finding
from sd.archive.seals.verification import finding
from sd.archive.seals.verification import refresh_record
from sd.archive.seals.verification import store_picture
from sd.archive.seals.verification import verify_bytes
from sd.archive.seals.versions import add_version
from sd.archive.seals.versions import derived_name

PERMISSION = "sd.archive: Strip seals"
SUFFIX = "去签章"
EVENT = "seal-strip"
MAX_REASON = 2000


def component_by_uid(record, uid: str):
    for item in record.objectValues():
        if IComponent.providedBy(item) and item.UID() == uid:
            return item
    return None


def _refuse(message: str, problems: list[Problem], status: int = 400, type: str = "BadRequest"):  # noqa: A002
    raise ArchiveError(message, problems, status, type)


def check_request(record, uid, reason) -> tuple:
    """The component and the cleaned reason, or a structured error listing every problem."""
    problems = []
    if not isinstance(reason, str) or not reason.strip():
        problems.append(Problem("seal.strip.reason", "a reason is required (去除理由)", "reason"))
    elif len(reason) > MAX_REASON:
        problems.append(
            Problem(
                "seal.strip.reason", f"the reason is longer than {MAX_REASON} characters", "reason"
            )
        )
    component = None
    if not isinstance(uid, str) or not uid:
        problems.append(
            Problem("seal.strip.component", "the component UID is required", "component")
        )
    else:
        component = component_by_uid(record, uid)
        if component is None:
            problems.append(
                Problem("seal.strip.component", f"no component {uid} in this record", "component")
            )
    if problems:
        _refuse("the seal cannot be stripped", problems)
    return component, reason.strip()


def strip_seal(record, uid, reason) -> tuple:
    """Strip the component ``uid`` of ``record``; returns (new component, strip_log entry)."""
    if not api.user.has_permission(PERMISSION, obj=record):
        raise Unauthorized("You may not strip seals on this record.")
    component, reason = check_request(record, uid, reason)
    data = component_bytes(component)
    fmt = component_format(component, data)
    where = component.getId()
    if fmt not in ("OFD", "PDF"):
        _refuse(
            "only OFD and PDF files carry seals that can be stripped",
            [Problem("seal.strip.format", "not an OFD or PDF file", where, "usability")],
            422,
            "Unprocessable",
        )
    trust = settings.trust_store()
    status, verdicts, reasons = verify_bytes(data, fmt, trust)
    if not verdicts:
        _refuse(
            "the file carries no signature to strip",
            [
                Problem(
                    "seal.strip.unsigned",
                    f"status {status}: nothing to strip",
                    where,
                    "authenticity",
                )
            ],
            422,
            "Unprocessable",
        )
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    file_sm3 = component.sm3 or ""
    findings = [
        dict(finding(v, component, file_sm3, when), business_entity="验证") for v in verdicts
    ]
    findings += [
        dict(file_finding(r, fmt, component, file_sm3, when), business_entity="验证")
        for r in reasons
    ]
    for verdict in verdicts:
        store_picture(component, verdict)
    stripped, provenance = (strip_ofd if fmt == "OFD" else strip_pdf)(data, trust)

    name = component.file.filename or component.getId()
    new = add_version(
        record,
        component,
        stripped,
        derived_name(name, SUFFIX),
        "application/ofd" if fmt == "OFD" else "application/pdf",
        format_name=fmt,
        seal_stripped=True,
    )
    actor = api.user.get_current().getId()
    # the entry states all the record's files by path, the original and the stripped copy side
    # by side: it is the record's latest, which @export copies (digests only; the reason and
    # verdicts are in strip_log)
    receipt = log_event(
        EVENT,
        record,
        code=getattr(record, "archival_code", "") or "",
        title=record.Title(),
        package_digest=provenance["result"]["sm3"],
        actor=actor,
    )
    entry = {
        "action": EVENT,
        "business_entity": "验证",  # DA/T 46 业务实体: verification before stripping
        "time": when,
        "actor": actor,
        "reason": reason,
        "component": component.UID(),
        "component_id": component.getId(),
        "stripped_component": new.UID(),
        "stripped_component_id": new.getId(),
        "format": fmt.lower(),
        "status": status,
        "original": provenance["original"],
        "result": provenance["result"],
        "verdicts": findings,
        "stamps": provenance["stamps"],
        "removed": provenance.get("removed", []),
        "ledger": receipt or {},
    }
    component.seal_findings = findings
    new.strip_log = [entry]
    record.strip_log = [*(record.strip_log or []), entry]
    record.seal_stripped = True
    refresh_record(record)
    return new, entry
