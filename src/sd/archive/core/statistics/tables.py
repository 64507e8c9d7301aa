"""Holdings and activity tables (馆藏与业务统计表) counted from postings, not from records.

A *posting* is what a catalog index keeps: for each value of a field, the ids of the records
that have it (``{"Y": ids, "D30": ids}`` for 保管期限). Counting a table is intersecting the
postings of its dimension with the records in scope, so a million records are never read
one by one; only the byte sizes are summed per record id (from a mapping the caller gives).

The caller chooses the set type: Python ``set`` in the tests, ``BTrees`` tree sets on the
Plone side (``intersect=BTrees.IIBTree.intersection``, ``union=multiunion``).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

#: the holdings dimensions (馆藏统计维度) and their zh_CN column heads
DIMENSIONS = {
    "fonds": "全宗",
    "year": "年度",
    "category": "门类",
    "retention": "保管期限",
    "security": "密级",
    "format": "文件格式",
    "state": "状态",
}
RETENTION_WORDS = {"Y": "永久", "D30": "定期30年", "D10": "定期10年", "C": "长期", "D": "短期"}
STATE_WORDS = {
    "pre_archived": "预归档",
    "archived": "已归档",
    "transfer_pending": "待移交",
    "transferred": "已移交",
    "received": "已进馆",
    "open": "已开放",
    "controlled": "控制使用",
    "appraisal": "鉴定中",
    "destroyed": "已销毁",
    "rejected": "已退回",
}
#: states of the holdings of a records room (室藏) and of the archives (馆藏)
ROOM_STATES = ("archived", "transfer_pending", "appraisal")
ARCHIVES_STATES = ("received", "open", "controlled")
UNKNOWN = "（未著录）"
PERIODS = ("month", "quarter", "year")
MAX_PERIOD_DAYS = 366 * 10


def _python_intersect(a, b):
    return set(a) & set(b)


def _python_union(sets):
    out: set = set()
    for s in sets:
        out |= set(s)
    return out


@dataclass
class Postings:
    """The postings of one scope: ``universe`` the ids in scope, ``dims`` dimension →
    {value: ids}; ``sizes`` id → bytes (records without a size count 0)."""

    universe: object
    dims: Mapping[str, Mapping[object, object]]
    sizes: Mapping[int, int] = field(default_factory=dict)
    intersect: Callable = _python_intersect
    union: Callable = _python_union

    def within(self, ids) -> Postings:
        """The same postings narrowed to ``ids`` (a fonds, years up to the report's)."""
        return Postings(
            self.intersect(self.universe, ids), self.dims, self.sizes, self.intersect, self.union
        )

    def ids_of(self, dim: str, values: Iterable) -> object:
        """The ids (in scope) whose ``dim`` is one of ``values``."""
        postings = self.dims.get(dim, {})
        found = [postings[v] for v in values if v in postings]
        return self.intersect(self.universe, self.union(found)) if found else self.union([])

    def count(self, ids=None) -> int:
        return len(self.universe if ids is None else ids)

    def bytes(self, ids=None) -> int:
        if hasattr(self.sizes, "total"):  # a summing mapping (the catalog's metadata sizes)
            return self.sizes.total(self.universe if ids is None else ids)
        get = self.sizes.get
        return sum(get(i, 0) or 0 for i in (self.universe if ids is None else ids))

    def breakdown(self, dim: str, with_bytes: bool = True) -> list[dict]:
        """One row per value of ``dim`` in scope (value, count, bytes), biggest count first;
        records without a value are one row :data:`UNKNOWN`."""
        rows, seen = [], 0
        for value, ids in self.dims.get(dim, {}).items():
            mine = self.intersect(self.universe, ids)
            n = len(mine)
            if not n:
                continue
            seen += n
            rows.append(
                {"value": value, "count": n, "bytes": self.bytes(mine) if with_bytes else 0}
            )
        rows.sort(key=lambda r: (-r["count"], str(r["value"])))
        rest = self.count() - seen
        if dim != "format" and rest > 0:  # a record has one value per field except formats
            known = sum(r["bytes"] for r in rows)
            rows.append(
                {
                    "value": UNKNOWN,
                    "count": rest,
                    "bytes": self.bytes() - known if with_bytes else 0,
                }
            )
        return rows


def label(dim: str, value) -> str:
    """The value as people read it (永久, 已归档 …)."""
    if dim == "retention":
        return RETENTION_WORDS.get(value, str(value))
    if dim == "state":
        return STATE_WORDS.get(value, str(value))
    return str(value)


def megabytes(n: int) -> float:
    return round((n or 0) / 1024 / 1024, 2)


def holdings_table(postings: Postings, dim: str) -> dict:
    """The holdings table of one dimension: header and rows (值, 件数, 容量MB) and a total."""
    if dim not in DIMENSIONS:
        raise ArchiveError(
            f"unknown dimension {dim!r} (统计维度无效)",
            [Problem("statistics.dimension", ", ".join(DIMENSIONS), "", "by")],
        )
    rows = postings.breakdown(dim)
    total = postings.count()
    return {
        "dimension": dim,
        "header": [DIMENSIONS[dim], "件数", "占比（%）", "容量（MB）"],
        "rows": [
            [
                label(dim, r["value"]),
                r["count"],
                round(100 * r["count"] / total, 1) if total else 0,
                megabytes(r["bytes"]),
            ]
            for r in rows
        ],
        "total": ["合计", total, 100.0 if total else 0, megabytes(postings.bytes())],
    }


# -- periods ---------------------------------------------------------------------------------


def parse_day(value, name: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise ArchiveError(
            f"{name} must be a day like 2026-01-31 (日期格式无效)",
            [Problem("statistics.date", str(value)[:40], "", name)],
        ) from None


def check_range(start, end, period: str = "month") -> tuple[date, date, str]:
    """A reporting range (统计区间): both days given, ``start`` not after ``end``, at most ten
    years; ``period`` month, quarter or year."""
    start, end = parse_day(start, "start"), parse_day(end, "end")
    if end < start:
        raise ArchiveError(
            f"the range is backwards: {start} is after {end} (起始日期晚于截止日期)",
            [Problem("statistics.range", f"{start} > {end}", "", "end")],
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ArchiveError(
            "the range is longer than ten years (统计区间不能超过十年)",
            [Problem("statistics.range-limit", f"{(end - start).days} days", "", "end")],
        )
    if period not in PERIODS:
        raise ArchiveError(
            "period must be month, quarter or year (统计周期须为月、季或年)",
            [Problem("statistics.period", str(period)[:20], "", "period")],
        )
    return start, end, period


def periods(start: date, end: date, period: str) -> list[tuple[str, date, date]]:
    """The periods from ``start`` to ``end`` (both included): (name, first day, last day)."""
    out = []
    year, month = start.year, start.month
    step = {"month": 1, "quarter": 3, "year": 12}[period]
    if period == "quarter":
        month = 3 * ((month - 1) // 3) + 1
    if period == "year":
        month = 1
    while date(year, month, 1) <= end:
        first = date(year, month, 1)
        nyear, nmonth = (year + (month - 1 + step) // 12, (month - 1 + step) % 12 + 1)
        last = date.fromordinal(date(nyear, nmonth, 1).toordinal() - 1)
        if period == "month":
            name = f"{year}-{month:02d}"
        elif period == "quarter":
            name = f"{year}年第{(month - 1) // 3 + 1}季度"
        else:
            name = f"{year}年"
        out.append((name, max(first, start), min(last, end)))
        year, month = nyear, nmonth
    return out


#: the activity measures (业务量) and their zh_CN heads
ACTIVITY = {
    "intake": "接收归档（件）",
    "rejections": "退回（次）",
    "transfers": "移交批次",
    "transferred": "移交进馆（件）",
    "requests": "利用申请（人次）",
    "uses": "利用（卷次/件次）",
}


def activity_table(rows: list[tuple[str, dict]]) -> dict:
    """The activity table: one row per period, one column per measure, and the sums."""
    keys = list(ACTIVITY)
    return {
        "header": ["统计周期", *ACTIVITY.values()],
        "rows": [[name, *(counts.get(k, 0) for k in keys)] for name, counts in rows],
        "total": ["合计", *(sum(c.get(k, 0) for _n, c in rows) for k in keys)],
    }
