"""The review queue (待人工整理): pre-archived records that no arrangement rule decided.

A records officer accepts the proposal (编号归档), adjusts category, retention period and
organisation code first (调整后归档), or rejects the record with a reason (退回). Accepting
assigns the archival code through ``sd.archive.numbering`` and moves the record to
``archived`` with the ``archive`` transition (logged in the ledger by the evidence subscribers).
"""

from __future__ import annotations

from plone import api

from sd.archive import rules
from sd.archive.core.arrangement.decide import value_problems
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.numbering import assign_code

ARCHIVE_RECORDS = "sd.archive: Archive records"
PENDING_REVIEW = "pending_review"


class ReviewError(ArchiveError):
    """The chosen arrangement cannot be applied (整理值有误): HTTP 422."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 422, "ReviewRefused")


def pending_brains(context) -> list:
    """Catalog entries of the records under ``context`` waiting for review (待人工整理) that
    the current user may archive, oldest first — from the catalog (``arrangement_status``
    index, metadata for the page), not the records.

    The permission is asked once per container (fonds or volume), of its first waiting record:
    the records of one container share their workflow state and the local roles that grant
    ``sd.archive: Archive records``."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog(
        portal_type="Record",
        review_state="pre_archived",
        arrangement_status=PENDING_REVIEW,
        path="/".join(context.getPhysicalPath()),
        sort_on="created",
    )
    allowed: dict[str, bool] = {}
    found = []
    for brain in brains:
        container = brain.getPath().rpartition("/")[0]
        if container not in allowed:
            allowed[container] = bool(
                api.user.has_permission(ARCHIVE_RECORDS, obj=brain.getObject())
            )
        if allowed[container]:
            found.append(brain)
    return found


def pending_records(context, uids=None) -> list:
    """The records of :func:`pending_brains` (only those of ``uids`` when given), woken."""
    wanted = None if uids is None else set(uids)
    return [
        brain.getObject()
        for brain in pending_brains(context)
        if wanted is None or brain.UID in wanted
    ]


def proposal(record) -> dict:
    """What arrangement proposed (may be incomplete) and why it did not decide."""
    return dict(getattr(record, "arrangement", None) or {})


def _problem(code, message, record):
    return Problem(code, message, record.electronic_record_id or record.getId(), "arrangement")


def check_values(record, category: str, retention: str, org_code: str) -> list[Problem]:
    """The values must fit the fonds' scheme (门类, 保管期限, 机构或问题)."""
    from sd.archive.numbering import fonds_of

    scheme = rules.fonds_scheme(fonds_of(record))
    obj = record.electronic_record_id or record.getId()
    problems = value_problems(scheme, category, retention, org_code, required=True, obj=obj)
    if not record.year:
        problems.append(_problem("ARRANGE-YEAR", "文件没有年度 / the record has no 年度", record))
    return problems


def accept(record, category: str = "", retention: str = "", org_code: str = "") -> str:
    """Assign the code (the proposal, or the values given to adjust it) and archive."""
    proposed = proposal(record)
    category = (category or proposed.get("category") or "").strip()
    retention = (retention or proposed.get("retention") or "").strip()
    org_code = (org_code or proposed.get("org_code") or "").strip()
    problems = check_values(record, category, retention, org_code)
    if problems:
        raise ReviewError(f"{record.Title()}: {len(problems)} values missing or wrong", problems)
    adjusted = (category, retention, org_code) != (
        proposed.get("category"),
        proposed.get("retention"),
        proposed.get("org_code"),
    )
    code = assign_code(record, category, record.year, retention, org_code)
    record.arrangement = {
        **proposed,
        "status": "reviewed",
        "category": category,
        "retention": retention,
        "org_code": org_code,
        "reviewed_by": api.user.get_current().getId(),
        "adjusted": adjusted,
    }
    record.arrangement_status = "reviewed"
    comment = (
        "人工整理：调整后归档 / adjusted and archived" if adjusted else "人工整理：归档 / accepted"
    )
    api.content.transition(obj=record, transition="archive", comment=comment)
    return code


def reject(record, reason: str) -> None:
    """Return the record to its sender with a reason (退回)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(
            "a reason is required to reject a record",
            [_problem("REVIEW-REASON", "退回须说明理由 / give a reason", record)],
        )
    record.arrangement = {
        **proposal(record),
        "status": "rejected",
        "reason": reason,
        "reviewed_by": api.user.get_current().getId(),
    }
    record.arrangement_status = "rejected"
    api.content.transition(obj=record, transition="reject", comment=reason)
