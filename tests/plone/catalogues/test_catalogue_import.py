"""Legacy catalogue import (旧目录导入, #24.3): preview, row errors, nothing stored on failure."""

import io

import pytest
import transaction
from openpyxl import Workbook
from plone import api

from sd.archive.catalogues.legacy import LegacyImport
from sd.archive.core.errors import ArchiveError

HEADER = ("序号", "档号", "文号", "责任者", "题名", "日期", "页数")


def sheet(*rows):
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    (1, "J001-WS·2015-Y-BGS-0001", "鲁档发〔2015〕1号", "办公室", "旧目录一", "20150301", 3),
    (2, "J001-WS·2015-Y-BGS-0002", "", "办公室", "旧目录二", "2015-03-02", None),
]


def records(fonds):
    return api.content.find(context=fonds, portal_type="Record")


def test_preview_stores_nothing_then_apply_makes_coded_records(fonds):
    run = LegacyImport(fonds, io.BytesIO(sheet(*GOOD)))
    rows = run.preview()
    assert run.problems == []
    assert [r["title"] for r in rows] == ["旧目录一", "旧目录二"]
    assert len(records(fonds)) == 0
    result = LegacyImport(fonds, io.BytesIO(sheet(*GOOD))).apply()
    assert result["imported"] == 2
    made = sorted((b.getObject() for b in records(fonds)), key=lambda r: r.archival_code)
    assert [r.archival_code for r in made] == ["J001-WS·2015-Y-BGS-0001", "J001-WS·2015-Y-BGS-0002"]
    assert made[0].code_frozen and made[0].year == 2015 and made[0].retention_period == "Y"
    assert made[0].document_number == "鲁档发〔2015〕1号" and made[0].pages == 3
    assert api.content.get_state(made[0]) not in ("archived",)


@pytest.mark.parametrize(
    "bad,code",
    [
        ((3, "J002-WS·2015-Y-BGS-0003", "", "", "别的全宗", "", 1), "IMPORT-FONDS"),
        ((3, "不是档号", "", "", "乱码", "", 1), "IMPORT-CODE"),
        ((3, "J001-WS·2015-Y-BGS-0003", "", "", "坏日期", "2015-02-30", 1), "IMPORT-DATE"),
    ],
)
def test_one_bad_row_stores_nothing_and_names_its_row(fonds, bad, code):
    run = LegacyImport(fonds, io.BytesIO(sheet(*GOOD, bad)))
    with pytest.raises(ArchiveError) as raised:
        run.apply()
    assert [(p.code, p.object) for p in raised.value.problems] == [(code, "第4行")]
    assert len(records(fonds)) == 0


def test_codes_already_in_the_fonds_are_refused(fonds):
    LegacyImport(fonds, io.BytesIO(sheet(GOOD[0]))).apply()
    run = LegacyImport(fonds, io.BytesIO(sheet(*GOOD)))
    run.preview()
    assert [(p.code, p.object) for p in run.problems] == [("IMPORT-EXISTS", "第2行")]


def test_rest_preview_and_refusal(ffonds, session):
    officer = session("officer")
    url = f"{ffonds.absolute_url()}/@catalogue-import"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    preview = officer.post(url, data=sheet(*GOOD), headers={"Content-Type": kind})
    assert preview.status_code == 200, preview.text
    assert preview.json()["errors"] == [] and len(preview.json()["records"]) == 2
    bad = (3, "J002-WS·2015-Y-BGS-0003", "", "", "别的全宗", "", 1)
    refused = officer.post(
        url + "?preview=false", data=sheet(*GOOD, bad), headers={"Content-Type": kind}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["object"] == "第4行"
    transaction.begin()
    before = len(records(ffonds))
    stored = officer.post(url + "?preview=false", data=sheet(*GOOD), headers={"Content-Type": kind})
    assert stored.status_code == 201, stored.text
    transaction.begin()
    assert len(records(ffonds)) == before + 2


def test_page_preview_errors_then_import(zh, ffonds, session):
    officer = session("officer")
    officer.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    url = f"{ffonds.absolute_url()}/@@catalogue-import"
    page = officer.get(url)
    assert page.status_code == 200 and "旧目录导入" in page.text
    token = page.text.split('name="_authenticator" value="')[1].split('"')[0]
    bad = (3, "J001-WS·2015-Y-BGS-0003", "", "", "", "", 1)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    failing = officer.post(
        url,
        data={"_authenticator": token, "form.preview": "1"},
        files={"file": ("旧目录.xlsx", sheet(*GOOD, bad), kind)},
    )
    assert 'id="sd-import-errors"' in failing.text and "第4行" in failing.text
    assert 'id="sd-import-store"' not in failing.text  # no import button while a row fails
    previewed = officer.post(
        url,
        data={"_authenticator": token, "form.preview": "1"},
        files={"file": ("旧目录.xlsx", sheet(*GOOD), kind)},
    )
    assert 'id="sd-import-store"' in previewed.text and "旧目录二" in previewed.text
    kept = previewed.text.split('name="sheet" value="')[1].split('"')[0]
    transaction.begin()
    before = len(records(ffonds))
    done = officer.post(url, data={"_authenticator": token, "sheet": kept, "form.import": "1"})
    assert 'id="sd-import-done"' in done.text, done.text[-2000:]
    transaction.begin()
    assert len(records(ffonds)) == before + 2
