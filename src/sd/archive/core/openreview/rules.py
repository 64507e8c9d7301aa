"""Rules of an open-access review batch (开放审核批次规则): decisions, grouping, sign-offs.

Plain data in, :class:`~sd.archive.core.errors.Problem` lists out; the Plone side
(``sd.archive.openreview``) refuses with them and changes nothing.

Decisions (审核意见) per record:

- ``open`` (开放): opened when the batch is approved;
- ``controlled`` (控制使用): stays closed; needs the reason and the next review date
  (after today, within 30 years);
- ``redacted`` (删节后开放): a redacted access copy is made and opened, the original stays
  closed; needs the reason and what to redact (PDF pages, or character ranges of a text
  file, :mod:`.redaction`).

A batch of more than ``second_review_over`` records needs a second reviewer (复核) who made
none of its decisions; approval (审批) is by another person than the proposer and than the
reviewers; when the fonds asks for it the forming agency's opinion (形成单位意见) is recorded
first.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from sd.archive.core.errors import Problem

OPEN = "open"
CONTROLLED = "controlled"
REDACTED = "redacted"
DECISIONS = (OPEN, CONTROLLED, REDACTED)
DECISION_ZH = {OPEN: "开放", CONTROLLED: "控制使用", REDACTED: "删节后开放"}
#: the record's open_status after a released decision
STATUS_AFTER = {OPEN: "开放", CONTROLLED: "控制", REDACTED: "开放"}

MAX_REASON = 500
MAX_REVIEW_YEARS = 30
DEFAULT_SECOND_REVIEW_OVER = 50

# batch states (批次状态)
DECIDING = "deciding"  # 审核中
RELEASING = "releasing"  # 已批准，生效中 (an approval in chunks, resumed after a stop)
RELEASED = "released"  # 已批准发布
STATE_ZH = {DECIDING: "审核中", RELEASING: "已批准，生效中", RELEASED: "已批准开放"}


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def decision_problems(
    item: dict, today: datetime.date, where: str = ""
) -> tuple[dict | None, list[Problem]]:
    """Check one decision ``{"decision", "reason", "next_review", "redaction"}``: the cleaned
    decision (None when refused) and the problems."""
    problems = []
    kind = item.get("decision")
    if kind not in DECISIONS:
        return None, [
            Problem(
                "OPENREVIEW-DECISION",
                f"decision must be one of {', '.join(DECISIONS)} "
                "(审核意见应为开放、控制使用或删节后开放)",
                where,
                "decision",
            )
        ]
    reason = item.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    if len(reason) > MAX_REASON:
        problems.append(
            Problem(
                "OPENREVIEW-REASON",
                f"the reason is longer than {MAX_REASON} characters",
                where,
                "reason",
            )
        )
    clean = {"decision": kind, "reason": reason}
    if kind in (CONTROLLED, REDACTED) and not reason:
        problems.append(
            Problem(
                "OPENREVIEW-REASON",
                f"a {DECISION_ZH[kind]} decision needs its reason (须说明理由)",
                where,
                "reason",
            )
        )
    if kind == CONTROLLED:
        when = _date(item.get("next_review"))
        latest = datetime.date(today.year + MAX_REVIEW_YEARS, 12, 31)
        if when is None or not today < when <= latest:
            problems.append(
                Problem(
                    "OPENREVIEW-NEXT-REVIEW",
                    "controlled use needs the next review date, after today and within "
                    f"{MAX_REVIEW_YEARS} years (须填写下次审核日期)",
                    where,
                    "next_review",
                )
            )
        clean["next_review"] = when
    if kind == REDACTED:
        from .redaction import RedactionError
        from .redaction import parse_spec

        try:
            clean["redaction"] = parse_spec(item.get("redaction"))
        except RedactionError as error:
            problems.append(Problem("OPENREVIEW-REDACTION", str(error), where, "redaction"))
    return (None if problems else clean), problems


def needs_second_review(size: int, over: int) -> bool:
    """A batch of more than ``over`` records needs a second reviewer (复核)."""
    return size > max(int(over), 0)


def group_key(item: dict) -> tuple[str, int, str]:
    """The group of a batch item (分组): fonds, year, category."""
    return (item.get("fonds_code") or "", int(item.get("year") or 0), item.get("category") or "")


def groups(items: Iterable[dict]) -> list[dict]:
    """The batch's groups by fonds/year/category with their counts, in that order."""
    counts = Counter(group_key(item) for item in items)
    return [
        {"fonds_code": f, "year": y, "category": c, "count": n}
        for (f, y, c), n in sorted(counts.items())
    ]


def release_problems(
    *,
    approver: str,
    proposer: str,
    deciders: set[str],
    undecided: int,
    second_review_needed: bool,
    second_reviewer: str | None,
    agency_needed: bool,
    agency_opinion: dict | None,
    state: str,
    where: str = "",
) -> list[Problem]:
    """What stops ``approver`` from approving the batch now (empty: it may)."""
    problems = []
    if state != DECIDING:
        problems.append(
            Problem(
                "OPENREVIEW-STATE", "the batch is already approved (批次已批准)", where, "state"
            )
        )
        return problems
    if approver == proposer or approver in deciders:
        problems.append(
            Problem(
                "OPENREVIEW-OWN-BATCH",
                "a batch is approved by another person than its proposer and its reviewers "
                "(不得审批本人提出或审核的批次)",
                where,
                "approver",
            )
        )
    if undecided:
        problems.append(undecided_problem(undecided, where))
    if second_review_needed and not second_reviewer:
        problems.append(
            Problem(
                "OPENREVIEW-SECOND-REVIEW",
                "this batch needs a second reviewer's check first (须经复核)",
                where,
                "second_review",
            )
        )
    if agency_needed and not agency_opinion:
        problems.append(
            Problem(
                "OPENREVIEW-AGENCY",
                "the fonds asks for the forming agency's opinion first (须征求形成单位意见)",
                where,
                "agency_opinion",
            )
        )
    return problems


def undecided_problem(undecided: int, where: str = "") -> Problem:
    """Records of the batch still without a decision (尚有档案未审核): no approval, no check."""
    return Problem(
        "OPENREVIEW-UNDECIDED",
        f"{undecided} records have no decision yet (尚有档案未审核)",
        where,
        "decisions",
    )


def second_review_problems(
    reviewer: str, deciders: set[str], undecided: int, done_by: str | None, where: str = ""
) -> list[Problem]:
    """What stops ``reviewer`` from checking the batch's decisions (复核)."""
    problems = []
    if done_by:
        problems.append(
            Problem("OPENREVIEW-STATE", "the batch was checked already (已复核)", where, "state")
        )
    if reviewer in deciders:
        problems.append(
            Problem(
                "OPENREVIEW-OWN-BATCH",
                "the second reviewer made none of the decisions (复核人不得为审核人)",
                where,
                "second_review",
            )
        )
    if undecided:
        problems.append(undecided_problem(undecided, where))
    return problems
