"""档案利用 in a real headless Chromium (#30): a reader asks for a received record → the
archivist finds it on the workbench and approves → the reader downloads the watermarked copy
(its text names the reader and the request number) and reads it online → the register of use
shows the view and the download."""

import sys
from pathlib import Path

import pytest
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in
from browser_helpers import shoot

from sd.archive.testing import make_fonds
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plone" / "access"))
from access_data import real_record  # noqa: E402
from pdfcheck import needs_tools  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402

PASSWORD = "secret-browser-access"
ACCOUNTS = {"reader": ([], []), "archivist": (["Archivist"], [])}

pytestmark = BROWSER


@pytest.fixture
def site(acceptance):
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        make_users(ACCOUNTS, fonds, PASSWORD)
        record = real_record(fonds, 1, "received")
        uid, code = record.UID(), record.archival_code
    return portal.absolute_url().replace("127.0.0.1", "localhost"), uid, code


def log_out(page, site):
    page.goto(f"{site}/logout")
    page.context.clear_cookies()


@needs_tools
def test_request_approve_download_register(site, page):
    site, uid, code = site
    # 1. the reader asks (the search results link here with the record's UID)
    log_in(page, site, "reader", PASSWORD)
    page.goto(f"{site}/@@request-access?records={uid}")
    assert code in page.locator("#sd-access-records").inner_text()
    page.select_option("#form", "download")
    page.select_option("#purpose", "research")
    page.fill("#purpose_text", "撰写地方志")
    shoot(page, "access-request-form")
    with page.expect_navigation():
        page.click("#sd-access-submit")
    number = page.locator("#sd-access-number").inner_text().strip()
    assert number.startswith("LY-")
    assert page.locator("#sd-access-state").inner_text() == "待审批"
    request_url = page.url.split("/@@")[0]
    assert page.locator(".sd-access-download").count() == 0  # not before approval
    log_out(page, site)

    # 2. the archivist: workbench → queue → the request → approve
    log_in(page, site, "archivist", PASSWORD)
    page.goto(site)
    waiting = page.locator("#sd-wb-access .sd-wb-access-waiting")
    assert waiting.locator(".sd-count").inner_text() == "1"
    with page.expect_navigation():
        waiting.locator("a").click()
    with page.expect_navigation():
        page.click(f"text={number}")
    page.fill("#reason", "符合开放利用规定")
    shoot(page, "access-decision")
    with page.expect_navigation():
        page.click("#sd-access-approve")
    assert page.locator("#sd-access-state").inner_text() == "已批准"
    log_out(page, site)

    # 3. the reader downloads the watermarked copy and reads it online
    log_in(page, site, "reader", PASSWORD)
    page.goto(request_url)
    with page.expect_download() as download:
        page.click(".sd-access-download")
    data = Path(download.value.path()).read_bytes()
    text = pdf_text(data)
    assert number in text and "reader" in text and "仅供查阅" in text
    assert "正文内容" in text
    read_url = page.locator(".sd-access-read").get_attribute("href")
    online = page.request.get(read_url)
    assert online.status == 200 and online.headers["content-type"] == "application/pdf"
    assert online.headers["content-disposition"].startswith("inline")
    log_out(page, site)

    # 4. the register of use shows the view and the download
    log_in(page, site, "archivist", PASSWORD)
    page.goto(f"{site}/@@use-register?number={number}")
    table = page.locator("#sd-register-entries").inner_text()
    assert "在线阅览" in table and "下载复制件" in table and code in table
    assert page.locator("#sd-register-total").inner_text() == "5"
    shoot(page, "access-register")
