"""Sign-on through a real OpenID provider in a real Chromium (#27 Tests): the login page's
sign-on button leads to the provider's login page (node-oidc-provider, tests/oidc), the account
comes back to the workbench (工作台) with the roles the organisation tree gives its claims
(department 办公室 of 省档案局, bound to fonds J001; position 档案员 → records officer of J001,
through the agency's group), and signing out ends the provider's session too."""

import sys
from pathlib import Path

import pytest
import transaction
from browser_helpers import BROWSER
from browser_helpers import as_manager
from browser_helpers import shoot
from platform_stub import PlatformStub
from zope.component.hooks import setSite

from sd.archive.testing import make_fonds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "oidc"))
from testop import CLIENT_ID  # noqa: E402
from testop import CLIENT_SECRET  # noqa: E402
from testop import TestOP  # noqa: E402

pytestmark = BROWSER

USER = {
    "sub": "chenjing",
    "password": "chenjing-browser",
    "name": "陈静",
    "email": "chenjing@example.org",
    "email_verified": True,
    "department": "3",
    "position": "档案员",
}


@pytest.fixture
def site(acceptance):
    """Fonds J001 bound to agency 省档案局 (2) of a synchronised directory; sign-on on."""
    from sd.archive.identity.directory import store
    from sd.archive.identity.directory.sync import full_sync
    from sd.archive.identity.platform.client import PlatformClient

    portal = acceptance["portal"]
    stub = PlatformStub()
    stub.add_department(1, "山东省")
    stub.add_department(2, "省档案局", 1)
    stub.add_department(3, "办公室", 2)
    stub.start()
    try:
        with as_manager(portal):
            make_fonds(portal, "j001", "J001", "DA/T 22-2015")
            store.save_settings(portal, "2 = J001", store.mapping_text(portal))
            client = PlatformClient(stub.url, stub.corp_id, stub.secret, timeout=5)
            assert full_sync(portal, client).status == "ok"
    finally:
        stub.stop()
    return portal


@pytest.fixture
def op(site):
    provider = TestOP(site.absolute_url(), users=[USER])
    try:
        provider.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    with as_manager(site):
        setSite(site)
        plugin = site.acl_users.oidc
        plugin.issuer = provider.issuer
        plugin.client_id = CLIENT_ID
        plugin.client_secret = CLIENT_SECRET
        site.portal_registry["sd.archive.signon.enabled"] = True
    yield provider
    provider.stop()
    transaction.abort()


def test_sign_on_to_the_workbench_and_sign_out(site, op, page):
    url = site.absolute_url()
    page.goto(f"{url}/login")
    with page.expect_navigation():
        page.click("#sd-signon-button")
    page.wait_for_selector("#login")
    assert page.url.startswith(op.issuer)
    shoot(page, "signon-provider-login")
    page.fill("#login", USER["sub"])
    page.fill("#password", USER["password"])
    page.click("#submit")
    page.wait_for_url(f"{url}**")
    page.goto(url)
    page.wait_for_selector("#sd-workbench")
    # the records officer of J001 through the agency's group; none of the administrators' parts
    assert page.locator("#sd-wb-officer-J001").count() == 1
    for admin in ("#sd-wb-sysadmin", "#sd-wb-secadmin", "#sd-wb-auditor", "#sd-wb-archivist"):
        assert page.locator(admin).count() == 0
    assert "陈静" in page.content()
    shoot(page, "signon-workbench")

    page.goto(f"{url}/@@logout")
    page.wait_for_selector("#logout-yes")  # the provider asks to confirm its own logout
    with page.expect_navigation():
        page.click("#logout-yes")
    page.goto(url)
    assert page.locator("#sd-public").count() == 1  # anonymous again
    page.goto(f"{url}/acl_users/oidc/login")
    page.wait_for_selector("#password")  # the provider's session ended: it asks again
