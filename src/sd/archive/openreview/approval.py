"""Approval of a review batch (审批): the decisions take effect, in chunks, resumable.

The approver is another person than the proposer and the reviewers; the second review and
the forming agency's opinion come first when the batch needs them
(``core.openreview.rules.release_problems``). Approving moves the batch to ``releasing``
(the approver and the time noted), then applies the decisions chunk by chunk
(:mod:`.release`), with ``commit`` (``transaction.commit``) after each chunk: a run stopped
midway (a killed process, a conflict) leaves the batch ``releasing`` with the records done so
far noted, and approving again — by the same or another approver who is neither proposer nor
reviewer — goes on with the rest, never applying a decision twice. Once every record is
settled the batch is ``released``: its records leave the pending list, the step goes to the
batch's log and the audit trail, and the approval gets its ledger entry.
"""

from __future__ import annotations

import transaction
from BTrees.OOBTree import OOBTree

from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.openreview import rules
from sd.archive.openreview import release
from sd.archive.openreview.batches import OpenReviewRefused
from sd.archive.openreview.batches import fonds_of_batch
from sd.archive.openreview.batches import log_ledger
from sd.archive.openreview.batches import log_step
from sd.archive.openreview.batches import refuse
from sd.archive.openreview.batches import require
from sd.archive.openreview.batches import storage
from sd.archive.openreview.statechange import Mover

DEFAULT_CHUNK = 500


def _commit(commit) -> None:
    if commit is not None:
        commit()
    else:
        transaction.savepoint(optimistic=True)


def _start(batch) -> None:
    """Deciding → releasing, when the rules allow the current user to approve."""
    problems = rules.release_problems(
        approver=actor(),
        proposer=batch.proposer,
        deciders=batch.deciders(),
        undecided=batch.undecided(),
        second_review_needed=batch.second_review_needed,
        second_reviewer=(batch.second_review or {}).get("by"),
        agency_needed=batch.agency_needed,
        agency_opinion=batch.agency_opinion,
        state=batch.state,
        where=batch.id,
    )
    if problems:
        status = 403 if problems[0].code == "OPENREVIEW-OWN-BATCH" else 409
        raise OpenReviewRefused("the batch cannot be approved (批次不能审批)", problems, status)
    batch.state = rules.RELEASING
    batch.approval = {"by": actor(), "at": now()}
    batch.applied = OOBTree()


def _resume_check(batch) -> None:
    """A started approval goes on only by someone who could have approved it."""
    who = actor()
    if who == batch.proposer or who in batch.deciders():
        raise refuse(
            403,
            "OPENREVIEW-OWN-BATCH",
            "a batch is approved by another person than its proposer and its reviewers "
            "(不得审批本人提出或审核的批次)",
            batch.id,
            "approver",
        )


def approve(batch, *, commit=None, chunk: int = DEFAULT_CHUNK, limit: int | None = None) -> dict:
    """Approve the batch, or go on with its started approval; the results once released
    (counts per kind, the withheld uids), else the progress (``limit``: stop after so many
    records, a test's or benchmark's stand-in for a stopped run)."""
    require(fonds_of_batch(batch))
    if batch.state == rules.RELEASING:
        _resume_check(batch)
    else:
        _start(batch)
        _commit(commit)
    mover = Mover()
    todo = [uid for uid in batch.decisions if uid not in batch.applied]
    done = 0
    for start in range(0, len(todo), max(1, chunk)):
        part = todo[start : start + max(1, chunk)]
        if limit is not None:
            if done >= limit:
                break
            part = part[: limit - done]
        release.apply_chunk(batch, part, mover)
        done += len(part)
        _commit(commit)
    if len(batch.applied) < len(batch.decisions):
        return {"state": batch.state, "applied": len(batch.applied), "size": batch.size}
    return _finish(batch, commit)


def _finish(batch, commit) -> dict:
    results = release.results(batch)
    batch.state = rules.RELEASED
    batch.results = results
    pending = storage()["pending"]
    for uid in batch.items:
        if pending.get(uid) == batch.id:
            del pending[uid]
    log_step(batch, "approved", **{k: v for k, v in results.items() if k != "withheld"})
    log_ledger(batch, "approved")
    _commit(commit)
    return results
