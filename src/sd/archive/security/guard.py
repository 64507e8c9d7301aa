"""The guard of the three separated administrators (三员分立) on the mutators every path uses.

Every way of changing who holds a role ends in a few methods, so the rules of
``separation`` are applied there and nowhere else:

=====================================================  =============================================
mutator                                                reached from
=====================================================  =============================================
``ZODBRoleManager.assignRoleToPrincipal``              ``PAS._doAddUser`` (``POST @users``, the
                                                       add-user form, ``plone.api``), ZMI
                                                       ``portal_role_manager``
``GroupAwareRoleManager.assignRolesToPrincipal``       ``userFolderEditUser`` (``PATCH @users``, the
                                                       users control panel),
                                                       ``portal_groups.editGroup`` /
                                                       ``setRolesForGroup`` (``@groups``, groups
                                                       panel)
``ZODBRoleManager.removeRoleFromPrincipal``            ZMI, ``doRemoveRoleFromPrincipal``
``ZODBGroupManager.addPrincipalToGroup``,              ``portal_groups`` (``@groups``, group
``removePrincipalFromGroup``                           membership forms, ``plone.api.group``), ZMI
                                                       ``source_groups``
``ZODBGroupManager.removeGroup``                       ``portal_groups.removeGroup``
                                                       (``DELETE @groups``)
``RoleManager.manage_addLocalRoles``,                  the sharing view and ``@sharing``,
``manage_setLocalRoles``, ``manage_delLocalRoles``     ``plone.api``, ZMI (``OFS.role.RoleManager``
                                                       calls these)
``UserManager.doChangeUser``,                          ``userSetPassword`` (``PATCH @users``, the
``ZODBUserManager.updateUserPassword``                 password forms, reset by mail), ZMI
                                                       ``source_users``
``ZODBUserManager.removeUser``                         ``PAS._doDelUser`` (``DELETE @users``, users
                                                       panel)
``ZODBMutablePropertyProvider.setPropertiesForUser``   ``setMemberProperties`` (e-mail changes)
=====================================================  =============================================

PlonePAS's plugins call their base class's method by name
(``ZODBRoleManager.assignRoleToPrincipal(self, ...)``), so wrapping the base class covers both.
Local roles are no PAS plugin, which is why the guard wraps these methods in place (``apply``,
called once when ``sd.archive.security`` is imported, as Products.CMFPlone applies its ``patches``)
instead of installing subclassed plugins.

The rules apply only in a site where the role ``SecurityAdministrator`` exists (sd.archive is
installed). The actor's rules (``superuser_roles_reserved``, ``no_self_grant``) apply to changes
made in a published request by anyone but a Manager; code run outside a request (``zconsole run``
scripts, set-up, tests' fixtures) acts for the operator. The rules on what an account may hold apply
to everybody.

Each change fires ``SecurityChangedEvent`` after it is made (``outcome="ok"``); a refused change
fires it with ``outcome="refused"`` and then raises ``RoleSeparationRefused`` (the transaction is
aborted). Owner, the role Plone gives the creator of each new (or pasted) object, passes without a
check or an event while nobody else holds a local role on the object; any other Owner change is
checked and announced.
"""

import functools

from AccessControl import getSecurityManager
from AccessControl.rolemanager import RoleManager
from Acquisition import aq_base
from Products.PlonePAS.plugins.property import ZODBMutablePropertyProvider
from Products.PlonePAS.plugins.role import GroupAwareRoleManager
from Products.PlonePAS.plugins.user import UserManager
from Products.PluggableAuthService.plugins.ZODBGroupManager import ZODBGroupManager
from Products.PluggableAuthService.plugins.ZODBRoleManager import ZODBRoleManager
from Products.PluggableAuthService.plugins.ZODBUserManager import ZODBUserManager
from zope.event import notify
from zope.globalrequest import getRequest

from sd.archive.security.directory import Directory
from sd.archive.security.events import SecurityChangedEvent
from sd.archive.security.separation import ADMINISTRATOR_ROLES
from sd.archive.security.separation import RoleSeparationRefused
from sd.archive.security.separation import judge
from sd.archive.security.separation import judge_account

OWNER_ONLY = frozenset({"Owner"})
IGNORED = frozenset({"Authenticated", "Anonymous"})  # never stored as a grant that matters


def actor():
    """The id of whoever makes the change, and whether the actor's rules are waived for it."""
    user = getSecurityManager().getUser()
    request = getRequest()
    published = request is not None and request.get("PUBLISHED", None) is not None
    return user.getId(), not published or bool(user.has_role(["Manager"]))


def _target(obj):
    return "/".join(obj.getPhysicalPath()) if obj is not None else ""


class Change:
    """One change about one principal: checked, then made, then announced.

    ``action=None`` is ``roles_changed`` or ``group_roles_changed`` as the principal is a group."""

    def __init__(self, directory, action, principal_id, obj=None, **details):
        self.directory = directory
        self.action = action or (
            "group_roles_changed" if directory.is_group(principal_id) else "roles_changed"
        )
        self.principal_id = principal_id
        self.obj = obj
        self.actor_id, self.trusted = actor()
        self.details = dict(details, actor=self.actor_id)

    def announce(self, outcome="ok", **extra):
        notify(
            SecurityChangedEvent(
                self.action,
                self.principal_id,
                _target(self.obj),
                dict(self.details, **extra),
                outcome,
            )
        )

    def check(self, gained=(), joins=False, removed=()):
        gained, removed = set(gained) - IGNORED, set(removed) - IGNORED
        if not gained and not joins and not removed:
            return
        # a global administrator role must also meet the local roles held anywhere (a query)
        everywhere = self.obj is None and bool(gained & ADMINISTRATOR_ROLES)
        affected = self.directory.affected(self.principal_id, self.obj, everywhere)
        self.refuse_if(
            judge(
                self.actor_id,
                self.trusted,
                affected,
                gained,
                local=self.obj is not None,
                joins=joins,
                removed=removed,
            )
        )

    def check_account(self, deletes=False):
        held = self.directory.global_roles(self.principal_id)
        self.refuse_if(judge_account(self.actor_id, self.trusted, self.principal_id, held, deletes))

    def refuse_if(self, verdict):
        if verdict is not None:
            rule, principal = verdict
            self.announce("refused", rule=rule, refused_for=principal)
            raise RoleSeparationRefused(rule, principal)

    def make(self, call, gained=(), joins=False, removed=(), announce=True):
        """Check the change, make it (``call()``), announce it (if ``announce(result)``, when
        callable); returns what ``call`` returns."""
        self.check(gained, joins, removed)
        result = call()
        if announce(result) if callable(announce) else announce:
            self.announce()
        return result


def _guarded(context, action, principal_id, **details):
    """The ``Change`` of ``principal_id`` in the site of ``context``, or None where the rules
    do not apply (the caller then makes the change as it is)."""
    directory = Directory.of(context)
    return None if directory is None else Change(directory, action, principal_id, **details)


# --- global roles (portal_role_manager) ---------------------------------------------------------


def assign_role(original, plugin, role_id, principal_id, *args, **kw):
    directory = Directory.of(plugin)
    call = functools.partial(original, plugin, role_id, principal_id, *args, **kw)
    if directory is None or role_id in directory.direct_roles(principal_id):
        return call()
    return Change(directory, None, principal_id, added=[role_id]).make(call, {role_id})


def assign_roles(original, plugin, roles, principal_id, *args, **kw):
    directory = Directory.of(plugin)
    call = functools.partial(original, plugin, roles, principal_id, *args, **kw)
    old = set(plugin._principal_roles.get(principal_id, ())) - IGNORED
    new = set(roles) - IGNORED
    if directory is None or old == new:
        return call()
    change = Change(directory, None, principal_id, old=sorted(old), new=sorted(new))
    return change.make(call, new - old, removed=old - new)


def remove_role(original, plugin, role_id, principal_id, *args, **kw):
    call = functools.partial(original, plugin, role_id, principal_id, *args, **kw)
    change = _guarded(plugin, None, principal_id, removed=[role_id])
    return call() if change is None else change.make(call, removed={role_id}, announce=bool)


# --- group membership (source_groups) -----------------------------------------------------------


def add_to_group(original, plugin, principal_id, group_id, *args, **kw):
    directory = Directory.of(plugin)
    call = functools.partial(original, plugin, principal_id, group_id, *args, **kw)
    # an unknown group: the original raises KeyError
    if (
        directory is None
        or group_id not in plugin._groups
        or group_id in plugin._principal_groups.get(principal_id, ())
    ):
        return call()
    change = Change(directory, "group_member_added", principal_id, group=group_id)
    return change.make(call, directory.global_roles(group_id), joins=True)


def remove_from_group(original, plugin, principal_id, group_id, *args, **kw):
    call = functools.partial(original, plugin, principal_id, group_id, *args, **kw)
    change = _guarded(plugin, "group_member_removed", principal_id, group=group_id)
    if change is None:
        return call()
    return change.make(call, removed=change.directory.global_roles(group_id), announce=bool)


def remove_group(original, plugin, group_id, *args, **kw):
    """Deleting a group takes its roles from its members."""
    call = functools.partial(original, plugin, group_id, *args, **kw)
    change = _guarded(plugin, "group_deleted", group_id)
    if change is None or group_id not in plugin._groups:
        return call()
    return change.make(call, removed=change.directory.global_roles(group_id))


# --- accounts: password, e-mail, deletion (source_users, mutable_properties) ------------------


def change_password(original, plugin, user_id, password, *args, **kw):
    call = functools.partial(original, plugin, user_id, password, *args, **kw)
    change = _guarded(plugin, "password_changed", user_id)
    if change is None or not password:
        return call()
    change.check_account()
    return change.make(call)


def remove_user(original, plugin, user_id, *args, **kw):
    """Checked only: PAS announces the deletion (``accounts.account_deleted``)."""
    change = _guarded(plugin, "account_deleted", user_id)
    if change is not None:
        change.check_account(deletes=True)
    return original(plugin, user_id, *args, **kw)


def set_properties(original, plugin, user, propertysheet, *args, **kw):
    call = functools.partial(original, plugin, user, propertysheet, *args, **kw)
    email = dict(propertysheet.propertyItems()).get("email")
    old = (plugin._storage.get(user.getId()) or {}).get("email", "")
    if email is None or email == old or getattr(user, "isGroup", bool)():
        return call()
    change = _guarded(plugin, "email_changed", user.getId(), old=old, new=email)
    if change is None:
        return call()
    change.check_account()
    return change.make(call, announce=bool(old))  # a new account's first e-mail: no event


# --- local roles (__ac_local_roles__ of content) ------------------------------------------------


def _creator_owner(obj, principal_id, old, new):
    """Plone making the creator Owner of a new (or pasted) object: nobody else holds a local
    role on it yet."""
    rolemap = getattr(aq_base(obj), "__ac_local_roles__", None) or {}
    return (old | new) <= OWNER_ONLY and not set(rolemap) - {principal_id}


def _local_change(obj, principal_id, old, new, call):
    """Check and make one principal's local-role change on ``obj``; ``call`` makes it."""
    if old == new or _creator_owner(obj, principal_id, old, new):
        return call()
    directory = Directory.of(obj)
    if directory is None:
        return call()
    change = Change(
        directory, "local_roles_changed", principal_id, obj, old=sorted(old), new=sorted(new)
    )
    return change.make(call, new - old)


def add_local_roles(original, obj, userid, roles, *args, **kw):
    old = set(obj.get_local_roles_for_userid(userid))
    return _local_change(
        obj,
        userid,
        old,
        old | set(roles or ()),
        functools.partial(original, obj, userid, roles, *args, **kw),
    )


def set_local_roles(original, obj, userid, roles, *args, **kw):
    old = set(obj.get_local_roles_for_userid(userid))
    return _local_change(
        obj,
        userid,
        old,
        set(roles or ()),
        functools.partial(original, obj, userid, roles, *args, **kw),
    )


def del_local_roles(original, obj, userids, *args, **kw):
    before = {userid: set(obj.get_local_roles_for_userid(userid)) for userid in userids}
    result = original(obj, userids, *args, **kw)
    directory = None
    for userid, old in before.items():
        if old and not old <= OWNER_ONLY:
            directory = directory or Directory.of(obj)
            if directory is None:
                break
            Change(
                directory, "local_roles_changed", userid, obj, old=sorted(old), new=[]
            ).announce()
    return result


PATCHES = (
    (ZODBRoleManager, "assignRoleToPrincipal", assign_role),
    (ZODBRoleManager, "removeRoleFromPrincipal", remove_role),
    (GroupAwareRoleManager, "assignRolesToPrincipal", assign_roles),
    (ZODBGroupManager, "addPrincipalToGroup", add_to_group),
    (ZODBGroupManager, "removePrincipalFromGroup", remove_from_group),
    (ZODBGroupManager, "removeGroup", remove_group),
    (ZODBUserManager, "updateUserPassword", change_password),
    (UserManager, "doChangeUser", change_password),
    (ZODBUserManager, "removeUser", remove_user),
    (ZODBMutablePropertyProvider, "setPropertiesForUser", set_properties),
    (RoleManager, "manage_addLocalRoles", add_local_roles),
    (RoleManager, "manage_setLocalRoles", set_local_roles),
    (RoleManager, "manage_delLocalRoles", del_local_roles),
)


def apply():
    """Wrap the mutators (once; calling it again changes nothing)."""
    for cls, name, guard in PATCHES:
        original = cls.__dict__[name]
        if getattr(original, "sd_archive_guard", None) is not None:
            continue
        setattr(cls, name, _as_function(guard, original))


def _as_function(guard, original):
    @functools.wraps(original)
    def guarded(self, *args, **kw):
        return guard(original, self, *args, **kw)

    guarded.sd_archive_guard = guard
    return guarded
