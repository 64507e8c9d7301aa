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
