"""The figures of one agency and year (机关年度指标) from its counters, and rankings.

Everything here is arithmetic over the sums kept by the Plone side
(:mod:`sd.archive.core.supervision.facts`); the keys of the result are the public shape read
by the dashboard, the workbench and the statistics (``sd.archive.supervision.metrics``).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

#: ranking metrics: key → (path in the figures, worst first when sorted descending?)
RANKINGS = {
    "completeness": (("completeness", "rate"), False),
    "number_gaps": (("completeness", "number_gaps"), True),
    "declared_shortfall": (("completeness", "declared_shortfall"), True),
    "timeliness": (("timeliness", "rate"), False),
    "late": (("timeliness", "late"), True),
    "due_for_transfer": (("timeliness", "due_for_transfer"), True),
    "rejections": (("quality", "rejections_per_1000"), True),
    "review_backlog": (("quality", "review_backlog"), True),
    "seal_failures": (("quality", "seal_failures"), True),
    "corrections": (("quality", "corrected"), True),
}


@dataclass(frozen=True)
class DeclaredComparison:
    """A count a business system declared for a period against the records archived
    (申报数与归档数比对)."""

    kind: str
    start: str
    end: str
    declared: int
    archived: int

    @property
    def shortfall(self) -> int:
        return max(0, self.declared - self.archived)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "declared": self.declared,
            "archived": self.archived,
            "shortfall": self.shortfall,
        }


@dataclass
class Inputs:
    """What the figures of one agency and year are computed from."""

    sums: Mapping[str, int] = field(default_factory=dict)
    rejected_items: Mapping[str, int] = field(default_factory=dict)
    number_gaps: int = 0
    number_series: int = 0
    declared: list[DeclaredComparison] = field(default_factory=list)
    scope_missing: list[str] = field(default_factory=list)
    review_backlog: int = 0
    review_oldest_days: int = 0
    due_for_transfer: int = 0


def rate(part: int, whole: int, scale: float = 100.0) -> float | None:
    """``part / whole × scale`` to one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(part * scale / whole, 1)


def compute(data: Inputs) -> dict:
    """The three groups of figures (完整性、及时性、质量) of one agency and year."""
    s = dict(data.sums)
    archived = s.get("archived", 0)
    shortfall = sum(c.shortfall for c in data.declared)
    expected = archived + data.number_gaps + shortfall
    timed, late = s.get("timed", 0), s.get("late", 0)
    rejected = s.get("rejected", 0)
    packages = s.get("received", 0) + rejected
    return {
        "records": archived,
        "completeness": {
            "rate": rate(archived, expected),
            "number_gaps": data.number_gaps,
            "number_series": data.number_series,
            "declared": [c.as_dict() for c in data.declared],
            "declared_shortfall": shortfall,
            "scope_missing": list(data.scope_missing),
            "components_missing": s.get("components_missing", 0),
        },
        "timeliness": {
            "rate": rate(timed - late, timed),
            "timed": timed,
            "late": late,
            "average_days": round(s.get("days", 0) / timed, 1) if timed else None,
            "pending": s.get("pending", 0),
            "due_for_transfer": data.due_for_transfer,
        },
        "quality": {
            "packages": packages,
            "rejections": rejected,
            "rejections_per_1000": rate(rejected, packages, 1000.0),
            "by_item": {
                code: {"count": n, "per_1000": rate(n, packages, 1000.0)}
                for code, n in sorted(data.rejected_items.items())
            },
            "review_backlog": data.review_backlog,
            "review_oldest_days": data.review_oldest_days,
            "seal_failures": s.get("seal_failed", 0),
            "corrected": s.get("corrected", 0),
            "corrections": s.get("corrections", 0),
        },
    }


def value(figures: Mapping, metric: str):
    """The value of a ranking metric in one agency's figures."""
    (group, key), _worst_high = RANKINGS[metric]
    return figures.get(group, {}).get(key)


def rank(rows: Iterable[Mapping], metric: str) -> list[dict]:
    """Agencies worst first by ``metric`` (排名: 问题最多者在前); agencies without a value
    (nothing to divide by) last, then by fonds code. Each row gains ``rank`` and ``value``."""
    if metric not in RANKINGS:
        raise KeyError(metric)
    worst_high = RANKINGS[metric][1]
    with_value, without = [], []
    for row in rows:
        v = value(row, metric)
        (without if v is None else with_value).append({**row, "value": v})
    with_value.sort(key=lambda r: (-r["value"] if worst_high else r["value"], r.get("fonds", "")))
    without.sort(key=lambda r: r.get("fonds", ""))
    ranked = with_value + without
    for i, row in enumerate(ranked, 1):
        row["rank"] = i
    return ranked


def parse_year(value) -> int | None:
    """A query's ``year`` (年度): None when absent or ``all``; 400 when not a year."""
    from sd.archive.core.errors import ArchiveError
    from sd.archive.core.errors import Problem

    if value in (None, "", "all"):
        return None
    text = str(value).strip()
    if text.isdigit() and 1900 <= int(text) <= 2999:
        return int(text)
    raise ArchiveError(
        "the year is not valid",
        [Problem("supervision.year", f"年度须为四位数字 / not a year: {value!r}", text, "year")],
        400,
        "BadRequest",
    )


def parse_metric(value, allowed=None) -> str:
    """A query's ranking ``metric`` (default ``completeness``); 400 when unknown."""
    from sd.archive.core.errors import ArchiveError
    from sd.archive.core.errors import Problem

    allowed = allowed or RANKINGS
    if value in (None, ""):
        return next(iter(allowed))
    if value in allowed:
        return value
    raise ArchiveError(
        "unknown metric",
        [
            Problem(
                "supervision.metric",
                f"指标须为 {', '.join(allowed)} 之一 / unknown metric: {value!r}",
                str(value),
                "metric",
            )
        ],
        400,
        "BadRequest",
    )
