"""Rules of rectification notices (整改通知规则): fields, deadline, decisions, overdue.

Every check returns the cleaned value or raises an :class:`~sd.archive.core.errors.ArchiveError`
(400 naming the rule and the field); nothing here knows of Plone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from sd.archive.core.errors import bad_request

#: workflow states (整改通知状态): 已下发, 已答复, 已办结, 重新整改
ISSUED, ANSWERED, CLOSED, REOPENED = "issued", "answered", "closed", "reopened"
#: states in which the agency still owes an answer (待整改)
OPEN_STATES = (ISSUED, REOPENED)
STATE_WORDS = {ISSUED: "已下发", ANSWERED: "已答复", CLOSED: "已办结", REOPENED: "重新整改"}
#: decisions of the supervisor on an answer (审核答复)
CLOSE, REOPEN = "close", "reopen"

MAX_TITLE = 200
MAX_TEXT = 8000
MAX_FIGURES = 50
MAX_RECORDS = 200
#: a deadline further away than this is a typing error, not a plan (整改期限上限)
MAX_DEADLINE_DAYS = 366


def notice_number(year: int, n: int) -> str:
    """The notice number (整改通知编号): ``ZG-2026-0007``."""
    return f"ZG-{year:04d}-{n:04d}"


def check_text(value, name: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    """A text field, stripped; required ones may not be empty; at most ``limit`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise bad_request(f"{name} must be text (须为文本)", "rectification.field-type", name)
    value = value.strip()
    if required and not value:
        raise bad_request(f"{name} is required (必填)", "rectification.required", name)
    if len(value) > limit:
        raise bad_request(
            f"{name} is longer than {limit} characters (超过 {limit} 字)",
            "rectification.too-long",
            name,
        )
    return value


def parse_day(value, name: str) -> date:
    """An ISO day (``2026-12-31``), else a 400 naming ``name``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        raise bad_request(
            f"{name} must be a day like 2026-12-31 (日期必填)", "rectification.date", name
        )
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise bad_request(
            f"{name} must be a day like 2026-12-31 (日期格式无效)", "rectification.date", name
        ) from None


def check_deadline(value, today: date) -> date:
    """The deadline (整改期限): a day from today on, at most a year ahead."""
    deadline = parse_day(value, "deadline")
    if deadline < today:
        raise bad_request(
            f"the deadline {deadline} is in the past (整改期限不能早于今天 {today})",
            "rectification.deadline-past",
            "deadline",
        )
    if deadline > today + timedelta(days=MAX_DEADLINE_DAYS):
        raise bad_request(
            f"the deadline {deadline} is more than a year ahead (整改期限不能超过一年)",
            "rectification.deadline-far",
            "deadline",
        )
    return deadline


def check_figures(value) -> list[dict]:
    """The figures a notice cites (引用的指标):
    ``[{"label": "文号缺号", "value": 3, "link": "…"}]``; ``value`` a number or a short text,
    ``link`` optional (the page behind the figure)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_FIGURES:
        raise bad_request(
            f"figures must be a list of at most {MAX_FIGURES} items (指标须为列表)",
            "rectification.figures",
            "figures",
        )
    figures = []
    for n, item in enumerate(value):
        where = f"figures[{n}]"
        if not isinstance(item, dict) or set(item) - {"label", "value", "link"}:
            raise bad_request(
                "each figure has label, value and an optional link (指标格式无效)",
                "rectification.figures",
                where,
            )
        label = check_text(item.get("label"), f"{where}.label", limit=120)
        number = item.get("value")
        if isinstance(number, bool) or not isinstance(number, (int, float, str)):
            raise bad_request(
                "a figure's value is a number or a short text (指标值须为数字或文字)",
                "rectification.figures",
                f"{where}.value",
            )
        if isinstance(number, str):
            number = check_text(number, f"{where}.value", limit=120)
        link = check_text(item.get("link"), f"{where}.link", required=False, limit=500)
        if link and not link.startswith(("http://", "https://", "/")):
            raise bad_request(
                "a figure's link is a URL or a site path (链接无效)",
                "rectification.figures",
                f"{where}.link",
            )
        figures.append({"label": label, "value": number, "link": link})
    return figures


def check_refs(value, name: str = "records") -> list[str]:
    """A list of record references (UID or 档号), each once, at most :data:`MAX_RECORDS`."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise bad_request(
            f"{name} must be a list of UIDs or archival codes (须为 UID 或档号列表)",
            "rectification.records",
            name,
        )
    if len(value) > MAX_RECORDS:
        raise bad_request(
            f"at most {MAX_RECORDS} records (最多引用 {MAX_RECORDS} 件)",
            "rectification.records-limit",
            name,
        )
    seen: list[str] = []
    for ref in value:
        ref = ref.strip()[:120]
        if ref not in seen:
            seen.append(ref)
    return seen


def check_decision(decision, comment) -> tuple[str, str]:
    """The supervisor's decision on an answer: ``close`` (办结) or ``reopen`` (退回重新整改, a
    reason required)."""
    if decision not in (CLOSE, REOPEN):
        raise bad_request(
            "decision must be close or reopen (审核结论须为办结或重新整改)",
            "rectification.decision",
            "decision",
        )
    comment = check_text(comment, "comment", required=decision == REOPEN, limit=4000)
    return decision, comment


def is_overdue(state: str, deadline: date | None, today: date) -> bool:
    """Overdue (逾期): still owed an answer after the deadline's last day."""
    return state in OPEN_STATES and deadline is not None and deadline < today


def days_overdue(state: str, deadline: date | None, today: date) -> int:
    return (today - deadline).days if is_overdue(state, deadline, today) else 0


@dataclass(frozen=True)
class Step:
    """One step of a notice's history (办理过程): who, when (UTC ISO), what, words."""

    action: str
    actor: str
    time: str
    comment: str = ""

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "actor": self.actor,
            "time": self.time,
            "comment": self.comment,
        }


#: the history's actions and their zh_CN words (办理事项)
ACTIONS = {
    "issued": "下发整改通知",
    "amended": "修改整改通知",
    "answered": "答复整改情况",
    "closed": "办结",
    "reopened": "退回重新整改",
}
