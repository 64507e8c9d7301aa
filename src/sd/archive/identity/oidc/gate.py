"""The local password gate (本地口令登录闸门): a PAS authentication plugin in place of
``source_users``'.

Every login with a password to the site's user folder — the login form, HTTP Basic, REST
``@login`` — is authenticated by ``source_users`` through this gate, which first asks the
``sd.archive.signon.password_login`` setting (``core.identity.signon.password_login_allowed``):
``all`` passes everyone, ``emergency`` only the emergency accounts, ``none`` nobody. A refused
login is logged with its reason and lands in the audit trail as ``login.refused``. Sessions
(``plone.session`` tickets, made by a password login before or by sign-on) are not passwords and
are not asked. The Zope root's user folder is not the site's: its ``admin`` always logs in, so
no setting can lock the installation out.
"""

from __future__ import annotations

import logging

from AccessControl.class_init import InitializeClass
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from zope.interface import implementer

from sd.archive.core.identity.signon import password_login_allowed
from sd.archive.core.identity.signon import phrase

logger = logging.getLogger("sd.archive.identity")
GATE_ID = "password_gate"
SOURCE_ID = "source_users"


@implementer(IAuthenticationPlugin)
class PasswordGate(BasePlugin):
    """Authenticates logins with a password through ``source_users`` when the setting allows."""

    meta_type = "sd.archive Password Gate"

    def __init__(self, id, title=None):  # noqa: A002
        self._setId(id)
        self.title = title or "Local password gate (本地口令登录)"

    def authenticateCredentials(self, credentials):
        login = credentials.get("login")
        if login is None or credentials.get("password") is None:
            return None
        source = self._getPAS()._getOb(SOURCE_ID, None)
        if source is None:
            return None
        from sd.archive.identity.oidc.settings import settings

        values = settings()
        if password_login_allowed(values["password_login"], login, values["emergency_logins"]):
            return source.authenticateCredentials(credentials)
        refuse_password(login)
        return None


InitializeClass(PasswordGate)


def refuse_password(login: str) -> None:
    from sd.archive import audit

    logger.warning("local password login refused for %r: %s", login, "password_login_off")
    audit.log_now(
        "login.refused",
        who="anonymous",
        outcome="refused",
        details={
            "login": str(login)[:200],
            "reason": "password_login_off",
            "why": phrase("password_login_off"),
        },
    )


def install_gate(pas) -> PasswordGate:
    """Put the gate in ``source_users``' place among the authentication plugins (idempotent)."""
    gate = pas._getOb(GATE_ID, None)
    if gate is None:
        pas._setObject(GATE_ID, PasswordGate(GATE_ID))
        gate = pas._getOb(GATE_ID)
    registry = pas.plugins
    active = list(registry.listPluginIds(IAuthenticationPlugin))
    if GATE_ID not in active:
        registry.activatePlugin(IAuthenticationPlugin, GATE_ID)
        # where source_users was: the order of authenticators is kept
        if SOURCE_ID in active:
            for _ in range(len(registry.listPluginIds(IAuthenticationPlugin))):
                ids = list(registry.listPluginIds(IAuthenticationPlugin))
                if ids.index(GATE_ID) <= ids.index(SOURCE_ID):
                    break
                registry.movePluginsUp(IAuthenticationPlugin, [GATE_ID])
    if SOURCE_ID in registry.listPluginIds(IAuthenticationPlugin):
        registry.deactivatePlugin(IAuthenticationPlugin, SOURCE_ID)
    return gate
