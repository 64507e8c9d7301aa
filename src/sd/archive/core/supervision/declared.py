"""Counts declared by business systems (业务系统申报数): what a system says it produced in a
period — documents issued (发文数) by an OA system, cases closed (办结件数) by a
government-service system — compared with the records archived from that period.

:func:`validate` reads one declaration; every rule it breaks is a :class:`Problem` in one
422 ``InvalidDeclaredCount`` (nothing is stored when any rule fails).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.supervision.timeliness import GONGWEN
from sd.archive.core.supervision.timeliness import ZHENGWU

#: declared kind → (record kind it is compared with, Chinese name)
KINDS = {
    "documents_issued": (GONGWEN, "发文数"),
    "cases_closed": (ZHENGWU, "办结件数"),
}
MAX_COUNT = 10_000_000
MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class DeclaredCount:
    """One declaration: fonds, kind, period (inclusive) and count (申报记录)."""

    fonds: str
    kind: str
    start: date
    end: date
    count: int

    @property
    def record_kind(self) -> str:
        return KINDS[self.kind][0]

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.fonds, self.kind, self.start.isoformat(), self.end.isoformat())


def _date(value, name: str, problems: list[Problem]) -> date | None:
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem("declared.date", f"{name} 须为日期 YYYY-MM-DD / a date is required", "", name)
        )
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        problems.append(
            Problem(
                "declared.date",
                f"{name} 不是有效日期 / not a date: {value!r}",
                str(value),
                name,
            )
        )
        return None


def validate(body: Mapping) -> DeclaredCount:
    """One declaration from a JSON object ``{fonds, kind, period_start, period_end, count}``;
    raises ``ArchiveError`` (422) naming every rule it breaks."""
    problems: list[Problem] = []
    fonds = body.get("fonds")
    if not isinstance(fonds, str) or not fonds.strip():
        problems.append(Problem("declared.fonds", "须指明全宗号 / fonds is required", "", "fonds"))
    kind = body.get("kind")
    if kind not in KINDS:
        problems.append(
            Problem(
                "declared.kind",
                f"申报类别须为 {', '.join(KINDS)}（发文数、办结件数）/ unknown kind",
                str(kind),
                "kind",
            )
        )
    count = body.get("count")
    if isinstance(count, bool) or not isinstance(count, int):
        problems.append(
            Problem(
                "declared.count-not-number",
                f"数量须为整数 / count must be a whole number: {count!r}",
                str(count),
                "count",
            )
        )
    elif count < 0:
        problems.append(
            Problem(
                "declared.count-negative",
                f"数量不能为负 / count is negative: {count}",
                str(count),
                "count",
            )
        )
    elif count > MAX_COUNT:
        problems.append(
            Problem(
                "declared.count-too-large",
                f"数量过大 / count too large: {count}",
                str(count),
                "count",
            )
        )
    start = _date(body.get("period_start"), "period_start", problems)
    end = _date(body.get("period_end"), "period_end", problems)
    if start and end:
        if end < start:
            problems.append(
                Problem(
                    "declared.period-backwards",
                    f"期间结束早于开始 / the period ends before it starts: {start} – {end}",
                    f"{start}/{end}",
                    "period_end",
                )
            )
        elif (end - start).days > MAX_DAYS:
            problems.append(
                Problem(
                    "declared.period-too-long",
                    "期间不能超过五年 / period over 5 years",
                    f"{start}/{end}",
                    "period_end",
                )
            )
    if problems:
        raise ArchiveError("the declared count is not valid", problems, 422, "InvalidDeclaredCount")
    return DeclaredCount(fonds.strip(), kind, start, end, count)


def period(start_text, end_text) -> tuple[date | None, date | None]:
    """A query's optional date range (``from``/``to``): 400 when unreadable or backwards."""
    problems: list[Problem] = []
    start = _date(start_text, "from", problems) if start_text else None
    end = _date(end_text, "to", problems) if end_text else None
    if start and end and end < start:
        problems.append(
            Problem(
                "declared.period-backwards",
                f"期间结束早于开始 / the period ends before it starts: {start} – {end}",
                f"{start}/{end}",
                "to",
            )
        )
    if problems:
        raise ArchiveError("the date range is not valid", problems, 400, "BadRequest")
    return start, end
