"""The open catalogue of a review batch (开放档案目录): the records a batch opened, for
publication, as XLSX and PDF in the shared catalogue layout (``core.catalogues.layout``:
embedded CJK font, 第 n 页 共 m 页)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from sd.archive.core.catalogues import layout

COLUMNS = (
    layout.Column("序号", 12, 6, centred=True),
    layout.Column("档号", 50, 26),
    layout.Column("题名", 110, 50, wrap=True),
    layout.Column("年度", 14, 8, centred=True),
    layout.Column("门类", 14, 8, centred=True),
    layout.Column("开放方式", 26, 12, centred=True),
    layout.Column("开放日期", 24, 12, centred=True),
)


def _section(rows: Iterable[dict], batch_id: str, fonds_line: str, opened: str) -> layout.Section:
    cells = (
        [
            n,
            row.get("code", ""),
            row.get("title", ""),
            row.get("year") or "",
            row.get("category", ""),
            row.get("how", ""),
            opened,
        ]
        for n, row in enumerate(rows, 1)
    )
    return layout.Section(
        title="开放档案目录",
        lines=(fonds_line, f"开放审核批次：{batch_id}", f"开放日期：{opened}"),
        rows=cells,
        sheet="开放档案目录",
    )


def write_xlsx(rows, stream: BinaryIO, batch_id: str, fonds_line: str, opened: str) -> int:
    return layout.write_xlsx([_section(rows, batch_id, fonds_line, opened)], stream, COLUMNS)


def write_pdf(rows, stream: BinaryIO, batch_id: str, fonds_line: str, opened: str) -> int:
    return layout.write_pdf(
        [_section(rows, batch_id, fonds_line, opened)],
        stream,
        COLUMNS,
        document_title=f"开放档案目录 {batch_id}",
    )
