"""What an archivist does with a checked batch (接收操作): manual items, accept, return."""

from __future__ import annotations

from persistent.mapping import PersistentMapping
from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.ledger import log_event
from sd.archive.transfer import batch as state
from sd.archive.transfer import delivery
from sd.archive.transfer import form
from sd.archive.transfer import receipt as receipts
from sd.archive.transfer import spool


def _refuse(code: str, message: str, obj: str = "") -> ArchiveError:
    return ArchiveError(message, [Problem(code, message, obj, "state")], 409, "Conflict")


def accept(batch, reviewer: str | None = None) -> dict:
    """接收: every manual item passed; the receipt is countersigned and the form kept."""
    if api.content.get_state(batch) != "awaiting_acceptance":
        raise _refuse(
            "transfer.not-awaiting", "only a checked batch awaiting acceptance is accepted"
        )
    pending = state.manual_pending(batch)
    if pending:
        raise _refuse(
            "transfer.manual-pending", f"manual items not signed off: {', '.join(pending)}"
        )
    failed = [m["code"] for m in state.manual_items(batch) if m["outcome"] == "failed"]
    if failed:
        raise _refuse(
            "transfer.manual-failed", f"manual items failed: {', '.join(failed)}; return the batch"
        )
    reviewer = reviewer or api.user.get_current().getId()
    batch.sender_form = PersistentMapping(form.sender_side(batch))
    batch.registration_xml = form.registration_xml(batch, reviewer)
    batch.receipt = PersistentMapping(receipts.make_receipt(batch))
    api.content.transition(obj=batch, transition="accept", comment="接收 / accepted")
    batch.receipt["sent_back"] = delivery.send_receipt_back(batch, receipts.load(batch))
    spool.discard(batch.token)  # the records are in the holdings; the package is done
    return dict(batch.receipt)


def return_batch(batch, reasons: dict[str, str] | None = None) -> list[dict]:
    """退回: the failed records (their failed items) plus the archivist's reasons per record."""
    if api.content.get_state(batch) not in ("awaiting_acceptance", "checking"):
        raise _refuse(
            "transfer.not-returnable",
            "only a batch being checked or awaiting acceptance is returned",
        )
    reasons = dict(reasons or {})
    returned = []
    for result in state.results(batch):
        code = result["archival_code"]
        why = [f"{e['code']}: {e['message']}" for e in result.get("errors", [])]
        if reasons.get(code):
            why.append(reasons.pop(code))
        if result["outcome"] == state.FAILED or (why and result["outcome"] != state.RECEIVED):
            returned.append({"archival_code": code, "sequence": result["sequence"], "reasons": why})
            batch.results[result["sequence"]].update(outcome=state.RETURNED, reasons=why)
            # the record never entered the holdings: the return is logged on the batch, under
            # the record's 档号, so that the sender and the archives can prove it was returned
            log_event("return", batch, code=code, title=result.get("title") or code, content={})
    for code, why in reasons.items():  # a reason for a record that was never read
        returned.append({"archival_code": code, "sequence": None, "reasons": [why]})
    batch.returns.extend(returned)
    api.content.transition(
        obj=batch,
        transition="return",
        comment=f"退回 {len(returned)} 件 / returned {len(returned)} records",
    )
    return returned
