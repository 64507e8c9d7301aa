"""The organisation tree (组织机构树) and what the archives system should hold for it.

Pure functions over the province platform's directory (统一组织机构和用户目录):

* :func:`parse_departments` / :func:`parse_members` read the platform's answers (the WeCom
  government edition's shapes, see ``docs/identity-directory.md``) and refuse a malformed one
  as a whole (:class:`MalformedAnswer`: nothing is applied from it);
* :func:`desired` turns the tree, the agency bindings (机关 = a department subtree bound to a
  fonds) and the role mapping into the groups, accounts, memberships and grants the site
  should hold;
* :func:`diff` compares that with what the site holds and returns a :class:`Plan`: the
  changes, in the order they are made, which is also what a dry run (试运行) shows.

Local roles on a fonds go to groups, never to accounts (本地角色只授予组): an agency's records
officers are the members of ``dir-agency-<department>-RecordsOfficer``, which holds
RecordsOfficer on the fonds; a member who moves changes groups, and no object's security
index changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.identity.mapping import FONDS_ROLES
from sd.archive.core.identity.mapping import GLOBAL_ROLES
from sd.archive.core.identity.mapping import RoleMapping

PREFIX = "dir-"  # every group the sync owns; it never touches another group
ACTIVE = 1  # the directory's member status: 1 active (已激活); 2 disabled, 4 not activated, 5 left


def department_group(department_id: str) -> str:
    return f"{PREFIX}dept-{department_id}"


def agency_group(department_id: str, role: str) -> str:
    return f"{PREFIX}agency-{department_id}-{role}"


def role_group(role: str) -> str:
    return f"{PREFIX}role-{role}"


class MalformedAnswer(ArchiveError):
    """The directory answered something that is not its published shape (目录接口返回格式错误):
    nothing is applied."""

    def __init__(self, problems):
        super().__init__(
            "目录接口返回格式错误: the directory's answer is malformed",
            list(problems),
            502,
            type="DirectoryMalformed",
        )


class DirectoryUnreachable(ArchiveError):
    """The directory could not be reached or refused the call (目录接口不可达): nothing changes."""

    def __init__(self, message):
        super().__init__(
            f"目录接口不可达: {message}",
            [Problem("directory.unreachable", f"目录接口不可达: {message}")],
            503,
            type="DirectoryUnreachable",
        )


@dataclass(frozen=True)
class Department:
    """部门: id, name, parent id ("" for the root), order."""

    id: str
    name: str
    parent: str = ""
    order: int = 0


@dataclass(frozen=True)
class Member:
    """成员: user id, name, the departments it is in, positions (职务), tags (标签), e-mail,
    mobile, status (1 active)."""

    id: str
    name: str
    departments: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    email: str = ""
    mobile: str = ""
    status: int = ACTIVE

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def account(self) -> Account:
        return Account(
            self.name, self.email, self.mobile, self.departments, self.positions, self.tags
        )


@dataclass(frozen=True)
class Account:
    """What the site keeps of an active member (账号): name, contacts, departments, positions
    and tags (kept so an incremental sync and a sign-on need not ask the directory again)."""

    name: str
    email: str = ""
    mobile: str = ""
    departments: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    title: str
    description: str = ""


def _problem(code, message, where):
    return Problem(code, message, where, "directory")


def _answered(payload, where) -> None:
    """A JSON object with ``errcode`` 0, or MalformedAnswer."""
    if not isinstance(payload, dict):
        message = "应答不是 JSON 对象: the answer is not a JSON object"
        raise MalformedAnswer([_problem("directory.shape", message, where)])
    if payload.get("errcode", 0) != 0:
        message = f"接口返回错误 {payload.get('errcode')}: {payload.get('errmsg', '')}"
        raise MalformedAnswer([_problem("directory.errcode", message, where)])


def _envelope(payload, key, where) -> list:
    """The list under ``key`` of an answer ``{"errcode": 0, "errmsg": "ok", key: [...]}``."""
    _answered(payload, where)
    items = payload.get(key)
    if not isinstance(items, list):
        raise MalformedAnswer(
            [_problem("directory.shape", f"应答缺少列表 {key}: no list {key!r}", where)]
        )
    return items


def _strings(value, where, name, problems) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.replace(";", ",").split(",") if v.strip())
    if isinstance(value, list) and all(
        isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
    ):
        return tuple(str(v) for v in value)
    problems.append(
        _problem("directory.field", f"字段 {name} 格式错误: field {name!r} is not a list", where)
    )
    return ()


def parse_departments(payload, where: str = "department/list") -> dict[str, Department]:
    """The departments of a ``department/list`` answer; every department needs an integer
    ``id``, a ``name`` and an integer ``parentid`` (0 or absent for the root); a parent that is
    not in the list or a cycle makes the answer malformed."""
    problems, departments = [], {}
    for index, item in enumerate(_envelope(payload, "department", where)):
        at = f"{where}[{index}]"
        if (
            not isinstance(item, dict)
            or not _is_int(item.get("id"))
            or not isinstance(item.get("name"), str)
        ):
            problems.append(
                _problem(
                    "directory.department",
                    "部门缺少整数 id 或名称: a department needs an integer id and a name",
                    at,
                )
            )
            continue
        parent = item.get("parentid", 0)
        if not _is_int(parent):
            problems.append(
                _problem(
                    "directory.department",
                    "上级部门 parentid 不是整数: parentid is not an integer",
                    at,
                )
            )
            continue
        dep_id = str(item["id"])
        if dep_id in departments:
            problems.append(
                _problem("directory.duplicate", f"部门 id 重复: department {dep_id} twice", at)
            )
            continue
        order = item.get("order", 0)
        departments[dep_id] = Department(
            dep_id,
            item["name"].strip(),
            str(parent) if parent else "",
            order if _is_int(order) else 0,
        )
    for dep in departments.values():
        if dep.parent and dep.parent not in departments:
            # the top of a list fetched from a sub-tree: its parent lies outside, it is a root here
            departments[dep.id] = Department(dep.id, dep.name, "", dep.order)
    for dep_id in departments:
        seen, current = set(), dep_id
        while current:
            if current in seen:
                problems.append(
                    _problem(
                        "directory.cycle",
                        f"部门层级成环: department {dep_id} is its own ancestor",
                        where,
                    )
                )
                break
            seen.add(current)
            current = departments[current].parent
        if problems and problems[-1].code == "directory.cycle":
            break
    if problems:
        raise MalformedAnswer(problems)
    return departments


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_member(item, at: str, problems: list) -> Member | None:
    """One member of a ``user/get`` or ``user/list`` answer (problems appended to ``problems``)."""
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("userid"), str)
        or not item["userid"].strip()
    ):
        problems.append(
            _problem("directory.member", "成员缺少 userid: a member needs a userid", at)
        )
        return None
    status = item.get("status", ACTIVE)
    if not _is_int(status):
        problems.append(
            _problem("directory.member", "成员状态 status 不是整数: status is not an integer", at)
        )
        return None
    name = item.get("name", "")
    if not isinstance(name, str):
        problems.append(_problem("directory.member", "成员姓名不是文字: name is not text", at))
        return None
    return Member(
        id=item["userid"].strip(),
        name=name.strip() or item["userid"].strip(),
        departments=_strings(item.get("department"), at, "department", problems),
        positions=_strings(item.get("position"), at, "position", problems),
        tags=_strings(item.get("tags"), at, "tags", problems),
        email=item.get("email") or "" if isinstance(item.get("email", ""), str) else "",
        mobile=item.get("mobile") or "" if isinstance(item.get("mobile", ""), str) else "",
        status=status,
    )


def parse_members(payload, where: str = "user/list") -> list[Member]:
    """The members of a ``user/list`` answer (``userlist``), each as :func:`parse_member`."""
    problems, members = [], []
    for index, item in enumerate(_envelope(payload, "userlist", where)):
        member = parse_member(item, f"{where}[{index}]", problems)
        if member is not None:
            members.append(member)
    if problems:
        raise MalformedAnswer(problems)
    return members


def parse_user(payload, where: str = "user/get") -> Member:
    """The member of a ``user/get`` answer (the member's fields at the top level)."""
    _answered(payload, where)
    problems = []
    member = parse_member(payload, where, problems)
    if problems:
        raise MalformedAnswer(problems)
    return member


# -- the tree ----------------------------------------------------------------------------------


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


# -- the plan ------------------------------------------------------------------------------------

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


# -- change events (通讯录变更事件回调) ----------------------------------------------------------

USER_EVENTS = ("create_user", "update_user", "delete_user")
DEPARTMENT_EVENTS = ("create_party", "update_party", "delete_party")
CALLBACK_WINDOW = 300  # seconds a callback's timestamp may differ from the clock


def callback_signature(token: str, timestamp: str, nonce: str, body: str) -> str:
    """WeCom's ``msg_signature``: SHA-1 (hex) of the token, timestamp, nonce and message,
    sorted and joined (the platform signs its change events so)."""
    import hashlib

    joined = "".join(sorted([token, str(timestamp), str(nonce), body]))
    return hashlib.sha1(joined.encode("utf-8"), usedforsecurity=False).hexdigest()


def check_callback(token, signature, timestamp, nonce, body, now: float) -> list[Problem]:
    """The problems of a change-event callback: a missing or wrong signature
    (``callback.signature``), a timestamp outside the window (``callback.stale``)."""
    import hmac

    if not token:
        return [
            Problem("callback.not-configured", "回调令牌未配置: no callback token", "", "token")
        ]
    if not (signature and timestamp and nonce):
        return [
            Problem(
                "callback.signature",
                "缺少签名参数: msg_signature, timestamp and nonce are required",
                "",
                "msg_signature",
            )
        ]
    expected = callback_signature(token, timestamp, nonce, body)
    if not hmac.compare_digest(expected, str(signature)):
        return [
            Problem(
                "callback.signature",
                "签名校验失败: the signature does not match",
                "",
                "msg_signature",
            )
        ]
    try:
        moment = int(timestamp)
    except ValueError:
        return [
            Problem("callback.stale", "时间戳格式错误: timestamp is not a number", "", "timestamp")
        ]
    if abs(now - moment) > CALLBACK_WINDOW:
        return [
            Problem(
                "callback.stale", "回调已过期: the timestamp is outside the window", "", "timestamp"
            )
        ]
    return []


def parse_events(payload) -> tuple[list[str], bool, list[Problem]]:
    """The members named and whether departments changed, from a callback body: one event
    ``{"Event": "change_contact", "ChangeType": …, "UserID": …, "Id": …}`` or
    ``{"events": [ … ]}`` (the XML fields of WeCom's event, as JSON)."""
    events = (
        payload.get("events") if isinstance(payload, dict) and "events" in payload else [payload]
    )
    if not isinstance(events, list):
        return (
            [],
            False,
            [Problem("callback.shape", "事件格式错误: events is not a list", "", "events")],
        )
    users, departments, problems = [], False, []
    for index, event in enumerate(events):
        where = f"events[{index}]"
        change = event.get("ChangeType") if isinstance(event, dict) else None
        if change in USER_EVENTS and isinstance(event.get("UserID"), str) and event["UserID"]:
            if event["UserID"] not in users:
                users.append(event["UserID"])
            new_id = event.get("NewUserID")
            if isinstance(new_id, str) and new_id and new_id not in users:
                users.append(new_id)
        elif change in DEPARTMENT_EVENTS:
            departments = True
        else:
            problems.append(
                Problem(
                    "callback.event",
                    "不支持的事件: unknown ChangeType or no UserID",
                    where,
                    "ChangeType",
                )
            )
    return users, departments, problems


def full_sync_due(runs: list[dict], hours: int, now: float) -> bool:
    """A scheduled full sync is due: ``hours`` > 0 and no full run succeeded in the last
    ``hours`` (a failed one does not count: the next look tries again)."""
    if not hours or hours <= 0:
        return False
    last = max(
        (r.get("started", 0) for r in runs if r.get("kind") == "full" and r.get("status") == "ok"),
        default=None,
    )
    return last is None or now - last >= hours * 3600


# -- the encrypted callback envelope (回调消息加解密, WeCom's EncodingAESKey scheme) -------------
#
# The platform may post its events as WeCom does: an XML body whose <Encrypt> holds, in Base64,
# AES-256-CBC(key = Base64(EncodingAESKey + "="), iv = key[:16], PKCS#7 padding to 32 bytes) of
# random(16) + length(4, big-endian) + message XML + receive id (the corp id); msg_signature
# then signs the <Encrypt> text. The same scheme encrypts the echostr of the URL check.

_SAFE_XML = None


def _xml(text: str):
    from lxml import etree

    global _SAFE_XML
    if _SAFE_XML is None:
        _SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(text.encode("utf-8"), _SAFE_XML)


def _aes_key(encoding_aes_key: str) -> bytes:
    import base64

    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 characters (32 bytes)")
    return key


def encrypt_message(encoding_aes_key: str, message: str, receive_id: str, random16=None) -> str:
    """The Base64 ciphertext of ``message`` for ``receive_id`` (what the platform sends)."""
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.ciphers import modes

    key = _aes_key(encoding_aes_key)
    body = message.encode("utf-8")
    plain = (random16 or os.urandom(16)) + len(body).to_bytes(4, "big") + body + receive_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt_message(encoding_aes_key: str, encrypted: str, receive_id: str) -> str:
    """The message inside ``encrypted``; ValueError when it does not decrypt, is not padded
    as the scheme says, or was not meant for ``receive_id``."""
    import base64

    from cryptography.hazmat.primitives.ciphers import Cipher
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.ciphers import modes

    key = _aes_key(encoding_aes_key)
    try:
        data = base64.b64decode(encrypted, validate=True)
    except ValueError:
        raise ValueError("not Base64") from None
    if not data or len(data) % 16:
        raise ValueError("not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 32 or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("bad padding")
    plain = plain[:-pad]
    length = int.from_bytes(plain[16:20], "big")
    message, rest = plain[20 : 20 + length], plain[20 + length :]
    if len(message) != length or rest.decode("utf-8", "replace") != receive_id:
        raise ValueError("not meant for this receiver")
    return message.decode("utf-8")


def encrypted_field(body: str) -> str | None:
    """The <Encrypt> text of an XML callback body, or None (not such a body)."""
    try:
        root = _xml(body)
    except Exception:  # noqa: BLE001 - any parse failure: not an envelope
        return None
    found = root.find("Encrypt")
    return found.text.strip() if found is not None and found.text else None


def event_fields(message_xml: str) -> dict:
    """The fields of a decrypted event message (``<xml><ChangeType>…</ChangeType>…</xml>``)."""
    root = _xml(message_xml)
    return {child.tag: (child.text or "").strip() for child in root if isinstance(child.tag, str)}
