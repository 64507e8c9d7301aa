"""归档文件目录 (item-level catalogue, DA/T 22-2015 §… 附录): the standard's columns, as XLSX
and as an A4 landscape PDF (header repeated on every page, page numbers).

Rows are :class:`CatalogueEntry` tuples (one per 件) built by the caller; this module only
orders and lays them out, so it is tested and benchmarked without Plone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO
from typing import NamedTuple

from sd.archive.core.catalogues import layout
from sd.archive.core.catalogues.layout import XLSX_HEADER_ROW  # noqa: F401 - for readers
from sd.archive.core.catalogues.layout import Column
from sd.archive.core.catalogues.layout import Section
from sd.archive.core.catalogues.layout import fonds_line


class CatalogueEntry(NamedTuple):
    """One 件 of the catalogue; ``sequence`` (序号) is given when the catalogue is laid out."""

    archival_code: str  # 档号
    document_number: str  # 文号
    author: str  # 责任者
    title: str  # 题名
    date: str  # 日期 (YYYYMMDD, as the standard prints it)
    security_level: str  # 密级
    pages: int | None  # 页数
    remarks: str = ""  # 备注


#: the standard's columns in its order (序号 first): heading, PDF width (mm), XLSX width
COLUMNS: tuple[Column, ...] = (
    Column("序号", 12, 6, centred=True),
    Column("档号", 48, 26, wrap=True),
    Column("文号", 32, 18, wrap=True),
    Column("责任者", 32, 18, wrap=True),
    Column("题名", 85, 48, wrap=True),
    Column("日期", 20, 10),
    Column("密级", 14, 7),
    Column("页数", 12, 6, centred=True),
    Column("备注", 22, 12, wrap=True),
)
HEADINGS = tuple(column.heading for column in COLUMNS)

_DIGITS = re.compile(r"(\d+)")


def code_key(code: str):
    """The order of 档号: their parts compared as numbers where they are numbers
    (J001-2023-Y-BGS-2 before J001-2023-Y-BGS-10); records without a code last."""
    if not code:
        return (1, ())
    return (0, tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(code)))


def in_code_order(entries: Iterable[CatalogueEntry]) -> list[CatalogueEntry]:
    return sorted(entries, key=lambda e: code_key(e.archival_code))


def date_text(value) -> str:
    """日期 as DA/T 22 writes it: eight digits (20230105)."""
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    text = str(value)
    return text[:10].replace("-", "") if re.match(r"\d{4}-\d{2}-\d{2}", text) else text


@dataclass(frozen=True)
class Heading:
    """What the catalogue is of: printed above the table (and as the sheet's title)."""

    fonds_code: str
    fonds_title: str = ""
    year: str = ""
    category: str = ""
    retention: str = ""

    def lines(self, title: str = "归档文件目录") -> tuple[str, str]:
        """The title and the selection line (全宗, 年度, 类别, 保管期限)."""
        parts = [fonds_line(self.fonds_code, self.fonds_title)]
        parts.append(f"年度：{self.year or '全部'}")
        parts.append(f"类别：{self.category or '全部'}")
        parts.append(f"保管期限：{self.retention or '全部'}")
        return title, "　".join(parts)


def _cells(sequence: int, entry: CatalogueEntry) -> list:
    return [
        sequence,
        entry.archival_code,
        entry.document_number,
        entry.author,
        entry.title,
        entry.date,
        entry.security_level,
        entry.pages if entry.pages is not None else "",
        entry.remarks,
    ]


def write_csv(entries: Iterable[CatalogueEntry], stream) -> None:
    """The same rows as CSV (text stream): the benchmark's baseline, and a plain export."""
    import csv

    writer = csv.writer(stream)
    writer.writerow(HEADINGS)
    for n, entry in enumerate(entries, 1):
        writer.writerow(_cells(n, entry))


def _section(entries: Iterable[CatalogueEntry], heading: Heading) -> Section:
    title, selection = heading.lines()
    rows = (_cells(n, entry) for n, entry in enumerate(entries, 1))
    return Section(title, (selection,), rows)


def write_xlsx(entries: Iterable[CatalogueEntry], stream: BinaryIO, heading: Heading) -> int:
    """The catalogue as one XLSX sheet (openpyxl write-only: rows streamed, not kept).

    Row 1: 归档文件目录 and the selection; row 2: the headings; then one row per 件 in the
    order given (call :func:`in_code_order` first). Returns the number of rows written."""
    return layout.write_xlsx([_section(entries, heading)], stream, COLUMNS)


def write_pdf(entries: Iterable[CatalogueEntry], stream: BinaryIO, heading: Heading) -> int:
    """The catalogue as an A4 landscape PDF: the title and selection on every page, the
    table's header repeated on every page, 第 n 页 共 m 页 at the foot (:mod:`.layout`).
    Returns the row count."""
    return layout.write_pdf(
        [_section(entries, heading)],
        stream,
        COLUMNS,
        document_title=f"归档文件目录 {heading.fonds_code}",
    )
