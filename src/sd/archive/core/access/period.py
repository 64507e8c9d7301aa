"""The period of use (利用期限): from a start day to an end day, both included, Beijing days.

A request asks for a period no longer than the limit (``MAX_DAYS`` unless the site sets
another); access is possible from the start day through the end day and ends by itself after
it (checked at each access: :func:`active`).
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

BEIJING = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 30
DEFAULT_DAYS = 7


def beijing_today(now: datetime | None = None) -> date:
    """Today in Beijing (北京时间的今天)."""
    return (now or datetime.now(BEIJING)).astimezone(BEIJING).date()


def parse_day(value, name: str) -> date:
    """An ISO day (``2026-12-07``), else a structured 400 naming ``name``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else _missing(name)
    except ValueError:
        raise ArchiveError(
            f"{name} must be a day like 2026-12-07 (日期格式无效)",
            [Problem("access.period-date", f"{str(value)[:40]!r}", "", name)],
        ) from None


def _missing(name):
    raise ArchiveError(
        f"{name} is required (请填写利用期限)", [Problem("access.period-date", "missing", "", name)]
    )


def check_period(start, end, today: date, max_days: int = MAX_DAYS) -> tuple[date, date]:
    """(start, end) of a valid period: start not before today, end not before start, at most
    ``max_days`` days long (起止日期、期限上限)."""
    start = parse_day(start, "start") if start else today
    end = parse_day(end, "end") if end else start + timedelta(days=DEFAULT_DAYS - 1)
    problems = []
    if start < today:
        problems.append(Problem("access.period-past", f"{start} < {today}", "", "start"))
    if end < start:
        problems.append(Problem("access.period-order", f"{end} < {start}", "", "end"))
    elif (end - start).days + 1 > max_days:
        problems.append(
            Problem("access.period-limit", f"{(end - start).days + 1} > {max_days} days", "", "end")
        )
    if problems:
        raise ArchiveError(
            f"the period must start today or later, end after it, and last at most {max_days} "
            f"days (利用期限无效：不早于今天，结束不早于开始，最长 {max_days} 天)",
            problems,
        )
    return start, end


def active(start: date | None, end: date | None, today: date) -> bool:
    """Within the period (期限内), both days included."""
    return bool(start and end) and start <= today <= end


def expired(end: date | None, today: date) -> bool:
    """After the last day (已到期)."""
    return bool(end) and today > end


def beijing_text(value: datetime | str | None = None) -> str:
    """``value`` (a datetime, an ISO time, UTC when it has no offset; now when None) as
    ``2026-12-07 14:05:09`` in Beijing time."""
    if value is None:
        moment = datetime.now(BEIJING)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    else:
        moment = value
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
