"""The plan (同步计划): the changes between what the site holds and what it should, in order."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.identity.directory.answers import Account
from sd.archive.core.identity.directory.answers import Group
from sd.archive.core.identity.directory.tree import Desired

#: the order changes are made in (and listed in a dry run)
KINDS = (
    "group.add",
    "group.update",
    # grants before memberships: a new group gets its roles while it is still empty, so the
    # guard's check of a grant (which reads every member of the group) stays cheap
    "grant.local",
    "grant.global",
    "account.add",
    "account.update",
    "member.join",
    "member.leave",
    "account.disable",
    "group.remove",
)


@dataclass(frozen=True)
class Change:
    """One change: ``kind`` (see :data:`KINDS`), about ``subject`` (a group or user id), at
    ``target`` (a group for memberships, a fonds for local grants), before and after."""

    kind: str
    subject: str
    target: str = ""
    before: object = None
    after: object = None

    def as_dict(self) -> dict:
        def plain(value):
            if isinstance(value, (frozenset, set, tuple)):
                return sorted(value)
            if isinstance(value, (Account, Group)):
                return {k: plain(v) for k, v in value.__dict__.items()}
            return value

        return {
            "kind": self.kind,
            "subject": self.subject,
            "target": self.target,
            "before": plain(self.before),
            "after": plain(self.after),
        }


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return {k: v for k, v in counts.items() if v}

    def __len__(self) -> int:
        return len(self.changes)

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


def _changed(kind, old, new, subject, target=""):
    """``kind`` of change from ``old`` to ``new`` (None: absent), or None when equal."""
    if old == new:
        return None
    return Change(kind, subject, target, old, new)


def _diff_groups(have, want, partial, out):
    for group_id, group in want.groups.items():
        old = have.groups.get(group_id)
        kind = "group.add" if old is None else "group.update"
        change = _changed(kind, old, group, group_id)
        if change:
            out[kind].append(change)
    if not partial:
        for group_id in sorted(have.groups.keys() - want.groups.keys()):
            out["group.remove"].append(
                Change("group.remove", group_id, before=have.groups[group_id])
            )


def _diff_accounts(have, want, skip, partial, gone, out):
    for user_id, account in want.accounts.items():
        if user_id in skip:
            continue
        old = have.accounts.get(user_id)
        kind = "account.add" if old is None else "account.update"
        change = _changed(kind, old, account, user_id)
        if change:
            out[kind].append(change)
    users = set(want.memberships) | (set(gone) if partial else set(have.memberships))
    for user_id in sorted(users - skip):
        old = have.memberships.get(user_id, frozenset())
        new = want.memberships.get(user_id, frozenset())
        out["member.join"].extend(Change("member.join", user_id, g) for g in sorted(new - old))
        out["member.leave"].extend(Change("member.leave", user_id, g) for g in sorted(old - new))
    leaving = (
        set(gone) & set(have.accounts) if partial else have.accounts.keys() - want.accounts.keys()
    )
    for user_id in sorted(leaving - skip):
        out["account.disable"].append(
            Change("account.disable", user_id, before=have.accounts[user_id])
        )


def _diff_grants(have, want, out):
    empty = frozenset()
    for fonds_id in sorted(set(have.local_grants) | set(want.local_grants)):
        old_map = have.local_grants.get(fonds_id, {})
        new_map = want.local_grants.get(fonds_id, {})
        for group_id in sorted(set(old_map) | set(new_map)):
            change = _changed(
                "grant.local",
                old_map.get(group_id, empty),
                new_map.get(group_id, empty),
                group_id,
                fonds_id,
            )
            if change:
                out["grant.local"].append(change)
    for group_id in sorted(set(have.global_grants) | set(want.global_grants)):
        change = _changed(
            "grant.global",
            have.global_grants.get(group_id, empty),
            want.global_grants.get(group_id, empty),
            group_id,
        )
        if change:
            out["grant.global"].append(change)


def diff(
    have: Desired,
    want: Desired,
    skip: frozenset[str] = frozenset(),
    partial: bool = False,
    gone: frozenset[str] = frozenset(),
) -> Plan:
    """The changes that turn ``have`` into ``want``. Accounts in ``skip`` (the three
    administrators, superusers) are never changed. With ``partial`` (an incremental sync of a
    few members), only the accounts and groups named in ``want`` are compared, and only the
    members in ``gone`` (left the directory) are disabled: nothing is disabled or removed for
    being absent, and no grant changes."""
    out: dict[str, list[Change]] = {k: [] for k in KINDS}
    _diff_groups(have, want, partial, out)
    _diff_accounts(have, want, skip, partial, gone, out)
    if not partial:
        _diff_grants(have, want, out)
    plan = Plan(notes=list(want.notes))
    for kind in KINDS:
        plan.changes.extend(out[kind])
    return plan
