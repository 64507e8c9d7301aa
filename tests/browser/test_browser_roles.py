"""A walk per role in a real headless Chromium (#24 Tests), from login through the workbench
(工作台), asserting what each role sees and may do: the archivist (档案馆接收人员) receives a
transfer and downloads its registration form, or uploads an offline package; the supervisor
(监督指导人员) reads the queues and rejections and is kept out of the records officer's actions;
the three administrators (系统管理员, 安全保密管理员, 安全审计员) each do their own work and no
more; an anonymous visitor sees the public page only. The records officer's walk is
test_browser_officer_path.py.

Screenshots of the steps go to test-artifacts/browser/ (and, with
``SD_ARCHIVE_SCREENSHOTS=docs/images``, i.e. ``make screenshots``, to the user guide
docs/guide.md as ``guide-<role>-<step>.png``)."""

import sys
from pathlib import Path

import openpyxl
import pytest
import transaction
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from browser_helpers import TRANSFER_SAMPLE
from browser_helpers import as_manager
from browser_helpers import assert_forbidden
from browser_helpers import log_in_to_workbench
from browser_helpers import post_transfer
from browser_helpers import shoot
from browser_helpers import sign_off_manual_items
from plone import api

from sd.archive.testing import make_fonds
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plone" / "workbench"))
from pdfcheck import needs_tools  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402
from workbench_data import fill  # noqa: E402

PASSWORD = "secret-browser-roles"
MANUAL = ["YJ-4-3", "YJ-4-4", "HANDOVER"]
#: the five records of TRANSFER_SAMPLE (档号, with the middle dot of DA/T 13)
CODES = [f"J001-WS·2018-D30-BGS-000{n}" for n in range(1, 6)]

pytestmark = BROWSER
needs_sample = pytest.mark.skipif(
    not TRANSFER_SAMPLE.exists(), reason="the shared sample packages are not beside the checkout"
)


@pytest.fixture
def own_trail(tmp_path, monkeypatch):
    """This test's own ledger and audit trail (counts and the chain check start from empty)."""
    from sd.archive.ledger import node

    monkeypatch.setenv("SD_ARCHIVE_LEDGER_DIR", str(tmp_path / "ledger"))
    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))
    node.forget_identities()


@pytest.fixture
def receiving(acceptance, own_trail):
    """J001, the records room's account (Submitter) and an archivist (global Archivist)."""
    portal = acceptance["portal"]
    with as_manager(portal):
        fonds = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        accounts = {"room-j001": ([], ["Submitter"]), "archivist": (["Archivist"], [])}
        make_users(accounts, fonds, PASSWORD)
    return portal.absolute_url().replace("127.0.0.1", "localhost")


@pytest.fixture
def agencies(acceptance, own_trail):
    """J001 and J002 with the workbench's demo-like queues (workbench_data: records waiting for
    review, due for transfer, rejections, batches), the supervisor, the three administrators and
    a clerk without roles yet."""
    portal = acceptance["portal"]
    with as_manager(portal):
        j001 = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
        j002 = make_fonds(portal, "j002", "J002", "DA/T 13-2022")
        make_users(
            {
                "supervisor": (["Supervisor"], []),
                "sysadmin": (["SystemAdministrator"], []),
                "secadmin": (["SecurityAdministrator"], []),
                "auditor": (["SecurityAuditor"], []),
                "clerk": ([], []),
            },
            password=PASSWORD,
        )
        fill(portal, j001, j002)
        record = portal.portal_catalog.unrestrictedSearchResults(
            portal_type="Record", fonds_code="J001", sort_on="id"
        )[0]
        record_url, record_title = record.getURL(), record.Title
    site = portal.absolute_url().replace("127.0.0.1", "localhost")
    return site, record_url.replace("127.0.0.1", "localhost"), record_title


def download(page, click) -> bytes:
    """What the browser downloads after ``click()`` (an attachment, not a page)."""
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def portal_message(page) -> str:
    return " ".join(page.locator(".portalMessage, .statusmessage").all_inner_texts())


# -- 档案馆接收人员 ----------------------------------------------------------------------------


@needs_sample
@needs_tools
def test_archivist_receives_a_transfer_and_its_registration_form(receiving, page):
    site = receiving
    batch = post_transfer(site, "room-j001", PASSWORD)
    log_in_to_workbench(page, site, "archivist", PASSWORD)

    # 工作台: one batch waits for acceptance
    section = page.locator("#sd-wb-archivist")
    assert section.locator(".sd-wb-to-accept .sd-count").inner_text() == "1"
    with page.expect_navigation():
        section.locator(".sd-wb-batches a").first.click()
    assert page.url.startswith(batch)

    # the batch: every record checked and received, the archives' own (manual) checks pending
    assert page.locator("#transfer-state").inner_text() == "待接收"
    assert page.locator("#transfer-direction").inner_text() == "接收进馆"
    assert "5 / 5" in page.locator("#transfer-progress").inner_text()
    records = page.locator("#transfer-records tbody tr")
    assert records.count() == 5
    assert page.locator("#transfer-records td[data-outcome=received]").count() == 5, page.locator(
        "#transfer-records"
    ).inner_text()
    assert sorted(page.locator("#transfer-records tbody tr td:nth-child(2)").all_inner_texts()) == (
        CODES
    )
    assert page.locator("#transfer-manual code").all_inner_texts() == MANUAL
    manual = page.locator("#transfer-manual td[data-outcome]")
    assert manual.all_inner_texts() == ["待人工检测"] * 3
    shoot(page, "guide-archivist-1-batch", full_page=True)

    # the registration form before the sign-off: the carrier check still 待检
    form = pdf_text(download(page, lambda: page.click("a[href$='what=form.pdf']")))
    assert "电子档案移交与接收登记表" in form and "待检" in form, form

    # 接收 refused while the manual checks are pending: nothing changes
    with page.expect_navigation():
        page.get_by_role("button", name="接收", exact=True).click()
    assert page.locator("#transfer-state").inner_text() == "待接收"
    assert "YJ-4-3" in portal_message(page), portal_message(page)

    # the checks signed off one by one show their results, then 接收
    sign_off_manual_items(page, "已核验")
    assert manual.all_inner_texts() == ["通过"] * 3
    assert page.locator("#transfer-manual").inner_text().count("archivist") == 3
    with page.expect_navigation():
        page.get_by_role("button", name="接收", exact=True).click()
    assert page.locator("#transfer-state").inner_text() == "已接收"
    assert "批次已接收" in portal_message(page)
    assert "提示" in portal_message(page) and "Info" not in portal_message(page)
    assert page.get_by_role("button", name="接收", exact=True).count() == 0
    shoot(page, "guide-archivist-2-received", full_page=True)

    # 移交与接收登记表 (PDF): Chinese title, the count, both sides' results, who reviewed
    pdf = download(page, lambda: page.click("a[href$='what=form.pdf']"))
    (ARTIFACTS / "archivist-registration-form.pdf").write_bytes(pdf)
    form = pdf_text(pdf)
    assert "电子档案移交与接收登记表" in form, form
    assert "移交电子档案数量" in form and "5" in form.split("移交电子档案数量", 1)[1][:40], form
    assert "合格" in form and "待检" not in form, form
    assert "archivist" in form, form

    # the records are in the holdings (馆藏), by fonds, category and year; the workbench is clear
    page.goto(f"{site}/@@transfer-holdings")
    tree = page.locator("#holdings-tree").inner_text()
    assert "J001" in tree and "2018 (5)" in tree, tree
    assert "已接收" in page.locator("#transfer-batches").inner_text()
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    held = catalog.unrestrictedSearchResults(portal_type="Record", review_state="received")
    assert sorted(b.archival_code for b in held) == CODES
    page.goto(site)
    assert page.locator("#sd-wb-archivist .sd-wb-to-accept .sd-count").inner_text() == "0"


@needs_sample
def test_archivist_uploads_an_offline_package(receiving, page):
    """离线移交: the package brought on a carrier, uploaded on the holdings page, is checked
    as ``POST @transfer`` would and waits for acceptance."""
    site = receiving
    log_in_to_workbench(page, site, "archivist", PASSWORD)
    with page.expect_navigation():
        page.locator("#sd-workbench-nav a[href$='@@transfer-holdings']").first.click()
    assert page.locator("h1").first.inner_text() == "馆藏与待接收移交"
    assert page.locator("#transfer-batches tr").count() == 0
    page.set_input_files("#transfer-upload input[name=package]", str(TRANSFER_SAMPLE))
    shoot(page, "guide-archivist-3-upload")
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="上传并检测").click()
    page.wait_for_selector("#transfer-state[data-state=awaiting_acceptance]", timeout=60_000)
    assert page.locator("#transfer-state").inner_text() == "待接收"
    assert page.locator("#transfer-records td[data-outcome=received]").count() == 5
    transaction.begin()
    batches = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        portal_type="TransferBatch"
    )
    assert len(batches) == 1
    assert batches[0]._unrestrictedGetObject().facts.get("carrier") == "offline"
    page.goto(site)
    assert page.locator("#sd-wb-archivist .sd-wb-to-accept .sd-count").inner_text() == "1"


# -- 监督指导人员 --------------------------------------------------------------------------------


def test_supervisor_reads_queues_and_rejections_but_acts_for_no_agency(agencies, page):
    site, _record_url, _title = agencies
    log_in_to_workbench(page, site, "supervisor", PASSWORD)
    section = page.locator("#sd-wb-supervisor")
    assert section.locator(".sd-wb-rejections-all .sd-count").inner_text() == "3"
    assert section.locator(".sd-wb-review-all .sd-count").inner_text() == "4"
    backlog = {
        row.get_attribute("data-fonds"): row.locator("td").all_inner_texts()[1:]
        for row in section.locator(".sd-wb-backlog tbody tr").all()
    }
    assert backlog == {"J001": ["3", "2"], "J002": ["1", "4"]}
    rejected = section.locator(".sd-wb-rejected").inner_text()
    assert all(r in rejected for r in ("OA-J001-9", "OA-J001-8", "OA-J002-7")), rejected
    assert "四性检测未通过" in rejected  # the reason, in Chinese
    assert page.locator("#sd-wb-officer-J001").count() == 0

    # one agency's rejections
    # 退回/不合格: every fonds' rejections from the workbench, then one agency's (J001) and one
    # rejection in detail
    with page.expect_navigation():
        section.locator(".sd-wb-rejections-all a").click()
    assert page.url.endswith("/@@rejections")
    assert page.locator("#sd-rejections-list tbody tr").count() == 3
    page.goto(f"{site}/j001/@@rejections")  # the agency's own list (a fonds' @@rejections)
    listed = page.locator("#sd-rejections-list tbody tr td:nth-child(4)").all_inner_texts()
    assert sorted(listed) == ["OA-J001-8", "OA-J001-9"], listed
    shoot(page, "guide-supervisor-rejections")
    with page.expect_navigation():
        page.locator("#sd-rejections-list tbody tr").first.get_by_role("link").click()
    detail = page.locator("#sd-rejection").inner_text()
    assert "J001" in detail and "四性检测未通过" in detail, detail

    # the agency (全宗) itself opens from the backlog table, read only
    page.goto(site)
    with page.expect_navigation():
        section.locator(".sd-wb-backlog tr[data-fonds=J001] a").click()
    assert page.url.rstrip("/").endswith("/j001") or "/j001/" in page.url
    assert "权限" not in page.locator("h1").first.inner_text()

    # the records officer's actions stay closed: the Chinese insufficient-privileges page for
    # transfer and receipt; the review queue opens (zope2.View) but offers nothing to act on
    assert_forbidden(page, f"{site}/j001/@@transfer-out")
    shoot(page, "guide-supervisor-forbidden")
    assert_forbidden(page, f"{site}/@@transfer-holdings")
    page.goto(f"{site}/j001/@@review-queue")
    assert page.locator(".sd-review-empty").count() == 1
    assert page.locator(".sd-review-select, button[name='form.adjust']").count() == 0


# -- 三员：系统管理员、安全保密管理员、安全审计员 ---------------------------------------------


def test_system_administrator_configures_but_reads_no_record(agencies, page):
    site, record_url, title = agencies
    log_in_to_workbench(page, site, "sysadmin", PASSWORD)
    section = page.locator("#sd-wb-sysadmin")
    assert section.locator(".sd-wb-alarms .sd-count").inner_text() == "1"
    with page.expect_navigation():
        section.locator("a[href$='@@sd-archive-settings']").click()
    assert page.locator("h1").first.inner_text() == "档案系统设置"
    shoot(page, "guide-sysadmin-settings")
    page.fill("#form-widgets-transfer_after_years", "3")
    with page.expect_navigation():
        page.click("#form-buttons-save")
    transaction.begin()
    assert api.portal.get_registry_record("sd.archive.settings.transfer_after_years") == 3
    page.goto(f"{site}/@@sd-archive-storage")
    assert "权限" not in page.locator("h1").first.inner_text()

    # no record content, no accounts, no audit trail
    assert_forbidden(page, record_url)
    assert title not in page.locator("body").inner_text()
    assert_forbidden(page, f"{site}/@@audit-trail")
    assert_forbidden(page, f"{site}/j001/@@review-queue")


def user_row(page, userid: str):
    return page.locator("tr", has=page.locator(f"input[name='users.id:records'][value='{userid}']"))


def test_security_administrator_grants_a_role_but_not_a_second_administrator(agencies, page):
    site, _record_url, _title = agencies
    log_in_to_workbench(page, site, "secadmin", PASSWORD)
    with page.expect_navigation():
        page.locator("#sd-wb-secadmin a[href$='@@usergroup-userprefs']").click()

    # a business role for the clerk (档案馆接收人员)
    user_row(page, "clerk").locator("input[type=checkbox][value=Archivist]").check()
    with page.expect_navigation():
        page.click("button[name='form.button.Modify']")
    assert user_row(page, "clerk").locator("input[value=Archivist]").is_checked()
    shoot(page, "guide-secadmin-users")
    transaction.begin()
    assert "Archivist" in api.user.get_roles(username="clerk")

    # the system administrator made the auditor too: refused in Chinese, nothing changed
    user_row(page, "sysadmin").locator("input[type=checkbox][value=SecurityAuditor]").check()
    with page.expect_navigation():
        page.click("button[name='form.button.Modify']")
    body = page.locator("body").inner_text()
    assert page.locator("h1").inner_text().startswith("三员分立"), body
    assert "三员" in page.locator("p[lang=zh-CN]").inner_text(), body
    # the security administrator appoints no administrator at all (rule 6, checked before rule 1)
    assert page.locator("code").inner_text() == "administrator_roles_reserved"
    assert "Traceback" not in body
    shoot(page, "guide-secadmin-refused")
    transaction.begin()
    assert "SecurityAuditor" not in api.user.get_roles(username="sysadmin")


def test_security_auditor_filters_checks_and_exports_the_trail(agencies, page):
    site, record_url, _title = agencies
    log_in_to_workbench(page, site, "auditor", PASSWORD)
    with page.expect_navigation():
        page.locator("#sd-wb-auditor a[href$='@@audit-trail']").click()
    everything = int(page.locator("#sd-audit-total").inner_text())

    # the accounts the site was set up with, by actor: the Manager created them
    page.fill("#audit-actor", "test_user_1_")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    total = int(page.locator("#sd-audit-total").inner_text())
    assert 5 <= total < everything
    actors = page.locator("#sd-audit-entries tbody tr td:nth-child(3)").all_inner_texts()
    assert actors and set(actors) == {"test_user_1_"}, actors

    # 校验审计链: intact
    with page.expect_navigation():
        page.get_by_role("button", name="校验审计链").click()
    check = page.locator("#sd-audit-check")
    assert "alert-success" in check.get_attribute("class")
    assert "审计链完整" in check.inner_text()
    shoot(page, "guide-auditor-trail")

    # the filtered trail as XLSX: a real workbook with the same entries
    page.fill("#audit-actor", "test_user_1_")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    data = download(page, lambda: page.get_by_role("link", name="导出 XLSX").click())
    saved = ARTIFACTS / "auditor-trail.xlsx"
    saved.write_bytes(data)
    rows = list(openpyxl.load_workbook(saved, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == total + 1, rows[:3]
    assert all("test_user_1_" in row for row in rows[1:]), rows[:3]

    # the auditor reads no record and changes no setting
    assert_forbidden(page, record_url)
    assert_forbidden(page, f"{site}/@@sd-archive-settings")


# -- 未登录 -------------------------------------------------------------------------------------


def test_anonymous_sees_the_public_page_and_no_record(agencies, page):
    site, record_url, title = agencies
    page.goto(site)
    assert page.locator("#sd-public").count() == 1
    assert page.locator("#sd-workbench").count() == 0
    body = page.locator("body").inner_text()
    assert title not in body and "J001" not in body, body[:500]

    # a record by its address: the login form, not the record
    page.goto(record_url)
    page.wait_for_load_state("networkidle")
    assert page.locator("#__ac_name").count() == 1
    assert title not in page.locator("body").inner_text()

    # nor through the site search
    page.goto(f"{site}/@@search?SearchableText=%E9%80%9A%E7%9F%A5")  # 通知
    assert "关于档案工作的通知" not in page.locator("body").inner_text()

    # the login link of the public page works
    page.goto(site)
    with page.expect_navigation():
        page.click("#sd-login")
    assert page.locator("#__ac_name").count() == 1
    page.fill("#__ac_name", "supervisor")
    page.fill("#__ac_password", PASSWORD)
    with page.expect_navigation():
        page.click("#buttons-login")
    page.goto(site)
    assert page.locator("#sd-wb-supervisor").count() == 1
    page.goto(f"{site}/@@search?SearchableText=%E9%80%9A%E7%9F%A5")  # the same search, logged in
    assert "关于档案工作的通知" in page.locator("body").inner_text()
