"""Set-up and switches of the sign-on (#27 item 1): the profile makes acl_users/oidc sd.archive's
plugin (PKCE on, groups from claims off), its challenge follows ``sd.archive.signon.enabled``,
and the local password gate lets through whom ``sd.archive.signon.password_login`` says — the
Zope root's admin always."""

import pytest
from Acquisition import aq_base
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.interfaces.plugins import IChallengePlugin
from zope.interface import Invalid

from sd.archive.identity.oidc.gate import GATE_ID
from sd.archive.identity.oidc.plugin import ArchiveOIDCPlugin
from sd.archive.identity.oidc.settings import ISignOnSettings


def test_profile_installs_the_plugin(portal):
    pas = portal.acl_users
    plugin = pas.oidc
    assert isinstance(plugin, ArchiveOIDCPlugin)
    assert plugin.getProperty("use_pkce") is True
    assert plugin.getProperty("create_groups") is False
    assert "openid" in plugin.get_scopes()
    assert "oidc" not in pas.plugins.listPluginIds(IChallengePlugin)
    authenticators = pas.plugins.listPluginIds(IAuthenticationPlugin)
    assert GATE_ID in authenticators and "source_users" not in authenticators


def test_challenge_follows_the_setting(portal):
    plugins = portal.acl_users.plugins
    api.portal.set_registry_record("sd.archive.signon.enabled", True)
    assert plugins.listPluginIds(IChallengePlugin)[0] == "oidc"
    api.portal.set_registry_record("sd.archive.signon.enabled", False)
    assert "oidc" not in plugins.listPluginIds(IChallengePlugin)


def test_secret_from_the_environment(portal, monkeypatch):
    plugin = portal.acl_users.oidc
    plugin.client_secret = "stored"
    assert plugin.getProperty("client_secret") == "stored"
    monkeypatch.setenv("SD_ARCHIVE_OIDC_CLIENT_SECRET", "from-env")
    assert plugin.getProperty("client_secret") == "from-env"


def test_closing_password_login_needs_sign_on():
    class Data:
        enabled = False
        password_login = "none"

    with pytest.raises(Invalid):
        ISignOnSettings.validateInvariants(Data())
    Data.enabled = True
    ISignOnSettings.validateInvariants(Data())


@pytest.mark.parametrize(
    "mode, emergency, clerk, rescue",
    [
        ("all", ("rescue",), True, True),
        ("emergency", ("rescue",), False, True),
        ("emergency", ("rescue", "clerk"), True, True),
        ("none", ("rescue", "clerk"), False, False),
    ],
)
def test_password_gate(portal, mode, emergency, clerk, rescue):
    """``rescue``: a site-level emergency account (应急账号)."""
    request = portal.REQUEST
    for login in ("clerk", "rescue"):
        api.user.create(username=login, email=f"{login}@example.org", password="secret-12345")
    api.portal.set_registry_record("sd.archive.signon.enabled", True)
    api.portal.set_registry_record("sd.archive.signon.password_login", mode)
    api.portal.set_registry_record("sd.archive.signon.emergency_logins", emergency)
    pas = portal.acl_users
    assert (pas.authenticate("clerk", "secret-12345", request) is not None) is clerk
    assert (pas.authenticate("rescue", "secret-12345", request) is not None) is rescue
    assert pas.authenticate("clerk", "wrong", request) is None
    # the Zope root's user folder is not the site's: the installation's admin always logs in
    root = portal.getPhysicalRoot().acl_users
    assert root.authenticate(SITE_OWNER_NAME, SITE_OWNER_PASSWORD, request) is not None


def test_settings_form(manager):
    html = manager.restrictedTraverse("@@signon-settings")()
    assert "form.widgets.password_login" in html and "form.widgets.enabled" in html


def test_challenge_redirects_browsers_not_rest_clients(portal):
    plugin = portal.acl_users.oidc
    request = portal.REQUEST
    request.environ["HTTP_ACCEPT"] = "application/json"
    assert plugin.challenge(request, request.response) is False
    request.environ["HTTP_ACCEPT"] = "text/html"
    assert plugin.challenge(request, request.response) is True
    assert "/acl_users/oidc/require_login" in request.response.getHeader("Location")


def test_uninstall_restores_source_users(portal):
    from pas.plugins.oidc.plugins import OIDCPlugin

    portal.acl_users.oidc.issuer = "https://idp.example.org"
    portal.portal_setup.runAllImportStepsFromProfile("profile-sd.archive:uninstall")
    pas = portal.acl_users
    authenticators = pas.plugins.listPluginIds(IAuthenticationPlugin)
    assert "source_users" in authenticators and GATE_ID not in pas.objectIds()
    assert type(aq_base(pas.oidc)) is OIDCPlugin and pas.oidc.issuer == "https://idp.example.org"
    assert "sd.archive.signon.enabled" not in portal.portal_registry


def test_provider_panel_in_chinese(manager):
    """pas.plugins.oidc ships no zh_CN catalogue: sd.archive's locales carry one."""
    from zope.i18n import translate

    assert translate("OIDC/OAuth2 Issuer", domain="pas.plugins.oidc", target_language="zh_CN") == (
        "身份提供方签发方（Issuer）"
    )


def test_a_request_to_the_zope_root_is_not_an_error(functional):
    """A health check of the Zope root (HAProxy: ``/ok``) has no site: the token refresh on
    every request leaves it alone (500 CannotGetPortalError before)."""
    import requests

    app_url = functional["portal"].aq_parent.absolute_url()
    assert requests.get(f"{app_url}/ok", timeout=30).status_code != 500
