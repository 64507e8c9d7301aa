"""The shared catalogue layout (#24): which PDF cells wrap, sheet names, page footer."""

import pytest
from pdfcheck import needs_font

from sd.archive.core.catalogues.item_catalogue import COLUMNS
from sd.archive.core.catalogues.layout import Section
from sd.archive.core.catalogues.layout import page_footer
from sd.archive.core.catalogues.layout import pdf_cells
from sd.archive.core.catalogues.layout import sheet_names


@needs_font
def test_only_what_does_not_fit_becomes_a_paragraph():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from sd.archive.core import pdffonts

    font = pdffonts.cjk_font()
    style = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    # 档号 of 19 ASCII characters fits its 48 mm column: a plain string, drawn fast
    row = [
        1,
        "J001·2023·Y·BGS·123",
        "鲁档发〔2023〕1号",
        "办公室",
        "关于做好档案工作的通知" * 4,
        "",
        "",
        3,
        "",
    ]
    cells = pdf_cells(row, COLUMNS, font, style)
    assert cells[1] == "J001·2023·Y·BGS·123" and cells[3] == "办公室"
    assert isinstance(cells[4], Paragraph)  # 44 characters do not fit 85 mm at 8 pt
    assert cells[7] == 3 and cells[5] == ""


@pytest.mark.parametrize("count,total", [(1, 1), (2, 13)])
def test_page_footer(count, total):
    assert page_footer(count, total) == f"第 {count} 页 共 {total} 页"


def test_sheet_names_are_unique_and_short():
    sections = [
        Section("卷内目录", (), ()),
        Section("卷内目录", (), ()),
        Section("a/b" * 20, (), ()),
    ]
    names = sheet_names(sections)
    assert names[:2] == ["卷内目录", "卷内目录(2)"]
    assert all(len(n) <= 31 and "/" not in n for n in names)
