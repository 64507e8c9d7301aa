"""The directory's answers read and checked (目录应答解析): departments, members, one user;
a malformed answer is refused as a whole."""

from __future__ import annotations

from dataclasses import dataclass

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

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
