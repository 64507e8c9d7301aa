"""Appraisal batches on the site (鉴定批次): group, proposal, opinions, submission, approval.

The rules are :mod:`sd.archive.core.appraisal.rules`; this module finds the records, checks
who acts, changes the batch and the records and logs every step in the audit trail (the
records' own changes — 鉴定, 续存, 销毁 — are workflow transitions, which the ledger logs). The
execution (销毁执行) is :mod:`sd.archive.appraisal.execution`.

Who: a records officer of the fonds proposes an agency batch (机关档案室), an archivist a
holdings batch (馆藏, records after receipt); the appraisal group (鉴定小组) is configured per
fonds and kind, at least two members, and is copied into each batch when proposed; the
leader of the batch's kind approves, never their own proposal: the agency's leader
(``AgencyLeader``, 机关领导, a local role on the fonds) a records room's batch, the archives'
leader (``Leader``, 档案馆领导) a holdings batch. A fonds the user does not serve is
refused 403 in the error shape.
"""

from __future__ import annotations

from contextlib import contextmanager

import transaction
from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from zope.annotation.interfaces import IAnnotations

from sd.archive import audit
from sd.archive import retention
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.rules import Kind
from sd.archive.core.appraisal.rules import State
from sd.archive.sitedata import site_tree

APPRAISE = "sd.archive: Appraise records"
APPROVE = "sd.archive: Approve destruction"
GROUP_KEY = "sd.archive.appraisal.group"
#: record UID → UID of the open batch holding it (a record is in one open batch at most)
OPEN_KEY = "sd.archive.appraisal.open"
#: the roles that propose each kind (机关档案员 / 档案馆档案员)
PROPOSERS = {Kind.AGENCY: "RecordsOfficer", Kind.HOLDINGS: "Archivist"}
OPEN_STATES = (State.OPINIONS, State.SUBMITTED, State.APPROVED, State.EXECUTING)


# --- finding things ---------------------------------------------------------------------------


def catalog():
    return api.portal.get_tool("portal_catalog")


def record_by_uid(uid: str, path: str = ""):
    """The record whatever the user may see (system work); by its path when known (a batch
    keeps it: no catalog query per record of a large batch), checked against the UID."""
    if path:
        found = api.portal.get().unrestrictedTraverse(path.split("/", 2)[-1], None)
        if found is not None and found.UID() == uid:
            return found
    brains = catalog().unrestrictedSearchResults(UID=uid, portal_type="Record")
    return brains[0]._unrestrictedGetObject() if brains else None


def batch_record(batch, uid: str):
    """A record of the batch (by the path the batch keeps)."""
    item = batch.items.get(uid) or {}
    return record_by_uid(uid, item.get("path", ""))


def fonds_of_batch(batch):
    return batch.__parent__


def state_of(obj) -> str:
    return api.content.get_state(obj, default="")


def batch_state(batch) -> State:
    return State(state_of(batch) or State.OPINIONS.value)


def open_batches(create: bool = False):
    tree = site_tree(None, OPEN_KEY, create)
    return tree if tree is not None else {}


def roles_on(obj) -> set:
    return set(api.user.get_roles(obj=obj))


def is_manager(obj) -> bool:
    return "Manager" in roles_on(obj)


def check_serves(fonds, kind: Kind | None = None) -> None:
    """403 unless the user may appraise in ``fonds`` (and proposes ``kind`` by role)."""
    obj = getattr(fonds, "fonds_code", "") or fonds.getId()
    if api.user.is_anonymous() or not api.user.has_permission(APPRAISE, obj=fonds):
        raise rules.refuse(
            403,
            "APPRAISAL-FONDS",
            "您不负责此全宗的档案鉴定 / you do not serve this fonds",
            obj,
            "fonds",
        )
    if kind is not None and not is_manager(fonds) and PROPOSERS[kind] not in roles_on(fonds):
        who = "机关档案员" if kind is Kind.AGENCY else "档案馆档案员"
        raise rules.refuse(
            403,
            "APPRAISAL-PROPOSER",
            f"{kind.label_zh}批次由{who}提出 / this kind of batch is proposed by {PROPOSERS[kind]}",
            obj,
            "kind",
        )


def log_step(batch, step: str, **details) -> dict:
    """One step in the batch's own log and in the audit trail."""
    entry = {"step": step, "actor": actor(), "time": now(), **details}
    log = getattr(batch, "step_log", None)
    if log is None:
        log = batch.step_log = PersistentList()
    log.append(entry)
    audit.log(f"appraisal.{step}", batch, details={"batch": batch.getId(), **details})
    return entry


# --- the appraisal group (鉴定小组) ------------------------------------------------------------


def group(fonds, kind: Kind) -> tuple[str, ...]:
    stored = IAnnotations(fonds).get(GROUP_KEY) or {}
    return tuple(stored.get(Kind(kind).value, ()))


def set_group(fonds, kind, members) -> tuple[str, ...]:
    """Configure the fonds' appraisal group of ``kind``: ≥2 distinct known users."""
    kind = _kind(kind)
    check_serves(fonds, kind)
    found = rules.check_group(members, known=lambda m: api.user.get(userid=m) is not None)
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
        raise rules.refuse(
            400, "APPRAISAL-KIND", "批次类别应为 agency 或 holdings / kind", str(value), "kind"
        ) from None


# --- proposal (提出鉴定批次) --------------------------------------------------------------------


def was_received(record) -> bool:
    history = record.workflow_history.get("sd_record_workflow", ())
    return any(entry.get("action") == "receive" for entry in history)


def candidate(record, uid: str = "") -> rules.Candidate:
    state = state_of(record)
    if state == "appraisal":  # already under appraisal on its own: its kind by its history
        state = "received" if was_received(record) else "archived"
    return rules.Candidate(
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
        if record is not None and not rules.candidate_problems(candidate(record), kind, today):
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
    if len(members) < rules.MIN_MEMBERS:
        raise rules.refuse(
            409,
            "APPRAISAL-GROUP",
            "请先设置本全宗的鉴定小组（至少两人） / configure the appraisal group first",
            fonds.fonds_code,
            "members",
        )
    reason = rules.text(reason, "reason", fonds.fonds_code)
    if from_due_list:
        records = due_uids(fonds, kind)
    if not isinstance(records, list) or not all(isinstance(u, str) for u in records):
        raise rules.refuse(400, "APPRAISAL-RECORDS", "records: a list of UIDs", "", "records")
    fonds_path = "/".join(fonds.getPhysicalPath()) + "/"
    chosen, unknown = [], []
    for uid in dict.fromkeys(records):
        record = record_by_uid(uid)
        if record is None or not "/".join(record.getPhysicalPath()).startswith(fonds_path):
            unknown.append(uid)
        else:
            chosen.append(record)
    if unknown:
        raise rules.AppraisalRefused(
            "records not found in this fonds (本全宗中没有这些档案)",
            [
                rules.Problem(
                    "APPRAISAL-UNKNOWN", "本全宗中没有此档案 / no such record", u, "records"
                )
                for u in unknown
            ],
            422,
        )
    today = retention.today()
    rules.check_proposal([candidate(r) for r in chosen], kind, today)
    year = today.year
    number = 1 + sum(1 for i in fonds.objectIds() if i.startswith(f"appraisal-{year}-"))
    batch_id = f"appraisal-{year}-{number:03d}"
    while batch_id in fonds:
        number += 1
        batch_id = f"appraisal-{year}-{number:03d}"
    batch = createContent(
        "AppraisalBatch",
        id=batch_id,
        title=rules.text(title, "title", required=False) or f"{year}年度鉴定批次{number}",
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


# --- opinions (鉴定意见) -----------------------------------------------------------------------


def record_opinion(batch, body: dict) -> dict:
    """A member's opinion on a record of the batch, or on the whole batch (``record`` ``*``);
    a later opinion of the same member on the same scope replaces the earlier one."""
    member = actor()
    rules.check_state(batch_state(batch), [State.OPINIONS], batch.getId())
    rules.check_member(member, batch.members, batch.getId())
    opinion = rules.parse_opinion(body, member, now())
    rules.check_in_batch(opinion.scope, batch.items, batch.getId())
    scopes = list(batch.items) if opinion.scope == rules.WHOLE_BATCH else [opinion.scope]
    held = [u for u in scopes if getattr(batch_record(batch, u), "holds", None)]
    if held and opinion.scope != rules.WHOLE_BATCH:
        raise rules.refuse(
            409,
            "APPRAISAL-HELD",
            "档案已冻结，暂不鉴定 / the record is under a hold",
            held[0],
            "holds",
        )
    mine = batch.opinions.get(member)
    if mine is None:
        mine = batch.opinions[member] = PersistentMapping()
    mine[opinion.scope] = opinion.as_dict()
    log_step(batch, "opinion", record=opinion.scope, decision=opinion.decision.value)
    return opinion.as_dict()


def opinions_of(batch) -> dict:
    return {
        member: {scope: rules.Opinion.from_dict(d) for scope, d in found.items()}
        for member, found in (getattr(batch, "opinions", None) or {}).items()
    }


def side_by_side(batch) -> list[dict]:
    """One row per record: its facts and each member's opinion (意见并列)."""
    found = opinions_of(batch)
    outcomes = getattr(batch, "outcomes", None) or {}
    rows = []
    for uid, item in batch.items.items():
        opinions = {}
        for member in batch.members:
            opinion = rules.member_opinion(found, member, uid)
            opinions[member] = opinion.as_dict() if opinion else None
        done = outcomes.get(uid)
        rows.append(
            {
                "uid": uid,
                **{k: v for k, v in item.items() if k != "path"},
                "opinions": opinions,
                "outcome": dict(done) if done else None,
                "held": bool(getattr(batch_record(batch, uid), "holds", None)),
            }
        )
    rows.sort(key=lambda r: r["code"])
    return rows


# --- submission, approval (提交审批、领导审批) ------------------------------------------------


def held_problems(batch, uids) -> list:
    problems = []
    for uid in uids:
        record = batch_record(batch, uid)
        if record is not None and getattr(record, "holds", None):
            problems.append(
                rules.Problem(
                    "APPRAISAL-HELD",
                    "档案已冻结，不得处置 / the record is under a hold",
                    batch.items[uid]["code"] or uid,
                    "holds",
                )
            )
    return problems


@contextmanager
def step(batch, name: str):
    """Let the batch's workflow transition ``name`` pass its guard while the block runs."""
    batch._v_appraisal_step = name
    try:
        yield
    finally:
        batch._v_appraisal_step = None


def transition(batch, name: str, comment: str = "") -> None:
    wf = api.portal.get_tool("portal_workflow")
    with step(batch, name):
        wf.doActionFor(batch, name, comment=comment)


def submit(batch) -> dict:
    """Every member has an opinion on every record: the outcomes are fixed (提交审批)."""
    rules.check_state(batch_state(batch), [State.OPINIONS], batch.getId())
    if actor() != batch.proposer and not api.user.has_permission(APPRAISE, obj=batch):
        raise rules.refuse(403, "APPRAISAL-SUBMIT", "无权提交审批 / may not submit", batch.getId())
    outcomes, missing = rules.tally(batch.members, opinions_of(batch), list(batch.items))
    if missing:
        raise rules.AppraisalRefused(
            "every member gives an opinion on every record first (鉴定小组成员意见未齐)",
            [
                rules.Problem(
                    "APPRAISAL-OPINION-MISSING",
                    f"{member} 尚未对此档案提出意见 / no opinion yet",
                    batch.items[uid]["code"] or uid,
                    member,
                )
                for member, uid in missing[:50]
            ],
            409,
        )
    problems = held_problems(batch, batch.items)
    if problems:
        raise rules.AppraisalRefused("held records block the batch (冻结档案)", problems, 409)
    batch.outcomes = PersistentMapping(
        {uid: {"decision": o.decision.value, "years": o.years} for uid, o in outcomes.items()}
    )
    transition(batch, "submit")
    counts = outcome_counts(batch)
    log_step(batch, "submit", **counts)
    return counts


def outcome_counts(batch) -> dict:
    counts = {"destroy": 0, "keep": 0, "permanent": 0}
    for found in (getattr(batch, "outcomes", None) or {}).values():
        counts[found["decision"]] += 1
    return counts


def to_destroy(batch) -> list[str]:
    """The records the group decided to destroy (销毁清册), in archival code order."""
    outcomes = getattr(batch, "outcomes", None) or {}
    uids = [u for u, o in outcomes.items() if o["decision"] == rules.Decision.DESTROY.value]
    return sorted(uids, key=lambda u: batch.items[u]["code"])


def is_leader(batch) -> bool:
    """The user holds the leader role of the batch's kind (机关领导 for a records room's batch,
    档案馆领导 for the holdings) and the approval permission on it."""
    return api.user.has_permission(APPROVE, obj=batch) and rules.approves(
        roles_on(batch), batch.kind
    )


def decide(batch, approve: bool, comment: str = "") -> dict:
    """The leader approves or rejects the batch (领导审批), never their own proposal.

    Approved: the records kept are retained with their next review date (retention's one
    place), the ones raised to permanent get the period Y through the code correction
    (档号更正, renumbered), those to destroy wait for the execution. Rejected: every record
    goes back to the holdings as it was (retained, no new date)."""
    rules.check_state(batch_state(batch), [State.SUBMITTED], batch.getId())
    rules.check_approver(actor(), batch.proposer, is_leader(batch), batch.getId(), batch.kind)
    comment = rules.text(comment, "reason", batch.getId(), required=not approve)
    if approve:
        problems = held_problems(batch, to_destroy(batch))
        if problems:
            raise rules.AppraisalRefused("held records block the batch (冻结档案)", problems, 409)
    batch.approver = actor()
    batch.approved = now()
    batch.approval_comment = comment
    kept = apply_outcomes(batch, everything=not approve)
    transition(batch, "approve" if approve else "reject", comment)
    log_step(batch, "approve" if approve else "reject", comment=comment, kept=kept)
    return {"state": state_of(batch), "kept": kept, "to_destroy": len(to_destroy(batch))}


def apply_outcomes(batch, everything: bool = False) -> int:
    """Keep (续存) the records not to be destroyed — all of them with ``everything``."""
    from sd.archive.numbering import correct_code

    wf = api.portal.get_tool("portal_workflow")
    registry = open_batches(create=True)
    kept = 0
    today = retention.today()
    for uid, found in (getattr(batch, "outcomes", None) or {}).items():
        if found["decision"] == rules.Decision.DESTROY.value and not everything:
            continue
        record = batch_record(batch, uid)
        registry.pop(uid, None)
        if record is None or state_of(record) != "appraisal":
            continue
        name = "retain_holdings" if was_received(record) else "retain"
        with api.env.adopt_roles(["Manager"]):  # the approved decision, by the approver
            wf.doActionFor(record, name, comment=f"鉴定批次 {batch.getId()}")
            if everything:
                pass
            elif found["decision"] == rules.Decision.KEEP.value:
                retention.keep_for(record, found["years"], today)
            elif found["decision"] == rules.Decision.PERMANENT.value:
                correct_code(record, f"鉴定批次 {batch.getId()}：升为永久保管", retention="Y")
                retention.update_expiry(record)
                record.reindexObject(idxs=["retention_due"])
        kept += 1
    if everything:
        for uid in list(batch.items):
            registry.pop(uid, None)
    return kept


def may_see(batch) -> bool:
    return api.user.has_permission("View", obj=batch)


def summary(batch) -> dict:
    """The batch as REST and pages show it."""
    state = batch_state(batch)
    return {
        "@id": batch.absolute_url(),
        "id": batch.getId(),
        "uid": batch.UID(),
        "title": batch.title,
        "kind": batch.kind,
        "kind_label": Kind(batch.kind).label_zh,
        "fonds_code": batch.fonds_code,
        "state": state.value,
        "state_label": state.label_zh,
        "proposer": batch.proposer,
        "proposed": batch.proposed,
        "reason": batch.reason,
        "members": list(batch.members),
        "records_total": len(batch.items),
        "outcomes": outcome_counts(batch),
        "approver": batch.approver,
        "approved": batch.approved,
        "approval_comment": batch.approval_comment,
        "supervisors": list(batch.supervisors),
        "executor": batch.executor,
        "executed": batch.executed,
        "certificate_uid": batch.certificate_uid,
    }


def batches_of(fonds) -> list:
    return [b for b in fonds.objectValues() if b.portal_type == "AppraisalBatch"]


def commit_or_savepoint(commit):
    if commit is not None:
        commit()
    else:
        transaction.savepoint(optimistic=True)
