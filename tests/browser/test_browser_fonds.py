"""Classic UI in a real headless Chromium (Debian's, driven by Playwright): log in, open a
fonds listing, filter it, open a record page. Screenshots go to test-artifacts/."""

import pytest
import transaction
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

pytestmark = BROWSER


@pytest.fixture
def site(acceptance):
    portal = acceptance["portal"]
    with api.env.adopt_roles(["Manager"]):
        portal.portal_registry["plone.default_language"] = "zh-cn"
        portal.portal_registry["plone.available_languages"] = ["zh-cn", "en"]
        portal.setLanguage("zh-cn")
        fonds = make_fonds(portal)
        make_record(fonds, 99, title="预归档待整理的文件")  # no code yet: listed all the same
        for n in range(1, 7):
            year = 2021 if n <= 4 else 2022
            record = make_record(fonds, n, year=year, title=f"关于档案工作的通知（{n}）")
            assign_code(record, "WS", year, "Y", "BGS")
            api.content.transition(record, transition="archive")
    transaction.commit()
    return portal.absolute_url().replace("127.0.0.1", "localhost")


def login(page, url):
    page.goto(f"{url}/login")
    page.fill("#__ac_name", SITE_OWNER_NAME)
    page.fill("#__ac_password", SITE_OWNER_PASSWORD)
    page.click("#buttons-login")
    page.wait_for_load_state("networkidle")


def test_fonds_listing_filter_and_record_page(site, page):
    login(page, site)
    page.goto(f"{site}/j001")
    assert page.locator("#fonds-code").inner_text() == "J001"
    assert page.locator("#sd-record-count").inner_text() == "7"
    assert "档号" in page.locator("#sd-records thead").inner_text()  # zh_CN first
    page.screenshot(path=str(ARTIFACTS / "fonds-listing.png"), full_page=True)

    page.select_option("#filter-year", "2022")
    page.click("#filter-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-record-count").inner_text() == "2"
    codes = page.locator("#sd-records tbody td:first-child").all_inner_texts()
    assert codes == ["J001-WS·2022-Y-BGS-0001", "J001-WS·2022-Y-BGS-0002"]
    page.screenshot(path=str(ARTIFACTS / "fonds-filtered.png"), full_page=True)

    page.locator("a.sd-record-link").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-record-state").get_attribute("data-state") == "archived"
    assert "J001-WS·2022-Y-BGS-0001" in page.locator("#sd-metadata").inner_text()
    assert page.locator("#sd-components tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "record-page.png"), full_page=True)
