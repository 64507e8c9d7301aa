"""GET {fonds}/@catalogue and the @@catalogue page over HTTP (#24.3)."""

import io

from openpyxl import load_workbook

from sd.archive.core.catalogues.item_catalogue import HEADINGS


def test_rest_xlsx_for_the_records_officer(ffonds, session):
    response = session("officer").get(f"{ffonds.absolute_url()}/@catalogue?year=2023")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "J001-2023-catalogue.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1] == HEADINGS
    # codes were given in the order the records were archived: 3, 1, 2
    assert [r[4] for r in rows[2:]] == [f"关于档案工作的通知（{n}）" for n in (3, 1, 2)]
    codes = [r[1] for r in rows[2:]]
    assert codes == sorted(codes)


def test_rest_pdf(ffonds, session):
    response = session("officer").get(f"{ffonds.absolute_url()}/@catalogue?format=pdf")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_rest_bad_format_is_a_400_in_the_error_shape(ffonds, session):
    response = session("officer").get(f"{ffonds.absolute_url()}/@catalogue?format=doc")
    assert response.status_code == 400
    assert response.json()["errors"][0]["property"] == "format"


def test_rest_refuses_who_cannot_view_the_fonds(ffonds, session):
    assert session().get(f"{ffonds.absolute_url()}/@catalogue").status_code == 401
    assert session("stranger").get(f"{ffonds.absolute_url()}/@catalogue").status_code in (
        401,
        403,
    )


def test_page_filters_and_downloads(zh, ffonds, session):
    officer = session("officer")
    officer.headers["Accept-Language"] = "zh-CN,zh;q=0.9,en;q=0.5"
    page = officer.get(f"{ffonds.absolute_url()}/@@catalogue", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'id="catalogue-xlsx"' in page.text and 'id="catalogue-pdf"' in page.text
    for label in ("归档文件目录", "年度", "保管期限", "下载 XLSX", "下载 PDF", "目录所列件数"):
        assert label in page.text
    download = officer.get(
        f"{ffonds.absolute_url()}/@@catalogue?year=2023&format=pdf",
        headers={"Accept": "text/html"},
    )
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"


def test_fonds_page_links_the_tools(zh, ffonds, session):
    officer = session("officer")
    officer.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    page = officer.get(ffonds.absolute_url())
    assert page.status_code == 200
    for link in ("@@catalogue", "@@batch-describe", "@@catalogue-import"):
        assert f"{ffonds.absolute_url()}/{link}" in page.text
    assert "归档文件目录" in page.text and "批量著录" in page.text
