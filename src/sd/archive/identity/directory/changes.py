"""Making a directory sync's changes (组织机构同步的变更): groups, accounts, memberships and
grants through the PAS and local-role mutators the three-administrators guard watches, each
announced to the audit trail."""

from __future__ import annotations

import transaction
from zope.event import notify

from sd.archive import audit
from sd.archive.core.identity.directory import Plan
from sd.archive.identity.directory.accounts import plugin as accounts_plugin
from sd.archive.security.events import SecurityChangedEvent

SAVEPOINT_EVERY = 5000


def fonds_by_code(portal, code):
    from sd.archive.intake.fonds import find_fonds

    return find_fonds(portal, code)


class Applier:
    """Makes one plan's changes: one method per kind of change."""

    def __init__(self, portal):
        self.portal = portal
        self.pas = portal.acl_users
        self.groups = self.pas.source_groups
        self.accounts = accounts_plugin(portal)
        self.touched_fonds = {}

    def group_add(self, change):
        self.groups.addGroup(
            change.subject, title=change.after.title, description=change.after.description
        )

    def group_update(self, change):
        new = change.after
        self.groups.updateGroup(change.subject, title=new.title, description=new.description)
        announce("group_updated", change.subject, title=new.title, description=new.description)

    def account_add(self, change):
        self.accounts.put(change.subject, change.after)
        announce("account_created", change.subject)

    def account_update(self, change):
        self.accounts.put(change.subject, change.after)
        announce("account_updated", change.subject)

    def member_join(self, change):
        self.groups.addPrincipalToGroup(change.subject, change.target)

    def member_leave(self, change):
        self.groups.removePrincipalFromGroup(change.subject, change.target)

    def grant_local(self, change):
        fonds = fonds_by_code(self.portal, change.target)
        if fonds is None:
            return
        if change.after:
            fonds.manage_setLocalRoles(change.subject, sorted(change.after))
        else:
            fonds.manage_delLocalRoles([change.subject])
        self.touched_fonds[change.target] = fonds

    def grant_global(self, change):
        self.pas.portal_role_manager.assignRolesToPrincipal(sorted(change.after), change.subject)

    def account_disable(self, change):
        self.accounts.disable(change.subject, "left the directory")
        announce("account_disabled", change.subject)

    def group_remove(self, change):
        self.groups.removeGroup(change.subject)  # announced by the guard (group_deleted)


def apply(portal, plan: Plan) -> None:
    """Make the plan's changes in its order (savepoints now and then for big plans); the
    security index of a fonds is rebuilt only where a grant itself changed (a binding)."""
    applier = Applier(portal)
    for index, change in enumerate(plan.changes, start=1):
        getattr(applier, change.kind.replace(".", "_"))(change)
        if index % SAVEPOINT_EVERY == 0:
            transaction.savepoint(optimistic=True)
    for fonds in applier.touched_fonds.values():
        fonds.reindexObjectSecurity()


def announce(action, principal, **details):
    notify(
        SecurityChangedEvent(
            action, principal, "", {"actor": audit.actor(), "source": "directory", **details}
        )
    )
