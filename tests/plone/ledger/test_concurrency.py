"""8 concurrent writers on a real FileStorage: none fails or retries because of the log, each
record commits with its entry, an aborted one leaves neither (and no gap)."""

import threading

import transaction
from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from ZODB import DB
from ZODB.FileStorage import FileStorage

from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.ledger.store import LedgerLog

WRITERS = 8


def test_concurrent_intake_does_not_fail_or_retry(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    key = NodeKey.generate("ledger.test/node")
    log = LedgerLog(tmp_path / "ledger.sqlite", key.name, "sm3", key)
    with db.transaction() as conn:
        conn.root()["rooms"] = OOBTree({n: PersistentMapping() for n in range(WRITERS)})
    barrier = threading.Barrier(WRITERS)
    errors, receipts = [], {}

    def intake(n):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            tm.begin()
            room = conn.root()["rooms"][n]
            barrier.wait()
            entry = make_entry(
                "archive",
                node=key.name,
                actor=f"svc-{n}",
                record=f"uid-{n}",
                code=f"J001-WS·2023-Y-BGS-{n:04d}",
                title="通知",
                content={"正本.pdf": f"{n:064x}"},
            )
            receipt = log.append(entry, tm.get())
            room["record"] = {"uid": f"uid-{n}", "ledger_index": receipt["ledger_index"]}
            if n == 3:
                tm.abort()  # this request fails for another reason: nothing of it stays
            else:
                tm.commit()
                receipts[n] = receipt
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(error))
        finally:
            conn.close()

    threads = [threading.Thread(target=intake, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(r["ledger_index"] for r in receipts.values()) == list(range(WRITERS - 1))
    with log.reading() as sql, db.transaction() as conn:
        assert log.size(sql) == WRITERS - 1
        merkle = log.merkle(sql)
        by_record = {parse_entry(log.entry(sql, i)[0])["record"]: i for i in range(WRITERS - 1)}
        assert "uid-3" not in by_record
        checkpoint, _ = open_checkpoint(log.latest_checkpoint(sql), [key.verifier()])
        rooms = conn.root()["rooms"]
        assert "record" not in rooms[3]
        for n, receipt in receipts.items():
            index = rooms[n]["record"]["ledger_index"]
            assert index == receipt["ledger_index"] == by_record[f"uid-{n}"]
            proof = merkle.inclusion_proof(index, checkpoint.size)
            assert verify_inclusion(
                index, checkpoint.size, merkle.leaf_hash(index), proof, checkpoint.root, "sm3"
            )
    db.close()
