"""Finding the records and batches of an appraisal (鉴定批次的查找与读取): the records by UID
(or the path a batch keeps), a batch's state, who the user is on it (roles, the fonds served)
and the batch as REST and pages show it (:func:`summary`)."""

from __future__ import annotations

from plone import api

from sd.archive.core.appraisal.batch import Decision
from sd.archive.core.appraisal.batch import Kind
from sd.archive.core.appraisal.batch import State
from sd.archive.core.appraisal.batch import refuse
from sd.archive.sitedata import site_tree

APPRAISE = "sd.archive: Appraise records"


APPROVE = "sd.archive: Approve destruction"


GROUP_KEY = "sd.archive.appraisal.group"


#: record UID → UID of the open batch holding it (a record is in one open batch at most)
OPEN_KEY = "sd.archive.appraisal.open"


#: the roles that propose each kind (机关档案员 / 档案馆档案员)
PROPOSERS = {Kind.AGENCY: "RecordsOfficer", Kind.HOLDINGS: "Archivist"}


OPEN_STATES = (State.OPINIONS, State.SUBMITTED, State.APPROVED, State.EXECUTING)


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


def batches_of(fonds) -> list:
    return [b for b in fonds.objectValues() if b.portal_type == "AppraisalBatch"]


def roles_on(obj) -> set:
    return set(api.user.get_roles(obj=obj))


def is_manager(obj) -> bool:
    return "Manager" in roles_on(obj)


def check_serves(fonds, kind: Kind | None = None) -> None:
    """403 unless the user may appraise in ``fonds`` (and proposes ``kind`` by role)."""
    obj = getattr(fonds, "fonds_code", "") or fonds.getId()
    if api.user.is_anonymous() or not api.user.has_permission(APPRAISE, obj=fonds):
        raise refuse(
            403,
            "APPRAISAL-FONDS",
            "您不负责此全宗的档案鉴定 / you do not serve this fonds",
            obj,
            "fonds",
        )
    if kind is not None and not is_manager(fonds) and PROPOSERS[kind] not in roles_on(fonds):
        who = "机关档案员" if kind is Kind.AGENCY else "档案馆档案员"
        raise refuse(
            403,
            "APPRAISAL-PROPOSER",
            f"{kind.label_zh}批次由{who}提出 / this kind of batch is proposed by {PROPOSERS[kind]}",
            obj,
            "kind",
        )


def may_see(batch) -> bool:
    return api.user.has_permission("View", obj=batch)


def outcome_counts(batch) -> dict:
    counts = {"destroy": 0, "keep": 0, "permanent": 0}
    for found in (getattr(batch, "outcomes", None) or {}).values():
        counts[found["decision"]] += 1
    return counts


def to_destroy(batch) -> list[str]:
    """The records the group decided to destroy (销毁清册), in archival code order."""
    outcomes = getattr(batch, "outcomes", None) or {}
    uids = [u for u, o in outcomes.items() if o["decision"] == Decision.DESTROY.value]
    return sorted(uids, key=lambda u: batch.items[u]["code"])


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
