"""The review queue (待人工整理) in a real headless Chromium: pre-archive records that no
arrangement rule decided wait for a records officer, who archives some in bulk with adjusted
values and rejects another with a reason."""

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
from plone import api

from sd.archive.testing import PACKAGE_SAMPLES
from sd.archive.testing import make_fonds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))
from build_corpus import undecided_pre_archive  # noqa: E402

PASSWORD = "secret-browser-2"
SAMPLE = Path(os.environ.get("SD_ARCHIVE_SAMPLES", PACKAGE_SAMPLES)) / "pre-archive-gongwen.zip"

pytestmark = [
    *BROWSER,
    pytest.mark.skipif(
        not SAMPLE.exists(), reason="the shared sample packages are not beside the checkout"
    ),
]


@pytest.fixture
def queue(acceptance):
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        for user, roles in (("svc-j001", ["Submitter"]), ("officer", ["RecordsOfficer", "Reader"])):
            api.user.create(email=f"{user}@example.org", username=user, password=PASSWORD)
            api.user.grant_roles(username=user, obj=fonds, roles=roles)
    url = portal.absolute_url().replace("127.0.0.1", "localhost")
    bodies = []
    for n in (1, 2, 3):
        answer = requests.post(
            f"{url}/@pre-archive",
            data=undecided_pre_archive(n),
            auth=("svc-j001", PASSWORD),
            headers={"Content-Type": "application/zip", "Accept": "application/json"},
            timeout=120,
        )
        assert answer.status_code == 201 and answer.json()["status"] == "pending_review", (
            answer.text[:500]
        )
        bodies.append(answer.json())
    return url, bodies


def test_officer_adjusts_in_bulk_and_rejects_with_a_reason(queue, page):
    site, bodies = queue
    log_in(page, site, "officer", PASSWORD)

    page.goto(f"{site}/j001/@@review-queue")
    assert page.locator(".sd-review-select").count() == 3
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    # the first two: archived in bulk with the category, retention and organisation set
    for body in bodies[:2]:
        page.check(f"#sel-{body['UID']}")
    page.fill("#category", "WS")
    page.select_option("#retention", "D10")
    page.fill("#org_code", "BGS")
    with page.expect_navigation():
        page.click("button[name='form.adjust']")
    page.wait_for_load_state("networkidle")
    assert page.locator(".sd-review-select").count() == 1

    # the last one: rejected, with the reason kept
    page.check(f"#sel-{bodies[2]['UID']}")
    page.fill("#reason", "不属于归档范围")
    with page.expect_navigation():
        page.click("button[name='form.reject']")
    page.wait_for_load_state("networkidle")
    assert page.locator(".sd-review-empty").count() == 1
    page.screenshot(path=str(ARTIFACTS / "review-queue-done.png"), full_page=True)

    transaction.begin()
    portal = api.portal.get()
    records = [portal.unrestrictedTraverse(b["@id"].split("/plone/", 1)[1]) for b in bodies]
    assert sorted(r.archival_code for r in records[:2]) == [
        "J001-WS·2023-D10-BGS-0001",
        "J001-WS·2023-D10-BGS-0002",
    ]
    assert [api.content.get_state(r) for r in records] == ["archived", "archived", "rejected"]
    assert records[2].arrangement["reason"] == "不属于归档范围"
    assert records[0].arrangement["reviewed_by"] == "officer"
