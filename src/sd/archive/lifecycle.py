"""The lifecycle of a record and its components (档案生命周期): what follows each event, in order.

One subscriber per (object, event) pair (``lifecycle.zcml``); each calls the areas' functions in
the order a reader sees here, never in ZCML include order:

    digests → seal verification → ledger entry → archiving seal → AIP queue

- a component is stored (电子文件入库): its digests, its seals verified, a new AIP version queued;
- a component is modified: refused once its record is archived, else its digests follow;
- a record is added or modified: the guards (frozen code, archived record), retention dates and
  the correction snapshot, then the ledger's ``audit`` entry and a new AIP version;
- a record's workflow transition: its disposition (销毁留存元数据), the ledger entry, then on
  ``archive`` the archiving seal and on ``archive``/``receive`` the AIP — seal first, so the
  AIP holds the sealed versions. With the after-archiving queue on
  (``sd.archive.preservation.postprocess``) both are queued in this transaction and the worker
  does them in the same order after the commit.

The audit trail (``sd.archive.audit``) observes the same events with its own subscribers.
"""

from __future__ import annotations

from zope.event import notify

from sd.archive.core import digests
from sd.archive.corrections import changes_since_snapshot
from sd.archive.corrections import snapshot
from sd.archive.ledger import subscribers as ledger
from sd.archive.numbering import check_frozen_code
from sd.archive.preservation import postprocess
from sd.archive.preservation import queues
from sd.archive.preservation import store
from sd.archive.protection import guard_change
from sd.archive.repository import ComponentStoredEvent
from sd.archive.retention import record_disposition
from sd.archive.retention import update_expiry
from sd.archive.seals.archiving import may_seal
from sd.archive.seals.archiving import seal_archived
from sd.archive.seals.verification import verify_stored
from sd.archive.text import queue as text_queue

#: the transitions that write an AIP version (AIP 写入时机: 归档, 进馆)
AIP_ON = ("archive", "receive")


# --- components (电子文件) ---------------------------------------------------------------------


def component_added(component, event):
    """IObjectAddedEvent: a component added as Plone content (edit form, REST POST, a copied
    record) is stored like one from the repository."""
    notify(ComponentStoredEvent(component))


def component_stored(component, event):
    """IComponentStoredEvent: digests, seal verification (入库验签), AIP queue."""
    fill_digests(component)
    verify_stored(component)
    record = getattr(component, "__parent__", None)
    store.queue_if_preserved(record)
    if record is not None and store.last_version(record) is not None:
        text_queue.enqueue(record)  # a file added to a preserved record: its text too (#30)


def component_modified(component, event):
    """IObjectModifiedEvent: a component of an archived record never changes (内容不可更改): not
    its bytes, not its title, path, role or order; a new version (conversion, stripped seal) is
    a new component. Only a recorded action (``sd.archive.protection.sanctioned``) may touch one."""
    guard_change(component, _names(event) or ["file"])
    refresh_digests(component)


def _names(event) -> list[str]:
    return [
        name
        for description in getattr(event, "descriptions", None) or ()
        for name in getattr(description, "attributes", ())
    ]


def _file_digests(component):
    from sd.archive.intake.received import is_shared

    if is_shared(component.file):  # a spliced package as received: its bytes, not its table
        with component.file.open() as f:
            return digests.digest_stream(f, ("SM3", "SHA-256"))
    blob = getattr(component.file, "_blob", None)
    if blob is None:
        return digests.digest_stream(component.file.open(), ("SM3", "SHA-256"))
    with blob.open("r") as f:
        return digests.digest_stream(f, ("SM3", "SHA-256"))


def fill_digests(component) -> None:
    """Fill size and digests from the stored bytes (read once, in chunks)."""
    if component.file is None:
        return
    if getattr(component, "sm3", None) and getattr(component, "size", None) is not None:
        return  # intake computed them while reading the package
    found, size = _file_digests(component)
    component.sm3 = found["SM3"]
    component.sha256 = found["SHA-256"]
    component.size = size
    if not getattr(component, "format_name", None):
        name = component.file.filename or ""
        component.format_name = name.rsplit(".", 1)[-1].upper() if "." in name else ""


def refresh_digests(component) -> None:
    """Recompute the digests of a changed file (a pre-archived record's component)."""
    if component.file is None:
        return
    found, size = _file_digests(component)
    if found["SM3"] == getattr(component, "sm3", None):
        return
    component.sm3 = found["SM3"]
    component.sha256 = found["SHA-256"]
    component.size = size


# --- records (件) ------------------------------------------------------------------------------


def record_added(record, event):
    """IObjectAddedEvent: retention dates and the snapshot later corrections compare with."""
    update_expiry(record)
    snapshot(record)


def record_modified(record, event):
    """IObjectModifiedEvent: guard every change of description (著录) whatever path made it.

    A pre-archived record is still being described: any edit is fine. An archived record
    changes only inside a recorded action (``sd.archive.protection.sanctioned``), which logs
    the correction itself; anything else is refused and the transaction ends unstored. Then
    the ledger logs a correction of a logged record, and a preserved record gets a new AIP.
    """
    check_frozen_code(record)
    guard_change(record, [c["field"] for c in changes_since_snapshot(record)])
    update_expiry(record)
    snapshot(record)
    ledger.log_modification(record)
    store.queue_if_preserved(record)


def record_transitioned(record, event):
    """IActionSucceededEvent: disposition, ledger entry, archiving seal, AIP."""
    action = getattr(event, "action", None)
    record_disposition(record, action)
    ledger.log_transition(record, action)
    if action not in AIP_ON:
        return
    text_queue.enqueue(record)  # the text of the files (#30): after archiving, never here
    seal = action == "archive" and may_seal(record)  # with the permissions of whoever archives
    if queues.queued():
        postprocess.enqueue(record, action, seal=seal)  # the worker: seal, then the AIP
        return
    if seal:
        seal_archived(record)
    store.preserve_or_alarm(record, action, force=True)
