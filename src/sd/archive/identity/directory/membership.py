"""Group membership from sign-on claims (按登录声明加入组): for the OIDC sign-on (#27 item 1)
and the platform sign-on.

:func:`apply_membership` places one account in the sync's groups for the departments,
positions and tags its identity provider names, through the same tree, agency bindings and
role mapping as the full sync; so an OIDC account gets its agency's fonds roles through the
agency's group, never as a local role of its own.
"""

from __future__ import annotations

from sd.archive import audit
from sd.archive.core.identity.directory import Desired
from sd.archive.core.identity.directory import Plan
from sd.archive.core.identity.directory import Tree
from sd.archive.core.identity.directory import diff
from sd.archive.core.identity.directory import member_groups
from sd.archive.identity.directory import store
from sd.archive.identity.directory.changes import apply
from sd.archive.identity.directory.sync import _kept_departments
from sd.archive.identity.directory.sync import read_site
from sd.archive.security.directory import Directory
from sd.archive.security.separation import ADMINISTRATOR_ROLES
from sd.archive.security.separation import SUPERUSER_ROLES

ADMINISTRATOR_NOTE = "三员或超级管理员账号不由同步授予: an administrator's account is not changed"


def apply_membership(
    user_id: str,
    departments: list[str],
    positions: list[str],
    source: str,
    tags: list[str] = (),
    portal=None,
) -> Plan:
    """Place ``user_id`` in the sync's groups for ``departments`` (the directory's department
    ids, as strings), ``positions`` and ``tags``: its departments' groups, its agencies'
    fonds-role groups, its global-role groups; it leaves the sync's groups it no longer
    belongs to (other groups are not touched). ``source`` names where the claims come from
    (``oidc``, ``platform``), for the audit trail. Departments the last synchronised tree does
    not know are ignored and listed in the plan's notes; an account holding an administrator
    or superuser role is never changed (an empty plan with a note). Returns the plan applied.
    """
    if portal is None:
        from plone import api

        portal = api.portal.get()
    departments = [str(d) for d in departments or ()]
    if (ADMINISTRATOR_ROLES | SUPERUSER_ROLES) & Directory(portal.acl_users).global_roles(user_id):
        return Plan(notes=[(user_id, ADMINISTRATOR_NOTE)])
    known = _kept_departments(portal)
    tree = Tree(known, store.bindings(portal))
    existing = portal.acl_users.source_groups._groups
    wanted = frozenset(
        g
        for g in member_groups(
            tree, store.mapping(portal), departments, positions or (), tags or ()
        )
        if g in existing
    )
    current = read_site(portal, users={user_id}).memberships.get(user_id, frozenset())
    plan = diff(
        Desired(memberships={user_id: current}),
        Desired(memberships={user_id: wanted}),
        partial=True,
    )
    plan.notes = [
        (user_id, f"未知部门: unknown department {d}") for d in departments if d not in known
    ]
    apply(portal, plan)
    if plan.changes:
        audit.log(
            "directory.membership",
            None,
            details={
                "principal": user_id,
                "source": source,
                "groups": sorted(wanted),
                "counts": plan.counts(),
            },
        )
    return plan
