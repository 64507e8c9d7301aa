"""Node stores for ``MerkleLog`` (节点存储): an in-memory dict and an SQLite table.

A node store is any ``MutableMapping[(level, index)] -> bytes``. Only ``__getitem__``,
``__setitem__`` and ``__contains__`` are on the hot path; nodes are written once and never
change, so a store needs no update logic and concurrent readers see a consistent prefix.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from collections.abc import MutableMapping
from pathlib import Path


class MemoryNodeStore(dict):
    """An in-memory node store (内存节点存储): a plain dict keyed by (level, index)."""


_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class SQLiteNodeStore(MutableMapping):
    """A node store in one SQLite table (SQLite 节点存储).

    Writes join the connection's current transaction and are not committed here: the caller
    commits together with whatever else belongs to the same record (a record and its ledger
    entry are committed together or not at all). ``commit()`` is a convenience.
    """

    def __init__(self, database: str | Path | sqlite3.Connection, table: str = "merkle_nodes"):
        if not _TABLE_NAME.match(table):
            raise ValueError(f"unsafe table name {table!r}")
        if isinstance(database, sqlite3.Connection):
            self.connection = database
        else:
            self.connection = sqlite3.connect(str(database))
        self.table = table
        self.connection.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            " level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
            " PRIMARY KEY (level, idx)) WITHOUT ROWID"
        )
        self._get = f"SELECT hash FROM {table} WHERE level = ? AND idx = ?"
        self._put = f"INSERT OR REPLACE INTO {table} (level, idx, hash) VALUES (?, ?, ?)"

    def __getitem__(self, key: tuple[int, int]) -> bytes:
        row = self.connection.execute(self._get, key).fetchone()
        if row is None:
            raise KeyError(key)
        return bytes(row[0])

    def __setitem__(self, key: tuple[int, int], value: bytes) -> None:
        self.connection.execute(self._put, (key[0], key[1], value))

    def __delitem__(self, key: tuple[int, int]) -> None:
        cursor = self.connection.execute(
            f"DELETE FROM {self.table} WHERE level = ? AND idx = ?", key
        )
        if cursor.rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not (isinstance(key, tuple) and len(key) == 2):
            return False
        return self.connection.execute(self._get, key).fetchone() is not None

    def __iter__(self) -> Iterator[tuple[int, int]]:
        yield from self.connection.execute(
            f"SELECT level, idx FROM {self.table} ORDER BY level, idx"
        )

    def __len__(self) -> int:
        return self.connection.execute(f"SELECT COUNT(*) FROM {self.table}").fetchone()[0]

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()
