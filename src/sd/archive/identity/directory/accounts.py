"""The directory's accounts (目录账号): a PAS user source kept by the sync.

Members of the province platform's directory become accounts of this plugin (``sd_directory``
in ``acl_users``), not of ``source_users``: they have no password here (they sign in through
the platform, :mod:`sd.archive.identity.platform`), and 50,000 of them are made without a
password hash each. The plugin enumerates the active accounts (so they are found on the sharing
page and in the users control panel) and gives their name and e-mail as properties.

A disabled account (停用: the member left the directory or was switched off there) is no longer
enumerated, and that ends its sessions at once: plone.session's ticket check asks PAS
(``_verifyUser``) whether the ticket's user still exists on every request, so the next request
of a disabled member is anonymous. The per-user keyring of plone.session (when switched on) is
cleared as well, so a ticket can never come back to life if the account is enabled again.
"""

from __future__ import annotations

import time

from AccessControl.class_init import InitializeClass
from BTrees.OOBTree import OOBTree
from plone.keyring.interfaces import IKeyManager
from Products.PluggableAuthService.interfaces.plugins import IPropertiesPlugin
from Products.PluggableAuthService.interfaces.plugins import IUserEnumerationPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from Products.PluggableAuthService.utils import classImplements
from zope.component import queryUtility

from sd.archive.core.identity.directory import Account

PLUGIN_ID = "sd_directory"
INTERFACES = (IUserEnumerationPlugin, IPropertiesPlugin)


class DirectoryAccounts(BasePlugin):
    """目录账号: the accounts of the province directory's members."""

    meta_type = "sd.archive directory accounts"

    def __init__(self, id=PLUGIN_ID, title="省统一目录账号 directory accounts"):
        self._setId(id)
        self.title = title
        self._accounts = OOBTree()  # user id -> Account fields (tuple)
        self._disabled = OOBTree()  # user id -> (time, reason)

    # -- kept by the sync ---------------------------------------------------------------------

    def put(self, user_id: str, account: Account) -> None:
        """Make or update ``user_id`` (and enable it)."""
        self._accounts[user_id] = _as_tuple(account)
        if user_id in self._disabled:
            del self._disabled[user_id]

    def disable(self, user_id: str, reason: str = "") -> None:
        """Disable ``user_id``: no longer enumerated, its sessions end (see the module)."""
        if user_id in self._accounts and user_id not in self._disabled:
            self._disabled[user_id] = (time.time(), reason)
        end_sessions(self._getPAS(), user_id)

    def get(self, user_id: str) -> Account | None:
        """The account of an *active* member, or None."""
        if user_id in self._disabled:
            return None
        value = self._accounts.get(user_id)
        return None if value is None else Account(*value)

    def is_disabled(self, user_id: str) -> bool:
        return user_id in self._disabled

    def active(self):
        """(user id, Account) of every active account."""
        disabled = self._disabled
        for user_id, value in self._accounts.items():
            if user_id not in disabled:
                yield user_id, Account(*value)

    # -- IUserEnumerationPlugin -----------------------------------------------------------------

    def enumerateUsers(
        self, id=None, login=None, exact_match=False, sort_by=None, max_results=None, **kw
    ):
        wanted = id or login
        if isinstance(wanted, (list, tuple)):
            found = [u for w in wanted for u in self._matches(w, True)]
        elif exact_match and wanted:
            found = self._matches(wanted, True)
        else:
            text = wanted or kw.get("fullname") or kw.get("email") or ""
            found = self._matches(text, False)
        if max_results is not None:
            found = found[: int(max_results)]
        plugin_id = self.getId()
        return tuple(
            {"id": u, "login": u, "title": a.name, "pluginid": plugin_id} for u, a in found
        )

    def _matches(self, text, exact):
        if exact:
            account = self.get(text)
            return [(text, account)] if account is not None else []
        text = (text or "").lower()
        return [
            (u, a)
            for u, a in self.active()
            if not text or text in u.lower() or text in a.name.lower() or text in a.email.lower()
        ]

    # -- IPropertiesPlugin ----------------------------------------------------------------------

    def getPropertiesForUser(self, user, request=None):
        account = self.get(user.getId())
        if account is None:
            return {}
        return {"fullname": account.name, "email": account.email, "mobile": account.mobile}


classImplements(DirectoryAccounts, *INTERFACES)
InitializeClass(DirectoryAccounts)


def _as_tuple(account: Account) -> tuple:
    return (
        account.name,
        account.email,
        account.mobile,
        tuple(account.departments),
        tuple(account.positions),
        tuple(account.tags),
    )


def end_sessions(pas, user_id: str) -> None:
    """Renew plone.session's per-user keyring of ``user_id`` (when per-user keyrings are on):
    every ticket signed with the old secret stops working."""
    session = pas._getOb("session", None)
    manager = queryUtility(IKeyManager)
    if session is None or manager is None or not hasattr(session, "_getSecretKey"):
        return
    ring = session._getSecretKey(user_id)
    if ring in manager:
        manager.clear(ring=ring)
        manager[ring].fill()


def plugin(portal, create: bool = True) -> DirectoryAccounts | None:
    """The site's directory accounts plugin, installed and activated on first use."""
    pas = portal.acl_users
    found = pas._getOb(PLUGIN_ID, None)
    if found is None and create:
        pas._setObject(PLUGIN_ID, DirectoryAccounts())
        found = pas._getOb(PLUGIN_ID)
        for iface in INTERFACES:
            pas.plugins.activatePlugin(iface, PLUGIN_ID)
        # its name and e-mail come before mutable_properties' empty defaults
        pas.plugins.movePluginsTop(IPropertiesPlugin, [PLUGIN_ID])
    return found
