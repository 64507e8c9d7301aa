"""Findings (挖掘发现, #28 items 3–5) in a real headless Chromium: the records officer finds the
duplicate on the workbench, compares the two records side by side and answers; on the record's
findings page a name is rejected and the related record is shown; all in Chinese."""

import sys
from pathlib import Path

import pytest
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in

from sd.archive.testing import make_fonds
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plone" / "mining_findings"))
from findings_helpers import LETTER  # noqa: E402
from findings_helpers import NOTICE  # noqa: E402
from findings_helpers import archived  # noqa: E402

PASSWORD = "secret-browser-28f"

pytestmark = BROWSER


@pytest.fixture
def found(acceptance, tmp_path, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_VAR", str(tmp_path))
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        made = {
            "notice": archived(fonds, 1, NOTICE, document_number="鲁档发〔2023〕7号"),
            "copy": archived(fonds, 2, NOTICE),
            "reply": archived(fonds, 3, LETTER),
        }
        make_users({"officer": ([], ["RecordsOfficer", "Reader"])}, fonds, PASSWORD)
        urls = {
            name: r.absolute_url().replace("127.0.0.1", "localhost") for name, r in made.items()
        }
        codes = {name: r.archival_code for name, r in made.items()}
    site = portal.absolute_url().replace("127.0.0.1", "localhost")
    return site, urls, codes


def test_officer_compares_a_duplicate_and_answers_names(found, page):
    site, urls, codes = found
    log_in(page, site, "officer", PASSWORD)

    page.goto(f"{site}/@@workbench")
    page.screenshot(path=str(ARTIFACTS / "mining-findings-workbench.png"), full_page=True)
    block = page.locator("#sd-wb-mining-findings")
    assert block.count() == 1
    assert "待确认的重复档案与关联档案" in block.inner_text()
    assert page.locator(
        "#sd-wb-mining-findings .sd-wb-mining-duplicates .sd-count"
    ).inner_text() == ("1")
    with page.expect_navigation():
        page.click("#sd-wb-mining-findings .sd-wb-mining-duplicates a")
    with page.expect_navigation():
        page.click("#sd-mining-pairs-list a.btn")
    sides = page.locator("#sd-mining-sides").inner_text()
    assert codes["notice"] in sides and codes["copy"] in sides
    assert "同一文件" in page.locator("#sd-mining-why").inner_text()
    page.screenshot(path=str(ARTIFACTS / "mining-findings-compare.png"), full_page=True)
    page.fill("#sd-mining-reason", "同一份通知归档了两次")
    with page.expect_navigation():
        page.click("#sd-mining-answer-duplicate")
    assert "已记录您的处理意见" in page.locator("#sd-mining-message").inner_text()
    assert page.locator("#sd-mining-decision").inner_text() == "确认重复"

    page.goto(f"{urls['reply']}/@@mining-findings")
    assert "档案文本挖掘发现" in page.content()
    related = page.locator("#sd-mining-related").inner_text()
    assert "引用" in related and codes["notice"] in related
    row = page.locator('#sd-mining-entities tr[data-kind="people"][data-name="张伟"]')
    with page.expect_navigation():
        row.locator('button[value="reject"]').click()
    row = page.locator('#sd-mining-entities tr[data-kind="people"][data-name="张伟"]')
    assert row.get_attribute("data-decision") == "rejected"
    assert "已驳回" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "mining-findings-record.png"), full_page=True)
