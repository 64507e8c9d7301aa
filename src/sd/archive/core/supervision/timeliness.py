"""Archiving deadlines (归档时限) and how late a record was archived (归档及时性).

Two rules, both settings (registry ``sd.archive.supervision``):

- electronic official documents (电子公文): archived by a day of the year after the
  document's year — by default 30 June (《机关文件材料归档范围和文书档案保管期限规定》:
  文件材料应在次年6月底前归档);
- government-service e-files (政务服务电子文件): within N days of the case's completion
  (办结), by default 60 days.

A record with neither a document date nor a completion time has no deadline: it counts as
neither late nor on time (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

GONGWEN = "电子公文"
ZHENGWU = "政务服务电子文件"


@dataclass(frozen=True)
class DeadlineRules:
    """The deadline settings (归档时限设置)."""

    month: int = 6
    day: int = 30
    years_after: int = 1
    service_days: int = 60

    def __post_init__(self):
        date(2001, self.month, self.day)  # refuse 2-30 and the like early (ValueError)


def _as_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def start_date(kind: str, document_date=None, completed_at=None) -> date | None:
    """The day the archiving clock starts: the case's completion (办结) for a
    government-service e-file, the document's date otherwise."""
    if kind == ZHENGWU and _as_date(completed_at) is not None:
        return _as_date(completed_at)
    return _as_date(document_date)


def deadline(
    kind: str, document_date=None, completed_at=None, rules: DeadlineRules | None = None
) -> date | None:
    """The last day the record may be archived on time (归档期限)."""
    rules = rules or DeadlineRules()
    start = start_date(kind, document_date, completed_at)
    if start is None:
        return None
    if kind == ZHENGWU and _as_date(completed_at) is not None:
        return start + timedelta(days=rules.service_days)
    return date(start.year + rules.years_after, rules.month, rules.day)


@dataclass(frozen=True)
class Lateness:
    """Days from start to archiving (归档用时) and days past the deadline (逾期天数)."""

    days_to_archive: int
    days_late: int

    @property
    def late(self) -> bool:
        return self.days_late > 0


def lateness(
    kind: str, archived_on, document_date=None, completed_at=None, rules=None
) -> Lateness | None:
    """How long archiving took and how late it was; None without a start or archiving day."""
    archived = _as_date(archived_on)
    start = start_date(kind, document_date, completed_at)
    last = deadline(kind, document_date, completed_at, rules)
    if archived is None or start is None or last is None:
        return None
    return Lateness(max(0, (archived - start).days), max(0, (archived - last).days))


def overdue_unarchived(kind: str, today, document_date=None, completed_at=None, rules=None):
    """Days a record still not archived is past its deadline (0 when not yet due)."""
    last = deadline(kind, document_date, completed_at, rules)
    if last is None:
        return 0
    return max(0, (_as_date(today) - last).days)
