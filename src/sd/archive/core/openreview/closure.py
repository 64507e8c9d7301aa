"""Closure periods (封闭期): when a record may be opened to the public, computed in one place.

Archives Law of the PRC (2020), art. 27: records held by an archives are opened to society
once 25 years have passed since they were formed (自形成之日起满二十五年); records of economic,
educational, scientific, technical, cultural and similar matters may be opened earlier,
records touching national security or major interests later. Our reading, the same count
as retention (``core.retention.expiry_date``): the period counts from 1 January of the year
after the record's year (年度), so a record of 2000 is closed to the end of 2025 (closure end
2025-12-31) and is reviewed for opening from 1 January 2026. A record with no year counts
from its document date's year; a record with neither has no computable closure end.

The period is 25 years unless the category (门类代码, e.g. ``KJ`` 科技) has its own
(``category_years``, a registry setting ``KJ=10``), or a review decided otherwise: a
controlled-use decision (控制使用) names the next review date, which becomes the record's
closure end (``due_date``).
"""

from __future__ import annotations

import datetime
import re

#: Archives Law 2020, art. 27
DEFAULT_YEARS = 25
MAX_YEARS = 100
_LINE = re.compile(r"^\s*([A-Z0-9]{1,6})\s*[=:：]\s*(\d{1,3})\s*$")


class ClosureSettingError(ValueError):
    """A line of the category mapping is not ``CODE=years``."""


def record_year(year: int | None, document_date: datetime.date | None) -> int | None:
    """The year the closure counts after (年度, else the document's year)."""
    if year:
        return int(year)
    if isinstance(document_date, datetime.date):
        return document_date.year
    return None


def parse_category_years(lines) -> dict[str, int]:
    """``["KJ=10", "WS=30"]`` → ``{"KJ": 10, "WS": 30}``; a bad line raises
    :class:`ClosureSettingError` naming it."""
    mapping = {}
    for line in lines or ():
        if not (line or "").strip():
            continue
        match = _LINE.match(line)
        if not match or not 0 <= int(match.group(2)) <= MAX_YEARS:
            raise ClosureSettingError(f"not CODE=years (0–{MAX_YEARS}): {line!r}")
        mapping[match.group(1)] = int(match.group(2))
    return mapping


def closure_years(
    category: str | None, category_years: dict[str, int], default: int = DEFAULT_YEARS
) -> int:
    """The closure period of a record of ``category`` in years."""
    return category_years.get((category or "").strip().upper(), default)


def closure_end(year: int | None, years: int) -> datetime.date | None:
    """The last closed day (封闭期满日): 31 December of ``year + years`` (None without a year)."""
    if not year:
        return None
    return datetime.date(int(year) + int(years), 12, 31)


def due_date(
    end: datetime.date | None, open_status: str | None, next_review: datetime.date | None
) -> datetime.date | None:
    """The day after which the record is due for open-access review (indexed as
    ``closure_end``): None once opened (开放) — nothing more to review; the next review date
    once a review kept it controlled (控制); else the computed closure end."""
    if open_status == "开放":
        return None
    if open_status == "控制" and next_review is not None:
        return next_review
    return end


def is_due(due: datetime.date | None, on: datetime.date) -> bool:
    """Due for review on ``on``: its closure ended on or before that day."""
    return due is not None and due <= on
