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
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager


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


def exclusive(db, name: str):
    """:func:`exclusive_dsn` for the database ``db`` (a ``ZODB.DB``)."""
    return exclusive_dsn(pg_dsn(db), name)
