"""The province platform's sign-on and the sync page in a real Chromium (#27 items 2-4): a
member of the directory signs in through the platform (the contract stub's authorize page) and
reads its agency's fonds; the security administrator opens 组织机构同步, runs a dry run that
lists the member the directory added since the last sync, and nothing changes until 立即同步."""

import pytest
import transaction
from browser_helpers import ARTIFACTS
from browser_helpers import BROWSER
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from zope.component.hooks import setSite

from sd.archive.testing import make_fonds

pytestmark = BROWSER
PASSWORD = "secadmin-browser-1"


@pytest.fixture
def stub():
    from platform_stub.site import running_stub

    with running_stub() as platform:
        yield platform


@pytest.fixture
def site(acceptance, stub, monkeypatch):
    from platform_stub.site import configure

    from sd.archive.identity.directory.sync import full_sync
    from sd.archive.identity.platform.client import PlatformClient

    portal = acceptance["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    portal.portal_registry["plone.default_language"] = "zh-cn"
    portal.portal_registry["plone.available_languages"] = ["zh-cn", "en"]
    make_fonds(portal)
    make_fonds(portal, "j002", "J002", "DA/T 13-2022")
    configure(portal, stub, monkeypatch)
    full_sync(portal, PlatformClient(stub.url, stub.corp_id, stub.secret))
    api.user.create(email="sa@example.org", username="secadmin", password=PASSWORD)
    api.user.grant_roles(username="secadmin", roles=["SecurityAdministrator"])
    transaction.commit()
    logout()
    return portal


def test_member_signs_in_through_the_platform(site, stub, page):
    stub.sign_in_as("zhang")
    page.goto(f"{site.absolute_url()}/@@platform-login")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(site.absolute_url())
    page.goto(f"{site.absolute_url()}/j001")
    assert "Fonds J001" in page.content()
    response = page.goto(f"{site.absolute_url()}/j002")
    assert response.status in (401, 403) or "Fonds J002" not in page.content()


def test_security_administrator_dry_run_then_sync(site, stub, page):

    stub.add_member("sun", "孙七", [3], position="档案员")
    page.goto(f"{site.absolute_url()}/login")
    page.fill("#__ac_name", "secadmin")
    page.fill("#__ac_password", PASSWORD)
    page.click("#buttons-login")
    page.wait_for_load_state("networkidle")
    page.goto(f"{site.absolute_url()}/@@directory-sync")
    page.click("button[name=dry_run]")
    page.wait_for_selector("#sd-directory-result")
    result = page.inner_text("#sd-directory-result")
    assert "试运行" in result and "新建账号" in result and "sun" in result
    assert "{" not in result and "Traceback" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "identity-directory-dry-run.png"), full_page=True)
    transaction.begin()
    assert site.acl_users.sd_directory.get("sun") is None  # a dry run changes nothing
    page.click("button[name=sync_now]")
    page.wait_for_selector("#sd-directory-result")
    assert "成功" in page.inner_text("#sd-directory-result")
    transaction.begin()
    assert site.acl_users.sd_directory.get("sun").name == "孙七"
