"""What every catalogue sheet shares (目录版式): columns, a heading per section, the XLSX sheet
and the PDF table with 第 N 页 共 M 页 — one place for the layout of 归档文件目录, 案卷目录 and
卷内目录.

A catalogue is a sequence of :class:`Section` (one per 卷 for 卷内目录, one for the others);
each becomes one XLSX sheet and one run of PDF pages that starts on a new page and is numbered
on its own (``第 n 页 共 m 页`` counts the pages of its section), as a 卷内目录 is bound in
front of its own volume. The PDF text is set in the embedded CJK subset of
:mod:`sd.archive.core.pdffonts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO


@dataclass(frozen=True)
class Column:
    """One column: zh_CN heading, PDF width (mm), XLSX width (characters); ``wrap``: its text
    may need more than one line in the PDF; ``centred``: numbers and short codes."""

    heading: str
    width_mm: float
    xlsx_width: float
    wrap: bool = False
    centred: bool = False


@dataclass
class Section:
    """One catalogue (or one volume's 卷内目录): the title, the lines under it (全宗, the
    selection or the volume), its rows (cells in the columns' order; consumed once)."""

    title: str
    lines: tuple[str, ...]
    rows: Iterable[Sequence]
    sheet: str = ""  # the XLSX sheet's name (default: the title)
    count: int = field(default=0, init=False)


def fonds_line(fonds_code: str, fonds_title: str) -> str:
    """全宗号 and 全宗名称 as every catalogue prints them."""
    parts = [f"全宗号：{fonds_code}"]
    if fonds_title:
        parts.append(f"全宗名称：{fonds_title}")
    return "　".join(parts)


def sheet_names(sections: Sequence[Section]) -> list[str]:
    """Unique XLSX sheet names (≤ 31 characters, none of ``[]:*?/\\``)."""
    names: list[str] = []
    for section in sections:
        base = "".join(c for c in (section.sheet or section.title) if c not in "[]:*?/\\")[:28]
        name, n = base or "Sheet", 1
        while name in names:
            n += 1
            name = f"{base[:25]}({n})"
        names.append(name)
    return names


def write_xlsx(
    sections: Sequence[Section], stream: BinaryIO, columns: Sequence[Column], one_sheet=False
) -> int:
    """One sheet per section, or with ``one_sheet`` all sections one under the other on one
    sheet, a blank row between (openpyxl write-only: rows streamed, not kept; a write-only
    sheet holds an open temporary file until saved, so a catalogue of a thousand volumes must
    not be a thousand sheets). Each section: its title and lines, the headings
    (:data:`XLSX_HEADER_ROW` for the first), its rows. Returns the rows over all sections."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold, big = Font(bold=True), Font(bold=True, size=14)
    names = sheet_names(sections[:1] if one_sheet else sections)
    sheet = None
    total = 0
    for index, section in enumerate(sections):
        if sheet is None or not one_sheet:
            sheet = book.create_sheet(title=names[index])
            for number, column in enumerate(columns, 1):
                sheet.column_dimensions[get_column_letter(number)].width = column.xlsx_width
            sheet.freeze_panes = "A3"
        elif index:
            sheet.append([])
        first = WriteOnlyCell(sheet, value=section.title)
        first.font = big
        sheet.append([first, *section.lines])
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.heading)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in section.rows:
            sheet.append(list(row))
            section.count += 1
        total += section.count
    if not sections:
        book.create_sheet(title="Sheet")
    book.save(stream)
    return total


#: the header row's position in every catalogue sheet (1-based), for readers and tests
XLSX_HEADER_ROW = 2


def page_footer(number: int, total: int) -> str:
    """The page number as the standard's forms print it."""
    return f"第 {number} 页 共 {total} 页"


def _numbered_canvas(decorate):
    """A canvas class that keeps each page until the document is done, then calls
    ``decorate(canvas, section_index, number, total)`` on it: the total of pages of a
    section is known only then (第 n 页 共 m 页)."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        section = 0

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._kept: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            totals: dict[int, int] = {}
            for state in self._kept:
                section = state.get("section", 0)
                totals[section] = totals.get(section, 0) + 1
            numbers: dict[int, int] = {}
            for state in self._kept:
                self.__dict__.update(state)
                numbers[self.section] = numbers.get(self.section, 0) + 1
                decorate(self, self.section, numbers[self.section], totals[self.section])
                Canvas.showPage(self)
            self._kept = []
            Canvas.save(self)

    return NumberedCanvas


def _section_mark(index: int):
    """A flowable of no size that tells the canvas which section its page belongs to."""
    from reportlab.platypus import Flowable

    class SectionMark(Flowable):
        def wrap(self, *args):
            return 0, 0

        def draw(self):
            self.canv.section = index

    return SectionMark()


#: a table cell's left and right padding together (reportlab's default 6 pt)
CELL_PADDING = 6


def pdf_cells(row: Sequence, columns: Sequence[Column], font: str, style) -> list:
    """A row's cells for a reportlab table: text wider than its column (measured in its fonts,
    only when it could be: no glyph is wider than 1 em) or with a character from the fallback
    font becomes a Paragraph (wrapped, per-character fonts); the rest stay strings, which
    the table draws far faster (an ASCII 档号 fits without wrapping)."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    from sd.archive.core import pdffonts

    size = style.fontSize
    cells = ["" if value is None else value for value in row]
    for index, column in enumerate(columns):
        text = cells[index]
        if not isinstance(text, str) or not text:
            continue
        runs = pdffonts.runs(text)
        room = column.width_mm * mm - CELL_PADDING
        if any(name != font for name, _ in runs) or (
            column.wrap
            and len(text) * size > room
            and sum(stringWidth(piece, name, size) for name, piece in runs) > room
        ):
            cells[index] = Paragraph(pdffonts.markup(text), style)
    return cells


def write_pdf(
    sections: Sequence[Section],
    stream: BinaryIO,
    columns: Sequence[Column],
    *,
    document_title: str,
    portrait: bool = False,
    font_size: float = 8,
) -> int:
    """The sections as one A4 PDF (landscape unless ``portrait``): on every page the
    section's title and lines, the table's header repeated, 第 n 页 共 m 页 at the foot.
    Returns the number of rows over all sections."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable
    from reportlab.platypus import PageBreak
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.platypus import TableStyle

    from sd.archive.core import pdffonts

    font = pdffonts.cjk_font()
    pagesize = A4 if portrait else landscape(A4)
    style = ParagraphStyle(
        "cell", fontName=font, fontSize=font_size, leading=font_size + 2, wordWrap="CJK"
    )
    table_style = [
        ("FONT", (0, 0), (-1, -1), font, font_size),
        ("FONT", (0, 0), (-1, 0), font, font_size + 1),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ]
    for index, column in enumerate(columns):
        if column.centred:
            table_style.append(("ALIGN", (index, 1), (index, -1), "CENTER"))
    widths = [column.width_mm * mm for column in columns]
    story: list = []
    total = 0
    for index, section in enumerate(sections):
        if index:
            story.append(PageBreak())
        story.append(_section_mark(index))
        data = [[column.heading for column in columns]]
        for row in section.rows:
            data.append(pdf_cells(row, columns, font, style))
            section.count += 1
        total += section.count
        table = LongTable(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(table_style))
        story.append(table)

    def decorate(canvas, index, number, count):
        width, height = pagesize
        section = sections[index] if sections else Section("", (), ())
        canvas.saveState()
        pdffonts.draw_string(canvas, width / 2, height - 14 * mm, section.title, 16, centred=True)
        for n, line in enumerate(section.lines):
            pdffonts.draw_string(canvas, 12 * mm, height - (21 + 4.5 * n) * mm, line, 9)
        pdffonts.draw_string(canvas, width / 2, 8 * mm, page_footer(number, count), 9, True)
        canvas.restoreState()

    lines = max((len(s.lines) for s in sections), default=1)
    document = SimpleDocTemplate(
        stream,
        pagesize=pagesize,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=(21 + 4.5 * lines) * mm,
        bottomMargin=14 * mm,
        title=document_title,
        initialFontName=font,  # not the canvas' Helvetica, which would not be embedded
    )
    if not story:
        story.append(_section_mark(0))
    document.build(story, canvasmaker=_numbered_canvas(decorate))
    return total
