"""Record events: audited metadata corrections, frozen codes, retention, destruction."""

from datetime import date
from datetime import datetime
from datetime import timezone

from plone import api
from Products.CMFCore.indexing import processQueue
from sd.archive.core import codes
from sd.archive.core import retention
from sd.archive.numbering import code_rule
from sd.archive.numbering import fonds_of
from zExceptions import Forbidden

AUDITED_FIELDS = (
    "title", "description", "document_number", "author", "document_date", "document_type",
    "security_level", "open_status", "pages", "keywords", "abstract", "retention_period",
    "retention_start", "category_code", "year", "org_code", "service_item_name",
    "service_item_code", "case_number", "applicant_name", "handling_result",
)
SNAPSHOT = "_sd_metadata_snapshot"


def _value(obj, name):
    value = getattr(obj, name, None)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return value


def snapshot(record):
    setattr(record, SNAPSHOT, {n: _value(record, n) for n in AUDITED_FIELDS})


def _actor():
    return "system" if api.user.is_anonymous() else api.user.get_current().getId()


def check_frozen_code(record):
    """A frozen archival code must still agree with its parts (档号冻结)."""
    if not getattr(record, "code_frozen", False):
        return
    fonds = fonds_of(record)
    parts = codes.CodeParts(
        fonds_code=record.fonds_code,
        category=record.category_code,
        year=int(record.year),
        retention=record.retention_period,
        item_number=int(record.item_number),
        org_code=record.org_code or "",
        volume=int(record.volume_number) if record.volume_number else None,
    )
    if codes.render(parts, code_rule(fonds)) != record.archival_code:
        raise Forbidden(
            f"The archival code {record.archival_code} is frozen: "
            "correct it with a reason through the code correction action."
        )


def update_retention(record):
    period = getattr(record, "retention_period", None)
    start = getattr(record, "retention_start", None)
    if period and not start:
        start = getattr(record, "document_date", None)
        if start is None and getattr(record, "year", None):
            start = date(int(record.year), 1, 1)
        record.retention_start = start
    record.retention_expiry = retention.expiry_date(start, period) if period and start else None


def record_added(record, event):
    update_retention(record)
    snapshot(record)


def record_modified(record, event):
    """Audit every metadata correction after pre-archiving (著录更正留痕)."""
    check_frozen_code(record)
    update_retention(record)
    before = getattr(record, SNAPSHOT, None) or {}
    state = api.content.get_state(record, default=None)
    changes = []
    for name in AUDITED_FIELDS:
        new = _value(record, name)
        if name in before and before[name] != new:
            changes.append({"field": name, "old": before[name], "new": new})
    if changes and state not in (None, "pre_archived"):
        log = list(getattr(record, "correction_log", None) or [])
        log.append({
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "actor": _actor(),
            "state": state,
            "changes": changes,
        })
        record.correction_log = log
    snapshot(record)


def record_transitioned(record, event):
    """After 'destroy' only a tombstone with the metadata stays (销毁留存元数据)."""
    action = getattr(event, "action", None)
    if action == "destroy":
        # the destroyed state grants nobody 'Delete objects': remove the files unrestricted,
        # after pending catalog work so the components are unindexed cleanly
        processQueue()
        for component_id in list(record.objectIds()):
            record._delObject(component_id)
        record.disposition_state = retention.Disposition.DESTROYED.value
        record.reindexObject()
    elif action in ("retain", "retain_holdings"):
        record.disposition_state = retention.Disposition.RETAINED.value
    elif action in ("appraise", "appraise_holdings"):
        record.disposition_state = retention.Disposition.DUE.value
