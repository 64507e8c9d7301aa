"""Holdings and ledger agree for received records (馆藏与存证账实核对).

:func:`check` proves, for the transfer batches of a site:

- every record a batch reports ``received`` exists, is ``received`` and belongs to the batch;
- every record that names a batch is reported ``received`` by it (nothing half-stored);
- every received record has a ``receive`` entry in this node's ledger and still agrees with
  its latest entry (files re-hashed, metadata, inclusion: ``evidence.records.tamper_status``);
- every ``receive`` entry of the ledger names a record that is in the holdings.
"""

from __future__ import annotations

from plone import api

from sd.archive.core.messages import zh_first
from sd.archive.ledger.current import current_ledger
from sd.archive.ledger.records import tamper_status
from sd.archive.transfer import batch as state


def check(portal, rehash_limit: int | None = None) -> dict:  # noqa: C901 - one pass, one tally per finding
    catalog = api.portal.get_tool("portal_catalog")
    ledger = current_ledger(portal)
    problems: list[dict] = []

    def problem(code, message, obj):
        problems.append({"code": code, "message": zh_first(message, code), "object": obj})

    reported: dict[str, str] = {}
    batches = [
        b._unrestrictedGetObject()
        for b in catalog.unrestrictedSearchResults(portal_type="TransferBatch")
    ]
    incoming = [b for b in batches if b.direction == "incoming" and hasattr(b, "results")]
    for batch in incoming:
        for result in state.results(batch, state.RECEIVED):
            reported[result["uid"]] = batch.UID()
    with ledger.log.reading() as conn:
        logged = {
            row[0] for row in conn.execute("SELECT record FROM entries WHERE event = 'receive'")
        }
    stored = {}
    for brain in catalog.unrestrictedSearchResults(portal_type="Record"):
        record = brain._unrestrictedGetObject()
        if getattr(record, "transfer_batch", None):
            stored[record.UID()] = record
    for uid, batch_uid in reported.items():
        record = stored.get(uid)
        if record is None:
            problem("HOLDINGS-MISSING", "a record reported received is not in the holdings", uid)
            continue
        if record.transfer_batch != batch_uid:
            problem("HOLDINGS-BATCH", "the record names another batch", uid)
        if api.content.get_state(record) != "received":
            problem(
                "HOLDINGS-STATE", f"state {api.content.get_state(record)}", record.archival_code
            )
    for uid, record in stored.items():
        if uid not in reported:
            problem(
                "HOLDINGS-HALF-STORED",
                "a record names a batch that does not report it",
                record.archival_code,
            )
        if uid not in logged:
            problem("LEDGER-MISSING", "no receive entry in the ledger", record.archival_code)
            continue
        status = tamper_status(record, ledger, rehash_limit)
        for p in status.problems:
            problem(
                p["code"], p["message"], f"{record.archival_code} {p.get('object', '')}".strip()
            )
    for uid in logged - set(stored):
        problem("LEDGER-ORPHAN", "a receive entry names no record of the holdings", uid)
    return {
        "batches": len(incoming),
        "records": len(stored),
        "receive_entries": len(logged),
        "unfinished": [b.getId() for b in incoming if not state.is_done(b)],
        "agree": not problems,
        "problems": problems,
    }
