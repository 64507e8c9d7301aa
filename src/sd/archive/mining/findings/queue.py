"""The findings queue (挖掘分析队列): a record's findings made in the worker's spare time.

Finding names, duplicates and related records (:func:`.store.analyse_record`) after a record's
text changed is derived data that neither the answer to intake nor the archiving seal and the
AIP wait for. With the after-archiving worker on (``preservation.queues.queued()``) the
``TextExtracted`` subscriber (:func:`text_extracted`) only queues the record here — the same
sharded, conflict-free queue as the after-archiving work (``preservation.queues``), under its
own key, in the transaction that kept the text — and the worker analyses the queued records
when the after-archiving and text queues are empty (``preservation.worker._drain_site``), up
to :data:`BATCH` records per committed transaction, giving way to intake like the rest of its
work. A record queued again before its turn is analysed
once, with the text it has then. A batch that fails is taken again one record at a time, so
a bad record alone is given up (logged, its entry removed; ``analyse_all`` or a re-extraction
analyses it again). In ``inline`` mode (the test layers) the subscriber analyses at once.
"""

from __future__ import annotations

import logging
import os

import transaction
from ZODB.POSException import ConflictError

from sd.archive.preservation import queues
from sd.archive.preservation import store as aip_store
from sd.archive.preservation.drainloop import drain_queue

from . import store

logger = logging.getLogger(__name__)

QUEUE_KEY = "sd.archive.mining.queue"
STEP = "findings"
#: records analysed per committed transaction
BATCH = int(os.environ.get("SD_ARCHIVE_MINING_BATCH", 16))


def enqueue(record, site=None) -> None:
    """Queue the analysis of ``record`` in the current transaction (排队分析)."""
    queues.add(QUEUE_KEY, record.UID(), STEP, site)


def pending(site=None) -> int:
    return queues.pending(QUEUE_KEY, site)


def is_pending(record, site=None) -> bool:
    return queues.is_queued(QUEUE_KEY, record.UID(), site)


def next_uid(site=None) -> str | None:
    return queues.next_uid(QUEUE_KEY, site)


def upcoming(site=None, limit: int = BATCH) -> list[str]:
    return queues.upcoming(QUEUE_KEY, site, limit)


def take(uid: str, site=None) -> None:
    """Analyse ``uid`` in the current transaction and remove its entry (a record gone or
    destroyed meanwhile only leaves the queue). A failure is raised: the drain gives up this
    record alone."""
    queues.remove(QUEUE_KEY, uid, site)
    record = aip_store.record_by_uid(uid)
    if record is not None and not aip_store._destroyed(record):
        store.analyse_record(record)


def take_many(uids: list[str], site=None) -> None:
    """:func:`take` of several records in the current transaction (one commit)."""
    for uid in uids:
        take(uid, site)


def drain(site=None, limit: int | None = None, polite: bool = False) -> int:
    """Analyse the queued records, :data:`BATCH` per committed transaction; returns how many."""
    return drain_queue(
        next_uid,
        take,
        _give_up,
        "mining analysis",
        site,
        limit,
        polite,
        batch=(upcoming, take_many, BATCH) if BATCH > 1 else None,
    )


def _give_up(uid: str, site, error) -> None:
    logger.error("findings of %s not made: %s", uid, error)
    queues.remove(QUEUE_KEY, uid, site)
    transaction.commit()


def text_extracted(record, event) -> None:
    """Subscriber of ``TextExtracted``: with the after-archiving worker on, queue the record
    for the worker's spare time; else analyse it now. A failure is logged, never raised (the
    after-archiving step goes on with the AIP)."""
    if queues.queued():
        store._store(record)  # its place made with the text (the annotations written once, here)
        enqueue(record)
        return
    try:
        store.analyse_record(record)
    except ConflictError:
        raise
    except Exception:  # noqa: BLE001 - findings must never block the text or the AIP
        logger.exception("findings of %s not made", getattr(record, "archival_code", "?"))
