"""What arrangement looks at (整理依据): the facts of one record."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields


@dataclass(frozen=True)
class RecordFacts:
    """The metadata of one record (件) that arrangement rules look at.

    - ``kind`` 文件类型: ``电子公文`` or ``政务服务电子文件``
    - ``doc_type`` 文种, ``title`` 题名, ``author`` 责任者
    - ``year`` 年度 (else the year of ``date`` 日期)
    - ``item_code`` 事项编码 and ``item_name`` 事项名称 (government-service records)
    - ``org_hint``: a department name or code that may map to an organisation code
      (e.g. 所在部门 of the 拟稿 step, or 受理部门)
    - ``fonds_code`` 全宗号; ``category``, ``retention``, ``org_code``: values the sending
      system already gave (门类代码, 保管期限, 机构或问题); they win over the schedule
    """

    kind: str = ""
    doc_type: str = ""
    title: str = ""
    author: str = ""
    year: int | None = None
    date: datetime.date | None = None
    item_code: str = ""
    item_name: str = ""
    org_hint: str = ""
    fonds_code: str = ""
    category: str = ""
    retention: str = ""
    org_code: str = ""

    @property
    def record_year(self) -> int | None:
        if self.year is not None:
            return self.year
        return self.date.year if self.date is not None else None

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> RecordFacts:
        """Facts from a mapping keyed by the 元数据.xml element names (or the field names).

        ``年度`` may be text; ``日期`` may be an ISO date text or a date. Unknown keys are ignored.
        """
        names = {f.name for f in fields(cls)}
        kwargs: dict = {}
        for key, value in values.items():
            name = METADATA_NAMES.get(key, key)
            if name in names and value not in (None, ""):
                kwargs[name] = value
        if isinstance(kwargs.get("year"), str):
            kwargs["year"] = int(kwargs["year"].strip())
        if isinstance(kwargs.get("date"), str):
            kwargs["date"] = datetime.date.fromisoformat(kwargs["date"].strip()[:10])
        for name in names - {"year", "date"}:
            if name in kwargs:
                kwargs[name] = str(kwargs[name]).strip()
        return cls(**kwargs)


METADATA_NAMES = {
    "类型": "kind",
    "文件类型": "kind",
    "文种": "doc_type",
    "题名": "title",
    "责任者": "author",
    "年度": "year",
    "日期": "date",
    "事项编码": "item_code",
    "事项名称": "item_name",
    "所在部门": "org_hint",
    "全宗号": "fonds_code",
    "门类代码": "category",
    "保管期限": "retention",
    "机构或问题": "org_code",
}
"""元数据.xml element names (spec/packages.md §2) → :class:`RecordFacts` fields."""
