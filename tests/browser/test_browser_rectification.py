"""整改通知 in a real headless Chromium (#26): the supervisor issues a notice to J001 from the
issue form (citing a figure and a record) → the agency's records officer finds it on the
workbench and answers → the supervisor closes it → the PDF of the notice with its answer is
downloaded (its text carries the notice and the answer, its font embedded). Pages in zh_CN."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in
from browser_helpers import shoot

from sd.archive.core.access.period import beijing_today
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pdfcheck import assert_embedded  # noqa: E402
from pdfcheck import needs_tools  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402

PASSWORD = "secret-browser-rectification"
ACCOUNTS = {"supervisor": (["Supervisor"], []), "officer": ([], ["RecordsOfficer", "Reader"])}

pytestmark = BROWSER


@pytest.fixture
def site(acceptance):
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        make_users(ACCOUNTS, fonds, PASSWORD)
        record = make_record(fonds, 1)
        uid = record.UID()
    return portal.absolute_url().replace("127.0.0.1", "localhost"), uid


def log_out(page, site):
    page.goto(f"{site}/logout")
    page.context.clear_cookies()


@needs_tools
def test_issue_answer_close_pdf(site, page):
    site, uid = site
    deadline = (beijing_today() + timedelta(days=15)).isoformat()

    # 1. the supervisor issues the notice from the workbench's link
    log_in(page, site, "supervisor", PASSWORD)
    page.goto(site)
    with page.expect_navigation():
        page.click("#sd-wb-rectification >> text=下发整改通知")
    page.select_option("#fonds", "J001")
    page.fill("#title", "关于补齐2023年发文归档的整改通知")
    page.fill("#text", "鲁某发〔2023〕12号至14号未归档，请于期限内补齐并答复。")
    page.fill("#figures", "文号缺号（件）：3")
    page.fill("#records", uid)
    page.fill("#deadline", deadline)
    shoot(page, "rectification-issue")
    with page.expect_navigation():
        page.click("#sd-rectification-submit")
    number = page.locator("#sd-rectification-number").inner_text().strip()
    assert number.startswith("ZG-")
    assert page.locator("#sd-rectification-state").inner_text() == "已下发"
    assert "文号缺号" in page.locator("#sd-rectification-figures").inner_text()
    assert page.locator("#sd-rectification-answer-form").count() == 0  # not the supervisor's
    log_out(page, site)

    # 2. the officer: workbench → notices to answer → the notice → answer
    log_in(page, site, "officer", PASSWORD)
    page.goto(site)
    waiting = page.locator("#sd-wb-rectification .sd-wb-rectification-to-answer")
    assert waiting.locator(".sd-count").inner_text() == "1"
    with page.expect_navigation():
        waiting.locator("a").click()
    with page.expect_navigation():
        page.click(f"text={number}")
    assert page.locator("#sd-rectification-decision-form").count() == 0
    page.fill("#answer", "已补充归档12号至14号三件，并核对了全年文号。")
    page.fill("#answer-records", uid)
    shoot(page, "rectification-answer")
    with page.expect_navigation():
        page.click("#sd-rectification-give-answer")
    assert page.locator("#sd-rectification-state").inner_text() == "已答复"
    log_out(page, site)

    # 3. the supervisor reviews the answer and closes the notice
    log_in(page, site, "supervisor", PASSWORD)
    page.goto(site)
    review = page.locator("#sd-wb-rectification .sd-wb-rectification-review")
    assert review.locator(".sd-count").inner_text() == "1"
    with page.expect_navigation():
        review.locator("a").click()
    with page.expect_navigation():
        page.click(f"text={number}")
    assert "已补充归档12号至14号三件" in page.locator("#sd-rectification-answer").inner_text()
    page.fill("#comment", "整改到位，予以办结。")
    with page.expect_navigation():
        page.click("#sd-rectification-close")
    assert page.locator("#sd-rectification-state").inner_text() == "已办结"
    history = page.locator("#sd-rectification-history").inner_text()
    for step in ("下发整改通知", "答复整改情况", "办结"):
        assert step in history
    shoot(page, "rectification-closed")

    # 4. the PDF of the notice with its answer
    with page.expect_download() as download:
        page.click("#sd-rectification-pdf")
    assert download.value.suggested_filename == f"{number}.pdf"
    data = Path(download.value.path()).read_bytes()
    text = pdf_text(data)
    for needle in (
        number,
        "整改通知书",
        "已补充归档12号至14号三件",
        "整改到位，予以办结",
        "已办结",
    ):
        assert needle in text, needle
    assert_embedded(data)
