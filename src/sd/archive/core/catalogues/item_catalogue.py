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


#: (field, zh_CN heading, PDF column width in mm): the standard's order (序号 first)
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("sequence", "序号", 12),
    ("archival_code", "档号", 48),
    ("document_number", "文号", 32),
    ("author", "责任者", 32),
    ("title", "题名", 85),
    ("date", "日期", 20),
    ("security_level", "密级", 14),
    ("pages", "页数", 12),
    ("remarks", "备注", 22),
)
HEADINGS = tuple(heading for _, heading, _ in COLUMNS)

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

    def lines(self) -> tuple[str, str]:
        title = "归档文件目录"
        parts = [f"全宗号：{self.fonds_code}"]
        if self.fonds_title:
            parts.append(f"全宗名称：{self.fonds_title}")
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


def write_xlsx(entries: Iterable[CatalogueEntry], stream: BinaryIO, heading: Heading) -> int:
    """The catalogue as one XLSX sheet (openpyxl write-only: rows streamed, not kept).

    Row 1: 归档文件目录 and the selection; row 2: the headings; then one row per 件 in the
    order given (call :func:`in_code_order` first). Returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="归档文件目录")
    widths = {1: 6, 2: 26, 3: 18, 4: 18, 5: 48, 6: 10, 7: 7, 8: 6, 9: 12}
    for index, width in widths.items():
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A3"
    title, selection = heading.lines()
    first = WriteOnlyCell(sheet, value=title)
    first.font = Font(bold=True, size=14)
    sheet.append([first, selection])
    bold = Font(bold=True)
    header = []
    for text in HEADINGS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, entry in enumerate(entries, 1):  # noqa: B007 - the count is returned
        sheet.append(_cells(count, entry))
    book.save(stream)
    return count


#: the header row's position in the XLSX sheet (1-based), for readers and tests
XLSX_HEADER_ROW = 2


def write_pdf(entries: Iterable[CatalogueEntry], stream: BinaryIO, heading: Heading) -> int:
    """The catalogue as an A4 landscape PDF: the title and selection on every page, the
    table's header repeated on every page, 第 n 页 at the foot. Text is set in the embedded
    CJK font of :mod:`sd.archive.core.pdffonts` (a subset; a character it lacks from the
    fallback font). Returns the row count."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable
    from reportlab.platypus import Paragraph
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.platypus import TableStyle

    from sd.archive.core import pdffonts

    font = pdffonts.cjk_font()
    title, selection = heading.lines()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    data = [list(HEADINGS)]
    count = 0
    wrap = {1, 2, 3, 4, 8}  # 档号, 文号, 责任者, 题名, 备注 may need more than one line
    for count, entry in enumerate(entries, 1):  # noqa: B007 - the count is returned
        row = _cells(count, entry)
        for index in wrap:
            text = row[index]
            # wider than its column, or a character from the fallback font: a Paragraph
            if text and (
                len(text) * 8 > COLUMNS[index][2] * 2.2
                or any(pdffonts.font_for(c) != font for c in text)
            ):
                row[index] = Paragraph(pdffonts.markup(text), cell)
        data.append(row)
    table = LongTable(data, colWidths=[w * mm for _, _, w in COLUMNS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("FONT", (0, 0), (-1, 0), font, 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
                ("ALIGN", (7, 1), (7, -1), "CENTER"),
            ]
        )
    )

    def decorate(canvas, doc):
        width, height = landscape(A4)
        canvas.saveState()
        pdffonts.draw_string(canvas, width / 2, height - 14 * mm, title, 16, centred=True)
        pdffonts.draw_string(canvas, 12 * mm, height - 21 * mm, selection, 9)
        pdffonts.draw_string(canvas, width / 2, 8 * mm, f"第 {doc.page} 页", 9, centred=True)
        canvas.restoreState()

    document = SimpleDocTemplate(
        stream,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=25 * mm,
        bottomMargin=14 * mm,
        title=f"归档文件目录 {heading.fonds_code}",
        initialFontName=font,  # not the canvas' Helvetica, which would not be embedded
    )
    document.build([table], onFirstPage=decorate, onLaterPages=decorate)
    return count
