"""The rules of an appraisal batch (鉴定批次规则): pure, no Plone.

This module holds the outcome of the opinions and who may do what; the batch's terms are in
:mod:`.batch`, request inputs in :mod:`.inputs`, what may be proposed in :mod:`.proposal`.

- **kinds** (批次类别): a records room's batch (机关档案室鉴定, ``agency``: proposed by the
  records officer, approved by the agency's leader) and the archives' own (馆藏鉴定,
  ``holdings``: records after receipt, proposed by the archivist, approved by the archives'
  leader). The same machinery serves both.
- **states** (批次状态): opinions 鉴定中 → submitted 待审批 → approved 待销毁 → executing 销毁中
  → executed 已执行; rejected 未批准 ends a batch without effect.
- **what may be proposed** (可列入): a record of the batch's holdings, its retention period run
  out, never a permanent one (永久), never one under a hold (冻结), never one already in an
  open batch. One refused record refuses the whole proposal: nothing is half-proposed.
- **the appraisal group** (鉴定小组): at least two distinct members; each records an opinion
  per record or for the whole batch — destroy (销毁), keep N more years (继续保存N年), raise to
  permanent (升为永久) — with a reason.
- **the outcome of a record** (鉴定结论, :func:`tally`): destroyed only when every member said
  destroy (销毁须小组一致同意); raised to permanent when any member said so; else kept for the
  longest period any member asked for. Careful by design: one voice for keeping keeps.
- **who may** (职责分离): nobody approves their own proposal; the approver holds the leader
  role of the batch's kind (:data:`LEADERS`: ``AgencyLeader`` 机关领导 for a records room's
  batch, ``Leader`` 档案馆领导 for the holdings); execution names two distinct supervisors
  (监销人).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator

from .batch import LEADER_LABELS
from .batch import LEADERS
from .batch import WHOLE_BATCH
from .batch import Decision
from .batch import Kind
from .batch import Opinion
from .batch import Outcome
from .batch import State
from .batch import refuse

# --- opinions and their outcome --------------------------------------------------------------


def member_opinion(opinions: dict, member: str, uid: str) -> Opinion | None:
    """The member's opinion on ``uid``: their own for the record, else their whole-batch one."""
    mine = opinions.get(member) or {}
    return mine.get(uid) or mine.get(WHOLE_BATCH)


def outcome(found: list[Opinion]) -> Outcome:
    """The group's outcome from every member's opinion on one record (see the module)."""
    decisions = {o.decision for o in found}
    if Decision.PERMANENT in decisions:
        return Outcome(Decision.PERMANENT)
    if Decision.KEEP in decisions:
        return Outcome(Decision.KEEP, max(o.years or 0 for o in found))
    return Outcome(Decision.DESTROY)


def tally(members, opinions: dict, uids: Iterable[str]) -> tuple[dict[str, Outcome], list]:
    """``({uid: Outcome}, [(member, uid) still missing])``; a record with a missing opinion
    has no outcome yet."""
    outcomes, missing = {}, []
    for uid in uids:
        found = []
        for member in members:
            opinion = member_opinion(opinions, member, uid)
            if opinion is None:
                missing.append((member, uid))
            else:
                found.append(opinion)
        if len(found) == len(members):
            outcomes[uid] = outcome(found)
    return outcomes, missing


# --- who may do what ----------------------------------------------------------------------


def check_state(state: str, allowed: Iterable[State], obj: str = "") -> None:
    """409 unless the batch is in one of ``allowed`` (a step twice, a step out of order)."""
    allowed = tuple(allowed)
    if State(state) not in allowed:
        wanted = "、".join(s.label_zh for s in allowed)
        raise refuse(
            409,
            "APPRAISAL-BATCH-STATE",
            f"批次当前为“{State(state).label_zh}”，此操作须在“{wanted}”时办理 / the batch is "
            f"{state}",
            obj,
            "state",
        )


def check_member(member: str, members: Iterable[str], obj: str = "") -> None:
    """403 unless ``member`` belongs to the batch's appraisal group."""
    if member not in tuple(members):
        raise refuse(
            403,
            "APPRAISAL-NOT-MEMBER",
            "只有鉴定小组成员可以提出鉴定意见 / not a member",
            obj,
            "member",
        )


def check_in_batch(uid: str, items: Iterable[str], obj: str = "") -> None:
    """422 unless ``uid`` is a record of the batch (or ``*``)."""
    if uid != WHOLE_BATCH and uid not in items:
        raise refuse(
            422,
            "APPRAISAL-NOT-IN-BATCH",
            "档案不在本鉴定批次中 / the record is not in this batch",
            uid,
            "record",
        )


def approves(roles: Iterable[str], kind: Kind | str) -> bool:
    """True when ``roles`` (the user's roles on the batch) hold the leader role that approves
    a batch of ``kind`` (机关档案室批次：机关领导；馆藏批次：档案馆领导); Manager always."""
    roles = set(roles)
    return "Manager" in roles or LEADERS[Kind(kind)] in roles


def check_approver(
    actor: str, proposer: str, is_leader: bool, obj: str = "", kind: Kind | str | None = None
) -> None:
    """The leader approves (领导审批), never their own proposal (不得审批本人提出的批次): 403.

    ``kind`` names the leader the batch needs in the refusal (机关领导 / 档案馆领导)."""
    if actor == proposer:
        raise refuse(
            403,
            "APPRAISAL-OWN-PROPOSAL",
            "不得审批本人提出的鉴定批次 / nobody approves their own proposal",
            obj,
            "approver",
        )
    if not is_leader:
        if kind is None:
            message = "销毁须由领导审批 / only a leader approves"
        else:
            kind = Kind(kind)
            message = (
                f"{kind.label_zh}批次须由{LEADER_LABELS[kind]}审批"
                f" / a batch of kind {kind.value} is approved by the {LEADERS[kind]} role"
            )
        raise refuse(403, "APPRAISAL-LEADER", message, obj, "approver")


def chunks(items: list, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (the execution's commits)."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]
