"""Process locks held until the transaction ends (事务锁).

Numbering holds a lock per item-number series, the evidence ledger one per log: each is taken
at the moment of allocation and released only when the transaction commits or aborts, so the
next writer reads what the previous one committed. One mechanism, used by both.

Several worker processes on one RelStorage/PostgreSQL database (#31): ``hold(..., dsn=, name=)``
also takes a PostgreSQL advisory lock named ``name`` (``sd.archive.workers.advisory_lock``, on
the session the thread keeps open, not a new connection per transaction), released when the
transaction ends, so the next writer in *another* process too reads what the previous one
committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import transaction
from ZODB.POSException import ConflictError

LOCK_TIMEOUT = 30

_locks: dict[tuple, threading.Lock] = {}
_guard = threading.Lock()


def named_lock(key: tuple) -> threading.Lock:
    """The process-wide lock of ``key`` (created on first use)."""
    with _guard:
        return _locks.setdefault(key, threading.Lock())


class SharedLock:
    """A process-wide lock with a shared and an exclusive mode (读写锁): any number of shared
    holders, or one exclusive holder; a waiting exclusive holder goes before shared holders
    that come after it (as PostgreSQL's advisory locks queue)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0  # exclusive holders waiting

    def acquire(self, shared: bool, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            if not shared:
                self._waiting += 1
            try:
                while self._exclusive or (self._waiting if shared else self._shared):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
                if shared:
                    self._shared += 1
                else:
                    self._exclusive = True
                return True
            finally:
                if not shared:
                    self._waiting -= 1
                    self._cond.notify_all()

    def exclusive_waiting(self) -> int:
        """How many exclusive holders wait now."""
        with self._cond:
            return self._waiting

    def release(self, shared: bool) -> None:
        with self._cond:
            if shared:
                self._shared -= 1
            else:
                self._exclusive = False
            self._cond.notify_all()


_shared_locks: dict[tuple, SharedLock] = {}


def named_shared_lock(key: tuple) -> SharedLock:
    """The process-wide :class:`SharedLock` of ``key`` (created on first use)."""
    with _guard:
        return _shared_locks.setdefault(key, SharedLock())


class _ReleaseOnTransactionEnd:
    """A data manager that only releases locks when its transaction ends.

    It sorts after every other data manager (``~~``), so the locks are still held while
    those commit (e.g. the ledger's SQL commit in its ``tpc_finish``).
    """

    transaction_manager = None

    def __init__(self):
        self.keys: set = set()
        self.locks: list[threading.Lock] = []
        self.releases: list[Callable[[], None]] = []  # of the shared (advisory) locks

    def shared(self, dsn: str, name: str, timeout: float) -> bool:
        """Take the advisory lock ``name`` for the other worker processes (False: busy)."""
        from sd.archive.workers import advisory_lock

        release = advisory_lock(dsn, name, timeout)
        if release is None:
            return False
        self.releases.append(release)
        return True

    def _release(self, *args):
        while self.releases:
            self.releases.pop()()
        while self.locks:
            self.locks.pop().release()
        self.keys.clear()

    abort = tpc_finish = tpc_abort = _release

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        pass

    def sortKey(self):
        return "~~sd.archive.txlocks"

    def savepoint(self):
        """Locks stay held across a savepoint rollback (they end with the transaction)."""
        return KeepSavepoint()


class KeepSavepoint:
    """A savepoint of a data manager whose state a rollback leaves as it is."""

    def rollback(self):
        pass


def hold(
    key: tuple,
    txn=None,
    timeout: float = LOCK_TIMEOUT,
    busy: Callable[[tuple], Exception] | None = None,
    dsn: str | None = None,
    name: str = "",
) -> bool:
    """Take the lock of ``key`` for the rest of ``txn`` (default: the current transaction).

    Returns False when the transaction already holds it. When the lock is not free within
    ``timeout`` seconds, raises ``busy(key)`` (default: a ``ConflictError``, which the
    publisher retries). With ``dsn`` (RelStorage's PostgreSQL), the advisory lock ``name`` is
    held too, for the worker processes on the same database.
    """
    txn = transaction.get() if txn is None else txn
    holder = getattr(txn, "_sd_txlocks", None)
    if holder is None:
        holder = txn._sd_txlocks = _ReleaseOnTransactionEnd()
        txn.join(holder)
    if key in holder.keys:
        return False
    lock = named_lock(key)
    refuse = busy or (lambda k: ConflictError(f"{k[-1]} busy"))
    if not lock.acquire(timeout=timeout):
        raise refuse(key)
    holder.locks.append(lock)
    holder.keys.add(key)
    if dsn and not holder.shared(dsn, name, timeout):
        raise refuse(key)  # the locks taken so far end with the transaction
    return True


def transaction_of(obj):
    """The transaction an object's connection works in (the thread's by default)."""
    jar = getattr(obj, "_p_jar", None)
    return jar.transaction_manager.get() if jar is not None else transaction.get()
