"""The after-archiving queue (归档后处理队列): archiving seal and first AIP after the commit.

Intake and receipt answer as soon as the record, its components and its ledger entries are
committed. The heavier work that follows archiving — the archiving seal (归档章) on the
originals and the AIP version written to every online location — is queued in the *same*
transaction that archived the record (a BTree in the site, keyed by UID), so the work is
durable exactly when the record is: a crash after the commit leaves the entry, never a
record without its package. A worker thread with its own connection then does the work and
removes the entries in the same transaction, up to ``SD_ARCHIVE_POSTPROCESS_BATCH`` records
(default 8) per transaction (:func:`take_many`): each record's AIP goes to a writer process
(``SD_ARCHIVE_AIP_PROCESSES``, default 2) as soon as it is built, and the next record is sealed
and packaged meanwhile; a batch that fails is taken again one record at a time. The text of the
next records is extracted ahead on helper threads (:class:`TextAhead`) and their PDF originals
are sealed ahead in a process (:class:`SealAhead`), also while the worker gives way to
intake (both in ``ahead``). The queue is 32 shards whose concurrent changes merge
(``queues``), so adding and taking never conflict; the drain loop, shared with the text and
findings queues, is in ``drainloop``; the worker thread that drains them all is ``worker``.

``SD_ARCHIVE_POSTPROCESS``: ``queue`` (default) or ``inline`` (everything in the archiving
transaction, as before the queue; the test layers use it; ``queues.queued``).
``SD_ARCHIVE_POSTPROCESS_WORKER=off`` keeps a process from running the worker (run exactly one
per deployment: the other Zope processes of a ZEO/RelStorage cluster set it off;
``scripts/preservation.py drain`` empties the queue from the command line). The worker gives
way to intake (让路于前台接收, ``giveway``).
"""

from __future__ import annotations

import os
from datetime import datetime

import transaction

from sd.archive import logger
from sd.archive.seals.archiving import seal_archived
from sd.archive.text import queue as text_queue

from . import alarms
from . import queues
from . import store
from .ahead import SealAhead
from .ahead import TextAhead
from .drainloop import drain_queue
from .giveway import gather
from .queues import AFTER_ARCHIVING
from .queues import SEAL
from .queues import PendingWork  # noqa: F401 - shards stored before queues.py name it here


def enqueue(record, reason: str, seal: bool) -> None:
    """Queue the after-archiving work of ``record`` in the current transaction (排队)."""
    uid = record.UID()
    shard = queues.shard(AFTER_ARCHIVING, uid, create=True)
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    since, steps = shard.items.get(uid, (now, ()))
    wanted = set(steps) | {f"preserve:{reason}"} | ({SEAL} if seal else set())
    shard.put(uid, (since, tuple(sorted(wanted))))
    transaction.get().addAfterCommitHook(queues.wake_worker)


def pending(site=None) -> int:
    """How many records wait for their seal and AIP (待处理)."""
    return queues.pending(AFTER_ARCHIVING, site)


def is_pending(record) -> bool:
    return queues.is_queued(AFTER_ARCHIVING, record.UID())


def entries(site=None, limit: int = 50) -> list[dict]:
    """The oldest queued records first: uid, since, steps."""
    found = [
        {"uid": uid, "since": since, "steps": list(steps)}
        for shard in queues.shards(AFTER_ARCHIVING, site)
        for uid, (since, steps) in shard.items.items()
    ]
    return sorted(found, key=lambda e: e["since"])[:limit]


def process(record, steps, extractor=None) -> dict | None:
    """Do the queued work of one record in the lifecycle's order (``sd.archive.lifecycle``):
    archiving seal first, then the text of the files (``sd.archive.text``), then the AIP (with
    the seal and the text as a derived representation). ``extractor``: see :class:`TextAhead`
    (default: the worker's, which answers from text extracted ahead when it has it)."""
    started = start(record, steps, extractor)
    return None if started is None else store.finish_or_alarm(started)


def start(record, steps, extractor=None) -> store.Started | None:
    """:func:`process` up to the AIP handed to its writer process (not waited for)."""
    if SEAL in steps:
        seal_archived(record, seal_ahead.stamp if seal_ahead.processes > 0 else None)
    # the text of the files, so the first AIP holds it
    text_queue.take_if_pending(record, extractor=extractor or text_ahead.extractor)
    reasons = [s.split(":", 1)[1] for s in steps if s.startswith("preserve:")]
    return store.start_or_alarm(record, reasons[0] if reasons else "archive", force=True)


def upcoming(site=None, limit: int = 16) -> list[str]:
    """The uids the drain takes next, in its order (:func:`next_uid`), at most ``limit``."""
    return queues.upcoming(AFTER_ARCHIVING, site, limit)


def next_uid(site=None) -> str | None:
    """The oldest entry of the first shard that has any."""
    return queues.next_uid(AFTER_ARCHIVING, site)


text_ahead = TextAhead(int(os.environ.get("SD_ARCHIVE_TEXT_AHEAD_THREADS", 2)))
seal_ahead = SealAhead(int(os.environ.get("SD_ARCHIVE_SEAL_PROCESSES", 1)))


def take(uid: str, site=None) -> None:
    """Do the queued work of ``uid`` in the current transaction and remove its entry.

    The entry leaves the queue in the same transaction that writes the AIP. A record gone
    meanwhile (deleted, destroyed) only leaves the queue."""
    shard = queues.shard(AFTER_ARCHIVING, uid, site)
    _since, steps = shard.items[uid]
    shard.remove(uid)
    record = store.record_by_uid(uid)
    if record is not None and not store._destroyed(record):
        process(record, steps)


def take_many(uids: list[str], site=None) -> None:
    """:func:`take` of several records in the current transaction: each record's AIP is
    handed to a writer process as soon as it is built, and the next record is sealed and
    packaged meanwhile (AIPs written on the other core, two at a time); then every version is
    recorded in order. All leave the queue with the one commit; on any failure the AIP files
    written so far are removed (none is recorded) and the caller aborts."""
    started: list[store.Started] = []
    try:
        for uid in uids:
            shard = queues.shard(AFTER_ARCHIVING, uid, site)
            _since, steps = shard.items[uid]
            shard.remove(uid)
            record = store.record_by_uid(uid)
            if record is None or store._destroyed(record):
                continue
            begun = start(record, steps)
            if begun is not None:
                started.append(begun)
        while started:
            store.finish_or_alarm(started[0])
            started.pop(0)
    except BaseException:
        for begun in started:
            begun.discard()
        raise


BATCH = int(os.environ.get("SD_ARCHIVE_POSTPROCESS_BATCH", 8))


def _ahead(site) -> None:
    if seal_ahead.processes > 0:
        seal_ahead.fill(site)
    if text_ahead.threads > 0:
        text_ahead.fill(site)


def drain(site=None, limit: int | None = None, polite: bool = False) -> int:
    """Empty the queue now, one committed transaction per record; returns how many.

    A conflict is retried; a record whose work fails otherwise raises the not-preserved
    alarm and leaves the queue, so one bad record never blocks the others. ``polite``
    (the worker) gives way to intake before each record (``giveway.give_way``). The text of the
    next records is extracted ahead meanwhile (:class:`TextAhead`)."""
    return drain_queue(
        next_uid,
        take,
        _give_up,
        "after-archiving work",
        site,
        limit,
        polite,
        ahead=_ahead,
        batch=(upcoming, take_many, BATCH) if BATCH > 1 else None,
        gather=gather if BATCH > 1 else None,
    )


def _give_up(uid: str, site, error) -> None:
    logger.error("after-archiving work for %s failed: %s", uid, error)
    queues.remove(AFTER_ARCHIVING, uid, site)
    record = store.record_by_uid(uid)
    subject = (getattr(record, "archival_code", "") or uid) if record is not None else uid
    alarms.raise_alarm(
        alarms.NOT_PRESERVED, subject, f"after-archiving work failed: {error}", details={"uid": uid}
    )
    transaction.commit()
