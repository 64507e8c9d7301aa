"""开放审核 in a real headless Chromium (#25): a reviewer proposes a batch → decides one
record in bulk (open), one controlled use (reason, next review date) and one with redactions
(page 1 withheld) → a second reviewer approves → an anonymous visitor finds the opened
records in the public catalogue, not the controlled one."""

import sys
from pathlib import Path

import pytest
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in
from browser_helpers import shoot

from sd.archive.testing import make_fonds
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plone" / "openreview"))
from openreview_data import received  # noqa: E402

PASSWORD = "secret-browser-openreview"
ACCOUNTS = {"archivist": (["Archivist"], []), "archivist2": (["Archivist"], [])}

pytestmark = BROWSER


@pytest.fixture
def site(acceptance):
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        make_users(ACCOUNTS, fonds, PASSWORD)
        made = [
            received(fonds, 1, 1995, title="关于机构编制调整的通知"),
            received(fonds, 2, 1996, title="关于职工住房分配的请示"),
            received(fonds, 3, 1997, real=True, title="关于人员调动的通知"),
        ]
        codes = [r.archival_code for r in made]
        uids = [r.UID() for r in made]
    return portal.absolute_url().replace("127.0.0.1", "localhost"), codes, uids


def log_out(page, site):
    page.goto(f"{site}/logout")
    page.context.clear_cookies()


def decide(page, uid: str, decision: str, reason: str = "", **fields):
    page.check(f"#sd-or-tick-{uid}")
    page.select_option("#sd-or-decision", decision)
    page.fill("#sd-or-reason", reason)
    page.fill("#sd-or-next", fields.get("next_review", ""))
    page.fill("#sd-or-pages", fields.get("pages", ""))
    with page.expect_navigation():
        page.click("#sd-or-bulk-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-openreview-error").count() == 0, page.locator("body").inner_text()


def test_propose_decide_approve_public(site, page):
    site, codes, uids = site
    # 1. the reviewer proposes a batch of J001 from the open-access review page
    log_in(page, site, "archivist", PASSWORD)
    page.goto(f"{site}/@@openreview")
    assert page.locator("h1").first.inner_text() == "开放审核"
    page.select_option("#sd-or-fonds", "J001")
    page.fill("#sd-or-title", "2026 年度开放审核")
    with page.expect_navigation():
        page.click("button[name='form.propose']")
    assert page.locator("#sd-openreview-state").inner_text() == "审核中"
    rows = page.locator("#sd-openreview-records tbody tr")
    assert rows.count() == 3
    # 2. decisions: open (bulk form), controlled use, redacted (page 1 withheld)
    decide(page, uids[0], "open")
    decide(page, uids[1], "controlled", "涉及个人隐私", next_review="2031-01-01")
    decide(page, uids[2], "redacted", "第1页含个人身份信息", pages="1")
    assert page.locator("#sd-openreview-decided").inner_text() == "3"
    shoot(page, "openreview-batch")
    # the proposer may not approve their own batch
    with page.expect_navigation():
        page.click("button[name='form.approve']")
    assert "不得审批本人" in page.locator("#sd-openreview-error").inner_text()
    batch_url = page.url
    log_out(page, site)

    # 3. a second reviewer approves: the decisions take effect
    log_in(page, site, "archivist2", PASSWORD)
    page.goto(batch_url)
    with page.expect_navigation():
        page.click("button[name='form.approve']")
    assert page.locator("#sd-openreview-state").inner_text() == "已批准开放"
    assert page.locator("#sd-openreview-xlsx").count() == 1
    log_out(page, site)

    # 4. an anonymous visitor finds the opened records in the public catalogue
    page.goto(f"{site}/@@archive-search?q=关于")
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    assert codes[0] in text and codes[2] in text, text[:2000]
    assert codes[1] not in text
