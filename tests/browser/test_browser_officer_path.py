"""The records officer's main path in a real headless Chromium (#24), from login through the
workbench (工作台): the review queue → archive a record → the fonds' item catalogue → download
the XLSX → transfer out (tick one record, preview, confirm). Between the steps the officer
comes back by the 工作台 tab of the role navigation at the top of every page. Screenshots go to
test-artifacts/browser/ (and to the user guide's images with ``make screenshots``)."""

import os
import sys
from pathlib import Path

import pytest
import requests
import transaction
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in
from browser_helpers import shoot
from plone import api

from sd.archive.testing import PACKAGE_SAMPLES
from sd.archive.testing import make_fonds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))
from build_corpus import undecided_pre_archive  # noqa: E402

PASSWORD = "secret-browser-path"
SAMPLE = Path(os.environ.get("SD_ARCHIVE_SAMPLES", PACKAGE_SAMPLES)) / "pre-archive-gongwen.zip"
CODE = "J001-WS·2023-D10-BGS-0001"

pytestmark = [
    *BROWSER,
    pytest.mark.skipif(
        not SAMPLE.exists(), reason="the shared sample packages are not beside the checkout"
    ),
]


@pytest.fixture
def room(acceptance, tmp_path, monkeypatch):
    """J001 with two records waiting in the review queue; records of 2023 are due (1 year)."""
    from sd.archive.ledger import node

    monkeypatch.setenv("SD_ARCHIVE_LEDGER_DIR", str(tmp_path / "ledger"))
    node.forget_identities()
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        api.portal.set_registry_record("sd.archive.settings.transfer_after_years", 1)
        for user, roles in (("svc-j001", ["Submitter"]), ("officer", ["RecordsOfficer", "Reader"])):
            api.user.create(email=f"{user}@example.org", username=user, password=PASSWORD)
            api.user.grant_roles(username=user, obj=fonds, roles=roles)
    url = portal.absolute_url().replace("127.0.0.1", "localhost")
    bodies = []
    for n in (1, 2):
        answer = requests.post(
            f"{url}/@pre-archive",
            data=undecided_pre_archive(n, 7),
            auth=("svc-j001", PASSWORD),
            headers={"Content-Type": "application/zip", "Accept": "application/json"},
            timeout=120,
        )
        assert answer.status_code == 201 and answer.json()["status"] == "pending_review", (
            answer.text[:500]
        )
        bodies.append(answer.json())
    return url, bodies


def back_to_the_workbench(page):
    """The first tab of the role navigation, on whatever page the officer is."""
    tab = page.locator("#portal-globalnav > li").first.locator("a").first
    assert tab.inner_text().strip() == "工作台"
    with page.expect_navigation():
        tab.click()
    page.wait_for_selector("#sd-wb-officer-J001")


def test_officer_main_path(room, page):
    site, bodies = room
    log_in(page, site, "officer", PASSWORD)

    # 工作台: two records wait in the review queue of J001
    page.goto(site)
    section = page.wait_for_selector("#sd-wb-officer-J001")
    assert section.query_selector(".sd-wb-review .sd-count").inner_text() == "2"
    shoot(page, "guide-officer-1-workbench", full_page=True)

    # review queue → archive the first record with category, retention and organisation
    with page.expect_navigation():
        page.click("#sd-wb-officer-J001 .sd-wb-review a")
    assert page.url.endswith("/j001/@@review-queue")
    page.wait_for_selector(f"#sel-{bodies[0]['UID']}")
    page.check(f"#sel-{bodies[0]['UID']}")
    page.fill("#category", "WS")
    page.select_option("#retention", "D10")
    page.fill("#org_code", "BGS")
    with page.expect_navigation():
        page.click("button[name='form.adjust']")
    page.wait_for_selector(f"#sel-{bodies[1]['UID']}")
    assert page.locator(".sd-review-select").count() == 1
    shoot(page, "guide-officer-2-archived", full_page=True)

    # the workbench counts it: one left to review, one due for transfer
    back_to_the_workbench(page)
    section = page.locator("#sd-wb-officer-J001")
    assert section.locator(".sd-wb-review .sd-count").inner_text() == "1"
    assert section.locator(".sd-wb-due .sd-count").inner_text() == "1"

    # the fonds' item catalogue (归档文件目录) → the XLSX, with the archived record in it
    page.goto(f"{site}/j001")
    with page.expect_navigation():
        page.click("#sd-catalogue-link")
    assert "/j001/@@catalogue" in page.url
    assert page.locator("#sd-catalogue-count strong").inner_text() == "1"
    with page.expect_download() as download_info:
        page.click("#catalogue-xlsx")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = ARTIFACTS / "officer-path-catalogue.xlsx"
    download.save_as(str(saved))
    import openpyxl

    sheet = openpyxl.load_workbook(saved, read_only=True).active
    cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    assert CODE in cells, sorted(cells)[:40]

    # transfer out: nothing ticked; tick the record, preview, confirm
    back_to_the_workbench(page)
    with page.expect_navigation():
        page.click("#sd-wb-officer-J001 .sd-wb-due a")
    assert page.url.endswith("/j001/@@transfer-out")
    box = page.wait_for_selector("#eligible-records input[type=checkbox]")
    assert page.locator("#eligible-records input[type=checkbox]").count() == 1
    assert not box.is_checked()
    assert CODE in page.locator("#eligible-records").inner_text()
    box.check()
    with page.expect_navigation():
        page.click("#transfer-select button[name=preview]")
    preview = page.wait_for_selector("#transfer-preview")
    assert preview.get_attribute("data-count") == "1"
    assert preview.get_attribute("data-first-code") == CODE
    assert int(preview.get_attribute("data-bytes")) > 0
    shoot(page, "guide-officer-3-preview", full_page=True)
    page.fill("#description", "2023年文书档案移交")
    with page.expect_navigation():
        page.click("#transfer-confirm button[name=build]")
    page.wait_for_load_state("networkidle")
    shoot(page, "guide-officer-4-sent", full_page=True)

    transaction.begin()
    portal = api.portal.get()
    archived = portal.unrestrictedTraverse(bodies[0]["@id"].split("/plone/", 1)[1])
    waiting = portal.unrestrictedTraverse(bodies[1]["@id"].split("/plone/", 1)[1])
    assert archived.archival_code == CODE
    assert api.content.get_state(archived) == "transferred"
    assert api.content.get_state(waiting) != "transferred"
    batches = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        portal_type="TransferBatch"
    )
    assert len(batches) == 1
    assert page.url.startswith(batches[0].getURL().replace("127.0.0.1", "localhost"))
