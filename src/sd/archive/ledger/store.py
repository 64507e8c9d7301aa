"""This node's log in SQLite, joined to the Zope transaction (账本存储).

The Merkle nodes (``core.ledger.stores.SQLiteNodeStore``), the entries, a digest index for
``@verify`` and the signed checkpoints live in ``ledger.sqlite`` under the instance var
directory, outside the ZODB. An append:

1. takes this log's process lock for the rest of the Zope transaction (``sd.archive.txlocks``;
   with several workers on RelStorage also a PostgreSQL advisory lock, so that the writers of
   all processes queue and hand over at once) and opens an SQLite write transaction with
   ``BEGIN IMMEDIATE`` (which also serialises the other processes on the same file);
2. appends the entry, signs a checkpoint of the new size, and answers the receipt at once
   (index, leaf hash, inclusion proof, checkpoint);
3. commits the SQL transaction in ``tpc_finish`` *after* the ZODB has committed, or rolls it
   back when the Zope transaction aborts.

Writers wait for each other instead of conflicting: nothing in the ZODB is shared between two
intake transactions because of the log, so the log never makes a request fail or retry.
Crash window: the ZODB committed but the process died before the SQL commit. The record is then
stored without its entry; ``scripts/ledger_reconcile.py`` finds and re-logs it.
"""

from __future__ import annotations

import base64
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import transaction

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.entry import entry_bytes
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.stores import SQLiteNodeStore
from sd.archive.txlocks import hold

POOL_SIZE = 8
BUSY_TIMEOUT = 60  # seconds another process may hold the SQLite write lock
SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
  idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, entry BLOB NOT NULL,
  event TEXT NOT NULL, record TEXT NOT NULL, state TEXT NOT NULL DEFAULT '',
  full INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS entries_record ON entries (record, idx);
CREATE TABLE IF NOT EXISTS digests (
  digest TEXT NOT NULL, idx INTEGER NOT NULL, path TEXT NOT NULL,
  PRIMARY KEY (digest, idx, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
"""


#: the write-ahead log (WAL) is checkpointed at 1 MB (SQLite's default: 4 MB) and cut back to
#: 1 MB when it starts over, so each ledger and audit database keeps at most about 1 MB of WAL on
#: disk beside it instead of 4 MB (#31 item 6, bytes on disk)
WAL_PAGES = 256
WAL_LIMIT = 1024 * 1024


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are begun and ended explicitly."""
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
    conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
    return conn


def create(path: Path) -> None:
    conn = connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        SQLiteNodeStore(conn)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(entries)")}
        if "full" not in columns:  # logs made before the column existed
            conn.execute("ALTER TABLE entries ADD COLUMN full INTEGER NOT NULL DEFAULT 1")
    finally:
        conn.close()


class _SQLTransaction:
    """Data manager of one Zope transaction's SQLite write transaction (SQL 事务).

    Sorted after the ZODB connections (``~``) and before the lock holder (``~~``): the SQL
    commit happens once the ZODB has committed, while the log lock is still held.
    """

    def __init__(self, log: LedgerLog, txn):
        self.log = log
        self.transaction_manager = None
        self.conn = log.take()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            log.give_back(self.conn)
            raise
        self.size = log.size(self.conn)
        self.savepoints = 0
        self.txn = txn

    def _close(self, commit: bool) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            self.log.give_back(self.conn)
            self.conn = None
            if getattr(self.txn, "_sd_ledger", {}).get(self.log.lock_key) is self:
                del self.txn._sd_ledger[self.log.lock_key]

    def abort(self, txn):
        self._close(commit=False)

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        if self.conn is None:
            raise refuse("LEDGER-SQL-CLOSED", "the ledger transaction was closed early")

    def tpc_finish(self, txn):
        self._close(commit=True)

    def tpc_abort(self, txn):
        self._close(commit=False)

    def sortKey(self):
        return f"~sd.archive.ledger:{self.log.path}"

    def savepoint(self):
        self.savepoints += 1
        name = f"sp{self.savepoints}"
        self.conn.execute(f"SAVEPOINT {name}")
        return _Savepoint(self, name, self.size)


class _Savepoint:
    def __init__(self, manager: _SQLTransaction, name: str, size: int):
        self.manager, self.name, self.size = manager, name, size

    def rollback(self):
        self.manager.conn.execute(f"ROLLBACK TO {self.name}")
        self.manager.size = self.size


class LedgerLog:
    """The log of one node: appends in Zope transactions, reads from committed state."""

    def __init__(self, path: Path, origin: str, hash_alg: str, key):
        self.path = Path(path)
        self.origin, self.hash_alg, self.key = origin, hash_alg, key
        self.lock_key = ("sd.archive.ledger", str(self.path))
        self._pool: list[sqlite3.Connection] = []
        self._pool_guard = threading.Lock()
        create(self.path)  # idempotent: tables and columns that are missing

    # Connections are kept open and reused: opening is cheap, but closing the last connection
    # of a WAL database checkpoints it (an extra fsync per request).

    def take(self) -> sqlite3.Connection:
        with self._pool_guard:
            if self._pool:
                return self._pool.pop()
        return connect(self.path)

    def give_back(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        with self._pool_guard:
            if len(self._pool) < POOL_SIZE:
                self._pool.append(conn)
                return
        conn.close()

    def close_pool(self) -> None:
        """Close the idle connections (a process done with this database: tests, scripts)."""
        with self._pool_guard:
            idle, self._pool = self._pool, []
        for conn in idle:
            conn.close()

    # -- writing -----------------------------------------------------------------------------

    def _manager(self, txn, dsn: str | None = None) -> _SQLTransaction:
        managers = getattr(txn, "_sd_ledger", None)
        if managers is None:
            managers = txn._sd_ledger = {}
        manager = managers.get(self.lock_key)
        if manager is None:
            hold(
                self.lock_key,
                txn,
                busy=lambda key: refuse("LEDGER-BUSY", "the ledger is busy, try again"),
                # several worker processes on RelStorage: they queue on a PostgreSQL advisory
                # lock and get the log the moment the previous writer's transaction ends,
                # instead of polling SQLite's lock (its busy handler sleeps up to 100 ms)
                dsn=dsn,
                name=f"sd.archive.ledger {self.path}",
            )
            manager = managers[self.lock_key] = _SQLTransaction(self, txn)
            txn.join(manager)
        return manager

    def append(
        self,
        entry: dict,
        txn=None,
        state: str = "",
        digests: dict[str, str] | None = None,
        full: bool = True,
        dsn: str | None = None,
    ) -> dict:
        """Append ``entry`` in transaction ``txn``; return the receipt.

        ``dsn``: RelStorage's PostgreSQL when several worker processes share the log (the
        writers of every process then wait for each other on an advisory lock, see
        :meth:`_manager`).

        ``digests`` maps other digests of the entry's files (SHA-256) to their path for the
        ``@verify`` index; ``state`` is the record's metadata digest at logging time;
        ``full`` says the entry's content is all of the record's files (not a subset such as
        one converted or repaired file), so tamper checks compare the holdings with it.
        """
        txn = transaction.get() if txn is None else txn
        data = entry_bytes(entry)
        manager = self._manager(txn, dsn)
        conn = manager.conn
        log = MerkleLog(SQLiteNodeStore(conn), self.hash_alg, size=manager.size)
        index = log.append(data)
        leaf = log.leaf_hash(index)
        conn.execute(
            "INSERT INTO entries (idx, leaf, entry, event, record, state, full) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (index, leaf, data, entry["event"], entry["record"], state, int(full)),
        )
        rows = {(d, p) for p, d in entry["content"].items()}
        rows |= {(d, p) for d, p in (digests or {}).items()}
        rows |= {(entry[f], f) for f in ("package", "metadata") if entry[f]}
        conn.executemany(
            "INSERT OR IGNORE INTO digests (digest, idx, path) VALUES (?, ?, ?)",
            [(d, index, p) for d, p in rows],
        )
        size = index + 1
        note = str(sign_checkpoint(Checkpoint(self.origin, size, log.root()), self.key))
        conn.execute("INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?, ?)", (size, note))
        manager.size = size
        return {
            "ledger_index": index,
            "leaf_hash": leaf.hex(),
            "tree_size": size,
            "inclusion_proof": [p.hex() for p in log.inclusion_proof(index, size)],
            "checkpoint": note,
        }

    # -- reading (committed state) -----------------------------------------------------------

    @contextmanager
    def reading(self):
        conn = self.take()
        try:
            yield conn
        finally:
            self.give_back(conn)

    @contextmanager
    def view(self, txn=None):
        """A connection that sees what transaction ``txn`` logged so far (else committed)."""
        txn = transaction.get() if txn is None else txn
        manager = getattr(txn, "_sd_ledger", {}).get(self.lock_key)
        if manager is not None and manager.conn is not None:
            yield manager.conn
        else:
            with self.reading() as conn:
                yield conn

    @staticmethod
    def size(conn) -> int:
        return conn.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries").fetchone()[0]

    def merkle(self, conn) -> MerkleLog:
        return MerkleLog(SQLiteNodeStore(conn), self.hash_alg, size=self.size(conn))

    def latest_checkpoint(self, conn=None) -> str:
        """The latest signed checkpoint (with its cosignatures); signed now if missing."""
        if conn is None:
            with self.reading() as conn:
                return self.latest_checkpoint(conn)
        size = self.size(conn)
        row = conn.execute(
            "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1"
        ).fetchone()
        if row is not None and row[0] == size:
            return row[1]
        # an empty log, or checkpoints removed by hand: sign the current tree head
        log = self.merkle(conn)
        note = str(sign_checkpoint(Checkpoint(self.origin, size, log.root()), self.key))
        conn.execute("INSERT OR IGNORE INTO checkpoints (size, note) VALUES (?, ?)", (size, note))
        return note

    def checkpoint_at(self, conn, size: int) -> str | None:
        row = conn.execute("SELECT note FROM checkpoints WHERE size = ?", (size,)).fetchone()
        return row[0] if row else None

    def checkpoints(self, conn, limit: int = 10) -> list[tuple[int, str]]:
        return conn.execute(
            "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT ?", (limit,)
        ).fetchall()

    def best_checkpoint_for(self, conn, index: int, is_better) -> str:
        """The checkpoint to prove entry ``index`` against: the newest one that ``is_better``
        accepts (e.g. confirmed by a quorum), else the latest."""
        for _size, note in conn.execute(
            "SELECT size, note FROM checkpoints WHERE size > ? ORDER BY size DESC LIMIT 50",
            (index,),
        ):
            if is_better(note):
                return note
        return self.latest_checkpoint(conn)

    def entry(self, conn, index: int) -> tuple[bytes, bytes, str] | None:
        """(entry bytes, leaf hash, state digest) of entry ``index``."""
        row = conn.execute(
            "SELECT entry, leaf, state FROM entries WHERE idx = ?", (index,)
        ).fetchone()
        return (bytes(row[0]), bytes(row[1]), row[2]) if row else None

    def entries(self, conn, start: int, end: int) -> list[bytes]:
        return [
            bytes(r[0])
            for r in conn.execute(
                "SELECT entry FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx", (start, end)
            )
        ]

    def recent(self, conn, count: int = 20) -> list[tuple[int, bytes]]:
        return [
            (r[0], bytes(r[1]))
            for r in conn.execute(
                "SELECT idx, entry FROM entries ORDER BY idx DESC LIMIT ?", (count,)
            )
        ]

    def record_indexes(self, conn, uid: str, full_only: bool = False) -> list[int]:
        """Indexes of the entries of record ``uid``; with ``full_only`` those whose content
        lists all of the record's files."""
        query = "SELECT idx FROM entries WHERE record = ?" + (" AND full = 1" if full_only else "")
        return [r[0] for r in conn.execute(query + " ORDER BY idx", (uid,))]

    def find_digest(self, conn, digest: str) -> list[tuple[int, str]]:
        return conn.execute(
            "SELECT idx, path FROM digests WHERE digest = ? ORDER BY idx", (digest,)
        ).fetchall()

    def logged_records(self, conn) -> set[str]:
        return {
            r[0] for r in conn.execute("SELECT DISTINCT record FROM entries WHERE record != ''")
        }

    def add_cosignature(self, conn, size: int, line_note: str) -> str:
        """Merge the signatures of ``line_note`` (a cosigned copy of checkpoint ``size``)."""
        current = self.checkpoint_at(conn, size)
        if current is None:
            raise refuse("LEDGER-CHECKPOINT-UNKNOWN", f"no checkpoint of size {size}")
        note, incoming = parse_note(current), parse_note(line_note)
        if incoming.text != note.text:
            raise refuse("LEDGER-CHECKPOINT-MISMATCH", "the cosigned checkpoint is not ours")
        for signature in incoming.signatures:
            note = note.with_signature(signature)
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE checkpoints SET note = ? WHERE size = ?", (str(note), size))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        return str(note)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


__all__ = ["LedgerLog", "LedgerError"]
