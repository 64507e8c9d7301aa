"""Transfer and receipt in a real headless Chromium (移交接收界面): the records room's system
posts a transfer package; the archivist opens the batch, sees the progress and the records,
signs off the manual items one by one and accepts; the receipt appears. Screenshots go to
test-artifacts/browser/."""

import pytest
import requests
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from browser_helpers import TRANSFER_SAMPLE
from browser_helpers import as_manager
from browser_helpers import log_in
from browser_helpers import post_transfer
from browser_helpers import sign_off_manual_items
from plone import api

from sd.archive.testing import make_fonds

PASSWORD = "secret-browser-1"

pytestmark = [
    *BROWSER,
    pytest.mark.skipif(
        not TRANSFER_SAMPLE.exists(),
        reason="the shared sample packages are not beside the checkout",
    ),
]


@pytest.fixture
def transfer_site(acceptance, tmp_path, monkeypatch):
    """The archives' site (zh-cn) with fonds J001, the room's account and an archivist."""
    from sd.archive.ledger import node

    monkeypatch.setenv("SD_ARCHIVE_LEDGER_DIR", str(tmp_path / "ledger"))
    node.forget_identities()
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        api.user.create(email="room@example.org", username="room-j001", password=PASSWORD)
        api.user.grant_roles(username="room-j001", obj=fonds, roles=["Submitter"])
        api.user.create(
            email="archivist@example.org",
            username="archivist",
            password=PASSWORD,
            roles=["Member", "Archivist"],
        )
    return portal.absolute_url().replace("127.0.0.1", "localhost")


def post_sample(url, **headers):
    return post_transfer(url, "room-j001", PASSWORD, **headers)


@pytest.fixture
def batch_url(transfer_site):
    """A received transfer batch awaiting acceptance (posted over REST by the room's account)."""
    return transfer_site, post_sample(transfer_site)


def log_in_archivist(page, site):
    log_in(page, site, "archivist", PASSWORD)


def test_archivist_signs_off_and_accepts_a_batch(batch_url, page):
    site, batch = batch_url
    log_in_archivist(page, site)

    page.goto(f"{batch}/@@transfer-batch")
    progress = page.locator("#transfer-progress").inner_text()
    assert "5 / 5" in progress and "100" in progress
    assert page.locator("#transfer-records tbody tr").count() == 5
    assert "J001-WS·2018-D30-BGS-0005" in page.locator("#transfer-records").inner_text()
    assert page.locator("#transfer-state").get_attribute("data-state") == "awaiting_acceptance"
    assert page.locator("#transfer-state").inner_text() == "待接收"  # zh_CN first
    page.screenshot(path=str(ARTIFACTS / "transfer-batch.png"), full_page=True)

    # the manual items, signed off one by one (each form posts and comes back to the page)
    assert page.locator("#transfer-manual code").all_inner_texts() == [
        "YJ-4-3",
        "YJ-4-4",
        "HANDOVER",
    ]
    sign_off_manual_items(page, "已核验")
    page.screenshot(path=str(ARTIFACTS / "transfer-signed.png"), full_page=True)
    manual = page.locator("#transfer-manual").inner_text()
    assert manual.count("archivist") == 3 and "YJ-4-4 已核验" in manual

    page.locator("button[name=accept]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#transfer-state").get_attribute("data-state") == "received"
    assert page.locator("#transfer-state").inner_text() == "已接收"
    assert page.locator("#transfer-direction").inner_text() == "接收进馆"
    assert "已进馆" in page.locator("#plone-contentmenu-workflow").inner_text()  # the toolbar too
    assert page.locator("a[href$='what=receipt.json']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "transfer-accepted.png"), full_page=True)

    receipt = requests.get(
        f"{batch}/@@transfer-download?what=receipt.json", auth=("archivist", PASSWORD), timeout=60
    )
    assert receipt.status_code == 200 and receipt.json()


def test_background_progress_refreshes_itself(transfer_site, page, monkeypatch):
    """A batch checked in the background: the page shows how far it is and reloads itself
    until every record is done (storage slowed down so that the run can be watched)."""
    import time

    from sd.archive.transfer import records

    real = records.store_record

    def slow(*args, **kw):
        time.sleep(1.0)
        return real(*args, **kw)

    monkeypatch.setattr(records, "store_record", slow)
    monkeypatch.setenv("SD_ARCHIVE_TRANSFER_GROUP", "1")
    log_in_archivist(page, transfer_site)
    batch = post_sample(transfer_site, Prefer="respond-async")
    page.goto(f"{batch}/@@transfer-batch")
    assert page.locator("#transfer-progress").get_attribute("data-running") == "true"
    assert "后台检测中" in page.locator("#transfer-progress").inner_text()
    page.screenshot(path=str(ARTIFACTS / "transfer-running.png"), full_page=True)
    # no action of ours: the page reloads itself until the batch awaits acceptance
    page.wait_for_selector("#transfer-state[data-state=awaiting_acceptance]", timeout=60_000)
    assert page.locator("#transfer-progress").get_attribute("data-running") == "false"
    assert "5 / 5" in page.locator("#transfer-progress").inner_text()
