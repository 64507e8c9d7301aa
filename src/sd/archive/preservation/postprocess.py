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
(:class:`PendingWork`), so adding and taking never conflict; the drain loop, shared with the
text queue, is in ``drainloop``.

``SD_ARCHIVE_POSTPROCESS``: ``queue`` (default) or ``inline`` (everything in the archiving
transaction, as before the queue; the test layers use it). ``SD_ARCHIVE_POSTPROCESS_WORKER=off``
keeps a process from running the worker (run exactly one per deployment: the other Zope
processes of a ZEO/RelStorage cluster set it off; ``scripts/preservation.py drain`` empties the
queue from the command line).

The worker gives way to intake (让路于前台接收): sealing and packaging compete with the
requests for the same interpreter, so while ``SD_ARCHIVE_POSTPROCESS_GIVE_WAY_AT`` packages
(default 2) arrive in this process at once (and for ``SD_ARCHIVE_POSTPROCESS_QUIET`` seconds
after, default 0.5) it waits, unless the oldest queued record has waited
``SD_ARCHIVE_POSTPROCESS_MAX_DEFER`` seconds (default 300): under a steady stream no record
waits much longer than that for its seal and AIP. One package at a time leaves the interpreter
free most of the time, and the worker runs beside it (:class:`Foreground`).
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from datetime import datetime

import transaction
from persistent import Persistent

from sd.archive import logger
from sd.archive.seals.archiving import seal_archived
from sd.archive.sitedata import site_tree
from sd.archive.text import queue as text_queue

from . import alarms
from . import store
from .ahead import SealAhead
from .ahead import TextAhead
from .drainloop import AHEAD_EVERY  # noqa: F401 - the drain loop's names, as before
from .drainloop import drain_queue

QUEUE_KEY = "sd.archive.preservation.postprocess"
SEAL = "seal"
POLL_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_POLL", 30))
QUIET_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_QUIET", 0.5))
GIVE_WAY_AT = int(os.environ.get("SD_ARCHIVE_POSTPROCESS_GIVE_WAY_AT", 2))
GATHER = int(os.environ.get("SD_ARCHIVE_POSTPROCESS_GATHER", 4))
GATHER_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_GATHER_SECONDS", 1.5))
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


def pending(site=None, key: str = QUEUE_KEY) -> int:
    """How many records wait for their seal and AIP (待处理)."""
    return sum(len(shard.items) for shard in _shards(site, key=key))


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


def oldest_age(site=None) -> float:
    """Seconds the oldest queued record has waited (0 when the queue is empty)."""
    oldest = min(
        (since for shard in _shards(site) for since, _steps in shard.items.values()), default=None
    )
    if oldest is None:
        return 0.0
    return (datetime.now().astimezone() - datetime.fromisoformat(oldest)).total_seconds()


class Foreground:
    """Intake requests running in this process (前台接收), for the worker to give way to.

    ``at``: how many requests at once make the worker wait (default 2, ``GIVE_WAY_AT``). One
    request at a time keeps one core and leaves the interpreter lock free most of
    the time (measured on two cores: the request thread holds it about two thirds of its time),
    so the worker's batches run beside it and the queue keeps up with the answers; from
    ``at`` requests on, the requests need the interpreter and the worker waits."""

    def __init__(self, clock=time.monotonic, at: int | None = None):
        self._clock = clock
        self._lock = threading.Lock()
        self._active = 0
        self._last = self._ended = float("-inf")
        self.at = max(1, GIVE_WAY_AT if at is None else at)

    @contextmanager
    def running(self):
        with self._lock:
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                if self._active >= self.at:
                    self._last = self._clock()
                self._ended = self._clock()
                self._active -= 1

    def busy(self, quiet: float | None = None) -> bool:
        """``at`` requests run, or that many ran less than ``quiet`` seconds ago."""
        quiet = QUIET_SECONDS if quiet is None else quiet
        with self._lock:
            return self._active >= self.at or self._clock() - self._last < quiet

    def streaming(self, quiet: float | None = None) -> bool:
        """Any request runs, or one ended less than ``quiet`` seconds ago (packages arrive)."""
        quiet = QUIET_SECONDS if quiet is None else quiet
        with self._lock:
            return self._active > 0 or self._clock() - self._ended < quiet


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


def gather(site=None, wait=time.sleep, step: float = 0.1) -> bool:
    """While packages arrive one after the other (the worker runs beside them), wait until
    ``GATHER`` records are queued or ``GATHER_SECONDS`` passed, so that they are taken as one
    batch (one commit, one write of the queue's and the digest index's buckets) instead of one
    transaction each; never past ``MAX_DEFER_SECONDS``. ``wait`` sees new records (the drain
    loop looks at a fresh snapshot every ``AHEAD_EVERY`` seconds). True when it waited."""
    waited = 0.0
    if GATHER < 2:
        return False
    budget = min(GATHER_SECONDS, MAX_DEFER_SECONDS - oldest_age(site))
    while waited < budget and foreground.streaming() and pending(site) < GATHER:
        wait(step)
        waited += step
    return waited > 0


def upcoming(site=None, limit: int = 16, key: str = QUEUE_KEY) -> list[str]:
    """The uids the drain takes next, in its order (:func:`next_uid`), at most ``limit``."""
    found: list[str] = []
    for shard in _shards(site, key=key):
        items = shard.items
        found.extend(sorted(items, key=lambda uid: items[uid][0])[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


def next_uid(site=None, key: str = QUEUE_KEY) -> str | None:
    """The oldest entry of the first shard that has any."""
    for shard in _shards(site, key=key):
        if shard.items:
            return min(shard.items, key=lambda uid: shard.items[uid][0])
    return None


text_ahead = TextAhead(int(os.environ.get("SD_ARCHIVE_TEXT_AHEAD_THREADS", 2)))
seal_ahead = SealAhead(int(os.environ.get("SD_ARCHIVE_SEAL_PROCESSES", 1)))


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


def take_many(uids: list[str], site=None) -> None:
    """:func:`take` of several records in the current transaction: each record's AIP is
    handed to a writer process as soon as it is built, and the next record is sealed and
    packaged meanwhile (AIPs written on the other core, two at a time); then every version is
    recorded in order. All leave the queue with the one commit; on any failure the AIP files
    written so far are removed (none is recorded) and the caller aborts."""
    started: list[store.Started] = []
    try:
        for uid in uids:
            shard = _shard(uid, site)
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
    (the worker) gives way to intake before each record (:func:`give_way`). The text of the
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
    shard = _shard(uid, site)
    if shard is not None:
        shard.remove(uid)
    record = store.record_by_uid(uid)
    subject = (getattr(record, "archival_code", "") or uid) if record is not None else uid
    alarms.raise_alarm(
        alarms.NOT_PRESERVED, subject, f"after-archiving work failed: {error}", details={"uid": uid}
    )
    transaction.commit()


# --- the worker thread (``worker``), its names here as before -----------------------------

from .worker import _drain_site  # noqa: E402, F401 - imports this module: defined above
from .worker import spare_time  # noqa: E402, F401
from .worker import start_worker  # noqa: E402, F401
