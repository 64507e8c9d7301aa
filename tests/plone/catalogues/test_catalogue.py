"""归档文件目录 of a fonds (#24.3): rows from the catalog in 档号 order, XLSX and PDF."""

import io

import pytest
from openpyxl import load_workbook
from pdfcheck import needs_tools
from pdfcheck import pdf_text

from sd.archive.catalogues.item import CatalogueSelection
from sd.archive.catalogues.item import entries
from sd.archive.catalogues.outputs import render_selection
from sd.archive.core.catalogues.item_catalogue import HEADINGS
from sd.archive.core.catalogues.item_catalogue import code_key
from sd.archive.core.errors import ArchiveError


def test_entries_in_code_order_from_brains(catalogued, fonds):
    rows = entries(fonds, CatalogueSelection())
    codes = [r.archival_code for r in rows]
    assert len(rows) == 12  # the pre-archived record has no code yet
    assert codes == sorted(codes, key=code_key)
    assert codes == [
        r.archival_code for r in sorted(catalogued, key=lambda r: code_key(r.archival_code))
    ]
    first = next(r for r in rows if r.title == "关于档案工作的通知（1）")
    assert first.document_number == "鲁档发〔2023〕1号"
    assert first.author == "办公室"
    assert first.date == "20230301"
    assert first.pages == 2


@pytest.mark.parametrize(
    "selection,count",
    [
        (CatalogueSelection(year="2023"), 12),
        (CatalogueSelection(year="2022"), 0),
        (CatalogueSelection(retention="D30"), 1),
        (CatalogueSelection(year="2023", retention="Y", category="WS"), 11),
    ],
)
def test_selection(catalogued, fonds, selection, count):
    assert len(entries(fonds, selection)) == count


def test_xlsx_header_and_rows_in_code_order(catalogued, fonds):
    data, media_type, name = render_selection(
        fonds, CatalogueSelection(year="2023"), "items", "xlsx"
    )
    assert media_type.endswith("spreadsheetml.sheet")
    assert name == "J001-2023-catalogue.xlsx"
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert rows[1] == HEADINGS
    body = rows[2:]
    assert [r[0] for r in body] == list(range(1, 13))
    codes = [r[1] for r in body]
    assert codes == sorted(codes, key=code_key)
    assert {r[4] for r in body} == {f"关于档案工作的通知（{n}）" for n in range(1, 13)}


@needs_tools
def test_pdf_has_codes_and_titles(catalogued, fonds):
    data, media_type, _ = render_selection(fonds, CatalogueSelection(), "items", "pdf")
    assert media_type == "application/pdf"
    text = pdf_text(data)
    for record in catalogued:
        assert record.archival_code in text
        assert record.title in text
    assert "尚未归档的文件" not in text


@pytest.mark.parametrize("form,prop", [({"year": "二〇二三"}, "year"), ({}, "format")])
def test_bad_requests(fonds, form, prop):
    with pytest.raises(ArchiveError) as raised:
        render_selection(fonds, CatalogueSelection.from_form(form), "items", "doc")
    assert raised.value.status == 400
    assert raised.value.problems[0].property == prop
