"""The destruction register (销毁清册) and the destruction certificate (销毁证明): pure.

Columns as the standard forms have them: 序号, 档号, 题名, 年度, 保管期限, 页数/大小, 销毁理由.
XLSX (write-only) and PDF (embedded CJK subset) through the catalogue layout
(:mod:`sd.archive.core.catalogues.layout`): title and lines on every page, 第 n 页 共 m 页.
The certificate is the same table under the batch's facts, the approval and the two
supervisors' names and times (批准人、监销人、执行人及时间).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from sd.archive.core import retention
from sd.archive.core.catalogues.layout import Column
from sd.archive.core.catalogues.layout import Section
from sd.archive.core.catalogues.layout import write_pdf
from sd.archive.core.catalogues.layout import write_xlsx
from sd.archive.core.csvcells import neutral

COLUMNS = (
    Column("序号", 12, 6, centred=True),
    Column("档号", 52, 28),
    Column("题名", 92, 48, wrap=True),
    Column("年度", 14, 8, centred=True),
    Column("保管期限", 20, 10, centred=True),
    Column("页数/大小", 24, 12, centred=True),
    Column("销毁理由", 59, 30, wrap=True),
)


def size_text(pages, size) -> str:
    """页数/大小: pages when known, and the bytes of the files (KB/MB)."""
    parts = []
    if pages:
        parts.append(f"{pages}页")
    if size:
        parts.append(f"{size / 1024:.0f}KB" if size < 1024 * 1024 else f"{size / 1048576:.1f}MB")
    return " / ".join(parts)


def register_row(number: int, item: dict, reason: str) -> list:
    """One line of the register from a batch item (``code, title, year, period, pages,
    size``); every text cell neutral (no formula in a spreadsheet)."""
    period = item.get("period") or ""
    label = retention.label(period) if retention.is_valid_code(period) else period
    return [
        number,
        neutral(item.get("code") or ""),
        neutral(item.get("title") or ""),
        str(item.get("year") or ""),
        label,
        size_text(item.get("pages"), item.get("size")),
        neutral(reason or ""),
    ]


def register_rows(items: Iterable[tuple[dict, str]]) -> Iterable[list]:
    for number, (item, reason) in enumerate(items, 1):
        yield register_row(number, item, reason)


def register_lines(facts: dict) -> tuple[str, ...]:
    """The lines under the title: 全宗, 批次, 提出人 and time."""
    lines = [f"全宗号：{facts.get('fonds_code', '')}　全宗名称：{facts.get('fonds_title', '')}"]
    lines.append(f"鉴定批次：{facts.get('title', '')}（{facts.get('kind_label', '')}）")
    lines.append(f"提出人：{facts.get('proposer', '')}　提出时间：{facts.get('proposed', '')}")
    return tuple(lines)


def register_xlsx(facts: dict, items) -> bytes:
    out = io.BytesIO()
    section = Section("销毁清册", register_lines(facts), register_rows(items), sheet="销毁清册")
    write_xlsx([section], out, COLUMNS)
    return out.getvalue()


def register_pdf(facts: dict, items) -> bytes:
    out = io.BytesIO()
    section = Section("销毁清册", register_lines(facts), register_rows(items))
    write_pdf([section], out, COLUMNS, document_title="销毁清册", font_size=8)
    return out.getvalue()


def certificate_lines(facts: dict) -> tuple[str, ...]:
    """The certificate's facts: the register's lines, approval, supervisors, execution."""
    first, second = (list(facts.get("supervisors") or ()) + ["", ""])[:2]
    return (
        *register_lines(facts),
        f"批准人：{facts.get('approver', '')}　批准时间：{facts.get('approved', '')}",
        f"监销人：{first}、{second}　执行人：{facts.get('executor', '')}"
        f"　销毁时间：{facts.get('executed', '')}",
        f"销毁档案共 {facts.get('count', 0)} 件；以下清册所列档案的电子文件已从本系统控制的全部"
        "副本中清除，元数据留存备查。",
    )


def certificate_pdf(facts: dict, items) -> bytes:
    """销毁证明: the register under the facts of approval and execution, with the names."""
    out = io.BytesIO()
    section = Section("电子档案销毁证明", certificate_lines(facts), register_rows(items))
    write_pdf([section], out, COLUMNS, document_title="电子档案销毁证明", font_size=8)
    return out.getvalue()
