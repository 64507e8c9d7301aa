"""Document numbers (文号, 发文字号) and the gaps in their series (发文断号).

A 文号 such as ``鲁某发〔2023〕12号`` is an issuer's prefix (机关代字 ``鲁某发``), a year in
〔〕 and a running number restarting each year. Each (prefix, year) is a series; a number
between 1 and the highest number an agency archived that no record carries is a document
that was issued but never archived — unless the agency recorded it void (作废) with a reason
(the same reasons as item-number gaps, :data:`sd.archive.core.codes.gaps.GAP_REASONS`).

Brackets are read leniently (〔〕, [], ［］, （）, ()), as business systems write them; the
series name is always written with 〔〕.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

from sd.archive.core.codes.gaps import missing_numbers
from sd.archive.core.codes.gaps import spans

_NUMBER = re.compile(
    r"^\s*(?P<prefix>[^\s\[〔［(（]+?)\s*[\[〔［(（]\s*(?P<year>\d{4})\s*[\]〕］)）]"
    r"\s*第?\s*(?P<number>\d{1,6})\s*号?\s*$"
)
#: a series whose highest number is above this is taken as a misreading, not as gaps
MAX_NUMBER = 99999


@dataclass(frozen=True)
class DocumentNumber:
    """One parsed 文号: prefix (机关代字), year (年份) and running number (顺序号)."""

    prefix: str
    year: int
    number: int

    @property
    def series(self) -> str:
        return series_name(self.prefix, self.year)


def series_name(prefix: str, year: int) -> str:
    return f"{prefix}〔{year}〕"


def series_year(series: str) -> int | None:
    """The year of a series name (``鲁某发〔2023〕`` → 2023)."""
    match = re.search(r"〔(\d{4})〕$", series or "")
    return int(match.group(1)) if match else None


def parse(text: str | None) -> DocumentNumber | None:
    """``鲁某发〔2023〕12号`` → DocumentNumber("鲁某发", 2023, 12); None when it is not one."""
    match = _NUMBER.match(text or "")
    if match is None:
        return None
    number = int(match.group("number"))
    if number < 1 or number > MAX_NUMBER:
        return None
    return DocumentNumber(match.group("prefix"), int(match.group("year")), number)


@dataclass(frozen=True)
class NumberGap:
    """Numbers of one 文号 series missing without a recorded reason (未说明的发文断号)."""

    series: str
    missing: tuple[int, ...]
    highest: int

    def as_dict(self) -> dict:
        return {
            "series": self.series,
            "missing": list(self.missing),
            "spans": spans(self.missing),
            "highest": self.highest,
            "numbers": [f"{self.series}{n}号" for n in self.missing],
        }


def series_gaps(
    numbers: Mapping[str, Iterable[int]], void: Mapping[str, Iterable[int]] | None = None
) -> list[NumberGap]:
    """The gaps of each series (``{series: numbers archived}``) not explained by ``void``
    (``{series: numbers recorded void with a reason}``), in series order."""
    void = void or {}
    found = []
    for series in sorted(numbers):
        present = list(numbers[series])
        if not present:
            continue
        explained = set(void.get(series, ()))
        missing = tuple(n for n in missing_numbers(present, 1) if n not in explained)
        if missing:
            found.append(NumberGap(series, missing, max(present)))
    return found


def gap_count(highest: int, present: int, void_below: int) -> int:
    """Missing numbers from counts alone (for the dashboard): ``highest`` minus the distinct
    numbers present minus the void ones below ``highest``; never negative."""
    return max(0, highest - present - void_below)
