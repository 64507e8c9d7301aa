"""Positions and tags to business roles (职务/标签 → 业务角色映射), edited by the security
administrator (安全保密管理员).

A mapping is a list of rules, one a line in its text form::

    position: 档案员 = RecordsOfficer
    tag: 分管领导 = Leader
    position: 档案馆接收岗 = Archivist

``position`` matches a member's position (职务, the directory's ``position`` field) exactly,
``tag`` one of its tags (标签). A business role is either *of the fonds* (本全宗角色: given as a
local role on the fonds its agency is bound to, through that agency's group) or *global* (全局
角色: given through one group that holds the role everywhere). The three administrators'
roles (三员) and the superuser roles are never a target: a rule naming one is refused, so the
sync can never appoint an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

RECORDS_OFFICER = "RecordsOfficer"  # 档案员
LEADER = "Leader"  # 领导
ARCHIVIST = "Archivist"  # 档案馆接收/馆藏
SUPERVISOR = "Supervisor"  # 监督指导

AGENCY_LEADER = "AgencyLeader"  # 机关领导: approves its records room's appraisal batches

#: business role -> the local roles it gives on its agency's fonds (本全宗角色)
FONDS_ROLES: dict[str, tuple[str, ...]] = {
    RECORDS_OFFICER: (RECORDS_OFFICER, "Reader"),
    AGENCY_LEADER: (AGENCY_LEADER, "Reader"),
}
#: business roles held everywhere (全局角色), as the demo's archivist, supervisor and leader
GLOBAL_ROLES: frozenset[str] = frozenset({LEADER, ARCHIVIST, SUPERVISOR})
BUSINESS_ROLES: frozenset[str] = frozenset(FONDS_ROLES) | GLOBAL_ROLES
#: never given by the sync (三员, superusers)
RESERVED_ROLES: frozenset[str] = frozenset(
    {
        "SystemAdministrator",
        "SecurityAdministrator",
        "SecurityAuditor",
        "Manager",
        "Site Administrator",
    }
)
KINDS = ("position", "tag")


class MappingError(ArchiveError):
    """The mapping text cannot be used (角色映射有误): HTTP 400, nothing saved."""

    def __init__(self, problems):
        super().__init__(
            "角色映射有误: the role mapping is not valid",
            list(problems),
            400,
            type="MappingInvalid",
        )


@dataclass(frozen=True)
class Rule:
    """One rule: members whose ``kind`` (position or tag) equals ``value`` hold ``role``."""

    kind: str
    value: str
    role: str

    def line(self) -> str:
        return f"{self.kind}: {self.value} = {self.role}"


@dataclass(frozen=True)
class RoleMapping:
    """The rules, in order (duplicates removed when parsed)."""

    rules: tuple[Rule, ...] = ()

    def roles_for(self, positions=(), tags=()) -> frozenset[str]:
        """The business roles a member with ``positions`` and ``tags`` holds."""
        positions, tags = set(positions), set(tags)
        return frozenset(
            r.role
            for r in self.rules
            if (r.kind == "position" and r.value in positions)
            or (r.kind == "tag" and r.value in tags)
        )

    def text(self) -> str:
        return "\n".join(r.line() for r in self.rules)

    def global_roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.rules if r.role in GLOBAL_ROLES)

    def fonds_roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.rules if r.role in FONDS_ROLES)


DEFAULT_MAPPING_TEXT = """\
position: 档案员 = RecordsOfficer
position: 兼职档案员 = RecordsOfficer
tag: 分管领导 = Leader
position: 档案馆接收岗 = Archivist
position: 监督指导岗 = Supervisor"""


def parse_mapping(text: str) -> RoleMapping:
    """The mapping of ``text`` (one rule a line; blank lines and ``#`` comments skipped);
    every bad line is reported (``mapping.syntax``, ``mapping.kind``, ``mapping.reserved``,
    ``mapping.role``) and nothing is returned while one is bad."""
    rules, problems = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"line {number}"
        head, sep, role = line.rpartition("=")
        kind, colon, value = head.partition(":")
        kind, value, role = kind.strip().lower(), value.strip(), role.strip()
        if not sep or not colon or not value or not role:
            problems.append(
                Problem(
                    "mapping.syntax",
                    "格式应为「position: 职务 = 角色」: expected 'position: value = Role'",
                    where,
                    "mapping",
                )
            )
            continue
        if kind not in KINDS:
            problems.append(
                Problem(
                    "mapping.kind",
                    f"只能按职务(position)或标签(tag)映射: unknown kind {kind!r}",
                    where,
                    "mapping",
                )
            )
            continue
        if role in RESERVED_ROLES:
            problems.append(
                Problem(
                    "mapping.reserved",
                    f"三员和超级管理员角色不能由同步授予: {role} is never given by the sync",
                    where,
                    "mapping",
                )
            )
            continue
        if role not in BUSINESS_ROLES:
            problems.append(
                Problem(
                    "mapping.role",
                    f"不是业务角色: {role} is not one of {', '.join(sorted(BUSINESS_ROLES))}",
                    where,
                    "mapping",
                )
            )
            continue
        rule = Rule(kind, value, role)
        if rule not in rules:
            rules.append(rule)
    if problems:
        raise MappingError(problems)
    return RoleMapping(tuple(rules))


def parse_bindings(text: str) -> dict[str, str]:
    """Agency bindings (机关与全宗的绑定), one a line: ``<department id> = <fonds id>``; a
    department bound twice or a line without both parts is refused (``binding.syntax``,
    ``binding.duplicate``)."""
    bindings, problems = {}, []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        department, sep, fonds = (part.strip() for part in line.partition("="))
        where = f"line {number}"
        if not sep or not department or not fonds:
            problems.append(
                Problem(
                    "binding.syntax",
                    "格式应为「部门ID = 全宗ID」: expected 'department id = fonds id'",
                    where,
                    "bindings",
                )
            )
        elif department in bindings:
            problems.append(
                Problem(
                    "binding.duplicate",
                    f"部门重复绑定: department {department} bound twice",
                    where,
                    "bindings",
                )
            )
        else:
            bindings[department] = fonds
    if problems:
        raise MappingError(problems)
    return bindings


def bindings_text(bindings: dict[str, str]) -> str:
    return "\n".join(f"{d} = {f}" for d, f in bindings.items())
