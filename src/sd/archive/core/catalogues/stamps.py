"""归档章 sheets: printable stamps at real size, to cut out and paste on the first page of each
printed 件 (or to use as the template of the electronic 归档章).

Two forms, both a 2×3 grid of 15 mm × 8 mm cells (45 mm × 16 mm in all):

- :data:`ITEM_FORM`, DA/T 22-2015 (按件整理)::

      全宗号       | 年度     | 件号
      机构（问题） | 保管期限 | 页数

- :data:`VOLUME_FORM`, for records arranged in volumes (按卷整理): the 档号 of a 卷内文件 under
  DA/T 13-2022 is ``全宗号-类别号-案卷号-件号``, so the stamp carries the 案卷号 where DA/T 22
  has the 件号, and the 卷内件号 where it has the 机构（问题） (which belongs to the 类别号 the
  volume already fixes)::

      全宗号   | 年度     | 案卷号
      卷内件号 | 保管期限 | 页数

A real stamp shows values only (the legend is the standard's figure); each printed stamp has
its 档号 in small type under the box, inside the cut margin, so a cut stamp is matched to its
record. Sheets are A4 portrait, :data:`PER_ROW` × :data:`ROWS` stamps, dashed cut lines between.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO
from typing import NamedTuple

from sd.archive.core.catalogues.layout import fonds_line
from sd.archive.core.catalogues.layout import page_footer

ITEM_FORM = (("全宗号", "年度", "件号"), ("机构（问题）", "保管期限", "页数"))
VOLUME_FORM = (("全宗号", "年度", "案卷号"), ("卷内件号", "保管期限", "页数"))

CELL_WIDTH_MM = 15
CELL_HEIGHT_MM = 8
STAMP_WIDTH_MM = 3 * CELL_WIDTH_MM  # 45 mm
STAMP_HEIGHT_MM = 2 * CELL_HEIGHT_MM  # 16 mm
#: the room each stamp takes on the sheet, its cut margin included
PITCH_X_MM = 60
PITCH_Y_MM = 26
PER_ROW = 3
ROWS = 10
PER_PAGE = PER_ROW * ROWS


class Stamp(NamedTuple):
    """The values of one 归档章; ``volume`` (案卷号) given: the volume form."""

    archival_code: str  # 档号, printed under the box
    fonds_code: str  # 全宗号
    year: str  # 年度
    item_number: str  # 件号 (卷内件号 in the volume form)
    org_code: str  # 机构（问题）
    retention: str  # 保管期限 (as printed: 永久, 30年 …)
    pages: str  # 页数
    volume: str | None = None  # 案卷号

    @property
    def form(self) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
        return VOLUME_FORM if self.volume is not None else ITEM_FORM

    def cells(self) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
        """The values in the grid's order (top row, bottom row)."""
        if self.volume is not None:
            return (
                (self.fonds_code, self.year, self.volume),
                (self.item_number, self.retention, self.pages),
            )
        return (
            (self.fonds_code, self.year, self.item_number),
            (self.org_code, self.retention, self.pages),
        )


def retention_on_stamp(code: str) -> str:
    """保管期限 in a 15 mm cell: 永久, 30年 (the 定期 left out), an unknown code as it is."""
    from sd.archive.core import retention

    if not retention.is_valid_code(code or ""):
        return code or ""
    period = retention.parse_period(code)
    return "永久" if period.permanent else f"{period.years}年"


def _fit(text: str, width: float, size: float) -> float:
    """The largest size ≤ ``size`` at which ``text`` fits ``width`` points (not below 4 pt)."""
    from sd.archive.core import pdffonts

    if len(text) * size <= width:  # no glyph is wider than 1 em: fits without measuring
        return size
    while size > 4 and pdffonts.string_width(text, size) > width:
        size -= 0.5
    return size


def draw_stamp(canvas, x: float, y: float, stamp: Stamp) -> None:
    """One 归档章 with its lower left corner at (x, y) points, at real size."""
    from reportlab.lib.units import mm

    from sd.archive.core import pdffonts

    cell_w, cell_h = CELL_WIDTH_MM * mm, CELL_HEIGHT_MM * mm
    canvas.saveState()
    canvas.setStrokeColorRGB(0.75, 0, 0)  # the red of a 归档章
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, 3 * cell_w, 2 * cell_h)
    canvas.setLineWidth(0.5)
    for n in (1, 2):
        canvas.line(x + n * cell_w, y, x + n * cell_w, y + 2 * cell_h)
    canvas.line(x, y + cell_h, x + 3 * cell_w, y + cell_h)
    for row, values in enumerate(stamp.cells()):
        base = y + (1 - row) * cell_h
        for column, value in enumerate(values):
            text = str(value or "")
            size = _fit(text, cell_w - 1.5 * mm, 9)
            centre = x + (column + 0.5) * cell_w
            pdffonts.draw_string(canvas, centre, base + (cell_h - size * 0.7) / 2, text, size, True)
    canvas.restoreState()
    code = stamp.archival_code or ""
    size = _fit(code, 3 * cell_w + 10 * mm, 6)
    pdffonts.draw_string(canvas, x + 1.5 * cell_w, y - 3.2 * mm, code, size, centred=True)


def write_pdf(stamps: Iterable[Stamp], stream: BinaryIO, fonds_code: str, fonds_title: str) -> int:
    """Sheets of 归档章 (A4 portrait, :data:`PER_PAGE` a page) with dashed cut lines; the top
    line names the fonds and the page (第 n 页 共 m 页). Returns the number of stamps."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from sd.archive.core import pdffonts

    stamps = list(stamps)
    font = pdffonts.cjk_font()
    width, height = A4
    canvas = Canvas(stream, pagesize=A4, initialFontName=font)
    canvas.setTitle(f"归档章 {fonds_code}")
    pages = max(1, -(-len(stamps) // PER_PAGE))
    grid_w, grid_h = PER_ROW * PITCH_X_MM * mm, ROWS * PITCH_Y_MM * mm
    left, top = (width - grid_w) / 2, height - 20 * mm
    heading = "归档章　" + fonds_line(fonds_code, fonds_title)
    for page in range(pages):
        pdffonts.draw_string(canvas, left, height - 12 * mm, heading, 9)
        footer = page_footer(page + 1, pages)
        pdffonts.draw_string(
            canvas, width - left - pdffonts.string_width(footer, 9), height - 12 * mm, footer, 9
        )
        chunk = stamps[page * PER_PAGE : (page + 1) * PER_PAGE]
        # cut lines: the grid of pitches, dashed and light
        canvas.saveState()
        canvas.setDash(2, 2)
        canvas.setLineWidth(0.3)
        canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        for n in range(PER_ROW + 1):
            canvas.line(left + n * PITCH_X_MM * mm, top, left + n * PITCH_X_MM * mm, top - grid_h)
        for n in range(ROWS + 1):
            canvas.line(left, top - n * PITCH_Y_MM * mm, left + grid_w, top - n * PITCH_Y_MM * mm)
        canvas.restoreState()
        for index, stamp in enumerate(chunk):
            row, column = divmod(index, PER_ROW)
            x = left + column * PITCH_X_MM * mm + (PITCH_X_MM - STAMP_WIDTH_MM) / 2 * mm
            y = top - (row + 1) * PITCH_Y_MM * mm + (PITCH_Y_MM - STAMP_HEIGHT_MM) / 2 * mm
            draw_stamp(canvas, x, y + 2 * mm, stamp)
        canvas.showPage()
    canvas.save()
    return len(stamps)
