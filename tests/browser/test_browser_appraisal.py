"""鉴定与销毁 in a real headless Chromium (#25): the records officer proposes a batch of
expired records → two members of the appraisal group record their opinions (shown side by
side) → the officer submits → the agency's leader approves (the archives' leader may not) →
the officer executes with two supervisors → the certificate (销毁证明) is there as a PDF and
filed as a record → the disc images no longer hold the destroyed AIPs and the burnt discs
wait for a person, who confirms one."""

import os
import uuid

import pytest
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import log_in
from browser_helpers import shoot
from plone import api

from sd.archive.appraisal import batches
from sd.archive.numbering import assign_code
from sd.archive.preservation import config
from sd.archive.preservation import discs
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import make_users

PASSWORD = "secret-browser-appraisal"
ACCOUNTS = {
    "officer": ([], ["RecordsOfficer", "Reader"]),
    "member2": ([], []),
    "leader": ([], ["AgencyLeader", "Reader"]),  # 机关领导 of J001
    "archives-leader": (["Leader"], []),  # 档案馆领导: approves holdings batches only
}

pytestmark = BROWSER


@pytest.fixture
def site(acceptance):
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        make_users(ACCOUNTS, fonds, PASSWORD)
        codes = []
        for n in (1, 2):
            record = make_record(fonds, n, retention_period="D10", pages=2)
            assign_code(record, "WS", 2011, "D10", "BGS")
            api.content.transition(record, transition="archive")
            codes.append(record.archival_code)
        with api.env.adopt_user(username="officer"):
            batches.set_group(fonds, "agency", ["officer", "member2"])
        # the AIPs burnt on sets A and B (images kept on disk; names of this run's own)
        tag = uuid.uuid4().hex[:6].upper()
        made = discs.batch(f"W{tag}", f"X{tag}", location_id=config.online_locations()[0].id)
    return portal.absolute_url().replace("127.0.0.1", "localhost"), codes, made


def switch(page, site, user):
    page.goto(f"{site}/logout")
    page.context.clear_cookies()
    log_in(page, site, user, PASSWORD)


def opinion(page, url, reason):
    page.goto(url)
    page.select_option("#sd-opinion-record", "*")
    page.select_option("#sd-opinion-decision", "destroy")
    page.fill("#sd-opinion-reason", reason)
    page.click("#sd-opinion-save")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-appraisal-error").count() == 0


def test_proposal_opinions_approval_execution_certificate(site, page):
    site, codes, made = site
    # 1. the records officer proposes the expired records (zh_CN page)
    log_in(page, site, "officer", PASSWORD)
    page.goto(f"{site}/j001/@@appraisal-batches")
    assert "鉴定批次" in page.locator("h1").inner_text()
    for code in codes:
        assert code in page.locator("#sd-appraisal-expired").inner_text()
    page.fill("#sd-appraisal-title", "2026年度鉴定批次（测试）")
    page.fill("#sd-appraisal-reason", "保管期限已满")
    for box in page.locator("#sd-appraisal-expired input[type=checkbox]").all():
        box.check()
    page.click("#sd-appraisal-propose-button")
    page.wait_for_load_state("networkidle")
    url = page.url.split("?")[0]
    assert "/appraisal-" in url and page.locator("#sd-appraisal-state").inner_text() == "鉴定中"
    # 2. both members of the group give their opinion; shown side by side
    opinion(page, url, "已无查考价值")
    switch(page, site, "member2")
    opinion(page, url, "同意销毁")
    table = page.locator("#sd-appraisal-records").inner_text()
    assert "销毁（已无查考价值）" in table and "销毁（同意销毁）" in table
    assert page.locator("#sd-appraisal-submit").count() == 0  # a member does not submit
    shoot(page, "appraisal-opinions")
    # 3. the officer submits; the register is there
    switch(page, site, "officer")
    page.goto(url)
    page.click("#sd-appraisal-submit-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-appraisal-state").inner_text() == "待审批"
    register = page.request.get(f"{url}/@@appraisal-register-file?format=pdf")
    assert register.ok and register.body().startswith(b"%PDF")
    assert page.locator("#sd-appraisal-approve").count() == 0  # not their own proposal
    # 4. the archives' leader may look but not approve a records room's batch; the agency's
    # leader approves (the workbench shows the batch waiting)
    switch(page, site, "archives-leader")
    page.goto(url)
    assert page.locator("#sd-appraisal-state").inner_text() == "待审批"
    assert page.locator("#sd-approve-button").count() == 0
    switch(page, site, "leader")
    page.goto(site)
    assert page.locator(".sd-wb-appraisal-approval .sd-count").inner_text() == "1"
    page.goto(url)
    page.fill("#sd-approve-comment", "同意销毁")
    page.click("#sd-approve-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-appraisal-state").inner_text() == "已批准待销毁"
    # 5. the officer executes with two supervisors: one is refused first
    switch(page, site, "officer")
    page.goto(url)
    page.fill("#sd-supervisor1", "张三")
    page.fill("#sd-supervisor2", "张三")
    page.click("#sd-execute-button")
    page.wait_for_load_state("networkidle")
    assert "两名不同的监销人" in page.locator("#sd-appraisal-error").inner_text()
    page.fill("#sd-supervisor1", "张三")
    page.fill("#sd-supervisor2", "李四")
    page.click("#sd-execute-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sd-appraisal-state").inner_text() == "已执行"
    assert page.locator("#sd-appraisal-destroyed").inner_text() == "2"
    assert page.locator("#sd-appraisal-supervisors").inner_text() == "张三、李四"
    # 6. the certificate: a PDF, and filed as a record of the fonds
    certificate = page.request.get(page.locator("#sd-appraisal-certificate").get_attribute("href"))
    assert certificate.ok and certificate.body().startswith(b"%PDF")
    assert page.locator("#sd-appraisal-certificate-record").inner_text().startswith("J001-WS")
    # 7. the disc images no longer hold the destroyed AIPs (both records gone: no image
    # left); the burnt discs wait for a person, who confirms one
    assert not any(os.path.exists(p) for p in made.images.values())
    carriers = page.locator("#sd-appraisal-carriers").inner_text()
    assert all(c in carriers for c in made.images), carriers
    first = sorted(made.images)[0]
    row = page.locator("#sd-appraisal-carriers tr", has_text=first)
    row.locator("input[name=note]").fill("已粉碎")
    row.locator("button[name='form.carrier']").click()
    page.wait_for_load_state("networkidle")
    assert first not in page.locator("#sd-appraisal-carriers").inner_text()
    shoot(page, "appraisal-executed")
    body = page.content()
    assert "Traceback" not in body and '"type"' not in body
