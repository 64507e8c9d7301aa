"""归档文件目录 layout (DA/T 22-2015): XLSX header and 档号 order, PDF text."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pdfcheck import assert_embedded
from pdfcheck import needs_font
from pdfcheck import needs_tools
from pdfcheck import pdf_text

from sd.archive.core.catalogues.item_catalogue import HEADINGS
from sd.archive.core.catalogues.item_catalogue import XLSX_HEADER_ROW
from sd.archive.core.catalogues.item_catalogue import CatalogueEntry
from sd.archive.core.catalogues.item_catalogue import Heading
from sd.archive.core.catalogues.item_catalogue import code_key
from sd.archive.core.catalogues.item_catalogue import date_text
from sd.archive.core.catalogues.item_catalogue import in_code_order
from sd.archive.core.catalogues.item_catalogue import write_pdf
from sd.archive.core.catalogues.item_catalogue import write_xlsx

HEADING = Heading("J001", "某某厅", "2023", "BGS", "Y")


def entry(n, title=None):
    return CatalogueEntry(
        f"J001-2023-Y-BGS-{n}",
        f"某发〔2023〕{n}号",
        "办公室",
        title or f"关于档案工作的通知（{n}）",
        date_text(date(2023, 1, n % 28 + 1)),
        "",
        3,
    )


ENTRIES = [entry(10), entry(2), entry(1), CatalogueEntry("", "", "", "未编档号", "", "", None)]


def test_standard_columns():
    assert HEADINGS == ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")


def test_code_order_is_numeric_and_codeless_last():
    codes = [e.archival_code for e in in_code_order(ENTRIES)]
    assert codes == ["J001-2023-Y-BGS-1", "J001-2023-Y-BGS-2", "J001-2023-Y-BGS-10", ""]
    assert code_key("J001-2023-Y-BGS-9") < code_key("J001-2023-Y-BGS-10")


@pytest.mark.parametrize(
    "value,text",
    [(date(2023, 1, 5), "20230105"), ("2023-01-05", "20230105"), (None, ""), ("2023", "2023")],
)
def test_date_text(value, text):
    assert date_text(value) == text


def test_xlsx_header_and_rows_in_code_order():
    stream = io.BytesIO()
    assert write_xlsx(in_code_order(ENTRIES), stream, HEADING) == 4
    sheet = load_workbook(io.BytesIO(stream.getvalue()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "归档文件目录"
    assert "全宗号：J001" in rows[0][1]
    assert rows[XLSX_HEADER_ROW - 1] == HEADINGS
    body = rows[XLSX_HEADER_ROW:]
    assert [r[0] for r in body] == [1, 2, 3, 4]
    assert [r[1] for r in body][:3] == [
        "J001-2023-Y-BGS-1",
        "J001-2023-Y-BGS-2",
        "J001-2023-Y-BGS-10",
    ]
    assert body[0][4] == "关于档案工作的通知（1）"
    assert body[0][7] == 3


@needs_tools
@needs_font
def test_pdf_text_has_codes_titles_and_page_numbers():
    many = [entry(n) for n in range(1, 80)] + [entry(80, "含间隔号·的题名" + "很长" * 40)]
    many.append(CatalogueEntry("J001·2023·Y·BGS·81", "", "", "间隔号档号", "", "", 1))
    stream = io.BytesIO()
    write_pdf(in_code_order(many), stream, HEADING)
    assert_embedded(stream.getvalue())
    text = pdf_text(stream.getvalue())
    assert "归档文件目录" in text
    assert "J001-2023-Y-BGS-1\n" in text
    assert "J001·2023·Y·BGS·81" in text
    assert "J001-2023-Y-BGS-79" in text
    assert "关于档案工作的通知（79）" in text
    assert "含间隔号·的题名" in text
    compact = text.replace(" ", "")
    assert "第1页" in compact and "第2页" in compact
    assert text.count("责任者") >= 2  # header repeated on the next page
