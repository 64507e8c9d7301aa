"""What lets intakes write beside each other (#31): the shared/exclusive write lock of a
process (``txlocks.SharedLock``) and the series counter's floor, raised without the series lock
and merged at commit (``numbering.SeriesCounter``) — on a real FileStorage, two connections."""

import threading
import time

import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from sd.archive.numbering import SeriesCounter
from sd.archive.txlocks import SharedLock


def test_shared_holders_together_exclusive_alone_and_first_in_line():
    lock = SharedLock()
    assert lock.acquire(True, 1) and lock.acquire(True, 1)  # two shared holders
    assert not lock.acquire(False, 0.05)  # exclusive waits for both, then gives up
    got = []
    waiter = threading.Thread(target=lambda: got.append(lock.acquire(False, 5)))
    waiter.start()
    time.sleep(0.1)
    assert not lock.acquire(True, 0.05)  # a shared holder after a waiting exclusive one waits
    lock.release(True)
    lock.release(True)
    waiter.join()
    assert got == [True]
    assert not lock.acquire(True, 0.05)  # the exclusive holder is alone
    lock.release(False)
    assert lock.acquire(True, 0.05)
    lock.release(True)


@pytest.fixture
def db(tmp_path):
    database = DB(FileStorage(str(tmp_path / "Data.fs")))
    conn = database.open()
    conn.root()["counter"] = SeriesCounter(5)
    transaction.commit()
    conn.close()
    yield database
    database.close()


def two_writers(db, first, second):
    """``first`` and ``second`` change the counter from the same snapshot; commit both in turn."""
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [db.open(transaction_manager=tm) for tm in managers]
    counters = [c.root()["counter"] for c in conns]
    for counter in counters:
        counter.value  # noqa: B018 - load it in both snapshots before either commits
    first(counters[0])
    second(counters[1])
    managers[0].commit()
    try:
        managers[1].commit()
    finally:
        for tm, conn in zip(managers, conns, strict=True):
            tm.abort()
            conn.close()
    check = db.open()
    try:
        counter = check.root()["counter"]
        return counter.value, counter.floor
    finally:
        check.close()


def raise_floor(n):
    def change(counter):
        counter.floor = n

    return change


def allocate(n):
    def change(counter):
        counter.value = n

    return change


def test_two_accepted_floors_merge_to_the_larger(db):
    assert two_writers(db, raise_floor(9), raise_floor(7)) == (5, 9)
    assert two_writers(db, raise_floor(12), raise_floor(15)) == (5, 15)


def test_an_accepted_floor_merges_with_an_allocation_below_it(db):
    assert two_writers(db, allocate(6), raise_floor(9)) == (6, 9)
    assert two_writers(db, raise_floor(12), allocate(13)) == (13, 12)


def test_an_accepted_number_that_was_allocated_meanwhile_conflicts(db):
    with pytest.raises(ConflictError):
        two_writers(db, allocate(6), raise_floor(6))  # item 6 given out twice
    with pytest.raises(ConflictError):
        two_writers(db, raise_floor(8), allocate(8))
    assert SeriesCounter(3).last == 3
