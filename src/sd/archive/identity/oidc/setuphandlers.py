"""Set-up of the sign-on (统一身份认证安装): the import step ``sd.archive.identity.oidc``.

pas.plugins.oidc's profile (a dependency of sd.archive's) makes ``acl_users/oidc`` and puts its
challenge first; this step makes it sd.archive's plugin (``plugin.replace_plugin``, properties
kept), keeps its challenge off until sign-on is switched on (``sd.archive.signon.enabled``: a
visitor who must log in would otherwise be sent to a provider nobody configured, and REST
clients would get a redirect instead of 401), and puts the local password gate in
``source_users``' place (``gate``).
"""

from __future__ import annotations

import logging

from plone import api
from Products.PluggableAuthService.interfaces.plugins import IChallengePlugin

from sd.archive.identity.oidc.gate import install_gate
from sd.archive.identity.oidc.plugin import PLUGIN_ID
from sd.archive.identity.oidc.plugin import replace_plugin

logger = logging.getLogger("sd.archive.identity")


def import_signon(context):
    if context.readDataFile("sd.archive.signon.txt") is None:
        return
    pas = api.portal.get_tool("acl_users")
    replace_plugin(pas)
    install_gate(pas)
    from sd.archive.identity.oidc.settings import settings

    set_challenge(pas, settings()["enabled"])
    logger.info("sign-on plugin and password gate set up")


def set_challenge(pas, enabled: bool) -> None:
    """The OIDC challenge (send a visitor who must log in to the provider) on or off."""
    registry = pas.plugins
    active = PLUGIN_ID in registry.listPluginIds(IChallengePlugin)
    if enabled and not active:
        registry.activatePlugin(IChallengePlugin, PLUGIN_ID)
        registry.movePluginsTop(IChallengePlugin, [PLUGIN_ID])
    elif not enabled and active:
        registry.deactivatePlugin(IChallengePlugin, PLUGIN_ID)


def settings_changed(event):
    """The challenge follows ``sd.archive.signon.enabled`` when the record changes."""
    if getattr(event.record, "__name__", "") != "sd.archive.signon.enabled":
        return
    try:
        pas = api.portal.get_tool("acl_users")
    except Exception:  # noqa: BLE001 (no site: nothing to switch)
        return
    if pas._getOb(PLUGIN_ID, None) is not None:
        set_challenge(pas, bool(event.newValue))
