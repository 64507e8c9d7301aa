"""The appraisal group (鉴定小组) and the proposal of a batch (提出鉴定批次).

A records officer of the fonds proposes an agency batch (机关档案室), an archivist a holdings
batch (馆藏, records after receipt); the group is configured per fonds and kind, at least two
members, and is copied into each batch when proposed. A fonds the user does not serve is
refused 403 in the error shape."""

from __future__ import annotations

from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from plone import api
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from zope.annotation.interfaces import IAnnotations

from sd.archive import audit
from sd.archive import retention
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.appraisal.batch import MIN_MEMBERS
from sd.archive.core.appraisal.batch import AppraisalRefused
from sd.archive.core.appraisal.batch import Kind
from sd.archive.core.appraisal.batch import refuse
from sd.archive.core.appraisal.inputs import check_group
from sd.archive.core.appraisal.inputs import text
from sd.archive.core.appraisal.proposal import Candidate
from sd.archive.core.appraisal.proposal import candidate_problems
from sd.archive.core.appraisal.proposal import check_proposal
from sd.archive.core.errors import Problem

from .lookup import GROUP_KEY
from .lookup import check_serves
from .lookup import open_batches
from .lookup import record_by_uid
from .lookup import state_of
from .steps import log_step


def group(fonds, kind: Kind) -> tuple[str, ...]:
    stored = IAnnotations(fonds).get(GROUP_KEY) or {}
    return tuple(stored.get(Kind(kind).value, ()))


def set_group(fonds, kind, members) -> tuple[str, ...]:
    """Configure the fonds' appraisal group of ``kind``: ≥2 distinct known users."""
    kind = _kind(kind)
    check_serves(fonds, kind)
    found = check_group(members, known=lambda m: api.user.get(userid=m) is not None)
    annotations = IAnnotations(fonds)
    stored = annotations.get(GROUP_KEY)
    if stored is None:
        stored = annotations[GROUP_KEY] = PersistentMapping()
    stored[kind.value] = found
    audit.log("appraisal.group", fonds, details={"kind": kind.value, "members": list(found)})
    return found


def _kind(value) -> Kind:
    try:
        return Kind(value or Kind.AGENCY.value)
    except ValueError:
        raise refuse(
            400, "APPRAISAL-KIND", "批次类别应为 agency 或 holdings / kind", str(value), "kind"
        ) from None


def was_received(record) -> bool:
    history = record.workflow_history.get("sd_record_workflow", ())
    return any(entry.get("action") == "receive" for entry in history)


def candidate(record, uid: str = "") -> Candidate:
    state = state_of(record)
    if state == "appraisal":  # already under appraisal on its own: its kind by its history
        state = "received" if was_received(record) else "archived"
    return Candidate(
        uid=uid or record.UID(),
        code=getattr(record, "archival_code", None) or record.getId(),
        state=state,
        period=getattr(record, "retention_period", None),
        due=retention.due_date(record),
        holds=tuple(getattr(record, "holds", None) or ()),
        batch=open_batches().get(uid or record.UID(), ""),
    )


def item_of(record) -> PersistentMapping:
    """What the register needs of a record, kept in the batch (the record's files go)."""
    size = sum(int(getattr(c, "size", 0) or 0) for c in record.objectValues())
    return PersistentMapping(
        {
            "code": getattr(record, "archival_code", None) or "",
            "title": record.title or "",
            "year": getattr(record, "year", None),
            "period": getattr(record, "retention_period", None) or "",
            "pages": getattr(record, "pages", None),
            "size": size,
            "path": "/".join(record.getPhysicalPath()),
            "org_code": getattr(record, "org_code", None) or "",
        }
    )


def due_uids(fonds, kind: Kind) -> list[str]:
    """The expired records of the fonds' due list a batch of ``kind`` may take (held ones and
    those in another batch are left out; permanent records are never on the list)."""
    today = retention.today()
    found = []
    for row in retention.due_list(fonds, within=0, on=today):
        record = record_by_uid(row["uid"])
        if record is not None and not candidate_problems(candidate(record), kind, today):
            found.append(row["uid"])
    return found


def propose(fonds, records=None, *, title="", reason="", kind=None, from_due_list=False):
    """Propose a batch (提出鉴定): from the due list (its expired records) or chosen records.

    Refused whole (nothing made) when a chosen record is permanent, under a hold, not yet
    due, in another open batch or not of the batch's kind; the group must be configured.
    The records go to appraisal (鉴定中) and the group's members may see the batch."""
    kind = _kind(kind)
    check_serves(fonds, kind)
    members = group(fonds, kind)
    if len(members) < MIN_MEMBERS:
        raise refuse(
            409,
            "APPRAISAL-GROUP",
            "请先设置本全宗的鉴定小组（至少两人） / configure the appraisal group first",
            fonds.fonds_code,
            "members",
        )
    reason = text(reason, "reason", fonds.fonds_code)
    if from_due_list:
        records = due_uids(fonds, kind)
    if not isinstance(records, list) or not all(isinstance(u, str) for u in records):
        raise refuse(400, "APPRAISAL-RECORDS", "records: a list of UIDs", "", "records")
    fonds_path = "/".join(fonds.getPhysicalPath()) + "/"
    chosen, unknown = [], []
    for uid in dict.fromkeys(records):
        record = record_by_uid(uid)
        if record is None or not "/".join(record.getPhysicalPath()).startswith(fonds_path):
            unknown.append(uid)
        else:
            chosen.append(record)
    if unknown:
        raise AppraisalRefused(
            "records not found in this fonds (本全宗中没有这些档案)",
            [
                Problem("APPRAISAL-UNKNOWN", "本全宗中没有此档案 / no such record", u, "records")
                for u in unknown
            ],
            422,
        )
    today = retention.today()
    check_proposal([candidate(r) for r in chosen], kind, today)
    year = today.year
    number = 1 + sum(1 for i in fonds.objectIds() if i.startswith(f"appraisal-{year}-"))
    batch_id = f"appraisal-{year}-{number:03d}"
    while batch_id in fonds:
        number += 1
        batch_id = f"appraisal-{year}-{number:03d}"
    batch = createContent(
        "AppraisalBatch",
        id=batch_id,
        title=text(title, "title", required=False) or f"{year}年度鉴定批次{number}",
    )
    batch = addContentToContainer(fonds, batch, checkConstraints=False)
    batch.kind = kind.value
    batch.fonds_code = fonds.fonds_code
    batch.proposer = actor()
    batch.proposed = now()
    batch.reason = reason
    batch.members = members
    batch.items = OOBTree()
    batch.opinions = PersistentMapping()
    batch.outcomes = PersistentMapping()
    for member in members:
        api.user.grant_roles(username=member, obj=batch, roles=["Reader"])
    wf = api.portal.get_tool("portal_workflow")
    transition = "appraise" if kind is Kind.AGENCY else "appraise_holdings"
    registry = open_batches(create=True)
    for record in chosen:
        uid = record.UID()
        batch.items[uid] = item_of(record)
        registry[uid] = batch.UID()
        if state_of(record) != "appraisal":
            wf.doActionFor(record, transition, comment=f"鉴定批次 {batch_id}")
    batch.reindexObject()
    log_step(batch, "propose", records=len(chosen), kind=kind.value)
    return batch
