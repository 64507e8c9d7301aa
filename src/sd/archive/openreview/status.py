"""开放状态 (``open_status``): written by the system only (#25 item 5).

``open_status`` is a server field (``protection.SERVER_FIELDS``: read-only in the schema,
refused by the deserializer). It changes

- when a review batch is approved (``openreview.batches.approve``), and
- when the per-record ``open`` / ``control`` transition is fired on its own (the archivist's
  single-record action): the status follows the state, so the two never disagree.

Both go through :func:`set_status` as a recorded action (:func:`recorded`: the record is
first checked against its latest ledger entry, then changed inside
``protection.sanctioned``). The approval's change is logged by the record's transition
entry; a single-record transition gets an ``audit`` entry for the new status first (the
``IBeforeTransitionEvent``), so its own entry finds the record agreeing with the ledger. Each
change lands in the record's ``open_log`` and the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from persistent.list import PersistentList

from sd.archive import audit
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.corrections import SNAPSHOT
from sd.archive.protection import sanctioned

#: the status a transition leaves the record in
AFTER_TRANSITION = {"open": "开放", "control": "控制"}


@contextmanager
def recorded(record, action: str = "open-status") -> Iterator[None]:
    """Check the record agrees with its ledger entry, then let it change (a recorded
    action; the caller logs the change)."""
    from sd.archive.ledger import ensure_agrees

    ensure_agrees(record)
    with sanctioned(record, action):
        yield


def set_status(record, status: str, how: str, who: str | None = None, **details) -> bool:
    """Set ``open_status`` (True when it changed), log it and keep the correction snapshot in
    step (the status is not a description correction); ``who`` acts (default: the user)."""
    old = getattr(record, "open_status", None)
    if old == status:
        return False
    record.open_status = status
    snap = getattr(record, SNAPSHOT, None)
    if isinstance(snap, dict) and "open_status" in snap:
        setattr(record, SNAPSHOT, {**snap, "open_status": status})
    entry = {
        "time": now(),
        "actor": who or actor(),
        "how": how,
        "old": old,
        "new": status,
        **details,
    }
    log = getattr(record, "open_log", None)
    if log is None:
        log = record.open_log = PersistentList()
    log.append(entry)
    audit.log("record.open-status", record, details={k: str(v) for k, v in entry.items()})
    return True


def before_transition(record, event):
    """IBeforeTransitionEvent: a single-record ``open``/``control`` sets the status too."""
    transition = getattr(getattr(event, "transition", None), "id", None)
    status = AFTER_TRANSITION.get(transition)
    if status is None or getattr(record, "open_status", None) == status:
        return
    from sd.archive.ledger import log_event

    with recorded(record):
        set_status(record, status, "transition", transition=transition)
        log_event("audit", record)
