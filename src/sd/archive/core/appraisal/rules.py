"""The rules of an appraisal batch (鉴定批次规则): pure, no Plone.

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
from dataclasses import dataclass
from enum import StrEnum

from sd.archive.core import retention
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

#: the longest text of a reason, a supervisor's name or a batch title
MAX_TEXT = 500
#: the most years a "keep" decision may add (继续保存年限)
MAX_KEEP_YEARS = 100
#: an opinion for every record of the batch at once (整批意见)
WHOLE_BATCH = "*"
#: the fewest members of an appraisal group (鉴定小组至少两人)
MIN_MEMBERS = 2


class AppraisalRefused(ArchiveError):
    """An appraisal or destruction step is refused (鉴定销毁不予办理); nothing changes."""

    def __init__(self, message: str, problems, status: int = 409):
        super().__init__(message, list(problems), status, "AppraisalRefused")


def refuse(status: int, code: str, message: str, obj: str = "", prop: str = ""):
    """An :class:`AppraisalRefused` with one problem (to raise)."""
    return AppraisalRefused(message, [Problem(code, message, obj, prop)], status)


class Kind(StrEnum):
    """Whose appraisal (批次类别)."""

    AGENCY = "agency"  # 机关档案室
    HOLDINGS = "holdings"  # 档案馆馆藏

    @property
    def label_zh(self) -> str:
        return "机关档案室鉴定" if self is Kind.AGENCY else "馆藏鉴定"


#: the leader role that approves each kind (领导审批): the agency's leader (机关领导, a local
#: role on the agency's fonds) for its records room, the archives' leader (档案馆领导, the
#: global ``Leader``) for the holdings
LEADERS = {Kind.AGENCY: "AgencyLeader", Kind.HOLDINGS: "Leader"}
LEADER_LABELS = {Kind.AGENCY: "机关领导", Kind.HOLDINGS: "档案馆领导"}

#: record states a batch of each kind takes records from (归档 / 进馆后)
KIND_STATES = {
    Kind.AGENCY: frozenset({"archived"}),
    Kind.HOLDINGS: frozenset({"received", "open", "controlled"}),
}


class State(StrEnum):
    """Where a batch stands (批次状态)."""

    OPINIONS = "opinions"  # 鉴定中（征求小组意见）
    SUBMITTED = "submitted"  # 待审批
    APPROVED = "approved"  # 已批准，待销毁
    EXECUTING = "executing"  # 销毁中
    EXECUTED = "executed"  # 已执行
    REJECTED = "rejected"  # 未批准

    @property
    def label_zh(self) -> str:
        return _STATE_ZH[self]


_STATE_ZH = {
    State.OPINIONS: "鉴定中",
    State.SUBMITTED: "待审批",
    State.APPROVED: "已批准待销毁",
    State.EXECUTING: "销毁中",
    State.EXECUTED: "已执行",
    State.REJECTED: "未批准",
}


class Decision(StrEnum):
    """A member's opinion on a record (鉴定意见)."""

    DESTROY = "destroy"  # 销毁
    KEEP = "keep"  # 继续保存N年
    PERMANENT = "permanent"  # 升为永久

    @property
    def label_zh(self) -> str:
        return {"destroy": "销毁", "keep": "继续保存", "permanent": "升为永久"}[self.value]


@dataclass(frozen=True)
class Opinion:
    """One member's opinion (鉴定意见) on one record or the whole batch (``scope`` ``*``)."""

    member: str
    scope: str
    decision: Decision
    reason: str
    years: int | None = None
    time: str = ""

    def label_zh(self) -> str:
        if self.decision is Decision.KEEP:
            return f"继续保存{self.years}年"
        return self.decision.label_zh

    def as_dict(self) -> dict:
        return {
            "member": self.member,
            "scope": self.scope,
            "decision": self.decision.value,
            "years": self.years,
            "reason": self.reason,
            "time": self.time,
            "label": self.label_zh(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Opinion:
        return cls(
            data["member"],
            data["scope"],
            Decision(data["decision"]),
            data.get("reason", ""),
            data.get("years"),
            data.get("time", ""),
        )


@dataclass(frozen=True)
class Outcome:
    """What the group decided for a record (鉴定结论)."""

    decision: Decision
    years: int | None = None

    def label_zh(self) -> str:
        if self.decision is Decision.KEEP:
            return f"继续保存{self.years}年"
        return self.decision.label_zh


# --- input ---------------------------------------------------------------------------------


def text(value, prop: str, obj: str = "", *, required: bool = True) -> str:
    """A reason, title or name: stripped, at most :data:`MAX_TEXT` characters; 400 else."""
    found = value.strip() if isinstance(value, str) else ""
    if (
        (required and not found)
        or len(found) > MAX_TEXT
        or (value is not None and not isinstance(value, str))
    ):
        label = {"reason": "理由", "title": "批次名称", "supervisors": "监销人"}.get(prop, prop)
        raise refuse(
            400,
            "APPRAISAL-TEXT",
            f"{label}须填写且不超过{MAX_TEXT}字 / {prop}: required, at most {MAX_TEXT} characters",
            obj,
            prop,
        )
    return found


def parse_opinion(body: dict, member: str, time: str = "") -> Opinion:
    """An opinion from a request body ``{"record": uid | "*", "decision", "years", "reason"}``
    (400 in the error shape for anything else)."""
    scope = body.get("record") or WHOLE_BATCH
    if not isinstance(scope, str):
        raise refuse(400, "APPRAISAL-RECORD", "record must be a UID or * (整批)", "", "record")
    try:
        decision = Decision(body.get("decision"))
    except ValueError:
        raise refuse(
            400,
            "APPRAISAL-DECISION",
            "意见应为 destroy 销毁、keep 继续保存 或 permanent 升为永久 / decision: "
            "destroy, keep or permanent",
            scope,
            "decision",
        ) from None
    years = body.get("years")
    if decision is Decision.KEEP:
        if (
            not isinstance(years, int)
            or isinstance(years, bool)
            or not 1 <= years <= MAX_KEEP_YEARS
        ):
            raise refuse(
                400,
                "APPRAISAL-YEARS",
                f"继续保存年限应为1至{MAX_KEEP_YEARS}的整数 / years: 1–{MAX_KEEP_YEARS}",
                scope,
                "years",
            )
    else:
        years = None
    reason = text(body.get("reason"), "reason", scope)
    return Opinion(member, scope, decision, reason, years, time)


def check_group(members: Iterable[str], known=lambda m: True) -> tuple[str, ...]:
    """The appraisal group (鉴定小组): at least two distinct known members; 422 else."""
    found = []
    for member in members or ():
        if not isinstance(member, str) or not member.strip():
            continue
        member = member.strip()
        if not known(member):
            raise refuse(
                422,
                "APPRAISAL-MEMBER",
                "鉴定小组成员不是本系统用户 / unknown member",
                member,
                "members",
            )
        if member not in found:
            found.append(member)
    if len(found) < MIN_MEMBERS:
        raise refuse(
            422,
            "APPRAISAL-GROUP",
            f"鉴定小组至少{MIN_MEMBERS}名不同成员 / the group needs at least {MIN_MEMBERS} "
            "distinct members",
            "",
            "members",
        )
    return tuple(found)


def supervisors(values) -> tuple[str, str]:
    """The two supervisors of an execution (监销人): two distinct named persons; 422 else."""
    names = [v.strip() for v in (values or []) if isinstance(v, str) and v.strip()]
    if not isinstance(values, (list, tuple)) or len(names) != 2 or names[0] == names[1]:
        raise refuse(
            422,
            "APPRAISAL-SUPERVISORS",
            "销毁须由两名不同的监销人监销 / two distinct supervisors are required",
            "",
            "supervisors",
        )
    for name in names:
        text(name, "supervisors")
    return names[0], names[1]


# --- what may be proposed ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """What the rules need to know of a record proposed for a batch (候选档案)."""

    uid: str
    code: str
    state: str
    period: str | None
    due: object  # datetime.date | None
    holds: tuple = ()
    batch: str = ""  # the open batch already holding it, if any


def candidate_problems(candidate: Candidate, kind: Kind, today) -> list[Problem]:
    """Why ``candidate`` may not go into a batch of ``kind`` (empty when it may)."""
    obj = candidate.code or candidate.uid
    problems = []
    if candidate.state not in KIND_STATES[kind]:
        problems.append(
            Problem(
                "APPRAISAL-STATE",
                f"档案状态（{candidate.state}）不属于本类鉴定 / not a record of this kind of batch",
                obj,
                "review_state",
            )
        )
    if candidate.period and retention.is_valid_code(candidate.period):
        if retention.parse_period(candidate.period).permanent:
            problems.append(
                Problem(
                    "APPRAISAL-PERMANENT",
                    "永久保管的档案不得列入销毁鉴定 / a permanent record is never proposed",
                    obj,
                    "retention_period",
                )
            )
        elif candidate.due is None or today <= candidate.due:
            problems.append(
                Problem(
                    "APPRAISAL-NOT-DUE",
                    "保管期限未满，不得列入鉴定 / the retention period has not run out",
                    obj,
                    "retention_expiry",
                )
            )
    else:
        problems.append(
            Problem(
                "APPRAISAL-NO-PERIOD",
                "无有效保管期限 / no retention period",
                obj,
                "retention_period",
            )
        )
    if candidate.holds:
        problems.append(
            Problem(
                "APPRAISAL-HELD",
                "档案已冻结，不得列入鉴定 / the record is under a hold",
                obj,
                "holds",
            )
        )
    if candidate.batch:
        problems.append(
            Problem(
                "APPRAISAL-IN-BATCH",
                f"档案已在鉴定批次 {candidate.batch} 中 / already in an open batch",
                obj,
                "batch",
            )
        )
    return problems


def check_proposal(candidates: list[Candidate], kind: Kind, today) -> None:
    """Every candidate may go in, and there is at least one; else 409 (422 when empty) with
    one problem per refused record (nothing is half-proposed)."""
    if not candidates:
        raise refuse(422, "APPRAISAL-EMPTY", "未选择任何档案 / no records chosen", "", "records")
    problems = [p for c in candidates for p in candidate_problems(c, kind, today)]
    if problems:
        raise AppraisalRefused(
            "these records may not be proposed for appraisal (所选档案不得列入鉴定)", problems, 409
        )


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
