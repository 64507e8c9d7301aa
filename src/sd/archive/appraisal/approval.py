"""Submission and approval (提交审批、领导审批): the outcomes fixed when every member has an
opinion on every record; the leader of the batch's kind approves — the agency's leader
(``AgencyLeader``, 机关领导, a local role on the fonds) a records room's batch, the archives'
leader (``Leader``, 档案馆领导) a holdings batch — never their own proposal; kept records are
retained with their next review date, raised ones corrected to the period Y."""

from __future__ import annotations

from persistent.mapping import PersistentMapping
from plone import api

from sd.archive import retention
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import AppraisalRefused
from sd.archive.core.appraisal.batch import Decision
from sd.archive.core.appraisal.batch import State
from sd.archive.core.appraisal.batch import refuse
from sd.archive.core.appraisal.inputs import text
from sd.archive.core.errors import Problem

from .lookup import APPRAISE
from .lookup import APPROVE
from .lookup import batch_record
from .lookup import batch_state
from .lookup import open_batches
from .lookup import outcome_counts
from .lookup import roles_on
from .lookup import state_of
from .lookup import to_destroy
from .opinions import opinions_of
from .proposal import was_received
from .steps import log_step
from .steps import transition


def held_problems(batch, uids) -> list:
    problems = []
    for uid in uids:
        record = batch_record(batch, uid)
        if record is not None and getattr(record, "holds", None):
            problems.append(
                Problem(
                    "APPRAISAL-HELD",
                    "档案已冻结，不得处置 / the record is under a hold",
                    batch.items[uid]["code"] or uid,
                    "holds",
                )
            )
    return problems


def submit(batch) -> dict:
    """Every member has an opinion on every record: the outcomes are fixed (提交审批)."""
    rules.check_state(batch_state(batch), [State.OPINIONS], batch.getId())
    if actor() != batch.proposer and not api.user.has_permission(APPRAISE, obj=batch):
        raise refuse(403, "APPRAISAL-SUBMIT", "无权提交审批 / may not submit", batch.getId())
    outcomes, missing = rules.tally(batch.members, opinions_of(batch), list(batch.items))
    if missing:
        raise AppraisalRefused(
            "every member gives an opinion on every record first (鉴定小组成员意见未齐)",
            [
                Problem(
                    "APPRAISAL-OPINION-MISSING",
                    f"{member} 尚未对此档案提出意见 / no opinion yet",
                    batch.items[uid]["code"] or uid,
                    member,
                )
                for member, uid in missing[:50]
            ],
            409,
        )
    problems = held_problems(batch, batch.items)
    if problems:
        raise AppraisalRefused("held records block the batch (冻结档案)", problems, 409)
    batch.outcomes = PersistentMapping(
        {uid: {"decision": o.decision.value, "years": o.years} for uid, o in outcomes.items()}
    )
    transition(batch, "submit")
    counts = outcome_counts(batch)
    log_step(batch, "submit", **counts)
    return counts


def is_leader(batch) -> bool:
    """The user holds the leader role of the batch's kind (机关领导 for a records room's batch,
    档案馆领导 for the holdings) and the approval permission on it."""
    return api.user.has_permission(APPROVE, obj=batch) and rules.approves(
        roles_on(batch), batch.kind
    )


def decide(batch, approve: bool, comment: str = "") -> dict:
    """The leader approves or rejects the batch (领导审批), never their own proposal.

    Approved: the records kept are retained with their next review date (retention's one
    place), the ones raised to permanent get the period Y through the code correction
    (档号更正, renumbered), those to destroy wait for the execution. Rejected: every record
    goes back to the holdings as it was (retained, no new date)."""
    rules.check_state(batch_state(batch), [State.SUBMITTED], batch.getId())
    rules.check_approver(actor(), batch.proposer, is_leader(batch), batch.getId(), batch.kind)
    comment = text(comment, "reason", batch.getId(), required=not approve)
    if approve:
        problems = held_problems(batch, to_destroy(batch))
        if problems:
            raise AppraisalRefused("held records block the batch (冻结档案)", problems, 409)
    batch.approver = actor()
    batch.approved = now()
    batch.approval_comment = comment
    kept = apply_outcomes(batch, everything=not approve)
    transition(batch, "approve" if approve else "reject", comment)
    log_step(batch, "approve" if approve else "reject", comment=comment, kept=kept)
    return {"state": state_of(batch), "kept": kept, "to_destroy": len(to_destroy(batch))}


def apply_outcomes(batch, everything: bool = False) -> int:
    """Keep (续存) the records not to be destroyed — all of them with ``everything``."""
    from sd.archive.numbering import correct_code

    wf = api.portal.get_tool("portal_workflow")
    registry = open_batches(create=True)
    kept = 0
    today = retention.today()
    for uid, found in (getattr(batch, "outcomes", None) or {}).items():
        if found["decision"] == Decision.DESTROY.value and not everything:
            continue
        record = batch_record(batch, uid)
        registry.pop(uid, None)
        if record is None or state_of(record) != "appraisal":
            continue
        name = "retain_holdings" if was_received(record) else "retain"
        with api.env.adopt_roles(["Manager"]):  # the approved decision, by the approver
            wf.doActionFor(record, name, comment=f"鉴定批次 {batch.getId()}")
            if everything:
                pass
            elif found["decision"] == Decision.KEEP.value:
                retention.keep_for(record, found["years"], today)
            elif found["decision"] == Decision.PERMANENT.value:
                correct_code(record, f"鉴定批次 {batch.getId()}：升为永久保管", retention="Y")
                retention.update_expiry(record)
                record.reindexObject(idxs=["retention_due"])
        kept += 1
    if everything:
        for uid in list(batch.items):
            registry.pop(uid, None)
    return kept
