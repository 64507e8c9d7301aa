"""An appraisal batch's terms (鉴定批次的基本概念): its kinds, states, the members' decisions
and opinions, the group's outcome, the limits on its inputs and the error every refused step
raises. The rules that use them are :mod:`.inputs`, :mod:`.proposal` and :mod:`.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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
