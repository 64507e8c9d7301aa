"""Volume-level catalogues (按卷整理, DA/T 13-2022 档号; forms after GB/T 9705 / DA/T 22):

- 案卷目录 (:func:`write_volumes_xlsx` / :func:`write_volumes_pdf`): one row per 卷 —
  序号, 案卷档号, 案卷题名, 起止日期, 件数, 页数, 保管期限, 备注; A4 landscape;
- 卷内目录 (:func:`write_contents_xlsx` / :func:`write_contents_pdf`): per 卷, one row per
  卷内文件 — 序号, 文号, 责任者, 题名, 日期, 页号, 备注; A4 portrait, each volume on its own
  pages (and XLSX sheet), numbered on its own;
- 卷内备考表 (:func:`write_notes_xlsx` / :func:`write_notes_pdf`): one sheet (page) per 卷 —
  本卷情况说明, 立卷人, 检查人, 立卷时间.

The caller gives plain :class:`Volume` values (read from the catalog on the Plone side); this
module only computes (件数, 页数, 起止日期, cumulative 页号) and lays out, with the shared
:mod:`.layout`.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO
from typing import NamedTuple

from sd.archive.core import retention
from sd.archive.core.catalogues import layout
from sd.archive.core.catalogues.item_catalogue import Heading
from sd.archive.core.catalogues.layout import Column
from sd.archive.core.catalogues.layout import Section
from sd.archive.core.catalogues.layout import fonds_line


class VolumeItem(NamedTuple):
    """One 卷内文件 (a record in the volume), in 卷内件号 order."""

    item_number: int | None  # 卷内件号
    document_number: str  # 文号
    author: str  # 责任者
    title: str  # 题名
    date: str  # 日期 (YYYYMMDD, :func:`~.item_catalogue.date_text`)
    pages: int | None  # 页数
    remarks: str = ""  # 备注


@dataclass(frozen=True)
class Volume:
    """One 卷: its own description and its records. ``item_count``/``page_count``/
    ``date_start``/``date_end`` are the volume's stored values, used only when it lists no
    records (a volume whose records the reader may not see, or a paper volume)."""

    archival_code: str  # 案卷档号
    title: str  # 案卷题名
    items: tuple[VolumeItem, ...] = ()
    retention: str = ""  # 保管期限 code (Y, D30 …)
    note: str = ""  # 备注 / 本卷情况说明
    compiler: str = ""  # 立卷人
    checker: str = ""  # 检查人
    compiled_on: str = ""  # 立卷时间 (YYYYMMDD)
    date_start: str = ""
    date_end: str = ""
    item_count: int = 0
    page_count: int = 0
    remarks: str = ""  # 案卷目录's 备注

    @property
    def count(self) -> int:
        """件数: the records listed, else the stored count."""
        return len(self.items) if self.items else self.item_count or 0

    @property
    def pages(self) -> int:
        """页数: the sum of the records' pages (unknown pages count 0), else the stored one."""
        if not self.items:
            return self.page_count or 0
        return sum(item.pages or 0 for item in self.items)

    @property
    def dates(self) -> str:
        """起止日期 ``20230105-20231220`` from the records' dates (one date: that date)."""
        known = sorted(item.date for item in self.items if item.date)
        first, last = (known[0], known[-1]) if known else (self.date_start, self.date_end)
        if first and last and first != last:
            return f"{first}-{last}"
        return first or last or ""

    def summary(self) -> str:
        """The computed part of 本卷情况说明: 本卷共 N 件，M 页 (and what is unknown)."""
        text = f"本卷共 {self.count} 件，{self.pages} 页"
        unknown = sum(1 for item in self.items if not item.pages)
        if unknown:
            text += f"（其中 {unknown} 件页数未著录）"
        if self.dates:
            text += f"；起止日期 {self.dates}"
        return text + "。"


def retention_text(code: str) -> str:
    """保管期限 as the forms print it: 永久, 定期30年; an unknown code as it is."""
    return retention.label(code) if retention.is_valid_code(code or "") else (code or "")


def page_ranges(pages: Iterable[int | None]) -> list[str]:
    """卷内目录's 页号, cumulative over the volume: ``1-5``, ``6-9`` …; a one-page record is
    ``10``; the last row ends on the volume's last page. A record whose pages are unknown gets
    no 页号 and takes no pages (the next record continues the count)."""
    out: list[str] = []
    last = 0
    for count in pages:
        if not count or count < 0:
            out.append("")
            continue
        first, last = last + 1, last + count
        out.append(str(first) if first == last else f"{first}-{last}")
    return out


# -- 案卷目录 ------------------------------------------------------------------------------

VOLUME_COLUMNS: tuple[Column, ...] = (
    Column("序号", 12, 6, centred=True),
    Column("案卷档号", 55, 28, wrap=True),
    Column("案卷题名", 105, 50, wrap=True),
    Column("起止日期", 36, 19),
    Column("件数", 14, 6, centred=True),
    Column("页数", 14, 6, centred=True),
    Column("保管期限", 18, 9, centred=True),
    Column("备注", 19, 12, wrap=True),
)
VOLUME_HEADINGS = tuple(column.heading for column in VOLUME_COLUMNS)


def _volume_cells(sequence: int, volume: Volume) -> list:
    return [
        sequence,
        volume.archival_code,
        volume.title,
        volume.dates,
        volume.count,
        volume.pages,
        retention_text(volume.retention),
        volume.remarks,
    ]


def _volumes_section(volumes: Iterable[Volume], heading: Heading) -> Section:
    title, selection = heading.lines("案卷目录")
    rows = (_volume_cells(n, volume) for n, volume in enumerate(volumes, 1))
    return Section(title, (selection,), rows)


def write_volumes_xlsx(volumes: Iterable[Volume], stream: BinaryIO, heading: Heading) -> int:
    """案卷目录 as one XLSX sheet; volumes in the order given. Returns the row count."""
    return layout.write_xlsx([_volumes_section(volumes, heading)], stream, VOLUME_COLUMNS)


def write_volumes_pdf(volumes: Iterable[Volume], stream: BinaryIO, heading: Heading) -> int:
    """案卷目录 as A4 landscape PDF, 第 n 页 共 m 页. Returns the row count."""
    return layout.write_pdf(
        [_volumes_section(volumes, heading)],
        stream,
        VOLUME_COLUMNS,
        document_title=f"案卷目录 {heading.fonds_code}",
    )


# -- 卷内目录 ------------------------------------------------------------------------------

CONTENTS_COLUMNS: tuple[Column, ...] = (
    Column("序号", 10, 6, centred=True),
    Column("文号", 30, 18, wrap=True),
    Column("责任者", 26, 16, wrap=True),
    Column("题名", 70, 46, wrap=True),
    Column("日期", 18, 10),
    Column("页号", 16, 8, centred=True),
    Column("备注", 16, 10, wrap=True),
)
CONTENTS_HEADINGS = tuple(column.heading for column in CONTENTS_COLUMNS)


def contents_rows(volume: Volume) -> list[list]:
    """The 卷内目录 rows of one volume: 序号 is the 卷内件号 where known, 页号 cumulative."""
    rows = []
    numbers = page_ranges(item.pages for item in volume.items)
    for n, (item, number) in enumerate(zip(volume.items, numbers, strict=True), 1):
        sequence = item.item_number or n
        rows.append(
            [sequence, item.document_number, item.author, item.title, item.date, number]
            + [item.remarks]
        )
    return rows


def _contents_sections(volumes: Sequence[Volume], fonds: Heading) -> list[Section]:
    line = fonds_line(fonds.fonds_code, fonds.fonds_title)
    return [
        Section(
            "卷内目录",
            (line, f"案卷档号：{v.archival_code}　案卷题名：{v.title}"),
            contents_rows(v),
        )
        for v in volumes
    ]


def write_contents_xlsx(volumes: Sequence[Volume], stream: BinaryIO, fonds: Heading) -> int:
    """卷内目录 on one XLSX sheet, volume under volume (title, headings, rows, a blank row).
    Returns the rows over all volumes."""
    sections = _contents_sections(volumes, fonds)
    return layout.write_xlsx(sections, stream, CONTENTS_COLUMNS, one_sheet=True)


def write_contents_pdf(volumes: Sequence[Volume], stream: BinaryIO, fonds: Heading) -> int:
    """卷内目录 as A4 portrait PDF, each volume from a new page and numbered on its own."""
    return layout.write_pdf(
        _contents_sections(volumes, fonds),
        stream,
        CONTENTS_COLUMNS,
        document_title=f"卷内目录 {fonds.fonds_code}",
        portrait=True,
    )


# -- 卷内备考表 ----------------------------------------------------------------------------

NOTES_TITLE = "卷内备考表"


def note_text(volume: Volume) -> str:
    """本卷情况说明: the computed summary, then the volume's own note."""
    note = (volume.note or "").strip()
    return volume.summary() + ("\n" + note if note else "")


def note_fields(volume: Volume) -> list[tuple[str, str]]:
    """The sheet's fields in the form's order (label, value)."""
    return [
        ("案卷档号", volume.archival_code),
        ("案卷题名", volume.title),
        ("本卷情况说明", note_text(volume)),
        ("立卷人", volume.compiler),
        ("检查人", volume.checker),
        ("立卷时间", written_date(volume.compiled_on)),
    ]


def written_date(text: str) -> str:
    """``20240110`` as a form writes it: 2024年1月10日 (anything else as it is)."""
    if text and len(text) == 8 and text.isdigit():
        return f"{text[:4]}年{int(text[4:6])}月{int(text[6:])}日"
    return text or ""


def write_notes_xlsx(volumes: Sequence[Volume], stream: BinaryIO, fonds: Heading) -> int:
    """卷内备考表 on one XLSX sheet, volume under volume: the title and fonds, then label /
    value rows, a blank row between volumes. Returns the number of volumes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=NOTES_TITLE)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 70
    wrap, bold = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
    for index, volume in enumerate(volumes):
        if index:
            sheet.append([])
        title = WriteOnlyCell(sheet, value=NOTES_TITLE)
        title.font = Font(bold=True, size=14)
        sheet.append([title, fonds_line(fonds.fonds_code, fonds.fonds_title)])
        for label, value in note_fields(volume):
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = wrap
            head = WriteOnlyCell(sheet, value=label)
            head.font = bold
            sheet.append([head, cell])
    book.save(stream)
    return len(volumes)


def write_notes_pdf(volumes: Sequence[Volume], stream: BinaryIO, fonds: Heading) -> int:
    """卷内备考表 as A4 portrait PDF, one page per volume, drawn as the standard's form: a
    frame with 本卷情况说明 in its upper part and 立卷人 / 检查人 / 立卷时间 at its foot."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from sd.archive.core import pdffonts

    font = pdffonts.cjk_font()
    style = ParagraphStyle("note", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    width, height = A4
    canvas = Canvas(stream, pagesize=A4, initialFontName=font)
    canvas.setTitle(f"{NOTES_TITLE} {fonds.fonds_code}")
    left, right, top, bottom = 25 * mm, width - 20 * mm, height - 40 * mm, 30 * mm
    for volume in volumes or ():
        pdffonts.draw_string(canvas, width / 2, height - 22 * mm, NOTES_TITLE, 18, centred=True)
        line = fonds_line(fonds.fonds_code, fonds.fonds_title)
        pdffonts.draw_string(canvas, left, height - 31 * mm, line, 10)
        pdffonts.draw_string(
            canvas, left, height - 36 * mm, f"案卷档号：{volume.archival_code}", 10
        )
        canvas.setLineWidth(0.8)
        canvas.rect(left, bottom, right - left, top - bottom)
        pdffonts.draw_string(canvas, left + 6 * mm, top - 10 * mm, "本卷情况说明", 12)
        paragraphs = "<br/>".join(pdffonts.markup(p) for p in note_text(volume).split("\n"))
        room = top - bottom - 70 * mm
        for size in (11, 10, 9, 8, 7):  # a long note in a smaller size, still on one page
            style.fontSize, style.leading = size, size * 1.6
            body = Paragraph(paragraphs, style)
            _, used = body.wrap(right - left - 24 * mm, room)
            if used <= room:
                break
        body.drawOn(canvas, left + 12 * mm, top - 16 * mm - used)
        foot = bottom + 40 * mm
        for n, (label, value) in enumerate(note_fields(volume)[3:]):
            y = foot - n * 12 * mm
            pdffonts.draw_string(canvas, right - 85 * mm, y, f"{label}：", 12)
            pdffonts.draw_string(canvas, right - 62 * mm, y, value or "", 12)
            canvas.setLineWidth(0.4)
            canvas.line(right - 62 * mm, y - 1.5 * mm, right - 10 * mm, y - 1.5 * mm)
        canvas.showPage()
    if not volumes:
        pdffonts.draw_string(canvas, width / 2, height - 22 * mm, NOTES_TITLE, 18, centred=True)
        canvas.showPage()
    canvas.save()
    return len(volumes)
