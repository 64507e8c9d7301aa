"""组卷 and 调出案卷 (placing records in a volume and taking them out): recorded actions with a
reason, the code log, a ledger entry and the audit trail per record."""

from __future__ import annotations

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
from sd.archive.content.dossier import DOSSIER_CLASS_FIELDS
from sd.archive.core import codes
from sd.archive.core import dossiers as core
from sd.archive.core.errors import Problem
from sd.archive.dossiers.description import VolumeRefused
from sd.archive.dossiers.description import volume_rule
from sd.archive.dossiers.members import member_of
from sd.archive.dossiers.members import outcome
from sd.archive.dossiers.members import path_of
from sd.archive.dossiers.members import reorder
from sd.archive.dossiers.members import update_summary
from sd.archive.dossiers.members import volume_records
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import IRecord
from sd.archive.numbering import fonds_of
from sd.archive.numbering import place_code
from sd.archive.protection import record_state
from sd.archive.protection import sanctioned

#: code log actions of the volume arrangement
PLACE, RENUMBER, REMOVE = "place-in-volume", "renumber-in-volume", "remove-from-volume"


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
            portal_path = path_of(portal)
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
    obj = getattr(record, "archival_code", None) or path_of(record)
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
    keys = core.arrange([member_of(r) for r in existing], [member_of(r) for r in records], order)
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
        reorder(dossier, [row["uid"] for row in rows])
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
                    getattr(record, "archival_code", None) or path_of(record),
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
        reorder(dossier, [row["uid"] for row in rows])
        volume = int(dossier.dossier_number)
        for row in rows:
            if row["changed"]:
                place_code(left[row["uid"]], reason, volume, row["item_number"], RENUMBER, members)
        update_summary(dossier)
    return {**outcome(dossier, rows), "removed": removed}
