"""Several Zope workers on one database (多实例部署, #31): each background job in one process at
a time.

Every worker process starts the same background threads (the after-archiving queue, the text
queue, scheduled fixity, the directory sync, audit anchoring, …), all of which go through
``preservation.schedule.in_every_site``. With RelStorage on PostgreSQL, ``exclusive`` makes
such a job take a PostgreSQL session advisory lock (``pg_try_advisory_lock``, 会话级咨询锁)
named by the job and the site first: the worker that gets it does the job, the others skip this
round. The lock lives on a connection of its own and is released when the job ends, or by
PostgreSQL when the process dies (the connection closes), so a killed worker never blocks the
others. A queue item leaves its queue in the transaction that does its work, and the next lock
holder starts from a fresh snapshot, so each item is done once.

On a storage only one process opens (FileStorage) there is nothing to share: the job runs.

:func:`conflict_logged` writes every ConflictError a request meets to the event log (logger
``sd.archive.workers``) with its oid and class: INFO when the publisher retries the request,
WARNING when it reaches the client. ``bench/conflict_map.py`` names the objects behind the oids
(which catalog index, which BTree, which counter).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

from ZODB.POSException import ConflictError
from ZODB.utils import oid_repr

logger = logging.getLogger("sd.archive.workers")


def pg_dsn(db) -> str | None:
    """The PostgreSQL DSN of a RelStorage database, else None (FileStorage, DemoStorage)."""
    adapter = getattr(getattr(db, "storage", None), "_adapter", None)
    dsn = getattr(adapter, "_dsn", None)
    if dsn and type(adapter).__module__.startswith("relstorage.adapters.postgresql"):
        return dsn
    return None


def lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for ``name`` (the same in every process)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive_dsn(dsn: str | None, name: str) -> Iterator[bool]:
    """Yield True when this process holds the job ``name`` (until the block ends), False when
    another process holds it now; True at once without a DSN (one process owns the storage)."""
    if not dsn:
        yield True
        return
    import psycopg2

    conn = psycopg2.connect(dsn, application_name=f"sd.archive job {name}"[:63])
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),))
            mine = bool(cursor.fetchone()[0])
        yield mine
    finally:
        conn.close()  # closing the session releases its advisory locks


PREFETCH = 5000  # objects at most, a few MB of pickles
_sessions = threading.local()  # each thread's PostgreSQL session of advisory_lock


_process_sessions: dict[tuple[str, str], object] = {}  # advisory_lock(..., session=)
_process_guard = threading.Lock()


def _session(dsn: str, session: str | None):
    """This thread's PostgreSQL session for advisory locks, or with ``session`` the process's
    session of that name (for a lock one thread may take and another release)."""
    import psycopg2

    if session is None:
        conn = getattr(_sessions, "conn", None)
        if conn is None or conn.closed or _sessions.dsn != dsn:
            conn = psycopg2.connect(dsn, application_name="sd.archive advisory locks")
            conn.autocommit = True
            _sessions.conn, _sessions.dsn = conn, dsn
        return conn
    with _process_guard:
        conn = _process_sessions.get((dsn, session))
        if conn is None or conn.closed:
            conn = psycopg2.connect(dsn, application_name=f"sd.archive {session}"[:63])
            conn.autocommit = True
            _process_sessions[(dsn, session)] = conn
        return conn


def advisory_lock(
    dsn: str, name: str, timeout: float, shared: bool = False, session: str | None = None
) -> Callable[[], None] | None:
    """Wait up to ``timeout`` seconds for the PostgreSQL advisory lock ``name`` (咨询锁) and
    return the function that releases it, or None when another process held it all along.
    ``shared``: the lock's shared mode (any number of shared holders, or one exclusive).

    The lock is taken on a session this thread keeps open for the next time (no new
    connection per request); with ``session``, on the process's session of that name, which
    the caller uses one thread at a time (a lock handed from thread to thread: the intake
    write lock kept for the next intake of the process). A lock of a session whose process
    dies is released by PostgreSQL.
    """
    import psycopg2

    conn = _session(dsn, session)
    key = lock_key(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SET lock_timeout = %s", (f"{int(timeout * 1000)}ms",))
            cursor.execute(f"SELECT pg_advisory_lock{'_shared' if shared else ''}(%s)", (key,))
    except psycopg2.errors.LockNotAvailable:
        return None
    except psycopg2.Error:
        conn.close()  # a broken session: the next call opens another
        raise

    def release() -> None:
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    f"SELECT pg_advisory_unlock{'_shared' if shared else ''}(%s)", (key,)
                )
        except psycopg2.Error:
            conn.close()  # closing the session releases its locks

    return release


def restart_prefetched(jar, restart: Callable[[], object]):
    """``restart()`` (it ends the transaction and starts the next one) and then load, in one
    query, the objects of ``jar``'s cache that other processes changed meanwhile (预取).

    After another worker's commit, the next transaction here finds a hundred objects of the
    catalog changed and would load them one query at a time while it holds the intake write
    lock (measured: a fifth of the commit's wall time went to such loads). RelStorage's
    ``poll_invalidations`` names them as the new transaction starts; they are prefetched together
    into the storage cache every connection of the process shares (up to ``PREFETCH`` of them).
    Returns what ``restart`` did.
    """
    storage = getattr(jar, "_storage", None)
    poll = getattr(type(storage), "poll_invalidations", None)
    if poll is None or not hasattr(storage, "prefetch"):
        return restart()
    changed: list[bytes] = []

    def polled():
        found = poll(storage)
        if found:
            changed.extend(found)
        return found

    storage.poll_invalidations = polled
    try:
        done = restart()
    finally:
        vars(storage).pop("poll_invalidations", None)
    if changed:
        jar.prefetch(list(dict.fromkeys(changed))[:PREFETCH])
    return done


def exclusive(db, name: str):
    """:func:`exclusive_dsn` for the database ``db`` (a ``ZODB.DB``)."""
    return exclusive_dsn(pg_dsn(db), name)


def conflict_logged(event) -> None:
    """A subscriber of ``ZPublisher``'s ``IPubFailure`` (冲突日志): one line per ConflictError
    with the oid, the class (RelStorage's ``VoteReadConflictError`` gives none) and whether the
    publisher retries the request (``retry=False``: the client gets the error)."""
    error = event.exc_info[1] if event.exc_info else None
    if not isinstance(error, ConflictError):
        return
    oid = error.get_oid()
    logger.log(
        logging.INFO if event.retry else logging.WARNING,
        "conflict %s oid=%s class=%s retry=%s path=%s",
        type(error).__name__,
        oid_repr(oid) if oid else "-",
        error.get_class_name() or "-",
        bool(event.retry),
        event.request.get("PATH_INFO", ""),
    )
