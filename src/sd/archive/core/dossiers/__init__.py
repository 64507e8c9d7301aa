"""案卷 (volumes, DA/T 13-2022 按卷整理): the pure rules of a volume's contents.

- :func:`volume_series`: the 案卷号 series of a volume (全宗号 + 类别号);
- :func:`fit_problems`: whether a record belongs in a volume (same 门类, 年度, 保管期限 and,
  when the rule uses it, 机构或问题);
- :func:`arrange`: the order of the records in a volume, which gives their 卷内件号 1..N;
- :func:`summary`: the volume's computed description — 件数, 页数, 起止日期.
"""

from __future__ import annotations

from collections.abc import Hashable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sd.archive.core.codes import CodeRule
from sd.archive.core.codes import SeriesKey
from sd.archive.core.errors import Problem

ORDER_DATE = "date"  # 按文件日期排列
ORDER_GIVEN = "given"  # 按给定顺序排在卷末
ORDERS = (ORDER_DATE, ORDER_GIVEN)

#: a volume's 类别号 parts as (record attribute, volume attribute, Chinese name)
CLASS_PARTS = (
    ("category_code", "category", "门类"),
    ("year", "year", "年度"),
    ("retention_period", "retention_period", "保管期限"),
    ("org_code", "org_code", "机构或问题"),
)


@dataclass(frozen=True)
class Member:
    """A record as the volume rules see it (卷内文件): its key, date, pages and 卷内件号."""

    key: Hashable
    date: date | None = None
    pages: int | None = None
    number: int | None = None  # 卷内件号 when already in the volume


@dataclass(frozen=True)
class Summary:
    """The computed part of a volume's description (案卷级著录中的计算项)."""

    item_count: int = 0  # 件数
    page_count: int = 0  # 页数
    date_start: date | None = None  # 起始日期
    date_end: date | None = None  # 终止日期


def volume_series(
    fonds_code: str, category: str, year: int, retention: str, org_code: str, rule: CodeRule
) -> SeriesKey:
    """The 案卷号 series (案卷号编号范围): the fonds and the volume's 类别号; the 机构或问题
    counts only when the rule uses it."""
    return SeriesKey(
        fonds_code=fonds_code,
        category=category,
        year=int(year),
        retention=retention,
        org_code=org_code if rule.use_org else "",
    )


def fit_problems(volume_class: dict, record_class: dict, rule: CodeRule, obj: str = "") -> list:
    """What keeps a record out of a volume (不能组入本卷): each 类别号 part that differs.

    ``volume_class`` and ``record_class`` map the attribute names of :data:`CLASS_PARTS`
    (the volume's and the record's) to their values."""
    problems = []
    for record_name, volume_name, label in CLASS_PARTS:
        if record_name == "org_code" and not rule.use_org:
            continue
        wanted, found = volume_class.get(volume_name), record_class.get(record_name)
        if _norm(wanted) != _norm(found):
            problems.append(
                Problem(
                    "VOLUME-CLASS",
                    f"{label}不同：本卷为 {wanted or '（空）'}，文件为 {found or '（空）'} "
                    f"/ {record_name} differs from the volume",
                    obj,
                    record_name,
                )
            )
    return problems


def _norm(value):
    if value is None or value == "":
        return ""
    return str(value).strip()


def arrange(existing: Sequence[Member], new: Sequence[Member], order: str = ORDER_DATE) -> list:
    """The keys of the volume's records in their final order (卷内排列); position + 1 is the
    卷内件号.

    ``existing`` keep their relative order (by their 卷内件号). ``ORDER_GIVEN``: the new ones
    follow at the end in the order given. ``ORDER_DATE``: all are ordered by date (records
    without a date last), ties kept in the order before (existing first, then as given)."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}: one of {ORDERS}")
    before = sorted(existing, key=lambda m: (m.number is None, m.number or 0))
    members = [*before, *new]
    if order == ORDER_DATE:
        members = sorted(members, key=lambda m: (m.date is None, m.date or date.min))
    return [m.key for m in members]


def numbering(keys: Iterable[Hashable]) -> dict:
    """卷内件号 of each key: 1..N in order."""
    return {key: n for n, key in enumerate(keys, start=1)}


def summary(members: Iterable[Member]) -> Summary:
    """件数, 页数 (pages not given count 0) and 起止日期 (records without a date left out)."""
    members = list(members)
    dates = [m.date for m in members if m.date is not None]
    return Summary(
        item_count=len(members),
        page_count=sum(int(m.pages or 0) for m in members),
        date_start=min(dates) if dates else None,
        date_end=max(dates) if dates else None,
    )
