"""The after-archiving queue (归档后处理队列): archiving seal and first AIP after the commit.

Intake and receipt answer as soon as the record, its components and its ledger entries are
committed. The heavier work that follows archiving — the archiving seal (归档章) on the
originals and the AIP version written to every online location — is queued in the *same*
transaction that archived the record (a BTree in the site, keyed by UID), so the work is
durable exactly when the record is: a crash after the commit leaves the entry, never a
record without its package. A worker thread with its own connection then does the work, one
record per transaction (the ledger's write lock is held only for that record's ``preserve``
entry), and removes the entry in the same transaction. The queue is 32 shards whose
concurrent changes merge (:class:`PendingWork`), so adding and taking never conflict.

``SD_ARCHIVE_POSTPROCESS``: ``queue`` (default) or ``inline`` (everything in the archiving
transaction, as before the queue; the test layers use it). ``SD_ARCHIVE_POSTPROCESS_WORKER=off``
keeps a process from running the worker (run exactly one per deployment: the other Zope
processes of a ZEO/RelStorage cluster set it off; ``scripts/preservation.py drain`` empties the
queue from the command line).

The worker gives way to intake (让路于前台接收): sealing and packaging compete with the
requests for the same interpreter, so while packages arrive in this process (and for
``SD_ARCHIVE_POSTPROCESS_QUIET`` seconds after the last one, default 0.5) it waits, unless the
oldest queued record has waited ``SD_ARCHIVE_POSTPROCESS_MAX_DEFER`` seconds (default 300):
under a steady stream no record waits much longer than that for its seal and AIP.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from datetime import datetime

import transaction
from persistent import Persistent
from ZODB.POSException import ConflictError

from sd.archive import logger
from sd.archive.seals.archiving import seal_archived
from sd.archive.sitedata import site_tree
from sd.archive.text import queue as text_queue

from . import alarms
from . import store

QUEUE_KEY = "sd.archive.preservation.postprocess"
SEAL = "seal"
POLL_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_POLL", 30))
QUIET_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_QUIET", 0.5))
MAX_DEFER_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_MAX_DEFER", 300))
_started = threading.Event()
_wake = threading.Event()


def mode() -> str:
    return os.environ.get("SD_ARCHIVE_POSTPROCESS", "queue")


def queued() -> bool:
    """True when archiving hands its seal and AIP work to the queue (not inline)."""
    return mode() == "queue"


SHARDS = 32


class PendingWork(Persistent):
    """One shard of the queue (队列分片): ``uid → (since, steps)``, whose concurrent changes
    merge instead of conflicting (intake adds while the worker removes)."""

    def __init__(self):
        self.items = {}

    def put(self, uid: str, value: tuple) -> None:
        self.items = {**self.items, uid: value}

    def remove(self, uid: str) -> None:
        self.items = {k: v for k, v in self.items.items() if k != uid}

    def _p_resolveConflict(self, old, committed, new):
        before, theirs, ours = (state.get("items", {}) for state in (old, committed, new))
        merged = dict(theirs)
        for uid in before.keys() - ours.keys():  # we removed it
            merged.pop(uid, None)
        for uid, value in ours.items():
            if before.get(uid) != value:  # we added or changed it
                other = theirs.get(uid)
                merged[uid] = (
                    value
                    if other is None
                    else (min(other[0], value[0]), tuple(sorted(set(other[1]) | set(value[1]))))
                )
        return {**committed, "items": merged}


def _shards(site=None, create: bool = False, key: str = QUEUE_KEY) -> list[PendingWork]:
    """The shards; made once on the first ``create`` (reading never writes). ``key`` names
    another queue of the same shape (the text queue, ``sd.archive.text.queue``)."""
    tree = site_tree(site, key)
    if (tree is None or len(tree) != SHARDS) and create:
        tree = site_tree(site, key, create=True)
        for n in range(SHARDS):
            if n not in tree:
                tree[n] = PendingWork()
    return list(tree.values()) if tree is not None and len(tree) == SHARDS else []


def _shard(uid: str, site=None, create: bool = False, key: str = QUEUE_KEY) -> PendingWork | None:
    shards = _shards(site, create, key)
    return shards[int(uid[:4], 16) % SHARDS] if shards else None


def enqueue(record, reason: str, seal: bool) -> None:
    """Queue the after-archiving work of ``record`` in the current transaction (排队)."""
    uid = record.UID()
    shard = _shard(uid, create=True)
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    since, steps = shard.items.get(uid, (now, ()))
    wanted = set(steps) | {f"preserve:{reason}"} | ({SEAL} if seal else set())
    shard.put(uid, (since, tuple(sorted(wanted))))
    transaction.get().addAfterCommitHook(_wake_worker)


def _wake_worker(committed: bool, *_args) -> None:
    if committed:
        _wake.set()


def pending(site=None) -> int:
    """How many records wait for their seal and AIP (待处理)."""
    return sum(len(shard.items) for shard in _shards(site))


def is_pending(record) -> bool:
    uid = record.UID()
    shard = _shard(uid)
    return shard is not None and uid in shard.items


def entries(site=None, limit: int = 50) -> list[dict]:
    """The oldest queued records first: uid, since, steps."""
    found = [
        {"uid": uid, "since": since, "steps": list(steps)}
        for shard in _shards(site)
        for uid, (since, steps) in shard.items.items()
    ]
    return sorted(found, key=lambda e: e["since"])[:limit]


def process(record, steps) -> dict | None:
    """Do the queued work of one record in the lifecycle's order (``sd.archive.lifecycle``):
    archiving seal first, then the text of the files (``sd.archive.text``), then the AIP (with
    the seal and the text as a derived representation)."""
    if SEAL in steps:
        seal_archived(record)
    text_queue.take_if_pending(record)  # the text of the files, so the first AIP holds it
    reasons = [s.split(":", 1)[1] for s in steps if s.startswith("preserve:")]
    return store.preserve_or_alarm(record, reasons[0] if reasons else "archive", force=True)


def oldest_age(site=None) -> float:
    """Seconds the oldest queued record has waited (0 when the queue is empty)."""
    oldest = min(
        (since for shard in _shards(site) for since, _steps in shard.items.values()), default=None
    )
    if oldest is None:
        return 0.0
    return (datetime.now().astimezone() - datetime.fromisoformat(oldest)).total_seconds()


class Foreground:
    """Intake requests running in this process (前台接收), for the worker to give way to."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._active = 0
        self._last = float("-inf")

    @contextmanager
    def running(self):
        with self._lock:
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                self._last = self._clock()

    def busy(self, quiet: float | None = None) -> bool:
        """A request runs, or one ended less than ``quiet`` seconds ago."""
        quiet = QUIET_SECONDS if quiet is None else quiet
        with self._lock:
            return self._active > 0 or self._clock() - self._last < quiet


foreground = Foreground()


def give_way(site=None, wait=time.sleep, step: float = 0.1) -> bool:
    """Wait while intake runs here, unless the oldest entry has waited ``MAX_DEFER_SECONDS``;
    True when it waited (the caller then starts a fresh snapshot)."""
    if not foreground.busy():
        return False
    budget = MAX_DEFER_SECONDS - oldest_age(site)
    waited = 0.0
    while waited < budget and foreground.busy():
        wait(step)
        waited += step
    return waited > 0


def next_uid(site=None) -> str | None:
    """The oldest entry of the first shard that has any."""
    for shard in _shards(site):
        if shard.items:
            return min(shard.items, key=lambda uid: shard.items[uid][0])
    return None


def take(uid: str, site=None) -> None:
    """Do the queued work of ``uid`` in the current transaction and remove its entry.

    The entry leaves the queue in the same transaction that writes the AIP. A record gone
    meanwhile (deleted, destroyed) only leaves the queue."""
    shard = _shard(uid, site)
    _since, steps = shard.items[uid]
    shard.remove(uid)
    record = store.record_by_uid(uid)
    if record is not None and not store._destroyed(record):
        process(record, steps)


def drain(site=None, limit: int | None = None, polite: bool = False) -> int:
    """Empty the queue now, one committed transaction per record; returns how many.

    A conflict is retried; a record whose work fails otherwise raises the not-preserved
    alarm and leaves the queue, so one bad record never blocks the others. ``polite``
    (the worker) gives way to intake before each record (:func:`give_way`)."""
    return drain_queue(next_uid, take, _give_up, "after-archiving work", site, limit, polite)


def drain_queue(next_uid, take, give_up, what: str, site=None, limit=None, polite=False) -> int:
    """The drain loop of a queue of this shape (this one, the text queue): ``take(uid, site)``
    each ``next_uid(site)`` and commit; a conflict is retried, any other failure handed to
    ``give_up(uid, site, error)`` after the abort."""
    done = conflicts = 0
    while limit is None or done < limit:
        if polite and give_way(site):
            transaction.abort()  # see what arrived while waiting
        uid = next_uid(site)
        if uid is None:
            break
        try:
            take(uid, site)
            transaction.commit()
        except ConflictError as conflict:
            transaction.abort()
            logger.info("%s for %s will be retried: %s", what, uid, conflict)
            conflicts += 1
            if conflicts > 20:
                raise
            time.sleep(0.05 * conflicts)
            continue
        except Exception as error:  # noqa: BLE001 - one bad record must not stop the queue
            transaction.abort()
            give_up(uid, site, error)
        done += 1
    return done


def _give_up(uid: str, site, error) -> None:
    logger.error("after-archiving work for %s failed: %s", uid, error)
    shard = _shard(uid, site)
    if shard is not None:
        shard.remove(uid)
    record = store.record_by_uid(uid)
    subject = (getattr(record, "archival_code", "") or uid) if record is not None else uid
    alarms.raise_alarm(
        alarms.NOT_PRESERVED, subject, f"after-archiving work failed: {error}", details={"uid": uid}
    )
    transaction.commit()


# --- the worker thread ----------------------------------------------------------------------


def _drain_site(site) -> None:
    count = drain(site, polite=True)
    if count:
        logger.info("after-archiving work done for %s records of %s", count, site.getId())
    count = text_queue.drain(site, polite=True)  # retries and re-extractions
    if count:
        logger.info("text extracted for %s records of %s", count, site.getId())


def _loop(db):
    from .schedule import in_every_site

    while True:
        in_every_site(db, _drain_site, "the after-archiving queue")
        _wake.wait(POLL_SECONDS)
        _wake.clear()


def start_worker(event):
    """IProcessStarting: start the worker once, in a serving process only (zconsole scripts
    fire the event too; a worker there would be cut off at the script's end, leaving a
    record's work half done and raising a false not-preserved alarm)."""
    import Zope2

    from .schedule import serving

    if os.environ.get("SD_ARCHIVE_POSTPROCESS_WORKER", "on") == "off":
        return
    if not serving() or not queued():
        return
    if _started.is_set() or getattr(Zope2, "DB", None) is None:
        return
    _started.set()
    threading.Thread(target=_loop, args=(Zope2.DB,), name="sd-after-archiving", daemon=True).start()
