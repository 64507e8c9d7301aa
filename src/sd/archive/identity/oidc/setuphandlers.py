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

from Acquisition import aq_base
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


def uninstall_signon(context):
    """sd.archive's uninstall profile: ``source_users`` authenticates passwords again, the gate
    goes, and ``acl_users/oidc`` becomes pas.plugins.oidc's own plugin (properties kept, the
    kept tokens dropped), so nothing in acl_users needs sd.archive's code any more."""
    if context.readDataFile("sd.archive.signon-uninstall.txt") is None:
        return
    from pas.plugins.oidc.plugins import OIDCPlugin
    from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin

    from sd.archive.identity.oidc.gate import GATE_ID
    from sd.archive.identity.oidc.gate import SOURCE_ID

    pas = api.portal.get_tool("acl_users")
    registry = pas.plugins
    if SOURCE_ID in pas.objectIds() and SOURCE_ID not in registry.listPluginIds(
        IAuthenticationPlugin
    ):
        registry.activatePlugin(IAuthenticationPlugin, SOURCE_ID)
    if GATE_ID in pas.objectIds():
        pas._delObject(GATE_ID)  # PAS removes it from every plugin list too
    existing = pas._getOb(PLUGIN_ID, None)
    if existing is not None and type(aq_base(existing)) is not OIDCPlugin:
        plain = OIDCPlugin(PLUGIN_ID, existing.title)
        for prop in existing._properties:
            if prop["id"] in existing.__dict__:
                setattr(plain, prop["id"], existing.__dict__[prop["id"]])
        active = [
            info["id"]
            for info in registry.listPluginTypeInfo()
            if PLUGIN_ID in registry.listPluginIds(info["interface"])
        ]
        pas._delObject(PLUGIN_ID)
        pas._setObject(PLUGIN_ID, plain)
        pas._getOb(PLUGIN_ID).manage_activateInterfaces(active)


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
