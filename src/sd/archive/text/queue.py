"""The text queue (文本提取队列): extraction and OCR after archiving, never in the request.

Archiving queues the record here, in the archiving transaction (the same sharded, conflict-free
queue as the after-archiving work, ``preservation.queues``, under its own key). The
after-archiving worker extracts the text:

- in ``queue`` mode, as a step of the record's after-archiving work, after the archiving seal
  and before the AIP, so the *first* AIP already holds the text as a derived representation;
- otherwise (records re-queued for a retry or a re-extraction, or archived in ``inline`` mode)
  from this queue after the after-archiving queue is empty, one record per transaction; a
  changed text then makes the *next* AIP version.

In ``inline`` mode (the test layers) nothing drains this queue by itself: call :func:`drain`.
"""

from __future__ import annotations

import transaction

from sd.archive import logger
from sd.archive.preservation import queues
from sd.archive.preservation.drainloop import drain_queue

from . import store

QUEUE_KEY = "sd.archive.text.queue"
STEP = "text"


def enqueue(record, site=None) -> None:
    """Queue the text extraction of ``record`` in the current transaction (排队提取文本)."""
    queues.add(QUEUE_KEY, record.UID(), STEP, site)


def is_pending(record, site=None) -> bool:
    return queues.is_queued(QUEUE_KEY, record.UID(), site)


def is_pending_uid(uid: str, site=None) -> bool:
    return queues.is_queued(QUEUE_KEY, uid, site)


def pending(site=None) -> int:
    return queues.pending(QUEUE_KEY, site)


def next_uid(site=None) -> str | None:
    return queues.next_uid(QUEUE_KEY, site)


def take_if_pending(record, site=None, extractor=None) -> dict | None:
    """Extract now if ``record`` is queued (the worker's step before the first AIP;
    ``extractor`` as in :func:`store.extract_record`)."""
    uid = record.UID()
    shard = queues.shard(QUEUE_KEY, uid, site)
    if shard is None or uid not in shard.items:
        return None
    shard.remove(uid)
    return store.extract_record(record, site=site, extractor=extractor)


def take(uid: str, site=None) -> dict | None:
    """Extract the text of ``uid`` in the current transaction and remove its entry."""
    from sd.archive.preservation import store as aip_store

    queues.remove(QUEUE_KEY, uid, site)
    record = aip_store.record_by_uid(uid)
    if record is None or aip_store._destroyed(record):
        return None
    return store.extract_record(record, site=site)


def requeue_due(site=None, now=None) -> int:
    """Queue every record whose unavailable text is due for another try (重试)."""
    from sd.archive.preservation import store as aip_store

    count = 0
    for uid in store.due_retries(site, now):
        record = aip_store.record_by_uid(uid)
        if record is None:
            tree = store.site_tree(site, store.RETRY_KEY)
            del tree[uid]
            continue
        enqueue(record, site)
        count += 1
    return count


def drain(site=None, limit: int | None = None, polite: bool = False, retries: bool = True) -> int:
    """Empty the text queue (due retries first), one committed transaction per record.

    A record whose extraction fails in a way the extractor did not catch leaves the queue
    with a log line (its retry stays scheduled); ``polite`` gives way to intake."""
    if retries and store.due_retries(site):
        requeue_due(site)
        transaction.commit()
    return drain_queue(next_uid, take, _give_up, "text extraction", site, limit, polite)


def _give_up(uid: str, site, error) -> None:
    logger.error("text extraction for %s failed: %s", uid, error)
    queues.remove(QUEUE_KEY, uid, site)
    transaction.commit()


# --- re-extraction of existing records (demo data, migration) -------------------------------

ARCHIVED_STATES = (
    "archived",
    "transfer_pending",
    "transferred",
    "received",
    "open",
    "controlled",
    "appraisal",
)


def record_uids(site=None, states=ARCHIVED_STATES) -> list[str]:
    """UIDs of the records in ``states`` (the archived ones: their files are final)."""
    from plone import api

    catalog = api.portal.get_tool("portal_catalog")
    query = {"portal_type": "Record", "sort_on": "path"}
    if states:
        query["review_state"] = list(states)
    return [brain.UID for brain in catalog.unrestrictedSearchResults(**query)]


def reextract(
    site=None,
    *,
    force: bool = False,
    only_queue: bool = False,
    states=ARCHIVED_STATES,
    progress=None,
) -> dict:
    """Extract the text of existing records again (重新提取), one committed transaction each.

    ``force``: every file again (else only files without text, changed or due for a retry);
    ``only_queue``: queue them for the worker instead; ``progress(n, total, code)`` after each.
    """
    from sd.archive.preservation import store as aip_store

    uids = record_uids(site, states)
    totals = {"records": len(uids), "extracted": 0, "failed": 0, "changed": 0}
    for n, uid in enumerate(uids, 1):
        record = aip_store.record_by_uid(uid)
        if record is None or aip_store._destroyed(record):
            continue
        if only_queue:
            enqueue(record, site)
        else:
            summary = store.extract_record(record, force=force, site=site)
            for key in ("extracted", "failed", "changed"):
                totals[key] += summary[key]
        transaction.commit()
        if progress is not None:
            progress(n, len(uids), getattr(record, "archival_code", "") or uid)
    return totals
