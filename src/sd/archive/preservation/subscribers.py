"""When AIPs are written (AIP 写入时机).

- a record is archived (归档) or received (进馆): a new AIP version, queued in the same
  transaction and written after the commit by the after-archiving queue (``postprocess``),
  or written now when the queue is off (``SD_ARCHIVE_POSTPROCESS=inline``);
- later changes that make a new version (a new component, a metadata correction): queued
  and written once, before the transaction commits, if the record really differs.
"""

from __future__ import annotations

from sd.archive.seals.archiving import may_seal

from . import postprocess
from . import store

WRITE_ON = ("archive", "receive")


def record_transitioned(record, event):
    action = getattr(event, "action", None)
    if action not in WRITE_ON:
        return
    if postprocess.queued():
        # the seal is decided now, with the permissions of whoever archives
        postprocess.enqueue(record, action, seal=action == "archive" and may_seal(record))
    else:
        store.preserve_or_alarm(record, action, force=True)


def record_modified(record, event):
    if store.last_version(record) is not None:
        store.queue(record)


def component_added(component, event):
    record = component.__parent__
    if record is not None and store.last_version(record) is not None:
        store.queue(record)
