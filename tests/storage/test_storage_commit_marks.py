"""The parts of an intake's commit in the write lock's log (SD_ARCHIVE_INTAKE_TIMES=1, #31):
``_CommitMarks`` sorts right after the ZODB connection, so each mark comes after the
connection's phase of the same name."""

import transaction
from persistent.mapping import PersistentMapping
from ZODB import DB
from ZODB.FileStorage import FileStorage

from sd.archive.intake import writelock


class Spy:
    """A data manager that notes when the connection's phases have run (sorted after it)."""

    transaction_manager = None

    def __init__(self, conn, seen):
        self.conn, self.seen = conn, seen

    def sortKey(self):
        return f"{self.conn.sortKey()}~~"  # right after the marks

    def tpc_begin(self, txn):
        self.seen.append("spy begin")

    def commit(self, txn):
        self.seen.append("spy commit")

    def tpc_vote(self, txn):
        self.seen.append("spy vote")

    def tpc_finish(self, txn):
        self.seen.append("spy finish")

    def abort(self, txn):
        pass

    tpc_abort = abort


def test_the_commit_is_marked_phase_by_phase(tmp_path, monkeypatch):
    monkeypatch.setattr(writelock, "TIMES", True)
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        seen = []
        monkeypatch.setattr(writelock, "mark", seen.append)
        txn = tm.begin()
        txn.addBeforeCommitHook(seen.append, ("before-commit hook",))
        conn.root()["record"] = PersistentMapping(title="通知")
        txn.join(writelock._CommitMarks(f"{conn.sortKey()}~"))
        txn.join(Spy(conn, seen))
        tm.commit()
        assert seen == [
            "before-commit hook",
            "hooks",
            "spy begin",
            "objects",
            "spy commit",
            "vote",
            "spy vote",
            "finish",
            "spy finish",
        ]
        assert conn.root()["record"]._p_serial  # the connection stored it before "objects"
    finally:
        conn.close()
        db.close()


class Ledgerish(Spy):
    """Sorted where the evidence ledger's SQLite transaction is (after the connection)."""

    def sortKey(self):
        return "~sd.archive.ledger:/var/ledger.sqlite"


def test_the_write_lock_is_released_when_the_zodb_has_finished(tmp_path):
    """Before the ledger's and the audit trail's SQLite commits (they keep locks of their own),
    after the connection's finish (the next writer's snapshot then holds this commit)."""
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        seen = []
        txn = tm.begin()
        conn.root()["record"] = PersistentMapping(title="通知")
        txn.join(writelock._CommitMarks(f"{conn.sortKey()}~", lambda: seen.append("released")))
        txn.join(Ledgerish(conn, seen))
        tm.commit()
        assert seen.index("released") < seen.index("spy finish")
        assert seen[-1] == "spy finish"
    finally:
        conn.close()
        db.close()
