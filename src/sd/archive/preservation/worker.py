"""The after-archiving worker thread (归档后处理线程): one per serving process, started at
``IProcessStarting``; each round it empties the after-archiving queue (``postprocess.drain``),
then the text queue's retries, then in its spare time the findings queue (``spare_time``), in
every site, and waits to be woken by the next commit that queued work (``queues.wake``, or
``POLL_SECONDS``)."""

from __future__ import annotations

import os
import threading

import transaction

from sd.archive import logger
from sd.archive.mining.findings import queue as findings_queue
from sd.archive.text import queue as text_queue

from . import postprocess as pp
from . import queues

POLL_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_POLL", 30))
_started = threading.Event()


def _drain_site(site) -> None:
    count = pp.drain(site, polite=True)
    if count:
        logger.info("after-archiving work done for %s records of %s", count, site.getId())
    count = text_queue.drain(site, polite=True)  # retries and re-extractions
    if count:
        logger.info("text extracted for %s records of %s", count, site.getId())
    count = spare_time(site)
    if count:
        logger.info("findings made for %s records of %s", count, site.getId())


def spare_time(site) -> int:
    """The findings of the records whose text changed (``mining.findings.queue``), a batch at
    a time while no record waits for its seal and AIP; returns how many were analysed."""
    done = 0
    while True:
        count = findings_queue.drain(site, limit=findings_queue.BATCH, polite=True)
        done += count
        transaction.abort()  # see what arrived meanwhile
        if not count or pp.pending(site):  # archived records first (the loop comes back)
            return done


def _loop(db):
    from .schedule import in_every_site

    while True:
        in_every_site(db, _drain_site, "the after-archiving queue")
        queues.wake.wait(POLL_SECONDS)
        queues.wake.clear()


def start_worker(event):
    """IProcessStarting: start the worker once, in a serving process only (zconsole scripts
    fire the event too; a worker there would be cut off at the script's end, leaving a
    record's work half done and raising a false not-preserved alarm)."""
    import Zope2

    from .schedule import serving

    if os.environ.get("SD_ARCHIVE_POSTPROCESS_WORKER", "on") == "off":
        return
    if not serving() or not queues.queued():
        return
    if _started.is_set() or getattr(Zope2, "DB", None) is None:
        return
    _started.set()
    threading.Thread(target=_loop, args=(Zope2.DB,), name="sd-after-archiving", daemon=True).start()
