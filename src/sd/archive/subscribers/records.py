"""Record events: audited metadata corrections, frozen codes, retention, destruction."""

from Products.CMFCore.indexing import processQueue
from zExceptions import Forbidden

from sd.archive.core import codes
from sd.archive.core import retention
from sd.archive.corrections import changes_since_snapshot
from sd.archive.corrections import snapshot
from sd.archive.numbering import fonds_of
from sd.archive.protection import RecordProtected
from sd.archive.protection import is_archived
from sd.archive.protection import is_sanctioned
from sd.archive.retention import update_expiry
from sd.archive.rules import code_rule


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
    if codes.render(parts, code_rule(fonds, record.category_code)) != record.archival_code:
        raise Forbidden(
            f"The archival code {record.archival_code} is frozen: "
            "correct it with a reason through the code correction action."
        )


def record_added(record, event):
    update_expiry(record)
    snapshot(record)


def record_modified(record, event):
    """Guard every change of description (著录) whatever path made it.

    A pre-archived record is still being described: any edit is fine. An archived record
    changes only inside a recorded action (``sd.archive.protection.sanctioned``), which logs
    the correction itself; anything else is refused and the transaction ends unstored.
    """
    check_frozen_code(record)
    changes = changes_since_snapshot(record)
    if changes and is_archived(record) and not is_sanctioned(record):
        raise RecordProtected([c["field"] for c in changes],
                              "/".join(record.getPhysicalPath()))
    update_expiry(record)
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
