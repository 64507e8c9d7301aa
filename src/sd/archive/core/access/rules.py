"""The approval chain of an access request (利用审批链), from the records it names.

- 开放 (state ``open``): read directly, no request (``NoRequestNeeded``).
- 控制使用 (state ``controlled``): the archivist (档案馆利用审批) then a leader (领导复审).
- other records still kept (归档、进馆、待鉴定…): the archivist alone.
- a 密级 other than 无/公开 (``内部`` and above): never served online (``Classified``).
- pre-archived, rejected or destroyed records cannot be asked for: they are answered as
  records that do not exist (``access.record-unknown``), as unknown 档号 are.

A request over several records takes the longest chain of any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

ARCHIVIST = "archivist"  # 档案馆利用审批
LEADER = "leader"  # 领导复审

#: 密级 values that may be served online (无 / 公开, or none recorded)
UNCLASSIFIED = frozenset({"", "无", "公开"})
#: record states that are not served through a request
NOT_REQUESTABLE = frozenset({"pre_archived", "rejected", "destroyed"})
OPEN = "open"
CONTROLLED = "controlled"

#: forms of use (利用方式)
ONLINE = "online"  # 在线阅览
DOWNLOAD = "download"  # 下载复制件
CERTIFIED = "certified"  # 档案证明（附证据证书）
FORMS = (ONLINE, DOWNLOAD, CERTIFIED)

#: purposes (查档目的); "other" needs a free text
PURPOSES = (
    "work",  # 工作查考
    "research",  # 学术研究
    "legal",  # 法律凭证
    "personal",  # 个人权益（婚姻、学历、工龄等）
    "editing",  # 编史修志
    "other",  # 其他
)


@dataclass(frozen=True)
class RecordFacts:
    """What the chain is decided by: the record's id (档号 or UID), workflow state, 密级."""

    ref: str
    state: str
    security_level: str = ""


class AccessRefused(ArchiveError):
    """The request cannot be made or served (利用被拒): 403 by default."""

    def __init__(self, message, problems=None, status=403, type="AccessRefused"):
        super().__init__(message, list(problems or []), status, type)


def unknown_records(refs: list[str]) -> ArchiveError:
    """The answer for records that do not exist or are not in the holdings (档案不存在)."""
    return ArchiveError(
        "no such record (档案不存在): " + ", ".join(refs),
        [Problem("access.record-unknown", "no such record", ref, "records") for ref in refs],
    )


def check_record(facts: RecordFacts) -> tuple[str, ...]:
    """The approvers ``facts`` needs, in order; raises when it cannot be asked for."""
    level = (facts.security_level or "").strip()
    if level not in UNCLASSIFIED:
        raise AccessRefused(
            f"{facts.ref}: a record classified {level} is not served online "
            f"(密级为{level}的档案不提供网上利用，请到馆查阅)",
            [Problem("access.classified", f"密级 {level}", facts.ref, "security_level")],
        )
    if facts.state == OPEN:
        raise AccessRefused(
            f"{facts.ref} is open: read it without a request (开放档案无需申请，可直接阅览)",
            [Problem("access.open", "开放档案无需申请", facts.ref, "state")],
            400,
            "NoRequestNeeded",
        )
    if facts.state in NOT_REQUESTABLE or not facts.state:
        # not in the holdings (not yet archived, returned, destroyed): answered as a record
        # that does not exist, so that asking says nothing about what a caller may not see
        raise unknown_records([facts.ref])
    if facts.state == CONTROLLED:
        return (ARCHIVIST, LEADER)
    return (ARCHIVIST,)


def chain(records: list[RecordFacts]) -> tuple[str, ...]:
    """The approvers of a request over ``records`` (the longest chain among them). A request
    naming no record yet (a description the archivist resolves) starts with the archivist."""
    longest: tuple[str, ...] = (ARCHIVIST,)
    for facts in records:
        needed = check_record(facts)
        if len(needed) > len(longest):
            longest = needed
    return longest


def next_step(approvers: tuple[str, ...], decided: int) -> str | None:
    """Who decides next after ``decided`` approvals; None when the chain is complete."""
    return approvers[decided] if decided < len(approvers) else None


def check_form(form: str) -> str:
    if form not in FORMS:
        raise ArchiveError(
            f"form of use must be one of {', '.join(FORMS)} (利用方式无效)",
            [Problem("access.form", f"{form!r}", "", "form")],
        )
    return form


def check_purpose(purpose: str, text: str) -> tuple[str, str]:
    """(purpose, free text): a known purpose; "other" needs the text (查档目的)."""
    text = (text or "").strip()
    if purpose not in PURPOSES:
        raise ArchiveError(
            f"purpose must be one of {', '.join(PURPOSES)} (查档目的无效)",
            [Problem("access.purpose", f"{purpose!r}", "", "purpose")],
        )
    if purpose == "other" and not text:
        raise ArchiveError(
            "say the purpose in words when it is 'other' (查档目的为“其他”时须说明)",
            [Problem("access.purpose-text", "missing", "", "purpose_text")],
        )
    if len(text) > 2000:
        raise ArchiveError(
            "the purpose text is too long (查档目的说明过长)",
            [Problem("access.purpose-text", "over 2000 characters", "", "purpose_text")],
        )
    return purpose, text


def check_reason(reason: str | None, required: bool) -> str:
    """A refusal needs a reason (拒绝须说明理由); any reason is at most 2,000 characters."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if required and not reason:
        raise ArchiveError(
            "a refusal needs a reason (拒绝须说明理由)",
            [Problem("access.reason-required", "missing", "", "reason")],
        )
    if len(reason) > 2000:
        raise ArchiveError(
            "the reason is too long (理由过长)",
            [Problem("access.reason", "over 2000 characters", "", "reason")],
        )
    return reason
