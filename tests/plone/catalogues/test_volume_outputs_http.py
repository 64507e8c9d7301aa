"""The volume kinds and 归档章 of @catalogue and @@catalogue over HTTP (#24 item 3)."""

import io

import pytest
import transaction
from openpyxl import load_workbook
from pdfcheck import needs_tools
from pdfcheck import pdf_text
from volumes import FONDS_NAME
from volumes import make_volume

from sd.archive.core.catalogues.volume_catalogue import VOLUME_HEADINGS


@pytest.fixture
def fvolume(ffonds):
    volume = make_volume(ffonds, 1, (5, 4, 3))
    transaction.commit()
    return volume


def test_rest_volume_catalogue(fvolume, ffonds, session):
    response = session("officer").get(f"{ffonds.absolute_url()}/@catalogue?kind=volumes")
    assert response.status_code == 200, response.text
    assert "J001-volumes.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == VOLUME_HEADINGS
    assert rows[2][1:6] == (
        "J001-WS·2023·Y-001",
        "2023年度办公室文件（第1卷）",
        "20230301-20230303",
        3,
        12,
    )


@needs_tools
@pytest.mark.parametrize("kind", ["contents", "notes", "stamps"])
def test_rest_pdfs_of_a_volume(fvolume, session, kind):
    response = session("officer").get(f"{fvolume.absolute_url()}/@catalogue?kind={kind}&format=pdf")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert FONDS_NAME in text and "J001-WS·2023·Y-001" in text


@needs_tools
def test_rest_stamps_of_a_fonds_and_of_a_record(fvolume, ffonds, session):
    officer = session("officer")
    response = officer.get(f"{ffonds.absolute_url()}/@catalogue?kind=stamps")  # PDF by default
    assert response.status_code == 200, response.text
    text = pdf_text(response.content)
    loose = [
        r
        for r in ffonds.objectValues()
        if getattr(r, "archival_code", None) and r.portal_type == "Record"
    ]
    assert all(r.archival_code in text for r in loose) and "J001-WS·2023·Y-001-003" in text
    record = loose[0]
    one = officer.get(f"{record.absolute_url()}/@catalogue")
    assert one.status_code == 200 and record.archival_code in pdf_text(one.content)
    assert "J001-WS·2023·Y-001-003" not in pdf_text(one.content)


@pytest.mark.parametrize(
    "query,prop",
    [
        ("kind=shelf", "kind"),
        ("kind=stamps&format=xlsx", "format"),
        ("kind=volumes&year=x", "year"),
    ],
)
def test_rest_bad_kind_or_format_is_a_400_in_the_error_shape(ffonds, session, query, prop):
    response = session("officer").get(f"{ffonds.absolute_url()}/@catalogue?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "BadRequest" and body["message"]
    assert body["errors"][0]["property"] == prop


@pytest.mark.parametrize("where", ["fonds", "volume"])
def test_rest_refuses_anonymous_and_strangers(fvolume, ffonds, session, where):
    url = (ffonds if where == "fonds" else fvolume).absolute_url()
    assert session().get(f"{url}/@catalogue?kind=stamps").status_code == 401
    assert session("stranger").get(f"{url}/@catalogue?kind=contents").status_code in (401, 403)


def test_pages_offer_the_kinds_and_the_stamp_buttons(zh, fvolume, ffonds, session):
    officer = session("officer")
    officer.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    page = officer.get(f"{ffonds.absolute_url()}/@@catalogue")
    assert page.status_code == 200
    for label in ("案卷目录", "卷内目录", "卷内备考表", "打印归档章", "所选案卷数"):
        assert label in page.text
    assert 'id="catalogue-stamps"' in page.text
    stamps = officer.get(f"{ffonds.absolute_url()}/@@catalogue?stamps=1&year=2023")
    assert stamps.headers["Content-Type"] == "application/pdf"
    contents = officer.get(f"{ffonds.absolute_url()}/@@catalogue?kind=contents&format=xlsx")
    assert contents.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{fvolume.absolute_url()}/@@catalogue" in officer.get(fvolume.absolute_url()).text
    volume_page = officer.get(f"{fvolume.absolute_url()}/@@catalogue")
    assert volume_page.status_code == 200
    assert 'id="catalogue-contents-pdf"' in volume_page.text and "卷内备考表" in volume_page.text
    record = fvolume.objectValues()[0]
    record_page = officer.get(record.absolute_url())
    assert f"{record.absolute_url()}/@@catalogue?stamps=1" in record_page.text
    assert "打印归档章" in record_page.text
    stamp = officer.get(f"{record.absolute_url()}/@@catalogue?stamps=1")
    assert stamp.headers["Content-Type"] == "application/pdf"
