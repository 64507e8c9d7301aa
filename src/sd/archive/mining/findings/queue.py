"""The findings queue (挖掘分析队列): a record's findings made in the worker's spare time.

Finding names, duplicates and related records (:func:`.store.analyse_record`) after a record's
text changed is derived data that neither the answer to intake nor the archiving seal and the
AIP wait for. With the after-archiving worker on (``preservation.postprocess.queued()``) the
``TextExtracted`` subscriber only queues the record here — the same sharded, conflict-free
queue as the after-archiving work, under its own key, in the transaction that kept the text —
and the worker analyses the queued records when the after-archiving and text queues are empty
(``postprocess._drain_site``), up to :data:`BATCH` records per committed transaction, giving
way to intake like the rest of its work. A record queued again before its turn is analysed
once, with the text it has then. A batch that fails is taken again one record at a time, so
a bad record alone is given up (logged, its entry removed; ``analyse_all`` or a re-extraction
analyses it again). In ``inline`` mode (the test layers) the subscriber analyses at once.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime

import transaction

logger = logging.getLogger(__name__)

QUEUE_KEY = "sd.archive.mining.queue"
STEP = "findings"
#: records analysed per committed transaction
BATCH = int(os.environ.get("SD_ARCHIVE_MINING_BATCH", 16))


def _pp():
    from sd.archive.preservation import postprocess

    return postprocess


def enqueue(record, site=None) -> None:
    """Queue the analysis of ``record`` in the current transaction (排队分析)."""
    pp = _pp()
    uid = record.UID()
    shard = pp._shard(uid, site, create=True, key=QUEUE_KEY)
    if uid not in shard.items:
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        shard.put(uid, (now, (STEP,)))
        transaction.get().addAfterCommitHook(pp._wake_worker)


def pending(site=None) -> int:
    return _pp().pending(site, key=QUEUE_KEY)


def is_pending(record, site=None) -> bool:
    uid = record.UID()
    shard = _pp()._shard(uid, site, key=QUEUE_KEY)
    return shard is not None and uid in shard.items


def next_uid(site=None) -> str | None:
    return _pp().next_uid(site, key=QUEUE_KEY)


def upcoming(site=None, limit: int = BATCH) -> list[str]:
    return _pp().upcoming(site, limit, key=QUEUE_KEY)


def take(uid: str, site=None) -> None:
    """Analyse ``uid`` in the current transaction and remove its entry (a record gone or
    destroyed meanwhile only leaves the queue). A failure is raised: the drain gives up this
    record alone."""
    from sd.archive.preservation import store as aip_store

    from .store import analyse_record

    shard = _pp()._shard(uid, site, key=QUEUE_KEY)
    if shard is not None:
        shard.remove(uid)
    record = aip_store.record_by_uid(uid)
    if record is not None and not aip_store._destroyed(record):
        analyse_record(record)


def take_many(uids: list[str], site=None) -> None:
    """:func:`take` of several records in the current transaction (one commit)."""
    for uid in uids:
        take(uid, site)


def drain(site=None, limit: int | None = None, polite: bool = False) -> int:
    """Analyse the queued records, :data:`BATCH` per committed transaction; returns how many."""
    return _pp().drain_queue(
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
    shard = _pp()._shard(uid, site, key=QUEUE_KEY)
    if shard is not None:
        shard.remove(uid)
    transaction.commit()
