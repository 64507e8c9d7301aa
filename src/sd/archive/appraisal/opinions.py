"""The appraisal group's opinions (鉴定意见): per record or for the whole batch, shown side
by side (意见并列)."""

from __future__ import annotations

from persistent.mapping import PersistentMapping

from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import WHOLE_BATCH
from sd.archive.core.appraisal.batch import Opinion
from sd.archive.core.appraisal.batch import State
from sd.archive.core.appraisal.batch import refuse
from sd.archive.core.appraisal.inputs import parse_opinion

from .lookup import batch_record
from .lookup import batch_state
from .steps import log_step


def record_opinion(batch, body: dict) -> dict:
    """A member's opinion on a record of the batch, or on the whole batch (``record`` ``*``);
    a later opinion of the same member on the same scope replaces the earlier one."""
    member = actor()
    rules.check_state(batch_state(batch), [State.OPINIONS], batch.getId())
    rules.check_member(member, batch.members, batch.getId())
    opinion = parse_opinion(body, member, now())
    rules.check_in_batch(opinion.scope, batch.items, batch.getId())
    scopes = list(batch.items) if opinion.scope == WHOLE_BATCH else [opinion.scope]
    held = [u for u in scopes if getattr(batch_record(batch, u), "holds", None)]
    if held and opinion.scope != WHOLE_BATCH:
        raise refuse(
            409,
            "APPRAISAL-HELD",
            "档案已冻结，暂不鉴定 / the record is under a hold",
            held[0],
            "holds",
        )
    mine = batch.opinions.get(member)
    if mine is None:
        mine = batch.opinions[member] = PersistentMapping()
    mine[opinion.scope] = opinion.as_dict()
    log_step(batch, "opinion", record=opinion.scope, decision=opinion.decision.value)
    return opinion.as_dict()


def opinions_of(batch) -> dict:
    return {
        member: {scope: Opinion.from_dict(d) for scope, d in found.items()}
        for member, found in (getattr(batch, "opinions", None) or {}).items()
    }


def side_by_side(batch) -> list[dict]:
    """One row per record: its facts and each member's opinion (意见并列)."""
    found = opinions_of(batch)
    outcomes = getattr(batch, "outcomes", None) or {}
    rows = []
    for uid, item in batch.items.items():
        opinions = {}
        for member in batch.members:
            opinion = rules.member_opinion(found, member, uid)
            opinions[member] = opinion.as_dict() if opinion else None
        done = outcomes.get(uid)
        rows.append(
            {
                "uid": uid,
                **{k: v for k, v in item.items() if k != "path"},
                "opinions": opinions,
                "outcome": dict(done) if done else None,
                "held": bool(getattr(batch_record(batch, uid), "holds", None)),
            }
        )
    rows.sort(key=lambda r: r["code"])
    return rows
