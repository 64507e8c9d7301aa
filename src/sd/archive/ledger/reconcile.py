"""Reconciliation of holdings and ledger (账实核对) after the crash window.

The SQL log commits after the ZODB (``store``). If the process dies in between, a record is
stored with notarization fields that point at an entry the log does not have (or that another
entry later took). ``reconcile`` walks every record and checks that the log holds, at the
record's ``ledger_index``, an entry of that record with the record's ``leaf_hash``; records
that never got an entry although past pre-archiving are missing as well. With ``fix``, each
missing one is logged again (event by its workflow state) in the current transaction.
"""

from __future__ import annotations

from plone import api

from sd.archive.ledger import log_event
from sd.archive.ledger.current import current_ledger

STATE_EVENTS = {
    "pre_archived": "pre-archive",
    "archived": "archive",
    "transferred": "transfer-out",
    "transfer_pending": "archive",
    "received": "receive",
    "rejected": "return",
    "destroyed": "destroy",
}


def reconcile(fix: bool = False) -> dict:
    ledger = current_ledger()
    catalog = api.portal.get_tool("portal_catalog")
    missing, checked = [], 0
    with ledger.log.reading() as conn:
        for brain in catalog.unrestrictedSearchResults(portal_type="Record"):
            record = brain._unrestrictedGetObject()
            checked += 1
            index = getattr(record, "ledger_index", None)
            state = api.content.get_state(record, default=None)
            if index is None:
                if state not in (None, "pre_archived") or ledger.log.record_indexes(
                    conn, record.UID()
                ):
                    missing.append((record, state, "never logged"))
                continue
            found = ledger.log.entry(conn, index)
            if found is None:
                missing.append((record, state, f"entry {index} is not in the log"))
            elif found[1].hex() != record.leaf_hash or ledger.log.record_indexes(
                conn, record.UID()
            )[-1:] != [index]:
                missing.append((record, state, f"entry {index} is another record's"))
    report = {
        "checked": checked,
        "missing": [
            {"path": "/".join(r.getPhysicalPath()), "UID": r.UID(), "state": s, "reason": why}
            for r, s, why in missing
        ],
        "relogged": [],
    }
    if fix:
        for record, state, _why in missing:
            receipt = log_event(STATE_EVENTS.get(state, "audit"), record, actor="reconcile")
            report["relogged"].append({"UID": record.UID(), **receipt})
    return report
