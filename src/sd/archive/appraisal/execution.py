"""Executing an approved destruction batch (销毁执行): the only way a record is destroyed.

- **who**: a user who may dispose of the fonds' records (records officer / archivist), naming
  two distinct supervisors (监销人); the leader's approval came first.
- **what**: per record, the ``destroy`` transition runs inside :func:`sanctioned` (the workflow
  guard refuses it anywhere else, so the lone transition of old is closed): the files go, the
  record stays as a tombstone with its metadata (已销毁), the ledger logs one ``destroy``
  entry. Every copy the system controls goes too (:mod:`.purge`): the working blobs, the AIP
  of every version in every storage location, the copies in managed backups; the offline
  carriers (光盘) holding a copy are listed as pending physical destruction until a person
  confirms each (:func:`confirm_carrier`).
- **resumable**: records are destroyed in chunks, each committed with the files it must
  remove noted in the batch; files are removed only after their chunk committed (a killed run
  never loses a file of a record still held); run again, the batch goes on where it stopped
  and finishes the removal of what a killed run left (idempotent per record).
- **certificate** (销毁证明): when every record is done, a PDF with the register, the approval,
  the supervisors and the times is kept on the batch and filed as a record of the fonds itself
  (:mod:`.certificate`).
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from persistent.mapping import PersistentMapping
from plone import api

from sd.archive import retention
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.appraisal import inputs
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import AppraisalRefused
from sd.archive.core.appraisal.batch import State
from sd.archive.core.appraisal.batch import refuse
from sd.archive.core.appraisal.inputs import text

from . import batches
from . import purge

DISPOSE = "sd.archive: Dispose records"
_SANCTION = "_v_sd_archive_destruction"
DEFAULT_CHUNK = 200


@contextmanager
def sanctioned(record, batch_id: str):
    """Inside this block ``record`` may take the ``destroy`` transition (an executed batch)."""
    base = aq_base(record)
    setattr(base, _SANCTION, batch_id)
    try:
        yield
    finally:
        base.__dict__.pop(_SANCTION, None)


def destruction_sanctioned(record) -> bool:
    """True only while an executed batch destroys ``record`` (the workflow guard asks)."""
    return bool(aq_base(record).__dict__.get(_SANCTION))


def _progress(batch):
    if getattr(batch, "done", None) is None:
        batch.done = OOTreeSet()
    if getattr(batch, "pending_purge", None) is None:
        batch.pending_purge = OOBTree()
    if getattr(batch, "blocked", None) is None:
        batch.blocked = PersistentMapping()
    if getattr(batch, "carriers", None) is None:
        batch.carriers = PersistentMapping()
    return batch.done


def _executed_already(batch):
    """409: a batch is destroyed once (已执行销毁的批次不能再次销毁)."""
    return refuse(
        409,
        "APPRAISAL-EXECUTED",
        "本批次已执行销毁，不能再次销毁 / the batch was executed already",
        batch.getId(),
        "state",
    )


def start(batch, names) -> None:
    """Approved → executing, with the two supervisors (监销人) and the executor."""
    state = batches.batch_state(batch)
    if state is State.EXECUTING:
        return
    if state is State.EXECUTED:
        raise _executed_already(batch)
    rules.check_state(state, [State.APPROVED], batch.getId())
    first, second = inputs.supervisors(names)
    problems = batches.held_problems(batch, batches.to_destroy(batch))
    if problems:
        raise AppraisalRefused("held records block the batch (冻结档案)", problems, 409)
    batch.supervisors = (first, second)
    batch.executor = actor()
    _progress(batch)
    batches.transition(batch, "execute", f"监销人：{first}、{second}")
    batches.log_step(batch, "execute", supervisors=[first, second])


def check_executor(batch) -> None:
    fonds = batches.fonds_of_batch(batch)
    if not api.user.has_permission(DISPOSE, obj=fonds) and not batches.is_manager(fonds):
        raise refuse(
            403, "APPRAISAL-EXECUTOR", "无权执行销毁 / may not execute destruction", batch.getId()
        )


def execute(
    batch, supervisors=None, *, chunk: int = DEFAULT_CHUNK, commit=None, limit=None, progress=None
) -> dict:
    """Execute the batch (or go on with a started one); ``commit`` (``transaction.commit``)
    after every chunk makes it resumable; ``limit`` stops after so many records (a test's or
    benchmark's stand-in for a kill). Returns the progress."""
    check_executor(batch)
    if batches.batch_state(batch) is State.EXECUTED:
        raise _executed_already(batch)
    if batches.batch_state(batch) is not State.EXECUTING:
        start(batch, supervisors)
        batches.commit_or_savepoint(commit)
    done = _progress(batch)
    purge.finish_pending(batch, commit)  # what a killed run left behind
    todo = [u for u in batches.to_destroy(batch) if u not in done]
    started = time.monotonic()
    count = 0
    for part in rules.chunks(todo, chunk):
        if limit is not None and count >= limit:
            break
        part = part[: limit - count] if limit is not None else part
        for uid in part:
            destroy_one(batch, uid)
        count += len(part)
        batches.commit_or_savepoint(commit)
        purge.finish_pending(batch, commit)
        if progress is not None:
            rate = count / max(time.monotonic() - started, 1e-6)
            progress(f"{len(done)}/{len(batches.to_destroy(batch))} records, {rate:.0f}/s")
    if all(u in done or u in batch.blocked for u in batches.to_destroy(batch)):
        finish(batch)
        batches.commit_or_savepoint(commit)
    return status(batch)


def destroy_one(batch, uid: str) -> None:
    """Destroy one record of the batch (idempotent: a destroyed one is only marked done)."""
    record = batches.batch_record(batch, uid)
    registry = batches.open_batches(create=True)
    if record is None or batches.state_of(record) == "destroyed":
        batch.done.add(uid)
        registry.pop(uid, None)
        return
    problems = retention.destruction_problems(record)
    if problems:  # a hold placed after the approval: kept back, said so
        batch.blocked[uid] = [p.as_dict() for p in problems]
        return
    targets = purge.targets(record)
    wf = api.portal.get_tool("portal_workflow")
    with sanctioned(record, batch.getId()):
        wf.doActionFor(record, "destroy", comment=f"鉴定批次 {batch.getId()}")
    purge.forget_aips(targets)
    purge.note_carriers(batch, targets)
    batch.pending_purge[uid] = targets
    batch.done.add(uid)
    registry.pop(uid, None)


def finish(batch) -> None:
    """Every record done: carriers pending, certificate filed, the batch executed."""
    from . import certificate

    batch.executed = now()
    registry = batches.open_batches(create=True)
    for uid in batch.blocked:  # held after the approval: kept back, free for a later batch
        registry.pop(uid, None)
    transition_comment = f"销毁 {len(batch.done)} 件"
    certificate.make(batch)
    batches.transition(batch, "finish", transition_comment)
    batches.log_step(
        batch,
        "finish",
        destroyed=len(batch.done),
        blocked=len(batch.blocked),
        carriers=len(batch.carriers),
    )


def status(batch) -> dict:
    done = getattr(batch, "done", None) or ()
    return {
        "state": batches.batch_state(batch).value,
        "to_destroy": len(batches.to_destroy(batch)),
        "destroyed": len(done),
        "blocked": {u: list(p) for u, p in (getattr(batch, "blocked", None) or {}).items()},
        "pending_purge": len(getattr(batch, "pending_purge", None) or ()),
        "carriers": carriers(batch),
        "supervisors": list(batch.supervisors),
        "executor": batch.executor,
        "executed": batch.executed,
        "certificate_uid": batch.certificate_uid,
    }


def carriers(batch) -> list[dict]:
    return [
        {"carrier": cid, **dict(entry)}
        for cid, entry in sorted((getattr(batch, "carriers", None) or {}).items())
    ]


def confirm_carrier(batch, carrier: str, note: str = "") -> dict:
    """A person confirms the physical destruction of an offline carrier (载体实体销毁确认)."""
    check_executor(batch)
    entry = (getattr(batch, "carriers", None) or {}).get(carrier)
    if entry is None:
        raise refuse(
            422,
            "APPRAISAL-CARRIER",
            "本批次没有待销毁的此载体 / no such carrier pending",
            carrier,
            "carrier",
        )
    if entry.get("confirmed_by"):
        raise refuse(
            409,
            "APPRAISAL-CARRIER-DONE",
            "此载体已确认销毁 / confirmed already",
            carrier,
            "carrier",
        )
    note = text(note, "reason", carrier, required=False)
    entry["confirmed_by"] = actor()
    entry["confirmed_at"] = now()
    entry["note"] = note
    batch.carriers[carrier] = entry
    purge.carrier_destroyed(carrier, entry.get("relpaths") or ())
    batches.log_step(batch, "carrier", carrier=carrier, note=note)
    return {"carrier": carrier, **dict(entry)}


def pending_carriers(batch) -> list[dict]:
    return [c for c in carriers(batch) if not c.get("confirmed_by")]
