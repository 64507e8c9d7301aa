"""The site's OpenID Connect PAS plugin (统一身份认证插件): pas.plugins.oidc's, made stricter.

``ArchiveOIDCPlugin`` is pas.plugins.oidc's ``OIDCPlugin`` (its control panel, login and
require-login views, challenge) with sd.archive's callback and logout views registered for
its own interface (``views``): the callback refuses what pas.plugins.oidc 2.0 only logs (a state
mismatch) or does not check (the nonce), says why every refusal happened (log and audit trail),
never signs in as a superuser, administrator or emergency account, never gives a role from a
claim, and keeps the refresh token for :mod:`.tokens`.

The client secret: ``SD_ARCHIVE_OIDC_CLIENT_SECRET`` in the instance's environment wins over the
plugin's stored property, so a production site need not keep it in the ZODB (nor in a ZODB
export or a GenericSetup export).
"""

from __future__ import annotations

import os

from AccessControl.class_init import InitializeClass
from BTrees.OOBTree import OOBTree
from pas.plugins.oidc.plugins import IOIDCPlugin
from pas.plugins.oidc.plugins import OIDCPlugin
from zope.interface import implementer

SECRET_ENV = "SD_ARCHIVE_OIDC_CLIENT_SECRET"  # noqa: S105 (a variable's name)
PLUGIN_ID = "oidc"


class IArchiveOIDCPlugin(IOIDCPlugin):
    """sd.archive's OIDC plugin: its views win over pas.plugins.oidc's (a more specific context)."""


@implementer(IArchiveOIDCPlugin)
class ArchiveOIDCPlugin(OIDCPlugin):
    """pas.plugins.oidc's plugin with sd.archive's defaults and token keeping (令牌保管)."""

    meta_type = "sd.archive OIDC Plugin"
    use_pkce = True
    create_groups = False  # group memberships come from the directory mapping, never a claim
    scope = ("openid", "profile", "email", "org", "offline_access")

    def getProperty(self, id, d=None):  # noqa: A002 (PropertyManager's signature)
        if id == "client_secret" and os.environ.get(SECRET_ENV):
            return os.environ[SECRET_ENV]
        return super().getProperty(id, d)

    def challenge(self, request, response) -> bool:
        """Send a browser that must log in to the provider; a REST client (``Accept:
        application/json``) gets the next challenge's 401 instead of a redirect it cannot
        follow."""
        if "application/json" in (request.getHeader("Accept") or ""):
            return False
        return super().challenge(request, response)

    # -- tokens kept per account: the refresh token, the access token's expiry, the ID token (the
    # hint of the provider's logout). Written at sign-in and at a refresh only.

    def _token_map(self, create: bool = False):
        tokens = self.__dict__.get("_sd_tokens")
        if tokens is None and create:
            tokens = self._sd_tokens = OOBTree()
        return tokens

    def tokens_of(self, user_id: str) -> dict | None:
        tokens = self._token_map()
        return dict(tokens[user_id]) if tokens is not None and user_id in tokens else None

    def keep_tokens(self, user_id: str, record: dict) -> None:
        self._token_map(create=True)[user_id] = dict(record)

    def forget_tokens(self, user_id: str) -> None:
        tokens = self._token_map()
        if tokens is not None and user_id in tokens:
            del tokens[user_id]

    def signed_on(self, user_id: str) -> bool:
        tokens = self._token_map()
        return tokens is not None and user_id in tokens


InitializeClass(ArchiveOIDCPlugin)


def replace_plugin(pas) -> ArchiveOIDCPlugin:
    """Make ``acl_users/oidc`` an :class:`ArchiveOIDCPlugin` (pas.plugins.oidc's profile made a
    plain one), keeping every property and which interfaces were active."""
    existing = pas._getOb(PLUGIN_ID, None)
    if isinstance(existing, ArchiveOIDCPlugin):
        return existing
    plugin = ArchiveOIDCPlugin(PLUGIN_ID, "OpenID Connect")
    active = []
    if existing is not None:
        for prop in existing._properties:
            name = prop["id"]
            if name in existing.__dict__ and name not in ("use_pkce", "create_groups", "scope"):
                setattr(plugin, name, existing.__dict__[name])
        registry = pas.plugins
        for info in registry.listPluginTypeInfo():
            if PLUGIN_ID in registry.listPluginIds(info["interface"]):
                active.append(info["id"])
        pas._delObject(PLUGIN_ID)
    pas._setObject(PLUGIN_ID, plugin)
    plugin = pas._getOb(PLUGIN_ID)
    if active:
        plugin.manage_activateInterfaces(active)
    return plugin
