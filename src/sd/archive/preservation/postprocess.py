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
intake. The queue is 32 shards whose concurrent changes merge (:class:`PendingWork`), so
adding and taking never conflict.

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


def upcoming(site=None, limit: int = 16) -> list[str]:
    """The uids the drain takes next, in its order (:func:`next_uid`), at most ``limit``."""
    found: list[str] = []
    for shard in _shards(site):
        items = shard.items
        found.extend(sorted(items, key=lambda uid: items[uid][0])[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


def next_uid(site=None) -> str | None:
    """The oldest entry of the first shard that has any."""
    for shard in _shards(site):
        if shard.items:
            return min(shard.items, key=lambda uid: shard.items[uid][0])
    return None


class TextAhead:
    """The text of the next queued records, extracted ahead on helper threads (预先提取文本).

    Text extraction runs external tools (pdftotext, OCR) on the components' blob files: work
    outside the interpreter that needs nothing of the database but the file paths. The worker
    looks up the next records of the queue (in its own thread and connection) and hands the
    paths of their originals to a small thread pool, also while it gives way to intake, so the
    tools run on the other core meanwhile; when the worker then takes the record,
    ``extractor`` answers from the finished result (the same :func:`extract` of the same file,
    so the result is the one the record would get anyway). Nothing here is durable: a result
    not used (a record changed or gone, a restart) is dropped and the text is extracted then.
    """

    def __init__(self, threads: int = 2, depth: int = 128, extract=None):
        self.threads = threads
        self.depth = depth
        self._extract = extract
        self._pool = None
        self._lock = threading.Lock()
        self._futures: dict[tuple[str, str], object] = {}  # (path, name) → Future, in order
        self._seen: dict[str, None] = {}  # uids looked at (ordered, bounded)
        self.hits = self.misses = 0

    def _function(self):
        if self._extract is None:
            from sd.archive.core.text import extract

            self._extract = extract
        return self._extract

    def _submit(self, path: str, name: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            if (path, name) in self._futures:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="sd-text-ahead")
            self._futures[(path, name)] = self._pool.submit(self._function(), path, name)
            while len(self._futures) > 4 * self.depth:  # never used: drop the oldest
                self._futures.pop(next(iter(self._futures))).cancel()

    def fill(self, site=None) -> int:
        """Submit the originals of the next ``depth`` queued records not looked at yet."""
        from sd.archive.text import _entries
        from sd.archive.text.store import _blob_path

        from .package import components

        submitted = 0
        for uid in upcoming(site, self.depth):
            if uid in self._seen:
                continue
            self._seen[uid] = None
            if len(self._seen) > 8 * self.depth:
                self._seen.pop(next(iter(self._seen)))
            if not text_queue.is_pending_uid(uid, site):
                continue
            record = store.record_by_uid(uid)
            if record is None:
                continue
            entries = _entries(record)
            for component in components(record):
                if getattr(component, "version_of", None) or component.UID() in entries:
                    continue
                try:
                    path = _blob_path(component)
                except Exception as error:  # noqa: BLE001 - the worker meets it again
                    logger.debug("text of %s not extracted ahead: %s", uid, error)
                    continue
                self._submit(path, component.file.filename or component.getId())
                submitted += 1
        return submitted

    def extractor(self, path: str, name: str):
        """:func:`extract` of ``path``, from the result extracted ahead when there is one."""
        with self._lock:
            future = self._futures.pop((path, name), None)
        if future is not None and not future.cancelled():
            self.hits += 1
            return future.result()
        self.misses += 1
        return self._function()(path, name)


text_ahead = TextAhead(int(os.environ.get("SD_ARCHIVE_TEXT_AHEAD_THREADS", 2)))


def _key_of(data: bytes, fields, key) -> tuple:
    from hashlib import sha256

    return (sha256(data).hexdigest(), repr(fields), sha256(key.key + key.cert).hexdigest())


class SealAhead:
    """The archiving seal (归档章) of the next queued records' PDF originals, drawn and signed
    ahead in worker processes (预先盖章).

    Stamping a PDF (reportlab draws the seal, pyHanko signs) is pure Python: in the worker
    thread it holds the interpreter lock against the requests. The worker reads the originals
    of the next records that wait for their seal (in its own thread and connection), and a
    ``spawn`` pool (``SD_ARCHIVE_SEAL_PROCESSES``, default 1) runs :func:`stamp_pdf` on
    another core, also while the worker gives way to intake. When the worker then seals the
    record, ``stamp`` answers from the result made from the same bytes, the same seal items and
    the same key (else it stamps here). Nothing here is durable: the sealed version is added
    by the worker in the record's transaction, as before."""

    def __init__(self, processes: int = 1, depth: int = 64):
        self.processes = processes
        self.depth = depth
        self._pool = None
        self._lock = threading.Lock()
        self._futures: dict[tuple, object] = {}
        self._seen: dict[str, None] = {}
        self.hits = self.misses = 0

    def _executor(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from sd.archive.core.preservation.writer_process import _exit_with_parent

        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def fill(self, site=None) -> int:
        """Submit the PDF originals of the next ``depth`` records waiting for their seal."""
        from sd.archive.core.seals.archiving_seal import stamp_pdf
        from sd.archive.seals import settings
        from sd.archive.seals.archiving import originals
        from sd.archive.seals.archiving import seal_fields
        from sd.archive.seals.verification import component_bytes
        from sd.archive.seals.verification import component_format

        submitted = 0
        key = None
        for uid in upcoming(site, self.depth):
            if uid in self._seen:
                continue
            self._seen[uid] = None
            if len(self._seen) > 8 * self.depth:
                self._seen.pop(next(iter(self._seen)))
            shard = _shard(uid, site)
            if shard is None or SEAL not in shard.items.get(uid, ((), ()))[1]:
                continue
            record = store.record_by_uid(uid)
            if record is None:
                continue
            try:
                key = key or settings.load_key()
                fields = seal_fields(record)
                for original in originals(record):
                    data = component_bytes(original)
                    if component_format(original, data) != "PDF":
                        continue
                    with self._lock:
                        wanted = _key_of(data, fields, key)
                        if wanted not in self._futures:
                            self._futures[wanted] = self._executor().submit(
                                stamp_pdf, data, fields, key
                            )
                            submitted += 1
                        while len(self._futures) > 4 * self.depth:
                            self._futures.pop(next(iter(self._futures))).cancel()
            except Exception as error:  # noqa: BLE001 - the worker meets it again and says so
                logger.debug("seal of %s not made ahead: %s", uid, error)
        return submitted

    def stamp(self, data: bytes, fields, key) -> bytes:
        """:func:`stamp_pdf`, from the result made ahead when there is one."""
        from concurrent.futures.process import BrokenProcessPool

        from sd.archive.core.seals.archiving_seal import stamp_pdf

        with self._lock:
            future = self._futures.pop(_key_of(data, fields, key), None)
        if future is not None and not future.cancelled():
            try:
                sealed = future.result()
            except BrokenProcessPool:  # a killed seal process: stamp here, a new pool later
                with self._lock:
                    self._pool = None
            else:
                self.hits += 1
                return sealed
        self.misses += 1
        return stamp_pdf(data, fields, key)


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
    )


AHEAD_EVERY = 0.5  # seconds between looks at the queue while giving way


def drain_queue(
    next_uid,
    take,
    give_up,
    what: str,
    site=None,
    limit=None,
    polite=False,
    ahead=None,
    batch=None,
) -> int:
    """The drain loop of a queue of this shape (this one, the text queue): ``take(uid, site)``
    each ``next_uid(site)`` and commit; a conflict is retried, any other failure handed to
    ``give_up(uid, site, error)`` after the abort. ``ahead(site)``, when given, is called
    before each record and every ``AHEAD_EVERY`` seconds while giving way (on a fresh
    snapshot), to start work on the next records that needs no transaction.

    ``batch = (upcoming, take_many, size)``: up to ``size`` records ``upcoming(site, size)``
    are taken together, ``take_many(uids, site)``, and committed in one transaction (all or
    none of them leave the queue); when a batch fails other than by a conflict, its records
    are taken again one by one, so that only the bad one is given up."""
    done = conflicts = singles = 0
    since_look = [0.0]  # seconds waited since ``ahead`` last looked

    def waiting(step: float) -> None:
        time.sleep(step)
        since_look[0] += step
        if ahead is not None and since_look[0] >= AHEAD_EVERY:
            since_look[0] = 0.0
            transaction.abort()  # see what arrived meanwhile
            ahead(site)

    while limit is None or done < limit:
        if polite and give_way(site, wait=waiting):
            transaction.abort()  # see what arrived while waiting
        if ahead is not None:
            ahead(site)
        taken = failed = 0
        if batch is not None and not singles:
            size = batch[2] if limit is None else min(batch[2], limit - done)
            taken, failed = _take_batch(batch, site, size, what)
        if taken == failed == 0:
            uid = next_uid(site)
            if uid is None:
                break
            taken, failed = _take_one(take, give_up, uid, site, what)
            singles = max(0, singles - 1) if taken else singles
        else:
            singles = failed if taken is not None else singles
        if taken is None:  # a conflict: retried
            conflicts += 1
            if conflicts > 20:
                raise failed
            time.sleep(0.05 * conflicts)
            continue
        done += taken
    return done


def _take_one(take, give_up, uid: str, site, what: str):
    """One record of :func:`drain_queue`: ``(1, 0)`` when done or given up, ``(None, conflict)``
    after a conflict."""
    try:
        take(uid, site)
        transaction.commit()
    except ConflictError as conflict:
        transaction.abort()
        logger.info("%s for %s will be retried: %s", what, uid, conflict)
        return None, conflict
    except Exception as error:  # noqa: BLE001 - one bad record must not stop the queue
        transaction.abort()
        give_up(uid, site, error)
    return 1, 0


def _take_batch(batch, site, size: int, what: str):
    """One batch of :func:`drain_queue`: ``(taken, 0)`` when committed, ``(None, conflict)``
    after a conflict, ``(0, n)`` when its ``n`` records must be taken one by one, ``(0, 0)``
    when fewer than two records wait."""
    upcoming, take_many, _size = batch
    uids = upcoming(site, size)
    if len(uids) < 2:
        return 0, 0
    try:
        take_many(uids, site)
        transaction.commit()
    except ConflictError as conflict:
        transaction.abort()
        logger.info("%s for %s records will be retried: %s", what, len(uids), conflict)
        return None, conflict
    except Exception as error:  # noqa: BLE001 - find the bad one, one by one
        transaction.abort()
        logger.warning("%s for %s records: %s; now one by one", what, len(uids), error)
        return 0, len(uids)
    return len(uids), 0


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
