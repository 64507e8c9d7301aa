"""Item-number series (件号序列): scope, continuity and the next free number.

件号 are unique and continuous inside a series: fonds + category + year + retention period
(+ 机构(问题)代码 when the rule uses it; + extra 类别号 parts; + 案卷号 for 按卷 codes, where
件号 count inside each volume) [standards.md §2].
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sd.archive.core.codes.normalise import CLASS_SEPARATOR
from sd.archive.core.codes.normalise import LEVEL_SEPARATOR
from sd.archive.core.codes.parts import CodeParts
from sd.archive.core.codes.rule import CodeRule
from sd.archive.core.errors import Problem


@dataclass(frozen=True, order=True)
class SeriesKey:
    """The uniqueness and continuity scope of 件号 (件号编号范围)."""

    fonds_code: str
    category: str
    year: int
    retention: str
    org_code: str = ""
    extra: tuple[str, ...] = ()
    volume: int | None = None

    def __str__(self) -> str:
        klass = CLASS_SEPARATOR.join([self.category, str(self.year), *self.extra])
        levels = [self.fonds_code, klass, self.retention]
        if self.org_code:
            levels.append(self.org_code)
        if self.volume is not None:
            levels.append(str(self.volume))
        return LEVEL_SEPARATOR.join(levels)


def series_key(parts: CodeParts, rule: CodeRule | None = None) -> SeriesKey:
    """The series of ``parts``; the org code counts only when ``rule`` uses it (or no rule)."""
    use_org = rule is None or rule.use_org
    return SeriesKey(
        fonds_code=parts.fonds_code,
        category=parts.category,
        year=parts.year,
        retention=parts.retention,
        org_code=parts.org_code if use_org else "",
        extra=tuple(parts.extra),
        volume=parts.volume,
    )


@dataclass(frozen=True)
class ContinuityIssue:
    """A gap (断号), a duplicate (重号) or a number below the start (起始号之前) in a series."""

    kind: str  # "gap" | "duplicate" | "below_start"
    first: int
    last: int
    count: int = 1  # for duplicates: how many times the number occurs

    def as_problem(self, series: str = "") -> Problem:
        if self.kind == "gap":
            span = str(self.first) if self.first == self.last else f"{self.first}–{self.last}"
            message = f"件号 {span} missing (断号)"
        elif self.kind == "duplicate":
            message = f"件号 {self.first} used {self.count} times (重号)"
        else:
            message = f"件号 {self.first} is below the series start (起始号之前)"
        return Problem(
            code=f"CODE-SERIES-{self.kind.upper().replace('_', '-')}",
            message=message,
            object=series,
            property="archival_code",
        )


def check_continuity(numbers: Iterable[int], start: int = 1) -> list[ContinuityIssue]:
    """Gaps, duplicates and numbers below ``start`` in ``numbers``, in number order.

    Gaps are reported from ``start`` up to the highest number, as ranges.
    """
    counts = Counter(numbers)
    issues: list[ContinuityIssue] = []
    for number in sorted(n for n in counts if n < start):
        issues.append(ContinuityIssue("below_start", number, number, counts[number]))
    expected = start
    for number in sorted(n for n in counts if n >= start):
        if number > expected:
            issues.append(ContinuityIssue("gap", expected, number - 1))
        if counts[number] > 1:
            issues.append(ContinuityIssue("duplicate", number, number, counts[number]))
        expected = number + 1
    return issues


def next_free(numbers: Iterable[int], start: int = 1, fill_gaps: bool = False) -> int:
    """The 件号 to give the next record of a series.

    By default the number after the highest one (numbers of removed records are not reused);
    with ``fill_gaps`` the lowest free number from ``start``.
    """
    used = {n for n in numbers if n >= start}
    if not fill_gaps:
        return max(used, default=start - 1) + 1
    number = start
    while number in used:
        number += 1
    return number
