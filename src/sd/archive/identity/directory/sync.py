"""Organisation-tree synchronisation (组织机构同步): the directory into groups, accounts and
grants.

A run reads the whole answer first (departments, then the members of every department) and
checks it (:mod:`sd.archive.core.identity.directory`); only then does it compare with the site
and make the changes. So an unreachable directory or a malformed answer changes nothing: the
run is recorded as failed, the audit trail gets the reason at once (``directory.sync`` with
outcome ``failed``) and, for an unreachable directory, an alarm is raised.

Every change is made through the PAS and local-role mutators that the three-administrators
guard (``sd.archive.security.guard``) watches, so each lands in the audit trail
(``security.group_member_added`` …) like a change made by hand; account changes of the
directory's own plugin are announced the same way (``security.account_created`` …). Accounts
that hold one of the three administrators' roles or a superuser role, and accounts of the
site's own user source (local logins), are never touched (listed as skipped).

Kinds of run: ``full`` (scheduled or on demand), ``dry-run`` (the same comparison, nothing
changed: the plan is what the page shows), ``incremental`` (a change event: only the members
and departments named).
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field

from sd.archive import audit
from sd.archive.core.errors import ArchiveError
from sd.archive.core.identity.directory import PREFIX
from sd.archive.core.identity.directory import Department
from sd.archive.core.identity.directory import Desired
from sd.archive.core.identity.directory import DirectoryUnreachable
from sd.archive.core.identity.directory import Group
from sd.archive.core.identity.directory import Member
from sd.archive.core.identity.directory import Plan
from sd.archive.core.identity.directory import desired
from sd.archive.core.identity.directory import diff
from sd.archive.core.identity.directory import parse_departments
from sd.archive.core.identity.directory import parse_members
from sd.archive.core.identity.directory import parse_user
from sd.archive.identity.directory import store
from sd.archive.identity.directory.accounts import plugin as accounts_plugin
from sd.archive.identity.directory.changes import apply
from sd.archive.identity.directory.changes import fonds_by_code
from sd.archive.identity.platform.client import UNKNOWN_USER
from sd.archive.identity.platform.client import PlatformError
from sd.archive.security.directory import Directory
from sd.archive.security.separation import ADMINISTRATOR_ROLES
from sd.archive.security.separation import SUPERUSER_ROLES

logger = logging.getLogger("sd.archive.identity.directory")
DEPARTMENTS_KEY = "sd.archive.identity.directory.departments"


@dataclass
class Outcome:
    """One run: its kind, status (``ok``, ``dry-run``, ``unreachable``, ``malformed``,
    ``failed``), the plan, the problems, when and how long."""

    kind: str
    status: str = "ok"
    plan: Plan = field(default_factory=Plan)
    problems: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    started: float = field(default_factory=time.time)
    seconds: float = 0.0
    source: str = "platform"

    def summary(self) -> dict:
        return {
            "kind": self.kind,
            "status": self.status,
            "source": self.source,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "counts": self.plan.counts(),
            "changes": [c.as_dict() for c in self.plan.changes[:200]],
            "total_changes": len(self.plan),
            "notes": [list(n) for n in self.plan.notes[:50]],
            "skipped": list(self.skipped[:50]),
            "problems": [
                p.as_dict() if hasattr(p, "as_dict") else {"message": str(p)} for p in self.problems
            ][:50],
        }


# -- the directory ------------------------------------------------------------------------------


FETCH_THREADS = int(os.environ.get("SD_ARCHIVE_DIRECTORY_FETCH_THREADS", 4))


def fetch(client, root: str = "") -> tuple[dict[str, Department], list[Member]]:
    """The whole directory under ``root``: departments, then the members of each (read by
    ``FETCH_THREADS`` threads; a member in several departments is read once, in department
    order). Raises DirectoryUnreachable or MalformedAnswer."""
    try:
        departments = parse_departments(client.departments(root))
        with ThreadPoolExecutor(max_workers=max(1, FETCH_THREADS)) as pool:
            answers = list(pool.map(client.members, list(departments)))
        members: dict[str, Member] = {}
        for dep_id, answer in zip(departments, answers, strict=True):
            for member in parse_members(answer, f"user/list?department_id={dep_id}"):
                members.setdefault(member.id, member)
    except PlatformError as error:
        raise DirectoryUnreachable(f"接口返回错误 {error.errcode}: {error.errmsg}") from None
    return departments, list(members.values())


# -- the site ------------------------------------------------------------------------------


def _pas(portal):
    pas = portal.acl_users
    return pas, pas.source_groups


def read_site(portal, fonds_codes=(), users=None) -> Desired:
    """What the site holds of the sync's groups, accounts, memberships and grants; with
    ``users``, the accounts and memberships of those users only (an incremental sync)."""
    pas, groups = _pas(portal)
    have = Desired()
    for group_id, info in groups._groups.items(
        min=PREFIX, max=PREFIX[:-1] + chr(ord(PREFIX[-1]) + 1)
    ):
        if group_id.startswith(PREFIX):
            have.groups[group_id] = Group(info.get("title") or "", info.get("description") or "")
    accounts = accounts_plugin(portal)
    if users is None:
        have.accounts = dict(accounts.active())
        principals = groups._principal_groups.items()
    else:
        have.accounts = {u: a for u in users if (a := accounts.get(u)) is not None}
        principals = ((u, groups._principal_groups.get(u, ())) for u in users)
    for principal_id, member_of in principals:
        managed = frozenset(g for g in member_of if g.startswith(PREFIX))
        if managed:
            have.memberships[principal_id] = managed
    for code in fonds_codes:
        fonds = fonds_by_code(portal, code)
        if fonds is None:
            continue
        grants = {
            principal: frozenset(roles)
            for principal, roles in (fonds.__ac_local_roles__ or {}).items()
            if principal.startswith(PREFIX)
        }
        if grants:
            have.local_grants[code] = grants
    role_manager = pas.portal_role_manager
    for principal, roles in role_manager._principal_roles.items():
        if principal.startswith(PREFIX) and roles:
            have.global_grants[principal] = frozenset(roles)
    return have


def untouchable(portal) -> frozenset[str]:
    """Principals the sync never changes: holders of an administrator or superuser role
    (directly or through a group) and the accounts of the site's own user source."""
    pas = portal.acl_users
    directory = Directory(pas)
    reserved = ADMINISTRATOR_ROLES | SUPERUSER_ROLES
    holders = set()
    for manager in directory.role_managers:
        for principal, roles in manager._principal_roles.items():
            if reserved.intersection(roles):
                holders.add(principal)
                if directory.is_group(principal):
                    holders |= directory.members_of(principal)
    local = pas._getOb("source_users", None)
    if local is not None:
        holders |= set(local._user_passwords.keys())
    return frozenset(holders)


# -- runs -----------------------------------------------------------------------------------------


def full_sync(portal, client, dry_run: bool = False, root: str = "") -> Outcome:
    """Read the whole directory and make the site agree (or, with ``dry_run``, only say what
    would change)."""
    outcome = Outcome("dry-run" if dry_run else "full")
    try:
        departments, members = fetch(client, root)
    except ArchiveError as error:
        return _failed(portal, outcome, error)
    bindings = store.bindings(portal)
    mapping = store.mapping(portal)
    want = desired(departments, members, bindings, mapping)
    _keep_departments(portal, departments, dry_run)
    have = read_site(portal, set(bindings.values()) | store.granted_fonds(portal))
    skip = untouchable(portal)
    outcome.skipped = sorted(skip & set(want.accounts))
    outcome.plan = diff(have, want, skip=skip)
    if dry_run:
        outcome.status = "dry-run"
    else:
        apply(portal, outcome.plan)
        granted = store.state(portal, create=True)["granted"]
        for code in want.local_grants:
            granted[code] = True
    return _done(portal, outcome)


def incremental_sync(portal, client, user_ids=(), departments_changed: bool = False) -> Outcome:
    """Apply the change events of the members ``user_ids`` (and, with ``departments_changed``,
    of the departments: the tree is read again and every kept account is placed in it)."""
    outcome = Outcome("incremental")
    try:
        departments = _kept_departments(portal)
        if departments_changed or not departments:
            departments = parse_departments(client.departments(_root()))
        fetched, gone = [], set()
        for user_id in user_ids:
            try:
                member = parse_user(client.user(user_id), f"user/get?userid={user_id}")
            except PlatformError as error:
                if error.errcode != UNKNOWN_USER:
                    raise DirectoryUnreachable(
                        f"接口返回错误 {error.errcode}: {error.errmsg}"
                    ) from None
                gone.add(user_id)
                continue
            if member.active:
                fetched.append(member)
            else:
                gone.add(user_id)
    except ArchiveError as error:
        return _failed(portal, outcome, error)
    bindings = store.bindings(portal)
    mapping = store.mapping(portal)
    accounts = accounts_plugin(portal)
    if departments_changed:
        # every kept account is placed again in the new tree
        named = {m.id for m in fetched} | gone
        fetched += [
            Member(u, a.name, a.departments, a.positions, a.tags, a.email, a.mobile)
            for u, a in accounts.active()
            if u not in named
        ]
    want = desired(departments, fetched, bindings, mapping)
    _keep_departments(portal, departments, False)
    have = read_site(
        portal,
        set(bindings.values()) | store.granted_fonds(portal),
        None if departments_changed else {m.id for m in fetched} | gone,
    )
    if not departments_changed:
        want.groups = {g: v for g, v in want.groups.items() if g not in have.groups}
        want.local_grants, want.global_grants = have.local_grants, have.global_grants
    skip = untouchable(portal)
    outcome.plan = diff(
        have, want, skip=skip, partial=not departments_changed, gone=frozenset(gone)
    )
    if not departments_changed:
        outcome.plan.changes = [c for c in outcome.plan.changes if c.kind != "grant.local"]
    apply(portal, outcome.plan)
    return _done(portal, outcome)


def _root() -> str:
    from sd.archive.identity.platform.settings import Settings

    return Settings().root_department


def _keep_departments(portal, departments, dry_run):
    """The last tree read (an incremental sync places members in it without reading it again)."""
    if dry_run:
        return
    kept = store.state(portal, create=True)
    snapshot = {d.id: (d.name, d.parent, d.order) for d in departments.values()}
    if kept.get("departments") != snapshot:
        kept["departments"] = snapshot


def _kept_departments(portal) -> dict[str, Department]:
    snapshot = store.state(portal).get("departments") or {}
    return {d: Department(d, name, parent, order) for d, (name, parent, order) in snapshot.items()}


def _failed(portal, outcome: Outcome, error: ArchiveError) -> Outcome:
    outcome.status = "unreachable" if error.type == "DirectoryUnreachable" else "malformed"
    outcome.problems = list(error.problems) or [error]
    outcome.seconds = time.time() - outcome.started
    logger.warning("directory sync %s: %s", outcome.status, error.message)
    summary = outcome.summary()
    audit.log_now(
        "directory.sync",
        None,
        outcome="failed",
        details={"kind": outcome.kind, "status": outcome.status, "error": error.message},
    )
    if outcome.status == "unreachable":
        from sd.archive.preservation.alarms import raise_alarm

        raise_alarm(
            "directory-unreachable",
            "directory",
            f"组织机构同步失败，目录接口不可达: {error.message}",
            site=portal,
        )
    store.record_run(portal, summary)  # nothing else was changed: the caller may commit
    return outcome


def _done(portal, outcome: Outcome) -> Outcome:
    outcome.seconds = time.time() - outcome.started
    summary = outcome.summary()
    store.record_run(portal, summary)
    audit.log(
        "directory.sync",
        None,
        outcome="ok",
        details={"kind": outcome.kind, "status": outcome.status, "counts": summary["counts"]},
    )
    return outcome


# -- reading -----------------------------------------------------------------------------------


def fonds_roles_of(portal, user_id) -> dict[str, set[str]]:
    """The sync's local roles ``user_id`` holds, by fonds code (through its groups): for the page
    and the tests."""
    have = read_site(portal, set(store.bindings(portal).values()), users={user_id})
    groups = have.memberships.get(user_id, frozenset())
    found: dict[str, set[str]] = {}
    for code, grants in have.local_grants.items():
        for group_id, roles in grants.items():
            if group_id in groups:
                found.setdefault(code, set()).update(roles)
    return found
