"""The workbench (工作台) in a real headless Chromium: each role lands on its own front page
after login; the records officer clicks through to the review queue, the archivist to a
transfer batch waiting for acceptance. A screenshot of each role's workbench goes to
test-artifacts/browser/, and with SD_ARCHIVE_SCREENSHOTS=docs/images (``make screenshots``) to
the user guide's images (docs/guide.md, docs/workbench.md)."""

import sys
from pathlib import Path

import pytest
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in
from browser_helpers import shoot

from sd.archive.testing import make_fonds
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plone" / "workbench"))
from workbench_data import fill  # noqa: E402

PASSWORD = "secret-browser-wb"
ACCOUNTS = {
    # login: (global roles, local roles on J001)
    "officer-j001": ([], ["RecordsOfficer", "Reader"]),
    "archivist": (["Archivist"], []),
    "supervisor": (["Supervisor"], []),
    "sysadmin": (["SystemAdministrator"], []),
    "secadmin": (["SecurityAdministrator"], []),
    "auditor": (["SecurityAuditor"], []),
}

pytestmark = BROWSER


@pytest.fixture
def site(acceptance):
    portal = acceptance["portal"]
    with as_manager(portal):
        j001 = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        j002 = make_fonds(portal, "j002", "J002", "DA/T 13-2022")
        make_users(ACCOUNTS, j001, PASSWORD)
        fill(portal, j001, j002)
    return portal.absolute_url().replace("127.0.0.1", "localhost")


def test_anonymous_gets_the_public_page(site, page):
    page.goto(site)
    assert page.locator("#sd-public").count() == 1
    assert page.locator("#sd-login").inner_text() == "登录"
    shoot(page, "workbench-anonymous")


def test_officer_goes_from_the_workbench_to_the_review_queue(site, page):
    log_in(page, site, "officer-j001", PASSWORD)
    page.goto(site)
    section = page.locator("#sd-wb-officer-J001")
    assert section.locator(".sd-wb-review .sd-count").inner_text() == "3"
    assert section.locator(".sd-wb-rejections .sd-count").inner_text() == "2"
    assert section.locator(".sd-wb-due .sd-count").inner_text() == "2"
    assert page.locator("h1.documentFirstHeading").inner_text() == "工作台"
    shoot(page, "workbench-officer")
    with page.expect_navigation():
        section.locator(".sd-wb-review a").click()
    assert page.url.endswith("/j001/@@review-queue")
    assert page.locator("#sd-review-queue").count() == 1


def test_archivist_goes_from_the_workbench_to_a_batch(site, page):
    log_in(page, site, "archivist", PASSWORD)
    page.goto(site)
    section = page.locator("#sd-wb-archivist")
    assert section.locator(".sd-wb-to-accept .sd-count").inner_text() == "2"
    assert section.locator(".sd-wb-alarms .sd-count").inner_text() == "1"
    shoot(page, "workbench-archivist")
    with page.expect_navigation():
        section.locator(".sd-wb-batches a", has_text="移交 J001 批次 1").click()
    assert page.url.endswith("/j001/batch-j001-1/@@transfer-batch")
    assert page.locator("body").inner_text().strip()


@pytest.mark.parametrize(
    "user,section,link",
    [
        ("supervisor", "#sd-wb-supervisor", "/j002"),
        ("sysadmin", "#sd-wb-sysadmin", "@@ledger-nodes"),
        ("secadmin", "#sd-wb-secadmin", "@@usergroup-userprefs"),
        ("auditor", "#sd-wb-auditor", "@@audit-trail"),
    ],
)
def test_each_role_lands_on_its_workbench(site, page, user, section, link):
    log_in(page, site, user, PASSWORD)
    page.goto(site)
    assert page.locator(section).count() == 1
    assert page.locator(f"#sd-workbench-nav a[href$='{link}']").count() == 1
    shoot(page, f"workbench-{user}")
