"""Where the audit trail is kept (审计日志存储): an append-only SQLite file per site.

``audit.sqlite`` lives next to the evidence ledger (``<var>/ledger/<site id>/``), outside the
ZODB, for the reason the ledger does: a hash chain has one head, and every transaction that
appended to a head kept in the ZODB would conflict with every other one (concurrent intake
would retry). Here a transaction only *collects* its events; they are chained and written when
it commits, in ``tpc_vote`` — after the ZODB has voted, under the storage's commit lock and a
process lock — and the SQL transaction commits in ``tpc_finish``. Nothing in the ZODB is
written, so the trail never makes a request conflict or retry, and a transaction that aborts
leaves no entry (what it tried is logged apart, see ``subscribers``).

There is no API to change or remove an entry, and the file refuses it too: triggers abort any
UPDATE or DELETE. Someone with the file can still drop them; the chain and its anchors in the
ledger show it (``check``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import transaction

from sd.archive.core.audit.check import Anchor
from sd.archive.core.audit.check import CheckResult
from sd.archive.core.audit.check import check_chain
from sd.archive.core.audit.entry import FIELDS
from sd.archive.core.audit.entry import Entry
from sd.archive.core.audit.entry import Event
from sd.archive.core.audit.entry import canonical_json
from sd.archive.core.audit.entry import chain_all
from sd.archive.ledger.store import LedgerLog
from sd.archive.txlocks import KeepSavepoint

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, actor TEXT NOT NULL, ip TEXT NOT NULL,
  action TEXT NOT NULL, path TEXT NOT NULL, uid TEXT NOT NULL, code TEXT NOT NULL,
  outcome TEXT NOT NULL, details TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_time ON entries (time);
CREATE INDEX IF NOT EXISTS entries_actor ON entries (actor, seq);
CREATE INDEX IF NOT EXISTS entries_action ON entries (action, seq);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
COLUMNS = ", ".join((*FIELDS, "hash"))
INSERT = f"INSERT INTO entries ({COLUMNS}) VALUES ({', '.join('?' * (len(FIELDS) + 1))})"


def _row(entry: Entry) -> tuple:
    values = entry.fields()
    values["details"] = canonical_json(entry.details).decode("utf-8")
    return (*(values[name] for name in FIELDS), entry.hash)


def _entry(row) -> Entry:
    values = dict(zip((*FIELDS, "hash"), row, strict=True))
    values["details"] = json.loads(values["details"])
    return Entry.from_dict(values)


@dataclass
class Query:
    """A filter of the trail (审计日志查询): every given field must match."""

    actor: str = ""
    action: str = ""  # an action, or a prefix ending with "." ("record.")
    object: str = ""  # a path (and everything under it), a UID or an archival code
    outcome: str = ""
    since: str = ""  # UTC, RFC 3339 like the entries' time
    until: str = ""

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.actor:
            clauses.append("actor = ?")
            params.append(self.actor)
        if self.action.endswith("."):
            clauses.append("action >= ? AND action < ?")
            params += [self.action, self.action[:-1] + "/"]
        elif self.action:
            clauses.append("action = ?")
            params.append(self.action)
        if self.object:
            path = self.object.rstrip("/")
            clauses.append("(path = ? OR (path >= ? AND path < ?) OR uid = ? OR code = ?)")
            params += [path, path + "/", path + "0", self.object, self.object]
        if self.outcome:
            clauses.append("outcome = ?")
            params.append(self.outcome)
        if self.since:
            clauses.append("time >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("time < ?")
            params.append(self.until)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class AuditStore:
    """The audit trail of one site: appends at commit, reads of committed entries."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.key = f"~sd.archive.audit:{self.path}"
        self._lock = threading.Lock()
        self._pool: list[sqlite3.Connection] = []
        self._pool_guard = threading.Lock()
        #: the last committed (seq, hash) this process wrote or read, for anchoring
        self.committed: tuple[int, str] | None = None
        self.anchored_seq: int | None = None
        with self.reading() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('log_id', ?)", (uuid.uuid4().hex,)
            )
            self.log_id = conn.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()[0]
            self.committed = self._head(conn)

    # -- connections: pooled as the ledger's (opening is cheap, closing the last connection of
    # a WAL database checkpoints it)

    _take = LedgerLog.take
    _give_back = LedgerLog.give_back
    close_pool = LedgerLog.close_pool

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._take()
        try:
            yield conn
        finally:
            self._give_back(conn)

    # -- writing -------------------------------------------------------------------------------

    def add(self, event: Event, txn=None) -> None:
        """Log ``event`` when transaction ``txn`` (default: the current one) commits."""
        txn = transaction.get() if txn is None else txn
        managers = txn.__dict__.setdefault("_sd_audit", {})
        manager = managers.get(self.key)
        if manager is None:
            manager = managers[self.key] = _Append(self)
            txn.join(manager)
        manager.events.append(event)

    def pending(self, txn=None) -> list[Event]:
        """The events transaction ``txn`` will log when it commits."""
        txn = transaction.get() if txn is None else txn
        manager = txn.__dict__.get("_sd_audit", {}).get(self.key)
        return list(manager.events) if manager else []

    def add_now(self, events: list[Event]) -> list[Entry]:
        """Log ``events`` at once, outside any Zope transaction (e.g. for one that aborts)."""
        conn = self._begin()
        try:
            entries = self._write(conn, events)
            conn.execute("COMMIT")
        except BaseException:
            self._end(conn, commit=False)
            raise
        self._end(conn, commit=None)
        self._committed(entries)
        return entries

    def _begin(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            conn = self._take()
            conn.execute("BEGIN IMMEDIATE")  # other processes on the same file wait here
            return conn
        except BaseException:
            self._lock.release()
            raise

    def _write(self, conn, events) -> list[Entry]:
        entries = chain_all(events, self._head(conn))
        conn.executemany(INSERT, [_row(e) for e in entries])
        return entries

    def _end(self, conn, commit: bool | None) -> None:
        try:
            if commit is not None:
                conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            self._give_back(conn)
            self._lock.release()

    def _committed(self, entries: list[Entry]) -> None:
        if entries:
            self.committed = (entries[-1].seq, entries[-1].hash)

    # -- reading -------------------------------------------------------------------------------

    @staticmethod
    def _head(conn) -> tuple[int, str] | None:
        row = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def head(self) -> tuple[int, str] | None:
        """``(seq, hash)`` of the last committed entry, None while the trail is empty."""
        with self.reading() as conn:
            self.committed = self._head(conn)
        return self.committed

    def search(self, query: Query, start: int = 0, size: int = 50) -> tuple[int, list[Entry]]:
        """(number of matches, the matches from ``start``), newest first."""
        where, params = query.where()
        with self.reading() as conn:
            total = conn.execute(f"SELECT COUNT(*) FROM entries{where}", params).fetchone()[0]
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM entries{where} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, size, start],
            ).fetchall()
        return total, [_entry(r) for r in rows]

    def iterate(self, query: Query | None = None) -> Iterator[Entry]:
        """Every entry matching ``query``, oldest first (streamed)."""
        where, params = (query or Query()).where()
        with self.reading() as conn:
            for row in conn.execute(f"SELECT {COLUMNS} FROM entries{where} ORDER BY seq", params):
                yield _entry(row)

    def check(self, anchor: Anchor | None) -> CheckResult:
        """The chain check of the whole committed trail against ``anchor``."""
        return check_chain(self.iterate(), anchor)


class _Append:
    """Data manager of one transaction's events: chained and written at commit (入链)."""

    transaction_manager = None

    def __init__(self, store: AuditStore):
        self.store = store
        self.events: list[Event] = []
        self.conn = None
        self.entries: list[Entry] = []

    def sortKey(self):
        return self.store.key  # "~…": after the ZODB connections, before the ledger's locks

    def abort(self, txn):
        self.events.clear()

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        if self.events:
            self.conn = self.store._begin()
            self.entries = self.store._write(self.conn, self.events)

    def tpc_finish(self, txn):
        if self.conn is not None:
            conn, self.conn = self.conn, None
            self.store._end(conn, commit=True)
            self.store._committed(self.entries)

    def tpc_abort(self, txn):
        if self.conn is not None:
            conn, self.conn = self.conn, None
            self.store._end(conn, commit=False)
        self.events.clear()

    def savepoint(self):
        return _Savepoint(self, len(self.events))


class _Savepoint(KeepSavepoint):
    def __init__(self, manager: _Append, size: int):
        self.manager, self.size = manager, size

    def rollback(self):
        del self.manager.events[self.size :]
