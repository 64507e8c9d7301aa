"""Retention periods and disposition (保管期限与处置).

The one place for the retention rules:

- codes: ``Y`` 永久 (permanent) and ``D`` + years (定期), e.g. ``D30`` 定期30年, ``D10`` 定期10年.
  文书 records use 永久 / 定期30年 / 定期10年 (国家档案局令第8号); other ``D<n>`` periods
  (1–999 years) are accepted for other categories (会计 ``D10``/``D30``, 专业 …).
- counting: a fixed period counts from **1 January of the year after the record's year**
  (the year of the record, 年度, is the year its handling ended). A 2011 record kept ``D10``
  is kept from 2012-01-01 to 2021-12-31 (its :func:`expiry_date`) and is due for appraisal
  (到期鉴定) from 2022-01-01.
- disposition states (处置状态): active 保管中, due for appraisal 到期待鉴定,
  retained 经鉴定继续保存 (with a new review date), destroyed 已销毁.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

PERMANENT = "Y"
"""Code of the permanent period (永久)."""

STANDARD_CODES = ("Y", "D30", "D10")
"""The periods of 文书 records (国家档案局令第8号), longest first."""

_CODE = re.compile(r"^(?:Y|D([1-9]\d{0,2}))$")


class RetentionError(ArchiveError):
    """A retention period code is not valid (保管期限代码错误): HTTP 422."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 422, "InvalidRetentionPeriod")


@dataclass(frozen=True, order=False)
class RetentionPeriod:
    """A retention period (保管期限): ``Y`` or ``D<years>``."""

    code: str
    years: int | None  # None for permanent (永久)

    @property
    def permanent(self) -> bool:
        return self.years is None

    @property
    def label_zh(self) -> str:
        return "永久" if self.years is None else f"定期{self.years}年"

    @property
    def label_en(self) -> str:
        return "permanent" if self.years is None else f"{self.years} years"

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    @property
    def sort_key(self) -> int:
        """Larger is longer; permanent is longest of all."""
        return 10**6 if self.years is None else self.years

    def __str__(self) -> str:
        return self.code


def retention_problem(code: str, obj: str = "") -> Problem:
    """The one Problem shape for a bad retention code (保管期限代码错误)."""
    return Problem(
        code="RETENTION-CODE",
        message=(
            f"retention period {code!r} is not Y or D<years> (保管期限应为 Y 或 D加年数，如 D30)"
        ),
        object=obj or code,
        property="retention",
    )


def is_valid_code(code: str) -> bool:
    """True if ``code`` is a retention period code (``Y``, ``D10``, ``D30`` …)."""
    return isinstance(code, str) and _CODE.match(code) is not None


def parse_period(code: str) -> RetentionPeriod:
    """Parse a retention code; raise :class:`RetentionError` when it is not valid."""
    match = _CODE.match(code) if isinstance(code, str) else None
    if match is None:
        raise RetentionError("invalid retention period", [retention_problem(str(code))])
    years = match.group(1)
    return RetentionPeriod(code=code, years=int(years) if years else None)


def label(code: str, lang: str = "zh") -> str:
    """Human label of a retention code: ``D30`` → ``定期30年`` / ``30 years``."""
    return parse_period(code).label(lang)


def longest(codes) -> str:
    """The longest of some retention codes (used when a 件's parts carry different periods)."""
    periods = [parse_period(c) for c in codes]
    if not periods:
        raise ValueError("no retention codes given")
    return max(periods, key=lambda p: p.sort_key).code


def _record_year(start: datetime.date | int) -> int:
    if isinstance(start, datetime.date):
        return start.year
    if isinstance(start, int) and not isinstance(start, bool):
        return start
    raise TypeError("start must be a date or a year")


def expiry_date(start: datetime.date | int, code: str) -> datetime.date | None:
    """Last day of the retention period (保管期满日), or ``None`` for permanent.

    ``start`` is the record's date or its year (年度); only the year matters: the period
    counts from 1 January of the following year. ``expiry_date(2011, "D10")`` is 2021-12-31.
    """
    period = parse_period(code)
    if period.years is None:
        return None
    return datetime.date(_record_year(start) + period.years, 12, 31)


class Disposition(StrEnum):
    """Disposition state of a record (处置状态)."""

    ACTIVE = "active"  # 保管中
    DUE = "due_for_appraisal"  # 到期待鉴定
    RETAINED = "retained"  # 经鉴定继续保存
    DESTROYED = "destroyed"  # 已销毁

    @property
    def label_zh(self) -> str:
        return _DISPOSITION_ZH[self]


_DISPOSITION_ZH = {
    Disposition.ACTIVE: "保管中",
    Disposition.DUE: "到期待鉴定",
    Disposition.RETAINED: "经鉴定继续保存",
    Disposition.DESTROYED: "已销毁",
}


def is_due(
    start: datetime.date | int,
    code: str,
    today: datetime.date,
    state: Disposition | str = Disposition.ACTIVE,
    review_after: datetime.date | None = None,
) -> bool:
    """True when the record must go to appraisal (到期鉴定) on ``today``.

    - permanent records and destroyed records are never due;
    - active (or already due) records are due once ``today`` is after :func:`expiry_date`;
    - retained records (经鉴定继续保存) are due again once ``today`` is after
      ``review_after`` (the new review date set at appraisal); without one they are not due.
    """
    state = Disposition(state)
    if state is Disposition.DESTROYED:
        return False
    if state is Disposition.RETAINED:
        return review_after is not None and today > review_after
    end = expiry_date(start, code)
    return end is not None and today > end


def disposition_state(
    start: datetime.date | int,
    code: str,
    today: datetime.date,
    state: Disposition | str = Disposition.ACTIVE,
    review_after: datetime.date | None = None,
) -> Disposition:
    """The state a record should show on ``today``: ``DUE`` when :func:`is_due`, else ``state``."""
    state = Disposition(state)
    if is_due(start, code, today, state, review_after):
        return Disposition.DUE
    return state


# --- due dates and the due list (到期日期与到期档案清单, #25) -------------------------------

#: months a due list looks ahead by default, and the longest it may (10 years)
DEFAULT_WITHIN = 12
MAX_WITHIN = 120


def next_review_date(decided: datetime.date, years: int) -> datetime.date:
    """Next review date after a "keep for N more years" decision (继续保存N年后再鉴定):
    counted as periods are, from 1 January after the decision's year: kept ``years`` full
    years, due again the day after the returned date."""
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 999:
        raise ValueError("years must be 1–999")
    return datetime.date(decided.year + years, 12, 31)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_within(value) -> int:
    """Months of a due list's look-ahead (``within``): an integer 0–120; else a 400."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return DEFAULT_WITHIN
    if not text.isdigit() or int(text) > MAX_WITHIN:
        raise ArchiveError(
            "within must be a whole number of months, 0–120",
            [
                Problem(
                    "DUE-WITHIN",
                    f"到期范围应为0至{MAX_WITHIN}的整月数 / within: 0–{MAX_WITHIN} months",
                    text,
                    "within",
                )
            ],
            400,
            "BadRequest",
        )
    return int(text)


class DueStatus(StrEnum):
    """Where a record stands on the due list (到期状态)."""

    EXPIRED = "expired"  # 已到期
    EXPIRING = "expiring"  # 即将到期

    @property
    def label_zh(self) -> str:
        return "已到期" if self is DueStatus.EXPIRED else "即将到期"


def due_status(due: datetime.date | None, today: datetime.date, within: int) -> DueStatus | None:
    """``EXPIRED`` once ``today`` is past ``due`` (the last day kept), ``EXPIRING`` when ``due``
    falls within ``within`` months from today, else None (permanent records have no ``due``)."""
    if due is None:
        return None
    if today > due:
        return DueStatus.EXPIRED
    if due <= add_months(today, within):
        return DueStatus.EXPIRING
    return None


def destruction_problems(
    code: str | None,
    due: datetime.date | None,
    today: datetime.date,
    holds=(),
    obj: str = "",
) -> list[Problem]:
    """Why a record may not be destroyed today (不得销毁的理由), empty when it may.

    Permanent records never (永久保管); others only once their period (or the period set at
    the last appraisal) has run out; never while a hold (冻结) is on them.
    """
    problems = []
    if not code or not is_valid_code(code):
        problems.append(
            Problem(
                "DESTROY-NO-PERIOD",
                "无有效保管期限，不得销毁 / no retention period",
                obj,
                "retention_period",
            )
        )
    elif parse_period(code).permanent:
        problems.append(
            Problem(
                "DESTROY-PERMANENT",
                "永久保管的档案不得销毁 / a permanent record is never destroyed",
                obj,
                "retention_period",
            )
        )
    elif due is None or today <= due:
        until = due.isoformat() if due else "—"
        problems.append(
            Problem(
                "DESTROY-NOT-DUE",
                f"保管期限未满（保管至{until}），不得销毁 / the retention period has not run out",
                obj,
                "retention_expiry",
            )
        )
    if holds:
        problems.append(
            Problem(
                "DESTROY-HELD", "档案已冻结，不得销毁 / the record is under a hold", obj, "holds"
            )
        )
    return problems


#: the due list's columns (到期档案清单)
DUE_COLUMNS = ("档号", "题名", "年度", "保管期限", "到期日期", "状态")


def due_row(row: dict) -> list[str]:
    """A due-list row (``sd.archive.retention.due_list``) as its columns' text."""
    due = row.get("due")
    return [
        row.get("archival_code") or "",
        row.get("title") or "",
        str(row.get("year") or ""),
        row.get("retention_label") or row.get("retention_period") or "",
        due.isoformat() if due else "",
        row.get("status_label") or "",
    ]


def due_xlsx(rows, title: str = "到期档案清单") -> bytes:
    """The due list as XLSX (write-only: any number of rows); no cell reads as a formula."""
    import io

    from openpyxl import Workbook

    from sd.archive.core.csvcells import neutral

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(DUE_COLUMNS))
    for row in rows:
        sheet.append([neutral(v) for v in due_row(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
