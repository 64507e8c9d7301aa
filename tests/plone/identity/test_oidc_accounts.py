"""Which account a sign-on reaches, and what it may get (#27 items 1 and 2): the three
administrators (三员) and the superuser roles are never given through claims; a superuser's,
an administrator's or an emergency account is never signed in through the provider; the
business claims go to the directory mapping; logout ends the provider's session too; a refresh
the provider refuses ends the session."""

import re
import time

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from zope.component.hooks import setSite

from sd.archive import audit
from sd.archive.core.identity.signon import PROTECTED_ROLES


def trail(portal, action):
    transaction.begin()
    setSite(portal)
    from sd.archive.audit.store import Query

    return [e for e in audit.trail().iterate(Query(action=action))]


@pytest.fixture
def as_owner(acceptance):
    portal = acceptance["portal"]
    setSite(portal)
    login(portal.getPhysicalRoot(), SITE_OWNER_NAME)
    yield portal
    logout()


def test_claims_never_give_the_administrators(acceptance, op, signon, as_owner):
    """wangqiang's provider says: groups Administrators, Site Administrators and a group holding
    SecurityAdministrator; roles 三员 and Manager. He gets an account and none of them."""
    portal = as_owner
    api.group.create(groupname="security-administrators", roles=["SecurityAdministrator"])
    transaction.commit()
    landed = signon.sign_in("wangqiang", "wangqiang-demo")
    assert landed.status_code == 200 and signon.me("wangqiang") is not None
    transaction.begin()
    user = api.user.get(userid="wangqiang")
    assert user is not None
    assert not set(api.user.get_roles(user=user)) & PROTECTED_ROLES
    assert not {g.getId() for g in api.group.get_groups(user=user)} & {
        "Administrators",
        "Site Administrators",
        "security-administrators",
    }
    (entry,) = [e for e in trail(portal, "login.signon") if e.actor == "wangqiang"]
    assert entry.details["first"] is True
    assert "roles:SecurityAuditor" in entry.details["ignored_claims"]
    assert "groups:security-administrators" in entry.details["ignored_claims"]


@pytest.mark.parametrize("roles", [["SecurityAuditor"], ["Manager"]])
def test_protected_account_not_signed_in(acceptance, op, signon, as_owner, roles):
    portal = as_owner
    api.user.create(
        username="lina", email="lina-local@example.org", password="x-12345678", roles=roles
    )
    transaction.commit()
    landed = signon.sign_in("lina", "lina-demo")
    assert landed.url.endswith("/login")
    assert signon.me("lina") is None
    transaction.begin()
    assert api.user.get(userid="lina").getProperty("email") == "lina-local@example.org"
    assert trail(portal, "login.refused")[-1].details["reason"] == "protected_account"


def test_emergency_account_not_signed_in(acceptance, op, signon, as_owner):
    portal = as_owner
    api.user.create(username="zhangwei", email="zw@example.org", password="x-12345678")
    api.portal.set_registry_record("sd.archive.signon.emergency_logins", ("admin", "zhangwei"))
    transaction.commit()
    assert signon.sign_in("zhangwei", "zhangwei-demo").url.endswith("/login")
    assert signon.me("zhangwei") is None
    assert trail(portal, "login.refused")[-1].details["reason"] == "protected_account"


def test_business_claims_go_to_the_directory(acceptance, op, signon, monkeypatch):
    from sd.archive.identity.directory import membership

    calls = []
    monkeypatch.setattr(membership, "apply_membership", lambda *a, **kw: calls.append((a, kw)))
    signon.sign_in("wangqiang", "wangqiang-demo")
    ((args, kw),) = calls
    assert args == ("wangqiang",)
    assert kw["departments"] == ["it"] and kw["source"] == "oidc"
    # Plone's superuser groups dropped; a group of that name holding no protected role here
    # is only a tag for the mapping
    assert kw["tags"] == ["security-administrators"]


def test_logout_ends_the_provider_session(acceptance, op, signon):
    signon.sign_in("zhangwei", "zhangwei-demo")
    assert signon.me("zhangwei") is not None
    answer = signon.follow(
        signon.http.get(f"{op.site_url}/@@logout", allow_redirects=False, timeout=20)
    )
    # the provider asks to confirm (RP-initiated logout), with the ID token as hint
    assert answer.url.startswith(op.issuer) and 'id="logout-yes"' in answer.text
    assert signon.me("zhangwei") is None
    transaction.begin()  # sd.archive's logout view ran: the kept tokens are gone
    assert acceptance["portal"].acl_users.oidc.tokens_of("zhangwei") is None
    # signing in again needs the password at the provider: its session ended too
    form = answer.text
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', form).group(1)
    action = re.search(r'<form id="op.logoutForm" method="post" action="([^"]+)"', form).group(1)
    done = signon.follow(
        signon.http.post(
            action if action.startswith("http") else op.issuer + action,
            data={"xsrf": xsrf, "logout": "yes"},
            allow_redirects=False,
        )
    )
    assert done.url.startswith(op.site_url)
    again = signon.login_page()
    assert 'id="password"' in again.text


def _expire(portal, user_id):
    transaction.begin()
    setSite(portal)
    plugin = portal.acl_users.oidc
    record = plugin.tokens_of(user_id)
    record["expires"] = time.time() - 1
    plugin.keep_tokens(user_id, record)
    transaction.commit()
    return record


def test_refresh_then_refused(acceptance, op, signon):
    portal = acceptance["portal"]
    signon.sign_in("zhangwei", "zhangwei-demo")
    old = _expire(portal, "zhangwei")
    assert signon.me("zhangwei") is not None  # refreshed at the provider on this request
    transaction.begin()
    new = portal.acl_users.oidc.tokens_of("zhangwei")
    assert new["expires"] > time.time() > old["expires"]

    op.disable("zhangwei")
    _expire(portal, "zhangwei")
    answer = signon.http.get(op.site_url, allow_redirects=False, timeout=20)
    assert answer.status_code in (302, 303) and answer.headers["Location"].endswith("/login")
    assert signon.me("zhangwei") is None
    assert trail(portal, "login.refused")[-1].details["reason"] == "refresh_refused"


def test_login_page_offers_sign_on_and_refuses_passwords(acceptance, op, signon, as_owner):
    """Sign-on on, password login for emergency accounts only: the login page shows the sign-on
    button; a local account's password login is refused and logged with its reason."""
    import requests

    portal = as_owner
    api.user.create(username="clerk", email="clerk@example.org", password="secret-12345")
    api.portal.set_registry_record("sd.archive.signon.password_login", "emergency")
    transaction.commit()
    page = requests.get(f"{op.site_url}/login", timeout=20)
    assert 'id="sd-signon-button"' in page.text and "acl_users/oidc/login" in page.text
    assert 'id="sd-password-note"' in page.text
    http = requests.Session()
    http.post(
        f"{op.site_url}/login",
        data={"__ac_name": "clerk", "__ac_password": "secret-12345", "buttons.login": "Log in"},
        timeout=20,
    )
    assert (
        http.get(f"{op.site_url}/@users/clerk", headers={"Accept": "application/json"}).status_code
        == 401
    )
    refused = trail(portal, "login.refused")[-1].details
    assert refused["reason"] == "password_login_off" and refused["login"] == "clerk"
    # the same account through the provider is not refused
    assert signon.sign_in("zhangwei", "zhangwei-demo").status_code == 200
    assert signon.me("zhangwei") is not None


def test_refresh_with_the_provider_down_keeps_the_session(acceptance, op, signon, monkeypatch):
    from sd.archive.identity.oidc import signon as module

    monkeypatch.setattr(module, "_RETRY_AFTER", {})
    portal = acceptance["portal"]
    signon.sign_in("zhangwei", "zhangwei-demo")
    _expire(portal, "zhangwei")
    setSite(portal)
    portal.acl_users.oidc.issuer = "http://localhost:9"  # nothing listens there
    transaction.commit()
    assert signon.me("zhangwei") is not None  # not refused: asked again a minute later
    assert "zhangwei" in module._RETRY_AFTER
    transaction.begin()
    assert portal.acl_users.oidc.tokens_of("zhangwei") is not None


def test_sign_on_on_rest_clients_still_get_401(acceptance, op):
    import requests

    answer = requests.get(
        f"{op.site_url}/@users",
        headers={"Accept": "application/json"},
        allow_redirects=False,
        timeout=20,
    )
    assert answer.status_code == 401
    page = requests.get(f"{op.site_url}/@@overview-controlpanel", allow_redirects=False, timeout=20)
    assert page.status_code == 302 and "/acl_users/oidc/require_login" in page.headers["Location"]


def test_failing_directory_mapping_does_not_stop_the_sign_in(acceptance, op, signon, monkeypatch):
    from sd.archive.identity.directory import membership

    def broken(*args, **kw):
        raise RuntimeError("mapping not readable")

    monkeypatch.setattr(membership, "apply_membership", broken)
    assert signon.sign_in("lina", "lina-demo").status_code == 200
    assert signon.me("lina") is not None
    (entry,) = [e for e in trail(acceptance["portal"], "login.signon") if e.actor == "lina"]
    assert "membership-error:RuntimeError" in entry.details["ignored_claims"]
