"""Release of an approved review batch (开放审核结果生效): each decision takes effect.

- 开放: ``open_status`` 开放, then the ``open`` state change (its ledger entry holds the new
  status; the catalog gives anonymous visitors the catalogue entry from this commit on);
- 控制使用: ``open_status`` 控制, ``open_next_review`` the next review date (the record is due
  again then, ``closure_end``), the ``control`` state change from ``received``; a record
  already controlled gets a ledger entry of its own for the new status;
- 删节后开放: the redacted access copy is added as a NEW component (``version_of`` the
  original, ``redacted`` set: the access copies serve it in the original's place), the
  original component is closed to all but the archive's staff (View), then as 开放.

Each record's change is one recorded action (``status.recorded``: checked against its ledger
entry first); the state change itself is :mod:`.statechange` (the workflow's effects, only the
indexes and columns that change). :func:`apply_chunk` notes every record it settled in the
batch's ``applied`` (in the same transaction as the record), so an approval stopped between
two chunks goes on where it stopped and never applies a decision twice. Records placed under
hold after the decisions are left as they are (``withheld``) and come back in a later batch.
"""

from __future__ import annotations

import datetime

from sd.archive.core.openreview import rules
from sd.archive.openreview import status
from sd.archive.openreview.statechange import REVIEW_INDEXES
from sd.archive.openreview.statechange import Mover

#: what ``applied`` notes for a record left alone because of a hold
WITHHELD = "withheld"


def _redact(record, decision: dict, batch_id: str):
    from sd.archive.openreview.batches import STAFF_ROLES
    from sd.archive.openreview.decisions import redacted_bytes
    from sd.archive.seals.versions import add_version
    from sd.archive.seals.versions import derived_name

    spec = decision["redaction"]
    original, data = redacted_bytes(record, spec)
    name = getattr(original.file, "filename", "") or original.getId()
    text = bool(spec.get("ranges"))
    # inside the caller's recorded action (status.recorded)
    new = add_version(
        record,
        original,
        data,
        derived_name(name, "删节"),
        "text/plain" if text else "application/pdf",
        format_name="TXT" if text else "PDF",
        redacted=True,
        redaction_batch=batch_id,
    )
    # the original stays closed (原件不开放): only the archive's staff may still open it, and
    # its text leaves the record's searchable text (text.record_text)
    original.manage_permission("View", list(STAFF_ROLES), acquire=False)
    record.redacted_originals = (
        *(getattr(record, "redacted_originals", None) or ()),
        original.UID(),
    )
    return new


def apply(record, decision: dict, batch_id: str, mover: Mover | None = None) -> str:
    """Make one decision take effect; the record's new open_status."""
    from sd.archive.ledger import log_event

    mover = mover or Mover()
    kind = decision["decision"]
    new_status = rules.STATUS_AFTER[kind]
    how = f"review {batch_id}"
    comment = f"开放审核批次 {batch_id}"
    with status.recorded(record, f"openreview {batch_id}"):
        if kind == rules.CONTROLLED:
            record.open_next_review = datetime.date.fromisoformat(decision["next_review"])
        else:
            if kind == rules.REDACTED:
                _redact(record, decision, batch_id)
            record.open_next_review = None
        changed = status.set_status(
            record, new_status, how, who=mover.who, reason=decision.get("reason", "")
        )
        transition = "control" if kind == rules.CONTROLLED else "open"
        moved = mover.move(record, transition, comment)
        if not moved and changed:
            log_event("audit", record)  # the new status in the ledger (no state change)
    if kind == rules.REDACTED:
        record.reindexObject()  # the searchable text changed too: every index
    elif not moved:
        mover.reindex(record, REVIEW_INDEXES)  # the next review date, the status
    return new_status


def apply_chunk(batch, uids, mover: Mover | None = None) -> None:
    """Apply the decisions of ``uids`` not applied yet, noting each in ``batch.applied``."""
    from sd.archive.openreview.batches import record_at

    mover = mover or Mover()
    applied = batch.applied
    for uid in uids:
        if uid in applied:
            continue  # done by an earlier (stopped) run
        decision = batch.decisions[uid]
        record = record_at(batch, uid)
        if record is None or getattr(record, "holds", None):
            applied[uid] = WITHHELD
            continue
        apply(record, decision, batch.id, mover)
        applied[uid] = decision["decision"]


def results(batch) -> dict:
    """Counts per kind and the withheld records' uids."""
    counts = {rules.OPEN: 0, rules.CONTROLLED: 0, rules.REDACTED: 0}
    withheld = []
    for uid, kind in batch.applied.items():
        if kind == WITHHELD:
            withheld.append(uid)
        else:
            counts[kind] += 1
    return {**counts, "withheld": withheld}
