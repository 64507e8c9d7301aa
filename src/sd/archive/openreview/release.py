"""Release of an approved review batch (开放审核结果生效): each decision takes effect.

- 开放: ``open_status`` 开放, then the ``open`` transition (its ledger entry holds the new
  status; the catalog gives anonymous visitors the catalogue entry from this commit on);
- 控制使用: ``open_status`` 控制, ``open_next_review`` the next review date (the record is due
  again then, ``closure_end``), the ``control`` transition from ``received``; a record already
  controlled gets a ledger entry of its own for the new status;
- 删节后开放: the redacted access copy is added as a NEW component (``version_of`` the
  original, ``redacted`` set: the access copies serve it in the original's place), the
  original component is closed to all but the archive's staff (View), then as 开放.

Records placed under hold after the decisions are left as they are (``withheld``) and come
back in a later batch. ``commit_every`` (the benchmark, a script) commits in slices.
"""

from __future__ import annotations

import datetime

import transaction
from plone import api

from sd.archive.core.openreview import rules
from sd.archive.openreview import status

REVIEW_INDEXES = ["open_status", "closure_end"]


#: the states each transition leaves from (sd_record_workflow)
TRANSITION_FROM = {"open": ("received", "controlled"), "control": ("received", "open")}


def _transition(record, name: str) -> bool:
    """Fire ``name`` when the record's state has it (its guard is checked by the workflow;
    listing every transition's guard first cost a third of the release)."""
    if api.content.get_state(record, default=None) not in TRANSITION_FROM[name]:
        return False
    api.portal.get_tool("portal_workflow").doActionFor(record, name)
    return True


def _redact(record, decision: dict, batch_id: str):
    from sd.archive.openreview.batches import STAFF_ROLES
    from sd.archive.openreview.batches import redacted_bytes
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


def apply(record, decision: dict, batch_id: str) -> str:
    """Make one decision take effect; the record's new open_status."""
    kind = decision["decision"]
    new_status = rules.STATUS_AFTER[kind]
    idxs = REVIEW_INDEXES
    how = f"review {batch_id}"
    with status.recorded(record, f"openreview {batch_id}"):
        if kind == rules.CONTROLLED:
            record.open_next_review = datetime.date.fromisoformat(decision["next_review"])
            changed = status.set_status(record, new_status, how, reason=decision.get("reason", ""))
            if not _transition(record, "control") and changed:
                from sd.archive.ledger import log_event

                log_event("audit", record)  # the new status in the ledger (no transition)
        else:
            if kind == rules.REDACTED:
                _redact(record, decision, batch_id)
                idxs = []  # the searchable text changed too: every index
            record.open_next_review = None
            status.set_status(record, new_status, how, reason=decision.get("reason", ""))
            _transition(record, "open")
    record.reindexObject(idxs=idxs)
    return new_status


def release(batch, commit_every: int = 0) -> dict:
    """Apply every decision of ``batch``; counts per kind and the withheld records' uids."""
    from sd.archive.openreview.batches import record_at

    counts = {rules.OPEN: 0, rules.CONTROLLED: 0, rules.REDACTED: 0}
    withheld = []
    for n, (uid, decision) in enumerate(list(batch.decisions.items()), 1):
        record = record_at(batch, uid)
        if record is None or getattr(record, "holds", None):
            withheld.append(uid)
            continue
        apply(record, decision, batch.id)
        counts[decision["decision"]] += 1
        if commit_every and n % commit_every == 0:
            transaction.savepoint(optimistic=True)
    return {**counts, "withheld": withheld}
