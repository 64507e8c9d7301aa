"""A transfer batch's state (移交批次状态): progress, per-record results, manual items.

Each part is its own persistent object so that the worker (which writes ``progress`` and
``results`` once per record) and an archivist signing off a manual item in the UI never
write the same object:

- ``batch.progress`` — cursor (the next record to process, 1-based), counts, times, worker;
- ``batch.results`` — an OOBTree {sequence: result} with the record's 档号, folder, outcome
  (``received`` | ``failed`` | ``returned``), failed item codes, the problems, the stored
  record's UID and its ledger receipt;
- ``batch.manual`` — the manual items (载体外观, 交接手续 …) with who signed them off;
- ``batch.facts`` — the package facts (说明文件, counts, digests) for the registration form.
"""

from __future__ import annotations

from BTrees.IOBTree import IOBTree
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api

from sd.archive.actors import now
from sd.archive.transfer.running import running

RECEIVED = "received"
FAILED = "failed"
RETURNED = "returned"
TRANSFERRED = "transferred"  # outgoing batches: handed over by the records room

#: manual items an archivist signs off (人工检测项): the catalogue's manual YJ items plus the
#: hand-over formalities of DA/T 93 (交接手续)
HANDOVER = ("HANDOVER", "security", "交接手续（登记表签署、盖章）", "Hand-over formalities")


def init_state(batch, facts: dict, manual_items: list[tuple[str, str, str, str]]) -> None:
    batch.facts = PersistentMapping(facts)
    batch.progress = PersistentMapping(
        cursor=1,
        received=0,
        failed=0,
        started=now(),
        finished=None,
        total=facts.get("record_count", 0),
        worker=None,
        error=None,
    )
    batch.results = IOBTree()
    batch.manual = PersistentMapping()
    for code, prop, title_zh, title_en in manual_items:
        batch.manual[code] = PersistentMapping(
            code=code,
            property=prop,
            title_zh=title_zh,
            title=title_en,
            outcome="manual",
            by=None,
            time=None,
            note="",
        )
    batch.returns = PersistentList()


def _count(progress, outcome: str, step: int) -> None:
    progress["received" if outcome in (RECEIVED, TRANSFERRED) else "failed"] += step


def set_result(batch, sequence: int, *, position: int | None = None, **values) -> dict:
    """Keep the result of the record ``sequence`` and move the cursor past ``position`` (the
    record's place in the package being processed; the sequence itself for a first package).

    A result replaces an earlier one of the same record (a resubmitted record): the counts
    follow the new outcome."""
    result = PersistentMapping(sequence=sequence, time=now(), round=current_round(batch), **values)
    previous = batch.results.get(sequence)
    batch.results[sequence] = result
    progress = batch.progress
    if previous is not None:
        _count(progress, previous["outcome"], -1)
    _count(progress, values["outcome"], +1)
    progress["cursor"] = max(progress["cursor"], (position or sequence) + 1)
    return result


def current_round(batch) -> int:
    """0 for the first package, n for the n-th resubmission (重新移交轮次)."""
    return batch.progress.get("round", 0)


def is_done(batch) -> bool:
    return batch.progress["finished"] is not None


def summary(batch) -> dict:
    progress = dict(batch.progress)
    total = progress.get("total") or 0
    done = progress["received"] + progress["failed"]
    return {
        "state": api.content.get_state(batch, default=None),
        "total": total,
        "processed": done,
        "received": progress["received"],
        "failed": progress["failed"],
        "percent": round(100 * done / total, 1) if total else 100.0,
        "started": progress["started"],
        "finished": progress["finished"],
        "running": running(batch),
        "error": progress.get("error"),
    }


def results(batch, outcome: str | None = None) -> list[dict]:
    found = [dict(r) for r in batch.results.values()]
    if outcome:
        found = [r for r in found if r["outcome"] == outcome]
    return found


def manual_items(batch) -> list[dict]:
    return [dict(m) for m in batch.manual.values()]


def sign_off(batch, code: str, outcome: str, note: str, actor: str) -> dict:
    """An archivist records a manual item as passed or failed (人工检测签字), as the role the
    detection catalogue names for the item (checked in ``core.detection.signoff``)."""
    from sd.archive.core.detection.catalogue import load_catalogue
    from sd.archive.core.detection.signoff import signer_item

    if outcome not in ("passed", "failed"):
        raise ValueError("a manual item is signed off as passed or failed")
    item = batch.manual[code]
    if code != HANDOVER[0]:  # the handover itself is the receiving archivist's (Receive records)
        signer_item(load_catalogue(), code, api.user.get_roles(obj=batch))
    item.update(outcome=outcome, note=note, by=actor, time=now())
    return dict(item)


def manual_pending(batch) -> list[str]:
    return [m["code"] for m in batch.manual.values() if m["outcome"] == "manual"]
