"""The stored trail: append-only, SM3-chained, anchored in the ledger; tampering is found."""

import sqlite3

import pytest
import transaction

from sd.archive import audit
from sd.archive.audit import anchor


def _trail_with(n):
    for i in range(n):
        audit.log("test.event", details={"n": i})
    transaction.commit()
    return audit.trail()


def _tamper(store, sql, *params):
    """What someone with the file could do: drop the triggers, then change it."""
    conn = sqlite3.connect(store.path)
    conn.execute("DROP TRIGGER IF EXISTS entries_no_update")
    conn.execute("DROP TRIGGER IF EXISTS entries_no_delete")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_entries_are_chained_in_commit_order(fportal):
    store = _trail_with(3)
    entries = list(store.iterate())
    assert [e.seq for e in entries] == list(range(len(entries)))
    assert all(b.prev == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert anchor.check().valid


def test_aborted_transaction_logs_nothing(fportal):
    store = _trail_with(1)
    before = store.head()
    audit.log("test.aborted")
    transaction.abort()
    assert store.head() == before


def test_file_refuses_update_and_delete(fportal):
    store = _trail_with(2)
    conn = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE entries SET actor = 'x' WHERE seq = 0")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM entries WHERE seq = 0")
    conn.close()


def test_altered_entry_is_found(fportal):
    store = _trail_with(4)
    _tamper(store, "UPDATE entries SET actor = 'mallory' WHERE seq = 2")
    result = anchor.check()
    assert not result.valid and result.first_bad_index == 2 and "altered" in result.reason


def test_deleted_entry_is_found(fportal):
    store = _trail_with(4)
    _tamper(store, "DELETE FROM entries WHERE seq = 1")
    result = anchor.check()
    assert not result.valid and result.first_bad_index == 1 and "missing" in result.reason


def test_truncated_tail_is_found_against_the_anchor(fportal):
    store = _trail_with(5)
    anchored = anchor.anchor()
    transaction.commit()
    assert anchor.latest_anchor() == anchored.__class__(
        anchored.seq, anchored.hash, anchored.ledger_index, anchor.latest_anchor().time
    )
    assert anchor.check().valid and anchor.check().anchored_index == anchored.seq
    _tamper(store, "DELETE FROM entries WHERE seq >= ?", anchored.seq - 1)
    result = anchor.check()
    assert not result.valid and result.first_bad_index == anchored.seq - 1
    assert "removed" in result.reason and result.anchored_index == anchored.seq


def test_rewritten_trail_differs_from_the_anchor(fportal):
    from sd.archive.core.audit.entry import Event
    from sd.archive.core.audit.entry import chain_all

    store = _trail_with(3)
    anchored = anchor.anchor()
    transaction.commit()
    entries = list(store.iterate())
    forged = chain_all(
        [Event(e.action, actor="mallory", time=e.time, details=e.details) for e in entries], None
    )
    _tamper(store, "DELETE FROM entries")
    for e in forged:
        _tamper(
            store,
            "INSERT INTO entries (seq, time, actor, ip, action, path, uid, code, "
            "outcome, details, prev, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            e.seq,
            e.time,
            e.actor,
            e.ip,
            e.action,
            e.path,
            e.uid,
            e.code,
            e.outcome,
            "{}" if not e.details else __import__("json").dumps(e.details),
            e.prev,
            e.hash,
        )
    result = anchor.check()
    assert not result.valid and result.first_bad_index <= anchored.seq


def test_anchoring_every_n_entries(fportal, monkeypatch):
    monkeypatch.setattr(anchor, "ANCHOR_EVERY", 3)
    store = _trail_with(4)
    anchor.maybe_anchor()
    transaction.commit()
    latest = anchor.latest_anchor()
    assert latest is not None and latest.seq >= 3 and store.anchored_seq == latest.seq
    assert [e.action for e in store.iterate()][-1] == "audit.anchored"


def test_switch_is_internal_and_audited(fportal, monkeypatch, tmp_path):
    """The benchmark's switch is read from the environment of a non-production process at
    start; switching it on a running site is not possible, and a trail opened while it is off
    says so in its first entry."""
    assert audit._OFF is False
    monkeypatch.setattr(audit, "_OFF", True)
    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "opened-while-off"))
    audit.log("test.hidden")
    transaction.commit()
    [first] = list(audit.trail().iterate())
    assert first.action == "audit.switched-off"


def test_concurrent_transactions_append_without_conflict(tmp_path):
    """Threads committing at once: every entry gets its own seq, the chain stays whole
    (appends happen at commit under one lock, never in the ZODB)."""
    import threading

    from sd.archive.audit.store import AuditStore
    from sd.archive.core.audit.check import check_chain
    from sd.archive.core.audit.entry import Event

    store = AuditStore(tmp_path / "audit.sqlite")
    errors = []

    def worker(n):
        manager = transaction.TransactionManager()
        try:
            for i in range(20):
                txn = manager.begin()
                store.add(Event("test.concurrent", actor=f"t{n}", details={"i": i}), txn)
                store.add(Event("test.concurrent", actor=f"t{n}", details={"i": i, "b": 1}), txn)
                manager.commit()
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = list(store.iterate())
    assert not errors and len(entries) == 8 * 20 * 2
    assert check_chain(entries).valid
    # a transaction's two entries stay together
    for a, b in zip(entries[::2], entries[1::2], strict=True):
        assert (a.actor, a.details["i"]) == (b.actor, b.details["i"])


def test_nothing_is_logged_outside_a_site(fportal):
    from zope.component.hooks import setSite

    setSite(None)
    try:
        assert audit.trail() is None
        audit.log("test.nowhere")
        audit.log_now("test.nowhere")
    finally:
        setSite(fportal)
    assert not [e for e in audit.trail().iterate() if e.action == "test.nowhere"]


def test_scheduled_anchoring_commits_an_anchor(fportal):
    store = _trail_with(2)
    anchor._anchor_site(fportal)  # what the hourly thread does in every site
    latest = anchor.latest_anchor()
    assert latest is not None and latest.seq == store.head()[0] - 1  # then audit.anchored
    anchor._anchor_site(fportal)  # nothing new but its own entry: anchored again
    assert anchor.latest_anchor().seq >= latest.seq
