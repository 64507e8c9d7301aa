"""The tree and what the site should hold for it (应有的组、账号、成员关系与授权)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.identity.directory.answers import PREFIX
from sd.archive.core.identity.directory.answers import Account
from sd.archive.core.identity.directory.answers import Department
from sd.archive.core.identity.directory.answers import Group
from sd.archive.core.identity.directory.answers import Member
from sd.archive.core.identity.directory.answers import agency_group
from sd.archive.core.identity.directory.answers import department_group
from sd.archive.core.identity.directory.answers import role_group
from sd.archive.core.identity.mapping import FONDS_ROLES
from sd.archive.core.identity.mapping import GLOBAL_ROLES
from sd.archive.core.identity.mapping import RoleMapping


class Tree:
    """The departments with the agency bindings: who is in which agency (机关)."""

    def __init__(self, departments: dict[str, Department], bindings: dict[str, str]):
        self.departments = departments
        self.bindings = {d: f for d, f in bindings.items() if d in departments}
        self._agency: dict[str, str] = {}

    def path(self, department_id: str) -> str:
        """全路径: the names from the root down, joined by '/'."""
        names, current, seen = [], department_id, set()
        while current and current in self.departments and current not in seen:
            seen.add(current)
            names.append(self.departments[current].name)
            current = self.departments[current].parent
        return "/".join(reversed(names))

    def agency(self, department_id: str) -> str:
        """The nearest department at or above ``department_id`` bound to a fonds, or ""."""
        found = self._agency.get(department_id)
        if found is None:
            found, current, seen = "", department_id, set()
            while current and current in self.departments and current not in seen:
                seen.add(current)
                if current in self.bindings:
                    found = current
                    break
                current = self.departments[current].parent
            self._agency[department_id] = found
        return found


@dataclass
class Desired:
    """What the site should hold (or holds: :func:`diff` compares two of these)."""

    groups: dict[str, Group] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    memberships: dict[str, frozenset[str]] = field(default_factory=dict)
    #: fonds id -> group id -> local roles
    local_grants: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    #: group id -> global roles
    global_grants: dict[str, frozenset[str]] = field(default_factory=dict)
    #: members that hold a role and are in no agency, skipped administrators, ...
    notes: list[tuple[str, str]] = field(default_factory=list)


def member_groups(
    tree: Tree, mapping: RoleMapping, departments: Iterable[str], positions=(), tags=()
) -> frozenset[str]:
    """The sync's groups of a member in ``departments`` with ``positions`` and ``tags``: its
    departments', its agencies' groups of each fonds role it holds, the group of each global
    role it holds. Departments not in the tree are skipped."""
    roles = mapping.roles_for(positions, tags)
    groups = set()
    for dep in departments:
        if dep not in tree.departments:
            continue
        groups.add(department_group(dep))
        agency = tree.agency(dep)
        if agency:
            groups.update(agency_group(agency, role) for role in roles if role in FONDS_ROLES)
    groups.update(role_group(role) for role in roles if role in GLOBAL_ROLES)
    return frozenset(groups)


def desired(
    departments: dict[str, Department],
    members: Iterable[Member],
    bindings: dict[str, str],
    mapping: RoleMapping,
) -> Desired:
    """What the site should hold for this directory, these bindings and this mapping."""
    tree = Tree(departments, bindings)
    want = Desired()
    for dep in departments.values():
        want.groups[department_group(dep.id)] = Group(dep.name, tree.path(dep.id))
    for dep_id, fonds_id in tree.bindings.items():
        for role in sorted(mapping.fonds_roles()):
            group_id = agency_group(dep_id, role)
            want.groups[group_id] = Group(
                f"{departments[dep_id].name} {role}", f"{tree.path(dep_id)} → {fonds_id}"
            )
            want.local_grants.setdefault(fonds_id, {})[group_id] = frozenset(FONDS_ROLES[role])
    for role in sorted(mapping.global_roles()):
        want.groups[role_group(role)] = Group(role, "")
        want.global_grants[role_group(role)] = frozenset({role})
    for member in members:
        if not member.active:
            continue
        want.accounts[member.id] = member.account()
        groups = member_groups(tree, mapping, member.departments, member.positions, member.tags)
        want.memberships[member.id] = groups
        if any(
            role in FONDS_ROLES for role in mapping.roles_for(member.positions, member.tags)
        ) and not any(g.startswith(f"{PREFIX}agency-") for g in groups):
            want.notes.append(
                (
                    member.id,
                    "持有本全宗角色但不属于任何已绑定机关: holds a fonds role in no bound agency",
                )
            )
    return want
