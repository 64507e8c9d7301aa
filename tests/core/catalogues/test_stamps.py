"""归档章 sheets (#24.3): the DA/T 22 grid and the volume form, real size, cut sheets."""

import io

import pytest
from pdfcheck import assert_embedded
from pdfcheck import needs_font
from pdfcheck import needs_tools
from pdfcheck import pdf_text

from sd.archive.core.catalogues import stamps
from sd.archive.core.catalogues.stamps import ITEM_FORM
from sd.archive.core.catalogues.stamps import VOLUME_FORM
from sd.archive.core.catalogues.stamps import Stamp
from sd.archive.core.catalogues.stamps import retention_on_stamp


def stamp(n, volume=None):
    return Stamp(f"J001-WS·2023-Y-BGS-{n:04d}", "J001", "2023", str(n), "BGS", "永久", "12", volume)


def test_forms_and_real_size():
    assert ITEM_FORM == (("全宗号", "年度", "件号"), ("机构（问题）", "保管期限", "页数"))
    assert VOLUME_FORM == (("全宗号", "年度", "案卷号"), ("卷内件号", "保管期限", "页数"))
    assert (stamps.STAMP_WIDTH_MM, stamps.STAMP_HEIGHT_MM) == (45, 16)
    assert (stamps.CELL_WIDTH_MM, stamps.CELL_HEIGHT_MM) == (15, 8)
    # the grid of pitches fits an A4 page (210 × 297 mm) with a margin
    assert stamps.PER_ROW * stamps.PITCH_X_MM <= 190 and stamps.ROWS * stamps.PITCH_Y_MM <= 270


def test_cells_follow_the_form():
    assert stamp(7).cells() == (("J001", "2023", "7"), ("BGS", "永久", "12"))
    assert stamp(3, volume="012").form == VOLUME_FORM
    assert stamp(3, volume="012").cells() == (("J001", "2023", "012"), ("3", "永久", "12"))


@pytest.mark.parametrize("code,text", [("Y", "永久"), ("D30", "30年"), ("D10", "10年"), ("", "")])
def test_retention_on_stamp(code, text):
    assert retention_on_stamp(code) == text


@needs_tools
@needs_font
def test_sheets_text_and_pages():
    many = [stamp(n) for n in range(1, stamps.PER_PAGE + 3)] + [stamp(99, volume="005")]
    out = io.BytesIO()
    assert stamps.write_pdf(many, out, "J001", "山东省某某厅") == stamps.PER_PAGE + 3
    data = out.getvalue()
    assert_embedded(data)
    text = pdf_text(data)
    assert text.count("\f") == 2
    compact = text.replace(" ", "")
    assert "第1页共2页" in compact and "第2页共2页" in compact
    assert "山东省某某厅" in text and "全宗号：J001" in compact
    assert "J001-WS·2023-Y-BGS-0001" in text and "J001-WS·2023-Y-BGS-0099" in text
    assert "永久" in text and "BGS" in text


@needs_font
def test_stamp_drawn_at_real_size():
    """The box of a stamp is 45 × 16 mm on the page: the PDF's rectangle operator says so."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pageCompression=0)
    stamps.draw_stamp(canvas, 100, 200, stamp(1))
    canvas.showPage()
    canvas.save()
    data = out.getvalue()
    assert f"100 200 {45 * mm:.7g} {16 * mm:.7g} re".encode() in data  # 127.5591 × 45.35433 pt
    assert f"{100 + 15 * mm:.7g} 200 m".encode() in data  # the first inner line, 15 mm in
    assert f"100 {200 + 8 * mm:.7g} m".encode() in data  # the middle line, 8 mm up
