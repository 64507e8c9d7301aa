"""案卷 in a real headless Chromium (#24 item 3): the records officer of a volume-arranged fonds
opens 案卷 from the workbench navigation, makes a volume, ticks two records (nothing is ticked
beforehand), previews, confirms with a reason and sees them in the volume with 卷内件号 1, 2."""

import datetime

import pytest
import transaction
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in_to_workbench
from plone import api

from sd.archive.core import codes
from sd.archive.numbering import assign_code
from sd.archive.rules import set_category_rule
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import make_users

pytestmark = BROWSER
PASSWORD = "secret-12345"


@pytest.fixture
def site(acceptance):
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j003", "J003", "DA/T 13-2022", use_org_code=False)
        set_category_rule(
            fonds, "WS", codes.CodeRule(grammar=codes.DAT13, level=codes.VOLUME, use_org=False)
        )
        for n, day in ((1, 20), (2, 5), (3, 9)):
            record = make_record(
                fonds,
                n,
                title=f"局务会议纪要（第{n}期）",
                document_date=datetime.date(2023, 3, day),
                pages=n + 1,
            )
            assign_code(record, "WS", 2023, "Y", "")
            api.content.transition(record, transition="archive")
        make_users({"officer": ([], ["RecordsOfficer", "Reader"])}, fonds, PASSWORD)
    transaction.commit()
    return portal.absolute_url().replace("127.0.0.1", "localhost")


def test_officer_makes_a_volume_and_puts_two_records_in(site, page):
    log_in_to_workbench(page, site, "officer", PASSWORD)
    page.locator(f"a[href='{site}/j003/@@volumes']:visible").first.click()
    page.wait_for_load_state("networkidle")
    assert "案卷" in page.locator("h1").first.inner_text()

    page.fill("#sd-volume-title", "2023年度局务会议纪要")
    page.fill("#sd-volume-year", "2023")
    page.select_option("#sd-volume-retention", "Y")
    page.fill("#sd-volume-compiler", "王芳")
    page.click("#sd-volume-create")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-volume-code").inner_text() == "J003-WS·2023·Y-001"
    assert page.locator("#sd-volume-items").inner_text() == "0"

    page.click("#sd-volume-place-link")
    page.wait_for_load_state("networkidle")
    ticks = page.locator("input.sd-arrange-tick")
    assert ticks.count() == 3
    assert page.locator("input.sd-arrange-tick:checked").count() == 0  # nothing pre-ticked
    rows = page.locator("#sd-arrange-records tbody tr")
    for title in ("局务会议纪要（第1期）", "局务会议纪要（第3期）"):
        rows.filter(has_text=title).locator("input").check()
    page.fill("#sd-arrange-reason", "按年度组卷")
    page.click("#sd-arrange-preview-button")
    page.wait_for_load_state("networkidle")
    preview = page.locator("#sd-arrange-preview").inner_text()
    assert "J003-WS·2023·Y-001-0001" in preview and "J003-WS·2023·Y-001-0002" in preview
    page.screenshot(path=str(ARTIFACTS / "volume-arrange-preview.png"), full_page=True)

    page.click("#sd-arrange-confirm-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-volume-items").inner_text() == "2"
    assert page.locator("#sd-volume-pages").inner_text() == str(4 + 2)
    table = page.locator("#sd-volume-records tbody tr")
    assert table.count() == 2
    first, second = table.nth(0).inner_text(), table.nth(1).inner_text()
    assert "局务会议纪要（第3期）" in first and "J003-WS·2023·Y-001-0001" in first  # 3 March 9
    assert "局务会议纪要（第1期）" in second and "J003-WS·2023·Y-001-0002" in second
    assert "Traceback" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "volume-page.png"), full_page=True)
