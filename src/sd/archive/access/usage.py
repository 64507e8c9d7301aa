"""Using an approved access request (利用): the checks before a record is read or downloaded,
the watermarked copy, the register of use."""

from __future__ import annotations

from sd.archive.access import register
from sd.archive.access.lookup import facts
from sd.archive.access.lookup import find_record
from sd.archive.access.lookup import today
from sd.archive.access.requests import APPROVED
from sd.archive.access.requests import EXPIRED
from sd.archive.access.requests import is_requester
from sd.archive.access.requests import state_of
from sd.archive.core.access import period
from sd.archive.core.access import rules
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.errors import bad_request
from sd.archive.core.errors import forbidden
from sd.archive.interfaces import IAccessRequest


def check_use(request, record_ref: str, action: str):
    """The record the requester may read (``view``) or download (``download``) now under
    ``request``; raises (403/404/409) with the reason otherwise."""
    if not IAccessRequest.providedBy(request):
        raise bad_request("not an access request", "access.not-a-request")
    if not is_requester(request):
        raise forbidden(
            "only the requester uses an approved request (仅申请人本人可以利用)",
            "access.not-requester",
        )
    state = state_of(request)
    if state == EXPIRED:
        raise forbidden(
            f"the period ended on {request.end} (利用期限已于 {request.end} 届满)", "access.expired"
        )
    if state != APPROVED:
        raise forbidden("the request is not approved (申请未获批准)", "access.not-approved")
    if not period.active(request.start, request.end, today()):
        raise forbidden(
            f"the period starts on {request.start} (利用期限自 {request.start} 开始)",
            "access.not-yet",
        )
    record = find_record(record_ref or "")
    if record is None or record.UID() not in (request.records or []):
        raise ArchiveError(
            "the record is not part of this request (该档案不在本次申请范围内)",
            [
                Problem(
                    "access.record-not-granted", "not granted", (record_ref or "")[:120], "record"
                )
            ],
            404,
            "NotFound",
        )
    try:
        rules.check_record(facts(record))
    except ArchiveError as error:
        if error.problems and error.problems[0].code != "access.open":
            raise
    if action == "download" and request.form == rules.ONLINE:
        raise forbidden(
            "this request is for online reading only (本申请仅批准在线阅览，不能下载)",
            "access.download-not-granted",
        )
    return record


def use(request, record_ref: str, action: str) -> tuple[str, bytes]:
    """Read (``view``) or download (``download``) ``record_ref`` under ``request``: the
    checks of :func:`check_use`, the watermarked copy, an entry in the register of use.
    Returns (file name, PDF bytes)."""
    from sd.archive.access import copies

    if action not in ("view", "download"):
        raise bad_request("action must be view or download", "access.action", "action")
    try:
        record = check_use(request, record_ref, action)
    except ArchiveError as error:
        from sd.archive import audit

        audit.log_now(
            f"access.{action}",
            request,
            outcome="refused",
            details={
                "number": request.request_number,
                "code": error.problems[0].code if error.problems else "",
            },
        )
        raise
    data = copies.request_copy(request, record)
    register.add(request, "viewed" if action == "view" else "downloaded", record=record)
    return copies.filename(record, request.request_number), data
