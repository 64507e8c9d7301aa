"""Arrangement suggestions (整理建议, #28) in a real headless Chromium: the records officer sees
the suggestion in the review queue, accepts it with one click, and the acceptance page counts it;
the record page shows the similar records and the keyword suggestions, in Chinese."""

import sys
from pathlib import Path

import pytest
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in
from plone import api

from sd.archive.core.mining import model_store
from sd.archive.testing import make_fonds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plone" / "mining_suggestions"))
from mining_helpers import _pending  # noqa: E402
from mining_helpers import learn_from  # noqa: E402
from mining_helpers import set_up_scheme  # noqa: E402

PASSWORD = "secret-browser-28"

pytestmark = BROWSER


@pytest.fixture
def suggested(acceptance, tmp_path, monkeypatch):
    from sd.archive.mining.suggestions import models

    monkeypatch.setenv("SD_ARCHIVE_MINING_DIR", str(tmp_path))
    monkeypatch.setattr(models, "MIN_RECORDS", 10)
    model_store.clear_cache()
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        set_up_scheme(fonds)
        learn_from(fonds)
        record = _pending(fonds, 1, "2024年会计凭证", "本月共编制记账凭证，附原始凭证。")
        api.user.create(email="officer@example.org", username="officer", password=PASSWORD)
        api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
        models.retrain(fonds, actor="test")
        record_url = record.absolute_url()
    site = portal.absolute_url().replace("127.0.0.1", "localhost")
    return site, record_url.replace("127.0.0.1", "localhost")


def test_officer_accepts_a_suggestion_in_one_click(suggested, page):
    site, record_url = suggested
    log_in(page, site, "officer", PASSWORD)

    page.goto(record_url)
    block = page.locator("#sd-mining-suggestions")
    assert block.count() == 1
    text = block.inner_text()
    assert "整理建议" in text and "相似的已整理档案" in text and "KJ" in text
    page.screenshot(path=str(ARTIFACTS / "mining-record-suggestions.png"), full_page=True)

    page.goto(f"{site}/j001/@@review-queue")
    cell = page.locator(".sd-review-suggested")
    assert cell.count() == 1 and cell.inner_text() == "KJ / D30 / CWC"
    page.screenshot(path=str(ARTIFACTS / "mining-review-queue.png"), full_page=True)
    with page.expect_navigation():
        page.click(".sd-review-accept-suggestion")
    page.wait_for_load_state("networkidle")
    assert "@@review-queue" in page.url
    assert page.locator(".sd-review-select").count() == 0  # archived, out of the queue

    page.goto(f"{site}/j001/@@mining-acceptance")
    totals = page.locator(".sd-mining-total-arrangement").inner_text()
    assert "1" in totals and "100%" in totals
    assert "建议采纳情况" in page.content()
    page.screenshot(path=str(ARTIFACTS / "mining-acceptance.png"), full_page=True)
