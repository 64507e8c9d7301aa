"""Why the intake write lock is held until RelStorage's ``tpc_finish`` (#31, lever "release it
after the vote"): on a real PostgreSQL, a writer whose transaction has voted but not finished
is invisible to a transaction another worker starts then — RelStorage's snapshot is the last
*committed* transaction id when the new transaction polls. A next lock holder would read the
state before it (its holdings checks would miss the record just written) and its own write of
the same objects ends in a ConflictError once the first one finishes: a retried request, not
a gain.
"""

import os
import threading

import psycopg2
import pytest
import transaction
from BTrees.OOBTree import OOBTree
from ZODB.POSException import ConflictError

DSN = os.environ.get("SD_ARCHIVE_PG_DSN", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DSN, reason="needs the PostgreSQL that `make test` starts (SD_ARCHIVE_PG_DSN)"
    ),
]


@pytest.fixture
def database():
    """A database of its own on the test server (dropped afterwards)."""
    name = f"sd_lock_until_finish_{os.getpid()}"
    admin = psycopg2.connect(DSN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    server = " ".join(p for p in DSN.split() if not p.startswith("dbname="))
    yield f"{server} dbname={name}"
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


class HoldAfterVote:
    """Sorted after the ZODB connection: stops the commit between RelStorage's vote and its
    finish until told to go on."""

    transaction_manager = None

    def __init__(self, conn):
        self.key = f"{conn.sortKey()}~"
        self.voted, self.go_on = threading.Event(), threading.Event()

    def sortKey(self):
        return self.key

    def tpc_vote(self, txn):
        self.voted.set()
        assert self.go_on.wait(30)

    def tpc_begin(self, txn):
        pass

    commit = tpc_finish = abort = tpc_abort = tpc_begin


def test_a_voted_transaction_is_not_seen_by_the_next_writer_until_its_finish(database):
    from relstorage.adapters.postgresql import PostgreSQLAdapter
    from relstorage.options import Options
    from relstorage.storage import RelStorage
    from ZODB import DB

    def open_db():  # one per worker process
        options = Options(keep_history=False)
        return DB(RelStorage(PostgreSQLAdapter(dsn=database, options=options), options=options))

    first, second = open_db(), open_db()
    tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
    try:
        root1 = first.open(tm1).root()
        root1["holdings"] = OOBTree({"count": 0})
        tm1.commit()
        conn2 = second.open(tm2)

        # worker 1 writes a record and stops after RelStorage's vote
        root1["holdings"]["count"] = 1
        hold = HoldAfterVote(root1._p_jar)
        tm1.get().join(hold)
        writer = threading.Thread(target=tm1.commit)
        writer.start()
        assert hold.voted.wait(30)

        # were the lock released now, worker 2 would start its write phase here
        tm2.abort()
        tm2.begin()
        seen = conn2.root()["holdings"]["count"]
        assert seen == 0  # stale: the voted transaction is not committed yet
        conn2.root()["holdings"]["count"] = seen + 1

        hold.go_on.set()
        writer.join(30)
        with pytest.raises(ConflictError):
            tm2.commit()  # its write of the same object cannot commit: the request is retried
        tm2.abort()
        tm2.begin()
        assert conn2.root()["holdings"]["count"] == 1  # after the finish: visible
    finally:
        tm1.abort()
        tm2.abort()
        first.close()
        second.close()
