"""The lock of intake's write phase (写入锁).

:func:`write_lock` is taken after reading, unpacking and hashing, before detection; it starts
a fresh snapshot and is released when the transaction ends. Two modes
(``SD_ARCHIVE_INTAKE_WRITE``):

- ``serial`` (the default): every intake of the site holds it exclusively, across the threads
  of a process and, on RelStorage, across worker processes (a PostgreSQL advisory lock,
  ``workers.advisory_lock``): one writer at a time, no ConflictError between intakes. A
  worker keeps the lock across workers for its own next intake that waits for it (up to
  ``SD_ARCHIVE_INTAKE_KEEP``, default 4, in a row; on a session of the process, so another
  thread may release it): a handover between processes makes the next holder load what the
  other process changed, one inside the process does not.
- ``parallel`` (only where the text indexes of intake are deferred, ``search.deferred``,
  ``SD_ARCHIVE_TEXT_INDEXING=deferred``: the
  catalog's text indexes, shared by every record, conflict between any two intakes): a first
  attempt holds it *shared* and writes beside the other intakes. What two intakes both write
  then mostly merges (BTree buckets, ``Length``, the series counter's floor) or has a lock of
  its own (the ledger, a series' allocation); a ConflictError that remains makes the
  publisher try the request again, and the retry holds the lock *exclusively*: it waits
  until no other intake writes and then cannot meet one, so no ConflictError between
  intakes reaches a client. Measured (bench/RESULTS.md, #31): slower than ``serial`` with
  two workers here, the retries cost more than the overlap gains — the ledger is one writer
  at a time from the archive step to the end of the commit anyway.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import transaction
from ZODB.POSException import ConflictError
from zope.globalrequest import getRequest

from sd.archive import workers
from sd.archive.search import deferred
from sd.archive.txlocks import LOCK_TIMEOUT
from sd.archive.txlocks import KeepSavepoint
from sd.archive.txlocks import named_shared_lock

#: SD_ARCHIVE_INTAKE_TIMES=1: log how long each intake waited for and held the write lock
TIMES = os.environ.get("SD_ARCHIVE_INTAKE_TIMES") == "1"
#: SD_ARCHIVE_INTAKE_ACROSS_WORKERS=off: the write lock only within a process, as before #31
#: (to measure what it is for: bench/bench_workers.py --no-lock-across-workers)
ACROSS_WORKERS = os.environ.get("SD_ARCHIVE_INTAKE_ACROSS_WORKERS", "on") != "off"
MODE_ENV = "SD_ARCHIVE_INTAKE_WRITE"
#: SD_ARCHIVE_INTAKE_RELEASE=end: the write lock released when the transaction has ended, as
#: before; default ``finish``: as soon as the ZODB's commit is finished (before the SQLite
#: commits of the ledger and the audit trail, which keep locks of their own)
RELEASE_AT_FINISH = os.environ.get("SD_ARCHIVE_INTAKE_RELEASE", "finish") != "end"
#: SD_ARCHIVE_INTAKE_KEEP=N: a worker that holds the exclusive lock across workers hands it
#: straight to its own next intake that waits for it, up to N intakes in a row, before the
#: other workers get their turn (0: released after every intake). A handover between
#: processes costs the next holder the objects the other process changed (#31, bench_workers)
KEEP = int(os.environ.get("SD_ARCHIVE_INTAKE_KEEP", "4") or 0)
logger = logging.getLogger("sd.archive.intake")
_marks = threading.local()  # with TIMES: (step, time) since the write lock was taken


def mark(step: str) -> None:
    """With SD_ARCHIVE_INTAKE_TIMES=1, note when ``step`` of the write phase ended."""
    if TIMES:
        getattr(_marks, "steps", []).append((step, time.perf_counter()))


def parallel(db) -> bool:
    """May first attempts of intake write beside each other on ``db``? Only when asked and
    the text indexes are deferred (else nearly every pair of intakes would conflict)."""
    mode = os.environ.get(MODE_ENV, "serial").strip().lower()
    return mode == "parallel" and deferred.enabled(db)


def retried() -> bool:
    """Is the current request the publisher's retry after a ConflictError?"""
    return getattr(getRequest(), "retry_count", 0) > 0


class _Kept:
    """The exclusive lock across workers of one site's intake while this process keeps it
    between two of its own intakes (used by the holder of the process lock only)."""

    release: Callable[[], None] | None = None
    turns = 0  # intakes of this process in a row under the lock


_kept: dict[tuple, _Kept] = {}


def _drop_kept(key: tuple) -> None:
    """Release the lock across workers if this process keeps it for nobody."""
    kept = _kept.get(key)
    if kept is not None and kept.release is not None:
        release, kept.release, kept.turns = kept.release, None, 0
        release()


def _take_across(dsn: str, key: tuple, shared: bool) -> Callable[[], None] | None:
    """The lock across workers (the function that releases it), kept for this intake by the
    process's previous one or taken now; None when other workers held it all along."""
    kept = None if shared else _kept.setdefault(key, _Kept())
    if kept is not None and kept.release is not None:
        release, kept.release = kept.release, None  # no other worker wrote since
        kept.turns += 1
        return release
    if shared:
        _drop_kept(key)
    # exclusive: on the process's session, so that the thread that keeps it for the next
    # intake of the process need not be the one that took it
    session = None if shared else f"intake lock {key[1]}"
    release = workers.advisory_lock(
        dsn, f"sd.archive.intake {key[1]}", LOCK_TIMEOUT, shared, session
    )
    if release is not None and kept is not None:
        kept.turns = 1
    return release


def _give_back_across(release: Callable[[], None], key: tuple, lock, shared: bool) -> None:
    """Keep the lock across workers for an intake of this process that waits for the process
    lock (up to ``KEEP`` in a row), else release it for the other workers."""
    kept = None if shared else _kept.get(key)
    if kept is not None and kept.turns < KEEP and lock.exclusive_waiting():
        kept.release = release
        return
    if kept is not None:
        kept.turns = 0
    release()


def write_lock(fonds, exclusive: bool = False) -> None:
    """Take the write lock of ``fonds``'s site for the rest of the transaction (see the
    module's doc), then start a fresh snapshot: nothing has been written yet, so dropping the
    read snapshot loses nothing, and the writer sees what the writers before committed.
    ``exclusive``: whatever the mode (other writers of records: a transfer's groups)."""
    site = "/".join(fonds.getPhysicalPath()[:2])
    jar = fonds._p_jar
    db = jar.db() if jar is not None else None
    shared = not exclusive and db is not None and parallel(db) and not retried()
    key = ("sd.archive.intake", site)
    lock = named_shared_lock(key)
    asked = time.perf_counter()
    if not lock.acquire(shared, LOCK_TIMEOUT):
        if lock.acquire(False, 0):  # kept for a waiter that gave up: let the others in
            _drop_kept(key)
            lock.release(False)
        raise ConflictError(f"intake of {fonds.fonds_code} busy")
    released = threading.Event()
    across, held, cpu, turn = None, time.perf_counter(), time.thread_time(), 0

    def release(*_args):
        if not released.is_set():
            released.set()
            if across is not None:
                _give_back_across(across, key, lock, shared)
            lock.release(shared)
            if TIMES:
                _log_times(asked, held, shared, cpu, turn)

    try:
        dsn = workers.pg_dsn(db) if db is not None else None
        if dsn and ACROSS_WORKERS:
            across = _take_across(dsn, key, shared)
            if across is None:
                raise ConflictError(f"intake of {fonds.fonds_code} busy in another worker")
            turn = 0 if shared else _kept[key].turns
        held, cpu = time.perf_counter(), time.thread_time()
        _marks.steps = []
        old = transaction.get()
        user, note = old.user, old.description

        def restart():
            transaction.abort()
            return transaction.get()

        # on RelStorage, what the other workers changed is loaded in one query (one writer at
        # a time only: with writers beside it, a newer state in the cache of the process
        # makes another thread's older snapshot fail, CacheHasNewerTidError)
        txn = workers.restart_prefetched(jar, restart) if dsn and not shared else restart()
        txn._sd_intake_shared = shared
        txn.user, txn.description = user, note
        txn.addAfterCommitHook(release)
        txn.addAfterAbortHook(release)
        if jar is not None and (TIMES or RELEASE_AT_FINISH):
            txn.join(_CommitMarks(f"{jar.sortKey()}~", release if RELEASE_AT_FINISH else None))
    except BaseException:
        release()
        raise


class _CommitMarks:
    """Sorted right after the ZODB connection, each of its phases comes after the
    connection's: with SD_ARCHIVE_INTAKE_TIMES=1 the parts of the commit in the write lock's
    log — the before-commit hooks (catalog indexing) end at ``tpc_begin``, the objects are
    pickled and stored by ``commit``, then RelStorage's vote and finish; what is left of
    "commit" in the log is the ledger's and the audit trail's SQLite commits and the
    after-commit hooks (with the lock released at the finish, outside it).

    ``release``: the write lock's, called once the ZODB has finished (its commit is visible to
    the next writer, tests/storage/test_storage_lock_until_finish.py), before the ledger's and
    the audit trail's SQLite commits — they have locks of their own, which the next writer
    takes only at its archive step."""

    transaction_manager = None

    def __init__(self, key: str, release: Callable[[], None] | None = None):
        self.key, self.release = key, release

    def sortKey(self):
        return self.key

    def tpc_begin(self, txn):
        mark("hooks")

    def commit(self, txn):
        mark("objects")

    def tpc_vote(self, txn):
        mark("vote")

    def tpc_finish(self, txn):
        mark("finish")
        if self.release is not None:
            self.release()

    def abort(self, txn):
        pass

    tpc_abort = abort

    def savepoint(self):
        return KeepSavepoint()


def writing_beside_others() -> bool:
    """Does the current transaction write beside other intakes (the lock held shared)?"""
    return bool(transaction.get().__dict__.get("_sd_intake_shared"))


def _log_times(asked: float, held: float, shared: bool, cpu: float, turn: int) -> None:
    """One log line; ``turn``: this process's how-manieth intake in a row under the lock across
    workers (1: taken from another worker or anew; 0: no lock across workers)."""
    end, used = time.perf_counter(), time.thread_time() - cpu
    steps, last = [], held
    for step, at in [*getattr(_marks, "steps", []), ("commit", end)]:
        steps.append(f"{step} {(at - last) * 1000:.0f}")
        last = at
    _marks.steps = []
    logger.info(
        "intake write lock%s: waited %.0f ms, held %.0f ms (%s), thread CPU %.0f ms, turn %d",
        "" if shared else " (exclusive)",
        (held - asked) * 1000,
        (end - held) * 1000,
        ", ".join(steps),
        used * 1000,
        turn,
    )


def write_lock_on_workers(fonds) -> None:
    """:func:`write_lock` (exclusive) when several worker processes share the database
    (RelStorage on PostgreSQL): other writers of records (a transfer's groups, the opening of
    its batch) wait for the intakes of every worker instead of conflicting with them; in one
    process they keep the publisher's or their own retries, and their transaction is left as
    it is."""
    jar = fonds._p_jar
    if jar is not None and workers.pg_dsn(jar.db()):
        write_lock(fonds, exclusive=True)
