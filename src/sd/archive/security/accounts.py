"""Accounts created and deleted (账号创建、删除): announced as ``SecurityChangedEvent``.

PAS fires ``PrincipalCreated`` / ``PrincipalDeleted`` for every path (``POST @users``, the add-user
form, self-registration, ``plone.api``); role, group and local-role changes are announced by
``guard``.
"""

from zope.component.hooks import getSite
from zope.event import notify

from sd.archive.security.directory import Directory
from sd.archive.security.events import SecurityChangedEvent
from sd.archive.security.guard import actor


def _announce(action, principal_id):
    site = getSite()
    if site is not None and Directory.of(site) is not None:
        notify(SecurityChangedEvent(action, principal_id, "", {"actor": actor()[0]}))


def account_created(event):
    _announce("account_created", event.principal.getId())


def account_deleted(event):
    _announce("account_deleted", event.principal)
