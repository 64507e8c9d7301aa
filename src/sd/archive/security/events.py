"""Events of security administration (账号、角色、组、本地角色变更).

Fired by ``sd.archive.security`` whenever an account, a role grant, a group membership or a
local role changes (or a change is refused); the audit trail (``sd.archive.audit``) subscribes
to them. ``outcome`` is ``"ok"`` or ``"refused"``.
"""

from zope.interface import Attribute
from zope.interface import Interface
from zope.interface import implementer


class ISecurityChangedEvent(Interface):
    """账号/角色/组/本地角色变更事件."""

    action = Attribute(
        "what changed: account_created, account_deleted, roles_changed, "
        "group_member_added, group_member_removed, group_roles_changed, "
        "local_roles_changed, ..."
    )
    principal = Attribute("the user or group id the change is about")
    target = Attribute("the object path for local roles, else ''")
    details = Attribute("dict: old/new roles, group id, ...")
    outcome = Attribute("'ok' or 'refused'")


@implementer(ISecurityChangedEvent)
class SecurityChangedEvent:
    def __init__(self, action, principal, target="", details=None, outcome="ok"):
        self.action = action
        self.principal = principal
        self.target = target
        self.details = details or {}
        self.outcome = outcome
