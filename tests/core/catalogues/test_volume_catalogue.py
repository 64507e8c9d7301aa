"""案卷目录, 卷内目录 and 卷内备考表 (#24.3): columns, 件数/页数/起止日期, cumulative 页号,
empty volumes, XLSX sheets and PDF text (embedded CJK subset, ``·`` of 档号, fonds name)."""

import io

import pytest
from openpyxl import load_workbook
from pdfcheck import assert_embedded
from pdfcheck import needs_font
from pdfcheck import needs_tools
from pdfcheck import pdf_text

from sd.archive.core.catalogues.item_catalogue import Heading
from sd.archive.core.catalogues.layout import XLSX_HEADER_ROW
from sd.archive.core.catalogues.volume_catalogue import CONTENTS_HEADINGS
from sd.archive.core.catalogues.volume_catalogue import VOLUME_HEADINGS
from sd.archive.core.catalogues.volume_catalogue import Volume
from sd.archive.core.catalogues.volume_catalogue import VolumeItem
from sd.archive.core.catalogues.volume_catalogue import contents_rows
from sd.archive.core.catalogues.volume_catalogue import note_text
from sd.archive.core.catalogues.volume_catalogue import page_ranges
from sd.archive.core.catalogues.volume_catalogue import retention_text
from sd.archive.core.catalogues.volume_catalogue import write_contents_pdf
from sd.archive.core.catalogues.volume_catalogue import write_contents_xlsx
from sd.archive.core.catalogues.volume_catalogue import write_notes_pdf
from sd.archive.core.catalogues.volume_catalogue import write_notes_xlsx
from sd.archive.core.catalogues.volume_catalogue import write_volumes_pdf
from sd.archive.core.catalogues.volume_catalogue import write_volumes_xlsx
from sd.archive.core.catalogues.volume_catalogue import written_date

HEADING = Heading("J001", "山东省某某厅", "2023", "WS", "Y")


def item(n, pages):
    return VolumeItem(
        n, f"鲁档发〔2023〕{n}号", "办公室", f"关于档案工作的通知（{n}）", f"202303{n:02d}", pages
    )


def volume(number, pages=(5, 4, 1), **kw):
    items = tuple(item(n, p) for n, p in enumerate(pages, 1))
    values = dict(retention="Y", note="本卷有一件复印件。", compiler="张三", checker="李四")
    values.update(kw)
    return Volume(
        f"J001-WS·2023·Y-{number:03d}", f"2023年度办公室文件（第{number}卷）", items, **values
    )


EMPTY = Volume("J001-WS·2023·Y-009", "空卷", (), "D30", item_count=0, page_count=0)


def test_standard_columns():
    assert VOLUME_HEADINGS == (
        "序号",
        "案卷档号",
        "案卷题名",
        "起止日期",
        "件数",
        "页数",
        "保管期限",
        "备注",
    )
    assert CONTENTS_HEADINGS == ("序号", "文号", "责任者", "题名", "日期", "页号", "备注")


@pytest.mark.parametrize(
    "pages,numbers",
    [
        ((5, 4, 3), ["1-5", "6-9", "10-12"]),
        ((1, 2, 1), ["1", "2-3", "4"]),
        ((5, None, 2), ["1-5", "", "6-7"]),  # unknown pages: no 页号, the count goes on
        ((), []),
    ],
)
def test_cumulative_page_numbers(pages, numbers):
    assert page_ranges(pages) == numbers


def test_counts_dates_and_summary():
    v = volume(1, (5, 4, None))
    assert (v.count, v.pages, v.dates) == (3, 9, "20230301-20230303")
    assert note_text(v) == (
        "本卷共 3 件，9 页（其中 1 件页数未著录）；起止日期 20230301-20230303。\n本卷有一件复印件。"
    )


def test_empty_volume_uses_its_stored_values():
    assert (EMPTY.count, EMPTY.pages, EMPTY.dates) == (0, 0, "")
    stored = Volume("X", "纸质卷", (), item_count=7, page_count=80, date_start="20200101")
    assert (stored.count, stored.pages, stored.dates) == (7, 80, "20200101")
    assert contents_rows(EMPTY) == []
    assert note_text(EMPTY) == "本卷共 0 件，0 页。"


def test_contents_rows_last_row_ends_on_last_page():
    rows = contents_rows(volume(1, (5, 4, 3)))
    assert [r[0] for r in rows] == [1, 2, 3]
    assert [r[5] for r in rows] == ["1-5", "6-9", "10-12"]
    assert rows[0][1:5] == ["鲁档发〔2023〕1号", "办公室", "关于档案工作的通知（1）", "20230301"]


@pytest.mark.parametrize(
    "code,text", [("Y", "永久"), ("D30", "定期30年"), ("", ""), ("长期", "长期")]
)
def test_retention_text(code, text):
    assert retention_text(code) == text


def test_written_date():
    assert written_date("20240110") == "2024年1月10日"
    assert written_date("") == ""


def _rows(data, index=0):
    book = load_workbook(io.BytesIO(data), read_only=True)
    return book.sheetnames, list(book.worksheets[index].iter_rows(values_only=True))


def test_volumes_xlsx():
    out = io.BytesIO()
    assert write_volumes_xlsx([volume(1), EMPTY], out, HEADING) == 2
    _, rows = _rows(out.getvalue())
    assert rows[0][0] == "案卷目录" and "全宗名称：山东省某某厅" in rows[0][1]
    assert rows[XLSX_HEADER_ROW - 1] == VOLUME_HEADINGS
    assert rows[2][:7] == (
        1,
        "J001-WS·2023·Y-001",
        "2023年度办公室文件（第1卷）",
        "20230301-20230303",
        3,
        10,
        "永久",
    )
    assert rows[3][:7] == (2, "J001-WS·2023·Y-009", "空卷", None, 0, 0, "定期30年")


def test_contents_xlsx_volume_under_volume_on_one_sheet():
    out = io.BytesIO()
    assert write_contents_xlsx([volume(1), volume(2, (2,)), EMPTY], out, HEADING) == 4
    names, rows = _rows(out.getvalue())
    assert names == ["卷内目录"]  # one sheet: a write-only sheet holds a file open until saved
    assert rows[0][0] == "卷内目录" and "案卷档号：J001-WS·2023·Y-001" in rows[0][2]
    assert rows[XLSX_HEADER_ROW - 1] == CONTENTS_HEADINGS
    assert [r[5] for r in rows[2:5]] == ["1-5", "6-9", "10"]
    blocks = [n for n, r in enumerate(rows) if r and r[0] == "卷内目录"]
    assert blocks == [0, 6, 10]  # rows, a blank row, the next volume's title and headings
    assert rows[8][5] == "1-2" and rows[12:] == []  # the empty volume: title and headings


def test_contents_xlsx_of_many_volumes_with_few_files_open():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
    try:
        out = io.BytesIO()
        assert write_contents_xlsx([volume(n, (1,)) for n in range(1, 401)], out, HEADING) == 400
        assert write_notes_xlsx([volume(n, (1,)) for n in range(1, 401)], io.BytesIO(), HEADING)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_notes_xlsx():
    out = io.BytesIO()
    assert write_notes_xlsx([volume(1, compiled_on="20240110"), EMPTY], out, HEADING) == 2
    _, rows = _rows(out.getvalue())
    assert rows[0][0] == "卷内备考表" and "山东省某某厅" in rows[0][1]
    fields = dict(rows[1:7])
    assert dict(rows[9:15])["本卷情况说明"] == "本卷共 0 件，0 页。"
    assert fields["本卷情况说明"].startswith("本卷共 3 件，10 页")
    assert fields["立卷人"] == "张三" and fields["检查人"] == "李四"
    assert fields["立卷时间"] == "2024年1月10日"


@needs_tools
@needs_font
def test_volumes_pdf_text_and_page_count():
    many = [volume(n) for n in range(1, 60)] + [EMPTY]
    out = io.BytesIO()
    write_volumes_pdf(many, out, HEADING)
    assert_embedded(out.getvalue())
    text = pdf_text(out.getvalue())
    compact = text.replace(" ", "")
    assert "案卷目录" in text and "山东省某某厅" in text
    assert "J001-WS·2023·Y-001" in text and "J001-WS·2023·Y-059" in text
    assert "2023年度办公室文件（第59卷）" in text and "20230301-20230303" in text
    pages = text.count("\f")
    assert pages >= 2
    assert all(f"第{n}页共{pages}页" in compact for n in range(1, pages + 1))
    assert f"第{pages + 1}页" not in compact
    assert text.count("案卷题名") == pages  # header repeated on every page


@needs_tools
@needs_font
def test_contents_pdf_each_volume_numbered_on_its_own():
    out = io.BytesIO()
    write_contents_pdf([volume(1, (5,) * 45), volume(2, (2, 3)), EMPTY], out, HEADING)
    assert_embedded(out.getvalue())
    text = pdf_text(out.getvalue())
    compact = text.replace(" ", "")
    assert text.count("卷内目录") == 4  # 2 pages of volume 1, one each of 2 and the empty one
    assert "第1页共2页" in compact and "第2页共2页" in compact
    assert compact.count("第1页共1页") == 2
    assert "案卷档号：J001-WS·2023·Y-002" in compact and "山东省某某厅" in text
    assert "221-225" in text and "3-5" in text


@needs_tools
@needs_font
def test_notes_pdf_one_page_per_volume():
    long_note = "卷内文件有破损，已修裱。" * 80
    out = io.BytesIO()
    write_notes_pdf(
        [volume(1, compiled_on="20240110"), volume(2, note=long_note), EMPTY], out, HEADING
    )
    data = out.getvalue()
    assert_embedded(data)
    text = pdf_text(data)
    assert text.count("卷内备考表") == 3 and text.count("\f") == 3
    compact = text.replace(" ", "").replace("\n", "")
    assert "本卷共3件，10页" in compact and "本卷共0件，0页" in compact
    assert "J001-WS·2023·Y-002" in text and "山东省某某厅" in text
    assert "立卷人：" in compact and "张三" in text and "2024年1月10日" in text
