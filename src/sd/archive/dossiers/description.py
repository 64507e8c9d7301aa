"""案卷著录 (a volume's description): its fields, its 案卷档号 rule, 新建案卷 and the checks of a
plain write (REST ``PATCH``) of a volume."""

from __future__ import annotations

from datetime import date

from Acquisition import aq_base
from plone import api

from sd.archive import audit
from sd.archive import rules
from sd.archive.content.dossier import DOSSIER_CLASS_FIELDS
from sd.archive.content.dossier import DOSSIER_SERVER_FIELDS
from sd.archive.core import codes
from sd.archive.core import dossiers as core
from sd.archive.core.arrangement.decide import value_problems
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.dossiers.members import path_of
from sd.archive.dossiers.members import update_summary
from sd.archive.numbering import allocate_volume_number
from sd.archive.numbering import fonds_of
from sd.archive.protection import ReadOnlyFields
from sd.archive.vocabularies import RETENTION_PERIODS
from sd.archive.vocabularies import SECURITY_LEVELS

DESCRIPTION_FIELDS = (
    "title",
    "year",
    "retention_period",
    "category",
    "org_code",
    "compiler",
    "checker",
    "compiled_on",
    "security_level",
    "note",
    "case_number",
)


class VolumeRefused(ArchiveError):
    """A volume action cannot be done as asked (组卷不予受理); nothing is stored."""

    def __init__(self, message, problems=(), status=422, type="VolumeRefused"):
        super().__init__(message, list(problems), status, type)


def volume_rule(fonds, category: str) -> codes.CodeRule:
    """The 按卷 code rule of ``category`` in the fonds' scheme; refused when it is 按件."""
    rule = rules.code_rule(fonds, category)
    if rule.level != codes.VOLUME:
        raise VolumeRefused(
            f"门类 {category} 的档号规则为按件（{codes.pattern(rule)}），不能组卷：请先在分类方案中"
            "将该门类设为 DA/T 13-2022 按卷 / the category's code rule is by item: "
            "volume arrangement needs a DA/T 13-2022 by-volume rule",
            [
                Problem(
                    "VOLUME-RULE",
                    f"档号规则不是按卷 / the code rule of {category} is not by volume",
                    path_of(fonds),
                    "category",
                )
            ],
            409,
            "NotVolumeArranged",
        )
    return rule


def volume_parts(dossier, fonds=None) -> codes.CodeParts:
    fonds = fonds if fonds is not None else fonds_of(dossier)
    return codes.CodeParts(
        fonds_code=fonds.fonds_code,
        category=dossier.category,
        year=int(dossier.year),
        retention=dossier.retention_period,
        item_number=1,
        org_code=dossier.org_code or "",
        volume=int(dossier.dossier_number),
    )


def _class_fixed(dossier, names) -> VolumeRefused:
    return VolumeRefused(
        f"案卷 {dossier.archival_code} 的年度、保管期限、门类、机构或问题已随案卷号确定，"
        "不可修改 / a volume's class parts are fixed with its number",
        [
            Problem("VOLUME-CLASS-FIXED", f"{name} 不可修改 / fixed", path_of(dossier), name)
            for name in sorted(names)
        ],
        409,
        "VolumeClassFixed",
    )


def check_volume_code(dossier) -> None:
    """A numbered volume's 类别号 parts must still give its 案卷档号 (案卷档号冻结): its 年度,
    保管期限, 门类 and 机构或问题 are fixed once it has its number."""
    if not getattr(aq_base(dossier), "archival_code", None):
        return
    fonds = fonds_of(dossier)
    try:
        rule = rules.code_rule(fonds, dossier.category)
        code = codes.render_volume(volume_parts(dossier, fonds), rule)
    except (ArchiveError, TypeError, ValueError):
        code = None
    if code != dossier.archival_code:
        raise _class_fixed(dossier, DOSSIER_CLASS_FIELDS)


def check_description_write(dossier, names) -> None:
    """A plain write (REST ``PATCH``) of a volume: server fields never, the class parts not once
    the volume is numbered."""
    names = set(names)
    readonly = names & DOSSIER_SERVER_FIELDS
    if readonly:
        raise ReadOnlyFields(readonly, path_of(dossier))
    fixed = names & set(DOSSIER_CLASS_FIELDS)
    if fixed and getattr(aq_base(dossier), "archival_code", None):
        raise _class_fixed(dossier, fixed)


def _description(fonds, values: dict) -> tuple[dict, list[Problem]]:
    """The volume's description from ``values`` (JSON or form strings), with every problem."""
    obj = path_of(fonds)
    problems = []
    unknown = set(values) - set(DESCRIPTION_FIELDS) - DOSSIER_SERVER_FIELDS
    for name in sorted(unknown):
        problems.append(
            Problem("VOLUME-FIELD", f"不是案卷著录项 / {name} is not a field", obj, name)
        )
    server = set(values) & DOSSIER_SERVER_FIELDS
    if server:
        raise ReadOnlyFields(server, obj)
    text = {k: str(values.get(k) or "").strip() for k in DESCRIPTION_FIELDS if k != "year"}
    out = dict(text)
    if not text["title"]:
        problems.append(
            Problem("VOLUME-TITLE", "案卷题名不能为空 / title is required", obj, "title")
        )
    year = values.get("year")
    try:
        out["year"] = int(str(year).strip())
        if not 1900 <= out["year"] <= 2999:
            raise ValueError(year)
    except (TypeError, ValueError):
        problems.append(Problem("VOLUME-YEAR", f"年度须为四位数字 / year {year!r}", obj, "year"))
    if text["retention_period"] not in {t for t, _ in RETENTION_PERIODS}:
        problems.append(
            Problem(
                "VOLUME-RETENTION",
                f"保管期限须为 Y、D30 或 D10 / retention {text['retention_period']!r}",
                obj,
                "retention_period",
            )
        )
    if text["security_level"] and text["security_level"] not in {t for t, _ in SECURITY_LEVELS}:
        problems.append(
            Problem(
                "VOLUME-SECURITY",
                f"密级不在词表中 / security level {text['security_level']!r}",
                obj,
                "security_level",
            )
        )
    out["compiled_on"] = None
    if text["compiled_on"]:
        try:
            out["compiled_on"] = date.fromisoformat(text["compiled_on"][:10])
        except ValueError:
            problems.append(
                Problem(
                    "VOLUME-DATE",
                    f"立卷日期须为 YYYY-MM-DD / date {text['compiled_on']!r}",
                    obj,
                    "compiled_on",
                )
            )
    scheme = rules.fonds_scheme(fonds)
    for p in value_problems(
        scheme, text["category"], text["retention_period"] or "Y", text["org_code"], required=True
    ):
        prop = {"ARRANGE-CATEGORY": "category", "ARRANGE-ORG": "org_code"}.get(p.code, p.property)
        problems.append(Problem(p.code, p.message, obj, prop))
    return out, problems


def create_volume(fonds, values: dict):
    """Make a volume (新建案卷) in ``fonds`` from the officer's description; returns it.

    Its 案卷号 is the next free number of the fonds + 类别号 series, its 案卷档号 rendered under
    the category's 按卷 rule; refused as a whole (nothing made) with every problem."""
    if not isinstance(values, dict):
        raise VolumeRefused("请求体须为对象 / the body must be an object", [], 400, "BadRequest")
    out, problems = _description(fonds, values)
    if problems:
        raise VolumeRefused("案卷著录不合规 / the volume's description is not valid", problems, 400)
    rule = volume_rule(fonds, out["category"])
    if rule.use_org and not out["org_code"]:
        raise VolumeRefused(
            "该门类的档号含机构或问题代码，须填写 / the rule uses the organisation code",
            [
                Problem(
                    "VOLUME-ORG", "机构或问题代码不能为空 / required", path_of(fonds), "org_code"
                )
            ],
            400,
        )
    if not rule.use_org:
        out["org_code"] = ""
    series = core.volume_series(
        fonds.fonds_code,
        out["category"],
        out["year"],
        out["retention_period"],
        out["org_code"],
        rule,
    )
    number = allocate_volume_number(fonds, series)
    parts = codes.CodeParts(
        fonds_code=fonds.fonds_code,
        category=out["category"],
        year=out["year"],
        retention=out["retention_period"],
        item_number=1,
        org_code=out["org_code"],
        volume=number,
    )
    code = codes.render_volume(parts, rule)
    new_id = "-".join(p for p in code.replace("·", "-").lower().split("-") if p.isascii())
    if new_id in fonds:
        new_id = f"{new_id}-{number}"
    dossier = api.content.create(
        container=fonds,
        type="Dossier",
        id=new_id,
        title=out["title"],
        safe_id=False,  # the id is free (checked above): no temporary id, rename or savepoint
    )
    for name in DESCRIPTION_FIELDS:
        if name != "title":
            setattr(dossier, name, out[name] or None)
    dossier.year = out["year"]
    dossier.dossier_number = str(number)
    dossier.archival_code = code
    update_summary(dossier)
    audit.log("volume.created", dossier, details={"archival_code": code})
    return dossier
