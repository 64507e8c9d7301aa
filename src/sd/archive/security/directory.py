"""Who holds which role, read from the PAS plugins' own storage (账号目录).

The guard needs the roles a principal holds *before* a change, through every path: its own
global roles, its groups' (nested groups too), and local roles. It reads the ZODB role and
group managers' mappings directly rather than asking PAS (``getRolesForPrincipal``), so no
cache or request flag (``__ignore_group_roles__``) changes the answer.
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from Products.PluggableAuthService.interfaces.plugins import IGroupsPlugin
from Products.PluggableAuthService.interfaces.plugins import IRolesPlugin
from Products.PluggableAuthService.plugins.ZODBGroupManager import ZODBGroupManager
from Products.PluggableAuthService.plugins.ZODBRoleManager import ZODBRoleManager

from sd.archive.security.separation import ADMINISTRATOR_ROLES
from sd.archive.security.separation import SECURITY_ADMINISTRATOR

# Plone's virtual group of every logged-in account (auto_group plugin)
EVERYONE = "AuthenticatedUsers"


class Directory:
    """The roles and groups of one site's PAS."""

    def __init__(self, pas):
        self.site = aq_parent(aq_inner(pas))
        plugins = pas._getOb("plugins")
        self.role_managers = [
            p for _, p in plugins.listPlugins(IRolesPlugin) if isinstance(p, ZODBRoleManager)
        ]
        self.group_managers = [
            p for _, p in plugins.listPlugins(IGroupsPlugin) if isinstance(p, ZODBGroupManager)
        ]

    @classmethod
    def of(cls, context):
        """The directory of the site ``context`` is in, or None where the rules do not apply
        (a site without sd.archive, an object outside any site)."""
        pas = getattr(aq_inner(context), "acl_users", None)
        if pas is None or not hasattr(aq_base(pas), "_getOb"):
            return None
        try:
            directory = cls(pas)
        except (AttributeError, KeyError):
            return None
        return directory if directory.enforced() else None

    def enforced(self):
        """sd.archive's roles are defined: on the site (rolemap.xml) or in a role manager (which
        learns the site's roles lazily)."""
        return SECURITY_ADMINISTRATOR in (
            getattr(aq_base(self.site), "__ac_roles__", None) or ()
        ) or any(SECURITY_ADMINISTRATOR in rm._roles for rm in self.role_managers)

    def is_group(self, principal_id):
        return principal_id == EVERYONE or any(
            principal_id in gm._groups for gm in self.group_managers
        )

    def direct_roles(self, principal_id):
        return {r for rm in self.role_managers for r in rm._principal_roles.get(principal_id, ())}

    def groups_of(self, principal_id):
        """The groups ``principal_id`` is in, nested groups included."""
        found, todo = set(), [principal_id]
        while todo:
            current = todo.pop()
            for gm in self.group_managers:
                for group_id in gm._principal_groups.get(current, ()):
                    if group_id not in found:
                        found.add(group_id)
                        todo.append(group_id)
        if not self.is_group(principal_id):
            found.add(EVERYONE)
        return found

    def members_of(self, group_id):
        """The principals in ``group_id``, members of nested groups included. For the virtual
        group of all accounts, the holders of an administrator role (the ones the rules are
        about)."""
        if group_id == EVERYONE:
            holders = {
                p
                for rm in self.role_managers
                for p, roles in rm._principal_roles.items()
                if ADMINISTRATOR_ROLES.intersection(roles)
            }
            return holders.union(*(self.members_of(p) for p in holders if self.is_group(p)))
        found, todo = set(), [group_id]
        while todo:
            current = todo.pop()
            for gm in self.group_managers:
                for principal_id, groups in gm._principal_groups.items():
                    if current in groups and principal_id not in found:
                        found.add(principal_id)
                        todo.append(principal_id)
        return found

    def global_roles(self, principal_id):
        """Roles held everywhere: its own and its groups'."""
        roles = self.direct_roles(principal_id)
        for group_id in self.groups_of(principal_id):
            roles |= self.direct_roles(group_id)
        return roles

    def local_roles(self, obj, principal_ids):
        """Local roles of any of ``principal_ids`` on ``obj`` and the objects above it."""
        roles = set()
        current = aq_inner(obj)
        while current is not None:
            rolemap = getattr(aq_base(current), "__ac_local_roles__", None) or {}
            if callable(rolemap):
                rolemap = rolemap() or {}
            for principal_id in principal_ids:
                roles.update(rolemap.get(principal_id, ()))
            current = aq_parent(current)
        return roles

    def local_roles_everywhere(self, principal_ids):
        """Local roles of any of ``principal_ids`` on any catalogued object where they give
        View (the catalog's ``allowedRolesAndUsers`` names ``user:<id>`` there): what a
        global grant of an administrator role must not meet."""
        catalog = getattr(self.site, "portal_catalog", None)
        if catalog is None:
            return set()
        roles = set()
        for brain in catalog.unrestrictedSearchResults(
            allowedRolesAndUsers=[f"user:{p}" for p in principal_ids]
        ):
            rolemap = (
                getattr(aq_base(brain._unrestrictedGetObject()), "__ac_local_roles__", None) or {}
            )
            for principal_id in principal_ids:
                roles.update(rolemap.get(principal_id, ()))
        return roles

    def held(self, principal_id, obj=None, everywhere=False):
        """Roles ``principal_id`` holds, globally and locally: on ``obj`` (and above it), or with
        ``everywhere`` on any catalogued object."""
        roles = self.global_roles(principal_id)
        if obj is not None or everywhere:
            principal_ids = {principal_id} | self.groups_of(principal_id)
            roles |= (
                self.local_roles(obj, principal_ids)
                if obj is not None
                else self.local_roles_everywhere(principal_ids)
            )
        return roles

    def affected(self, principal_id, obj=None, everywhere=False):
        """Every principal a change to ``principal_id`` reaches (a group: its members too),
        with the roles each holds before the change."""
        reached = {principal_id}
        if self.is_group(principal_id):
            reached |= self.members_of(principal_id)
        return {p: self.held(p, obj, everywhere) for p in sorted(reached)}
