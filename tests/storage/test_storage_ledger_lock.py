"""The evidence ledger's lock across worker processes on a real PostgreSQL (#31).

With several Zope workers on RelStorage, a ledger append also takes a PostgreSQL advisory lock
named by the log (``LedgerLog.append(..., dsn=)``): the writers of every process queue there and
get the log the moment the previous writer's transaction ends. Another process is played by a
session of its own that holds the same advisory lock.
"""

import os
import threading
import time

import psycopg2
import pytest
import transaction

from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.ledger.store import LedgerLog
from sd.archive.workers import lock_key

DSN = os.environ.get("SD_ARCHIVE_PG_DSN", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DSN, reason="needs the PostgreSQL that `make test` starts (SD_ARCHIVE_PG_DSN)"
    ),
]


def entry(key, n):
    return make_entry(
        "archive",
        node=key.name,
        actor="svc-j001",
        record=f"uid-{n}",
        code=f"J001-WS·2023-Y-BGS-{n:04d}",
        title="通知",
        content={"正本.pdf": f"{n:064x}"},
    )


@pytest.fixture
def log(tmp_path):
    key = NodeKey.generate("ledger.lock/node")
    log = LedgerLog(tmp_path / "ledger.sqlite", key.name, "sm3", key)
    yield log, key
    log.close_pool()


@pytest.fixture
def other_worker():
    """A session of 'another worker process' and the advisory lock key of ``log``."""
    conn = psycopg2.connect(DSN)
    conn.autocommit = True
    yield conn
    conn.close()


def try_lock(conn, key: int) -> bool:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", (key,))
        taken = bool(cursor.fetchone()[0])
        if taken:
            cursor.execute("SELECT pg_advisory_unlock(%s)", (key,))
    return taken


def test_an_append_waits_for_another_worker_and_holds_the_log_until_its_commit(log, other_worker):
    log, key = log
    name = lock_key(f"sd.archive.ledger {log.path}")
    with other_worker.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", (name,))
    receipts, stamps = [], {}
    appended, finish = threading.Event(), threading.Event()

    def writer():
        tm = transaction.TransactionManager()
        txn = tm.begin()
        receipts.append(log.append(entry(key, 1), txn, dsn=DSN))
        stamps["appended"] = time.monotonic()
        appended.set()
        finish.wait(10)
        tm.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.5)
    assert not appended.is_set()  # the other worker holds the log
    with other_worker.cursor() as cursor:
        stamps["released"] = time.monotonic()
        cursor.execute("SELECT pg_advisory_unlock(%s)", (name,))
    assert appended.wait(5)
    assert stamps["appended"] - stamps["released"] < 0.1  # at once, no polling
    assert not try_lock(other_worker, name)  # held by the writer until its commit
    finish.set()
    thread.join(10)
    assert try_lock(other_worker, name)
    assert receipts[0]["ledger_index"] == 0
    with log.reading() as conn:
        assert log.size(conn) == 1


def test_an_aborted_append_leaves_no_entry_and_frees_the_lock(log, other_worker):
    log, key = log
    name = lock_key(f"sd.archive.ledger {log.path}")
    tm = transaction.TransactionManager()
    txn = tm.begin()
    log.append(entry(key, 1), txn, dsn=DSN)
    assert not try_lock(other_worker, name)
    tm.abort()
    assert try_lock(other_worker, name)
    with log.reading() as conn:
        assert log.size(conn) == 0
    txn = tm.begin()
    assert log.append(entry(key, 2), txn, dsn=DSN)["ledger_index"] == 0  # no gap
    tm.commit()
