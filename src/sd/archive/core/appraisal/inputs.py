"""What a request may bring to an appraisal batch (鉴定输入): reasons and names, a member's
opinion, the appraisal group (鉴定小组) and the two supervisors of an execution (监销人). Each
returns the clean value or raises :class:`.batch.AppraisalRefused` (400/422) in the error
shape."""

from __future__ import annotations

from collections.abc import Iterable

from .batch import MAX_KEEP_YEARS
from .batch import MAX_TEXT
from .batch import MIN_MEMBERS
from .batch import WHOLE_BATCH
from .batch import Decision
from .batch import Opinion
from .batch import refuse


def text(value, prop: str, obj: str = "", *, required: bool = True) -> str:
    """A reason, title or name: stripped, at most :data:`MAX_TEXT` characters; 400 else."""
    found = value.strip() if isinstance(value, str) else ""
    if (
        (required and not found)
        or len(found) > MAX_TEXT
        or (value is not None and not isinstance(value, str))
    ):
        label = {"reason": "理由", "title": "批次名称", "supervisors": "监销人"}.get(prop, prop)
        raise refuse(
            400,
            "APPRAISAL-TEXT",
            f"{label}须填写且不超过{MAX_TEXT}字 / {prop}: required, at most {MAX_TEXT} characters",
            obj,
            prop,
        )
    return found


def parse_opinion(body: dict, member: str, time: str = "") -> Opinion:
    """An opinion from a request body ``{"record": uid | "*", "decision", "years", "reason"}``
    (400 in the error shape for anything else)."""
    scope = body.get("record") or WHOLE_BATCH
    if not isinstance(scope, str):
        raise refuse(400, "APPRAISAL-RECORD", "record must be a UID or * (整批)", "", "record")
    try:
        decision = Decision(body.get("decision"))
    except ValueError:
        raise refuse(
            400,
            "APPRAISAL-DECISION",
            "意见应为 destroy 销毁、keep 继续保存 或 permanent 升为永久 / decision: "
            "destroy, keep or permanent",
            scope,
            "decision",
        ) from None
    years = body.get("years")
    if decision is Decision.KEEP:
        if (
            not isinstance(years, int)
            or isinstance(years, bool)
            or not 1 <= years <= MAX_KEEP_YEARS
        ):
            raise refuse(
                400,
                "APPRAISAL-YEARS",
                f"继续保存年限应为1至{MAX_KEEP_YEARS}的整数 / years: 1–{MAX_KEEP_YEARS}",
                scope,
                "years",
            )
    else:
        years = None
    reason = text(body.get("reason"), "reason", scope)
    return Opinion(member, scope, decision, reason, years, time)


def check_group(members: Iterable[str], known=lambda m: True) -> tuple[str, ...]:
    """The appraisal group (鉴定小组): at least two distinct known members; 422 else."""
    found = []
    for member in members or ():
        if not isinstance(member, str) or not member.strip():
            continue
        member = member.strip()
        if not known(member):
            raise refuse(
                422,
                "APPRAISAL-MEMBER",
                "鉴定小组成员不是本系统用户 / unknown member",
                member,
                "members",
            )
        if member not in found:
            found.append(member)
    if len(found) < MIN_MEMBERS:
        raise refuse(
            422,
            "APPRAISAL-GROUP",
            f"鉴定小组至少{MIN_MEMBERS}名不同成员 / the group needs at least {MIN_MEMBERS} "
            "distinct members",
            "",
            "members",
        )
    return tuple(found)


def supervisors(values) -> tuple[str, str]:
    """The two supervisors of an execution (监销人): two distinct named persons; 422 else."""
    names = [v.strip() for v in (values or []) if isinstance(v, str) and v.strip()]
    if not isinstance(values, (list, tuple)) or len(names) != 2 or names[0] == names[1]:
        raise refuse(
            422,
            "APPRAISAL-SUPERVISORS",
            "销毁须由两名不同的监销人监销 / two distinct supervisors are required",
            "",
            "supervisors",
        )
    for name in names:
        text(name, "supervisors")
    return names[0], names[1]
