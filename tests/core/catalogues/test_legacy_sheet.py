"""Legacy catalogue import (旧目录导入): header found, every row checked, errors per row."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from sd.archive.core.catalogues.legacy_import import parse_date
from sd.archive.core.catalogues.legacy_import import read_catalogue


def sheet(*rows):
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


HEADER = ("序号", "档号", "文号", "责任者", "题名", "日期", "页数", "备注")


def test_reads_rows_under_a_title_row_in_any_column_order():
    rows, problems = read_catalogue(
        sheet(
            ("归档文件目录",),
            ("题名", "档号", "日期", "页数"),
            ("关于甲的通知", "J001-WS·2015-Y-BGS-0001", "20150301", 3),
            (),
            ("关于乙的通知", "J001-WS·2015-Y-BGS-0002", date(2015, 3, 2), None),
        )
    )
    assert problems == []
    assert [(r.row, r.archival_code, r.title, r.document_date, r.pages) for r in rows] == [
        (3, "J001-WS·2015-Y-BGS-0001", "关于甲的通知", date(2015, 3, 1), 3),
        (5, "J001-WS·2015-Y-BGS-0002", "关于乙的通知", date(2015, 3, 2), None),
    ]


def test_every_failing_row_is_reported_with_row_and_column():
    rows, problems = read_catalogue(
        sheet(
            HEADER,
            (1, "J001-WS·2015-Y-BGS-0001", "", "", "甲", "2015-13-01", 2, ""),
            (2, "", "", "", "乙", "20150301", "三", ""),
            (3, "J001-WS·2015-Y-BGS-0003", "", "", "", "", 1, ""),
            (4, "J001-WS·2015-Y-BGS-0004", "", "", "丁", "", 1, ""),
            (5, "J001-WS·2015-Y-BGS-0004", "", "", "戊", "", 1, ""),
        )
    )
    found = [(p.code, p.object, p.property) for p in problems]
    assert found == [
        ("IMPORT-DATE", "第2行", "日期"),
        ("IMPORT-REQUIRED", "第3行", "档号"),
        ("IMPORT-PAGES", "第3行", "页数"),
        ("IMPORT-REQUIRED", "第4行", "题名"),
        ("IMPORT-DUPLICATE", "第6行", "档号"),
    ]
    assert [r.row for r in rows] == [5]


@pytest.mark.parametrize(
    "data,code",
    [
        (b"not a workbook", "IMPORT-FILE"),
        (sheet(("题名", "责任者"), ("甲", "乙")).getvalue(), "IMPORT-HEADER"),
        (sheet(HEADER).getvalue(), "IMPORT-EMPTY"),
    ],
)
def test_unusable_files(data, code):
    rows, problems = read_catalogue(io.BytesIO(data))
    assert rows == [] and [p.code for p in problems] == [code]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("20230105", date(2023, 1, 5)),
        ("2023/1/5", date(2023, 1, 5)),
        ("2023年1月5日", date(2023, 1, 5)),
        ("", None),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected
