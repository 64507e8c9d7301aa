"""Gaps in item-number series and their recorded reasons (断号及断号说明).

Before a transfer leaves the records room every series it takes is checked as a whole
(移交前连续性检查): each number from the series start to its highest number must belong to a
record, or carry a reason the records officer recorded — void (作废), withdrawn (撤回) or kept
by the agency (本单位留存). The reasons travel in the package's 说明文件 under
:data:`NOTE_KEY` (one line, ``；``-separated entries), so that the receiving side can run the
same check (YJ-2-6) on what it received.

Pure functions over plain numbers and series names (``str(SeriesKey)``); the Plone side finds
the numbers in the holdings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

from sd.archive.core.codes.series import check_continuity
from sd.archive.core.errors import Problem

#: reason code → 说明 (the words written into 说明文件 and shown on pages)
GAP_REASONS = {"void": "作废", "withdrawn": "撤回", "kept": "本单位留存"}
REASON_BY_WORD = {word: code for code, word in GAP_REASONS.items()}
#: the 说明文件 key of the declared gaps
NOTE_KEY = "断号说明"

_ENTRY = re.compile(r"^\s*(\S+)\s+件号\s*(\d+)\s+(作废|撤回|本单位留存)(?:[：:]\s*(.*?))?\s*$")


def missing_numbers(numbers: Iterable[int], start: int = 1) -> list[int]:
    """Numbers from ``start`` to the highest one that no record has (断号)."""
    missing: list[int] = []
    for issue in check_continuity(numbers, start):
        if issue.kind == "gap":
            missing.extend(range(issue.first, issue.last + 1))
    return missing


def spans(numbers: Iterable[int]) -> str:
    """``[3, 5, 6, 7]`` → ``"3, 5–7"``."""
    ordered = sorted(set(numbers))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}–{ordered[j]}")
        i = j + 1
    return ", ".join(parts)


@dataclass(frozen=True)
class SeriesGap:
    """Numbers of one series missing without a recorded reason (未说明的断号)."""

    series: str
    missing: tuple[int, ...]

    def as_problem(self, code: str = "transfer.series-gap") -> Problem:
        return Problem(
            code=code,
            message=(
                f"件号 {spans(self.missing)} 缺失且未登记原因（作废、撤回或本单位留存）/ "
                f"item numbers missing without a recorded reason: {spans(self.missing)}"
            ),
            object=self.series,
            property="item_number",
        )

    def as_dict(self) -> dict:
        return {"series": self.series, "missing": list(self.missing)}


def undeclared_gaps(
    numbers: Mapping[str, Iterable[int]],
    declared: Mapping[str, Iterable[int]] | None = None,
    starts: Mapping[str, int] | None = None,
) -> list[SeriesGap]:
    """The gaps of each series (``{series: numbers present}``) that ``declared``
    (``{series: numbers with a reason}``) does not explain, in series order."""
    declared = declared or {}
    gaps = []
    for series in sorted(numbers):
        explained = set(declared.get(series, ()))
        missing = [
            n
            for n in missing_numbers(numbers[series], (starts or {}).get(series, 1))
            if n not in explained
        ]
        if missing:
            gaps.append(SeriesGap(series, tuple(missing)))
    return gaps


def render_note(declared: Mapping[str, Mapping[int, tuple[str, str]]]) -> str:
    """The 断号说明 value: ``<series> 件号 <n> <reason>：<note>`` entries joined by ``；``.

    ``declared`` is ``{series: {number: (reason code, note)}}``; a ``；`` or line break in a
    note is written as ``;`` / a space so that the line parses back."""
    entries = []
    for series in sorted(declared):
        for number in sorted(declared[series]):
            reason, note = declared[series][number]
            text = " ".join(str(note or "").replace("；", ";").split())
            entry = f"{series} 件号 {number} {GAP_REASONS[reason]}"
            entries.append(f"{entry}：{text}" if text else entry)
    return "；".join(entries)


def parse_note(value: str | None) -> tuple[dict[str, dict[int, tuple[str, str]]], list[str]]:
    """The 断号说明 value back into ``{series: {number: (reason code, note)}}``, and the
    entries that could not be read."""
    declared: dict[str, dict[int, tuple[str, str]]] = {}
    unreadable = []
    for entry in (value or "").split("；"):
        if not entry.strip():
            continue
        match = _ENTRY.match(entry)
        if match is None:
            unreadable.append(entry.strip())
            continue
        series, number, word, note = match.groups()
        declared.setdefault(series, {})[int(number)] = (REASON_BY_WORD[word], note or "")
    return declared, unreadable
