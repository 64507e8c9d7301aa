"""The intake write lock across workers kept in one process for its next intakes (#31).

``intake/writelock.py``: a worker that holds the exclusive lock across workers (a PostgreSQL
advisory lock) hands it straight to its own next intake that waits for the process lock, up to
``KEEP`` intakes in a row; then, or when none of its intakes waits, the other workers get it.
Another worker process is played by a PostgreSQL session of its own.
"""

import os
import threading
import time
import uuid

import psycopg2
import pytest

from sd.archive.intake import writelock
from sd.archive.txlocks import SharedLock
from sd.archive.workers import lock_key

DSN = os.environ.get("SD_ARCHIVE_PG_DSN", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DSN, reason="needs the PostgreSQL that `make test` starts (SD_ARCHIVE_PG_DSN)"
    ),
]


@pytest.fixture
def site():
    key = ("sd.archive.intake", f"/keep-{uuid.uuid4().hex[:8]}")
    conn = psycopg2.connect(DSN)
    conn.autocommit = True
    yield key, conn
    writelock._drop_kept(key)
    writelock._kept.pop(key, None)
    conn.close()


def other_worker_may_take(conn, key) -> bool:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s)", (lock_key(f"sd.archive.intake {key[1]}"),)
        )
        taken = bool(cursor.fetchone()[0])
        if taken:
            cursor.execute("SELECT pg_advisory_unlock_all()")
    return taken


def intake(lock, key, waiting: threading.Event | None = None, before_release=None):
    """One intake of this process: the process lock, the lock across workers, release."""
    assert lock.acquire(False, 5)
    release = writelock._take_across(DSN, key, False)
    assert release is not None
    turns = writelock._kept[key].turns
    if before_release is not None:
        before_release()
    writelock._give_back_across(release, key, lock, False)
    lock.release(False)
    return turns


def test_the_lock_goes_to_the_next_intake_of_the_process_then_to_the_other_workers(site):
    key, other = site
    lock = SharedLock()
    results = {}

    def wait_for_a_waiter():
        second.start()
        while not lock.exclusive_waiting():
            time.sleep(0.001)

    second = threading.Thread(target=lambda: results.update(second=intake(lock, key)))
    results["first"] = intake(lock, key, before_release=wait_for_a_waiter)
    second.join(10)
    # the second intake went on under the lock the first took: no new advisory lock
    assert results == {"first": 1, "second": 2}
    # nobody of this process waits any more: the other workers may have it
    assert writelock._kept[key].release is None
    assert other_worker_may_take(other, key)


def test_kept_while_a_waiter_comes_and_released_after_keep_turns(site, monkeypatch):
    key, other = site
    monkeypatch.setattr(writelock, "KEEP", 2)
    lock = SharedLock()
    seen = []

    def chain(n):
        """Intake n releases while intake n + 1 waits for the process lock."""

        def before_release():
            if n < 3:
                nxt = threading.Thread(target=lambda: seen.append(chain(n + 1)))
                threads.append(nxt)
                nxt.start()
                while not lock.exclusive_waiting():
                    time.sleep(0.001)
                if n == 1:  # kept for the second: the other workers still wait
                    assert not other_worker_may_take(other, key)

        return intake(lock, key, before_release=before_release)

    threads = []
    seen.append(chain(1))
    for t in threads:
        t.join(10)
    # KEEP = 2: the third intake had to take the lock anew (turn 1 again)
    assert sorted(seen) == [1, 1, 2]
    assert other_worker_may_take(other, key)


def test_a_lock_kept_for_a_waiter_that_gave_up_is_released(site):
    key, other = site
    lock = SharedLock()
    assert lock.acquire(False, 5)
    release = writelock._take_across(DSN, key, False)
    writelock._kept[key].release = release  # kept, as for a waiter that then timed out
    lock.release(False)
    assert not other_worker_may_take(other, key)
    writelock._drop_kept(key)
    assert other_worker_may_take(other, key)
