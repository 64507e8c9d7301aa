"""案卷整理 (volume arrangement, DA/T 13-2022 按卷): make volumes, put records in, take them out.

The recorded actions of a volume-arranged category (the category's code rule is level 按卷):

- :func:`create_volume` (新建案卷): the volume's description from the records officer, its
  案卷号 the next free number of the fonds + 类别号 series (``numbering.allocate_volume_number``)
  and its 案卷档号 ``全宗号-类别号-案卷号`` under the fonds' rule;
- :func:`place_in_volume` (组卷): archived records of the same 门类, 年度, 保管期限 (and
  机构或问题 when the rule uses it), neither held nor destroyed nor in another volume, move into
  the volume and get their 卷内件号 (1..N, by date or as given) and the volume form of their
  档号 through ``numbering.place_code``: a reason, the code log, a ledger entry and the audit
  trail for each, exactly like a code correction;
- :func:`remove_from_volume` (调出案卷): back into the fonds with the 按件 form of the rule and
  the next free 件号 of their series; the records left in the volume are renumbered 1..N.

The volume's computed description (件数, 页数, 起止日期) is brought up to date by every
placement and removal. Everything happens in the caller's transaction; a refusal raises an
:class:`~sd.archive.core.errors.ArchiveError` before anything changes (the caller dooms the
transaction), listing every record and rule that failed. The pure rules are in
``sd.archive.core.dossiers``; codes are rendered only by ``sd.archive.core.codes``.
"""

from __future__ import annotations

from datetime import date

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from OFS.event import ObjectWillBeMovedEvent
from plone import api
from plone.app.uuid.utils import uuidToObject
from zope.container.contained import notifyContainerModified
from zope.event import notify
from zope.lifecycleevent import ObjectMovedEvent

from sd.archive import audit
from sd.archive import rules
from sd.archive.content.dossier import DOSSIER_CLASS_FIELDS
from sd.archive.content.dossier import DOSSIER_SERVER_FIELDS
from sd.archive.core import codes
from sd.archive.core import dossiers as core
from sd.archive.core.arrangement.decide import value_problems
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import IRecord
from sd.archive.numbering import allocate_volume_number
from sd.archive.numbering import fonds_of
from sd.archive.numbering import place_code
from sd.archive.protection import ReadOnlyFields
from sd.archive.protection import record_state
from sd.archive.protection import sanctioned
from sd.archive.vocabularies import RETENTION_PERIODS
from sd.archive.vocabularies import SECURITY_LEVELS

#: what the records officer writes when a volume is made (新建案卷)
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
#: code log actions of the volume arrangement
PLACE, RENUMBER, REMOVE = "place-in-volume", "renumber-in-volume", "remove-from-volume"


class VolumeRefused(ArchiveError):
    """A volume action cannot be done as asked (组卷不予受理); nothing is stored."""

    def __init__(self, message, problems=(), status=422, type="VolumeRefused"):
        super().__init__(message, list(problems), status, type)


def _path(obj) -> str:
    return "/".join(obj.getPhysicalPath())


# --- the rule ---------------------------------------------------------------------------------


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
                    _path(fonds),
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
            Problem("VOLUME-CLASS-FIXED", f"{name} 不可修改 / fixed", _path(dossier), name)
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
        raise ReadOnlyFields(readonly, _path(dossier))
    fixed = names & set(DOSSIER_CLASS_FIELDS)
    if fixed and getattr(aq_base(dossier), "archival_code", None):
        raise _class_fixed(dossier, fixed)


# --- 新建案卷 ----------------------------------------------------------------------------------


def _description(fonds, values: dict) -> tuple[dict, list[Problem]]:
    """The volume's description from ``values`` (JSON or form strings), with every problem."""
    obj = _path(fonds)
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
            [Problem("VOLUME-ORG", "机构或问题代码不能为空 / required", _path(fonds), "org_code")],
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


# --- 卷内文件 ---------------------------------------------------------------------------------


def volume_records(dossier) -> list:
    """The records in the volume in 卷内件号 order (卷内文件)."""
    found = [o for o in dossier.objectValues() if IRecord.providedBy(o)]
    return sorted(found, key=lambda r: (getattr(r, "item_number", None) or 0, r.getId()))


def _member(record) -> core.Member:
    return core.Member(
        key=record.UID(),
        date=getattr(record, "document_date", None),
        pages=getattr(record, "pages", None),
        number=getattr(record, "item_number", None),
    )


def _reorder(dossier, uids) -> None:
    """The volume's folder order follows the 卷内件号 (``items`` over REST, folder contents)."""
    by_uid = {r.UID(): r for r in dossier.objectValues() if IRecord.providedBy(r)}
    for position, uid in enumerate(uids):
        dossier.moveObjectToPosition(by_uid[uid].getId(), position, suppress_events=True)
    for record in by_uid.values():
        record.reindexObject(idxs=["getObjPositionInParent"])


def update_summary(dossier) -> core.Summary:
    """Recompute the volume's 件数, 页数 and 起止日期 from its records."""
    found = core.summary(_member(r) for r in volume_records(dossier))
    dossier.item_count = found.item_count
    dossier.page_count = found.page_count
    dossier.date_start = found.date_start
    dossier.date_end = found.date_end
    dossier.reindexObject()
    return found


def _require_reason(reason) -> str:
    if not (reason or "").strip():
        raise VolumeRefused(
            "组卷、调卷须说明理由 / a reason is required",
            [Problem("VOLUME-REASON", "未填写理由 / reason is empty", "", "reason")],
            400,
        )
    return reason.strip()


def resolve(dossier, refs) -> list:
    """The records named by UID or path (as the caller may see them), in the order given;
    refused when any is unknown or named twice."""
    if isinstance(refs, str) or not isinstance(refs, (list, tuple)) or not refs:
        raise VolumeRefused(
            "请列出文件（UID 或路径）/ name the records (UIDs or paths)",
            [Problem("VOLUME-RECORDS", "records is empty", "", "records")],
            400,
        )
    catalog = api.portal.get_tool("portal_catalog")
    portal = api.portal.get()
    found, problems, seen = [], [], set()
    for ref in refs:
        ref = str(ref or "").strip()
        obj = None
        if "/" in ref:
            portal_path = _path(portal)
            rel = ref[len(portal_path) :] if ref.startswith(portal_path) else ref
            obj = portal.unrestrictedTraverse(rel.strip("/"), None)
            if obj is not None and not api.user.has_permission("View", obj=obj):
                obj = None
        elif ref:
            brains = catalog.searchResults(UID=ref)
            obj = brains[0].getObject() if brains else None
        if obj is None or not IRecord.providedBy(obj):
            problems.append(Problem("VOLUME-UNKNOWN", f"找不到该文件 / no such record {ref}", ref))
            continue
        if obj.UID() in seen:
            problems.append(Problem("VOLUME-TWICE", "同一文件列出两次 / named twice", ref))
            continue
        seen.add(obj.UID())
        found.append(obj)
    if problems:
        raise VolumeRefused("所列文件有误 / some records cannot be used", problems, 400)
    return found


def _current(records) -> list:
    """The records where they are now (a caller may hold them wrapped in their old container)."""
    return [uuidToObject(r.UID(), unrestricted=True) or r for r in records]


def _fit_problems(dossier, record, rule) -> list[Problem]:
    """Why ``record`` cannot go into ``dossier`` (empty when it can)."""
    obj = getattr(record, "archival_code", None) or _path(record)
    fonds = fonds_of(dossier)
    if fonds_of(record) is None or aq_base(fonds_of(record)) is not aq_base(fonds):
        return [Problem("VOLUME-FONDS", "不属于本全宗 / the record is of another fonds", obj)]
    parent = aq_parent(aq_inner(record))
    if IDossier.providedBy(parent):
        where = "已在本卷中" if aq_base(parent) is aq_base(dossier) else "已在其他案卷中"
        return [
            Problem(
                "VOLUME-ALREADY",
                f"{where}（{parent.archival_code or parent.getId()}）/ already in a volume",
                obj,
            )
        ]
    state = record_state(record)
    if state == "destroyed":
        return [Problem("VOLUME-DESTROYED", "已销毁 / the record is destroyed", obj)]
    if not getattr(record, "code_frozen", False) or state in (None, "pre_archived", "rejected"):
        return [Problem("VOLUME-NOT-ARCHIVED", "尚未归档编号 / archive the record first", obj)]
    if getattr(record, "holds", None):
        return [Problem("VOLUME-HELD", "已冻结 / the record is held", obj, "holds")]
    volume_class = {name: getattr(dossier, name, None) for name in DOSSIER_CLASS_FIELDS}
    record_class = {name: getattr(record, name, None) for name, _, _ in core.CLASS_PARTS}
    return core.fit_problems(volume_class, record_class, rule, obj)


def _move(obj, target):
    """Move ``obj`` into ``target`` keeping its id when free (the OFS move with its events:
    catalog, audit). The volume action's own permission was checked by its caller; a records
    officer holds no copy-and-paste rights on archived records."""
    source = aq_parent(aq_inner(obj))
    old_id = new_id = obj.getId()
    n = 1
    while new_id in target:
        n += 1
        new_id = f"{old_id}-{n}"
    notify(ObjectWillBeMovedEvent(obj, source, old_id, target, new_id))
    source._delObject(old_id, suppress_events=True)
    base = aq_base(obj)
    base._setId(new_id)
    target._setObject(new_id, base, set_owner=0, suppress_events=True)
    moved = target._getOb(new_id)
    notify(ObjectMovedEvent(moved, source, old_id, target, new_id))
    notifyContainerModified(source)
    notifyContainerModified(target)
    return moved


def plan_placement(dossier, records, order: str = core.ORDER_DATE) -> list[dict]:
    """What :func:`place_in_volume` would do (预览): one row per record of the volume after the
    placement, in order, with its 卷内件号 and old and new 档号; refused like the action."""
    if order not in core.ORDERS:
        raise VolumeRefused(
            f"排列方式须为 {' 或 '.join(core.ORDERS)} / order {order!r}",
            [Problem("VOLUME-ORDER", f"order {order!r}", "", "order")],
            400,
        )
    fonds = fonds_of(dossier)
    rule = volume_rule(fonds, dossier.category)
    records = _current(records)
    problems = [p for r in records for p in _fit_problems(dossier, r, rule)]
    if problems:
        raise VolumeRefused(
            f"{len(problems)} 件文件不能组入本卷 / records cannot go into this volume", problems
        )
    existing = volume_records(dossier)
    by_uid = {r.UID(): r for r in [*existing, *records]}
    keys = core.arrange([_member(r) for r in existing], [_member(r) for r in records], order)
    new_uids = {r.UID() for r in records}
    return _rows(dossier, rule, keys, by_uid, new_uids)


def _rows(dossier, rule, keys, by_uid, new_uids) -> list[dict]:
    numbers = core.numbering(keys)
    rows = []
    for uid in keys:
        record = by_uid[uid]
        parts = codes.CodeParts(
            fonds_code=record.fonds_code,
            category=record.category_code,
            year=int(record.year),
            retention=record.retention_period,
            item_number=numbers[uid],
            org_code=record.org_code or "",
            volume=int(dossier.dossier_number),
        )
        new = codes.render(parts, rule)
        rows.append(
            {
                "uid": uid,
                "title": record.Title(),
                "item_number": numbers[uid],
                "old": record.archival_code,
                "archival_code": new,
                "new": uid in new_uids,
                "changed": new != record.archival_code,
            }
        )
    return rows


def place_in_volume(dossier, records, reason: str, order: str = core.ORDER_DATE) -> dict:
    """Put ``records`` into the volume (组卷): moved into it, each with its 卷内件号 and the
    volume form of its 档号 (a recorded code change with ``reason``); the records already in
    the volume are renumbered when the order asks for it. Returns the volume and its rows."""
    reason = _require_reason(reason)
    records = _current(records)
    rows = plan_placement(dossier, records, order)
    by_uid = {r.UID(): r for r in volume_records(dossier)}
    volume = int(dossier.dossier_number)
    members = {row["uid"] for row in rows}
    details = {"reason": reason, "records": [r["archival_code"] for r in rows if r["new"]]}
    with audit.logged("volume.place", dossier, details=details):
        for record in records:
            with sanctioned(record, PLACE):
                by_uid[record.UID()] = _move(record, dossier)
        _reorder(dossier, [row["uid"] for row in rows])
        for row in rows:
            if not row["changed"]:
                continue
            action = PLACE if row["new"] else RENUMBER
            place_code(by_uid[row["uid"]], reason, volume, row["item_number"], action, members)
        update_summary(dossier)
    return outcome(dossier, rows)


def plan_removal(dossier, records) -> list[dict]:
    """What :func:`remove_from_volume` would do (预览): the records left, renumbered 1..N."""
    problems = []
    records = _current(records)
    inside = {r.UID() for r in volume_records(dossier)}
    for record in records:
        if record.UID() not in inside:
            problems.append(
                Problem(
                    "VOLUME-NOT-IN",
                    "不在本卷中 / the record is not in this volume",
                    getattr(record, "archival_code", None) or _path(record),
                )
            )
    if problems:
        raise VolumeRefused("所列文件不在本卷中 / records are not in this volume", problems)
    rule = volume_rule(fonds_of(dossier), dossier.category)
    gone = {r.UID() for r in records}
    left = [r for r in volume_records(dossier) if r.UID() not in gone]
    by_uid = {r.UID(): r for r in left}
    return _rows(dossier, rule, [r.UID() for r in left], by_uid, set())


def remove_from_volume(dossier, records, reason: str) -> dict:
    """Take ``records`` out of the volume (调出案卷): back into the fonds with the 按件 form of
    the rule and the next free 件号 of their series; the records left are renumbered 1..N."""
    reason = _require_reason(reason)
    if not records:
        raise VolumeRefused(
            "请列出要调出的文件 / name the records to take out",
            [Problem("VOLUME-RECORDS", "remove is empty", "", "remove")],
            400,
        )
    records = _current(records)
    rows = plan_removal(dossier, records)
    fonds = fonds_of(dossier)
    left = {r.UID(): r for r in volume_records(dossier)}
    members = set(left)
    removed = []
    details = {"reason": reason, "records": [r.archival_code for r in records]}
    with audit.logged("volume.remove", dossier, details=details):
        for record in records:
            old = record.archival_code
            with sanctioned(record, REMOVE):
                moved = _move(record, fonds)
            entry = place_code(moved, reason, None, 1, REMOVE, members)
            removed.append({"uid": moved.UID(), "old": old, "archival_code": entry["new"]})
        _reorder(dossier, [row["uid"] for row in rows])
        volume = int(dossier.dossier_number)
        for row in rows:
            if row["changed"]:
                place_code(left[row["uid"]], reason, volume, row["item_number"], RENUMBER, members)
        update_summary(dossier)
    return {**outcome(dossier, rows), "removed": removed}


def outcome(dossier, rows=None) -> dict:
    return {
        "@id": dossier.absolute_url(),
        "archival_code": dossier.archival_code,
        "item_count": dossier.item_count,
        "page_count": dossier.page_count,
        "records": rows if rows is not None else serialize_records(dossier),
    }


def serialize_records(dossier) -> list[dict]:
    """The volume's records in 卷内件号 order, as the REST API and the catalogue read them."""
    return [
        {
            "@id": r.absolute_url(),
            "UID": r.UID(),
            "title": r.Title(),
            "item_number": r.item_number,
            "archival_code": r.archival_code,
            "document_date": r.document_date.isoformat() if r.document_date else None,
            "pages": getattr(r, "pages", None),
            "review_state": record_state(r),
        }
        for r in volume_records(dossier)
    ]


def volume_modified(dossier, event) -> None:
    """IObjectModifiedEvent of a volume: its class parts stay those of its 案卷档号."""
    check_volume_code(dossier)


def volume_removing(dossier, event) -> None:
    """IObjectWillBeRemovedEvent of a volume: a volume holding records is not deleted (its
    archived records would go with it); take them out first (调出案卷)."""
    inside = volume_records(dossier)
    if inside:
        raise VolumeRefused(
            f"案卷 {dossier.archival_code} 中还有 {len(inside)} 件文件，不能删除：请先调出 "
            "/ a volume holding records is not deleted: take them out first",
            [
                Problem("VOLUME-NOT-EMPTY", "卷内还有文件 / records inside", r.archival_code or "")
                for r in inside
            ],
            409,
            "VolumeNotEmpty",
        )


def fonds_volumes(fonds) -> list:
    """The volumes of a fonds (案卷), by 类别号 and 案卷号."""
    brains = api.content.find(portal_type="Dossier", path=_path(fonds))
    found = [b.getObject() for b in brains]
    return sorted(
        found,
        key=lambda d: (
            d.category or "",
            d.year or 0,
            d.retention_period or "",
            d.org_code or "",
            int(d.dossier_number or 0),
        ),
    )
