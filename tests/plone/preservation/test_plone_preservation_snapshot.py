"""Consistent copies of the live database and ledger for backups."""

import sqlite3

import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from sd.archive.preservation.backup import snapshot_filestorage
from sd.archive.preservation.backup import snapshot_ledger


def test_snapshot_of_a_live_filestorage_opens_with_all_committed_data(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))  # stays open, as in a running instance
    with db.transaction() as conn:
        conn.root()["records"] = list(range(100))
    # bytes of a transaction still being written after the last commit are left out
    with open(tmp_path / "Data.fs", "ab") as f:
        f.write(b"\x00partial transaction")
    copy = snapshot_filestorage(tmp_path / "Data.fs", tmp_path / "copy.fs")
    restored = DB(FileStorage(str(copy), read_only=True))
    conn = restored.open()
    assert conn.root()["records"] == list(range(100))
    conn.close()
    restored.close()
    db.close()
    transaction.abort()


def test_ledger_snapshot_copies_sqlite_safely_and_no_private_key(tmp_path):
    source = tmp_path / "ledger" / "archive"
    source.mkdir(parents=True)
    with sqlite3.connect(source / "ledger.sqlite") as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE entries (idx INTEGER PRIMARY KEY, entry TEXT)")
        conn.executemany("INSERT INTO entries VALUES (?, ?)", [(i, f"e{i}") for i in range(50)])
    (source / "node.key").write_text("PRIVATE")
    (source / "node.json").write_text("{}")
    target = snapshot_ledger(tmp_path / "ledger", tmp_path / "snapshot")
    with sqlite3.connect(target / "archive" / "ledger.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 50
    assert (target / "archive" / "node.json").exists()
    assert not (target / "archive" / "node.key").exists()
