"""Reconciliation after the crash window (ZODB committed, SQL not): found and re-logged."""

import transaction

from sd.archive.ledger.reconcile import reconcile
from sd.archive.testing import make_record


def test_reconcile_finds_and_relogs_a_record_without_its_entry(ffonds, archive, fledger):
    good = archive(ffonds, 1)
    lost = archive(ffonds, 2)
    transaction.commit()
    assert reconcile()["missing"] == []
    # what the crash window leaves: the record points at an entry the log never committed
    lost.ledger_index, lost.leaf_hash = 10**6, "00" * 32
    make_record(ffonds, 3)  # pre-archived and never logged: fine
    transaction.commit()
    report = reconcile()
    assert [m["UID"] for m in report["missing"]] == [lost.UID()]
    fixed = reconcile(fix=True)
    transaction.commit()
    assert fixed["relogged"][0]["UID"] == lost.UID() and lost.ledger_index < 10**6
    assert reconcile()["missing"] == []
    assert good.ledger_index < lost.ledger_index
