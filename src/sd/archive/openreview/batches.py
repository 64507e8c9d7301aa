"""Open-access review batches (开放审核批次, #25 items 6–7): the batch, where batches are kept,
who may act on them, and the batch's log.

A batch holds the records of ONE fonds whose closure has ended (``closure_end`` on or before
the day asked, default today), in the archives' holdings (state ``received`` or
``controlled``), not under hold and not in another open batch; the page and the REST answer
show them grouped by year and category (分组). The steps, each in its module:

1. **propose** (提出, :mod:`.proposal`): a reviewer of the fonds, on demand or by the yearly
   job (:mod:`.schedule`, as ``system``);
2. **decide** (审核, :mod:`.decisions`): reviewers record per record or in bulk — open (开放),
   controlled use (控制使用: reason and next review date) or open with redactions (删节后开放:
   reason and what to redact). A decision on a record not in the batch, a record under hold or
   with a missing reason is refused and nothing of the request is stored;
3. **check** (复核, :mod:`.decisions`): a batch of more than ``second_review_over`` records
   needs a second reviewer who made none of its decisions;
4. **agency opinion** (形成单位意见, :mod:`.decisions`): when the fonds asks for it
   (``open_review_agency``), the forming agency's records officer records it;
5. **approve** (审批, :mod:`.approval`): another person than the proposer and the reviewers;
   the decisions take effect at that moment (:mod:`.release`), in chunks, resumable.

Who may: ``sd.archive: Review open access`` on the batch's fonds (the archivist — global or
given the role on one fonds —, Manager). Every step goes to the batch's log and the audit
trail; proposal and approval write a ledger entry of their own (``audit`` event, the batch
number as code, the SM3 of the decisions as package digest), and every record the approval
changes gets its ledger entry through its state change.
"""

from __future__ import annotations

import datetime
import json

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive import audit
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core import digests
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.openreview import rules

REVIEW = "sd.archive: Review open access"
ANNOTATION = "sd.archive.openreview"
#: states of records in the archives' holdings that a review may open
REVIEWABLE = ("received", "controlled")
#: the fonds attribute that asks for the forming agency's opinion
AGENCY_FLAG = "open_review_agency"
#: roles that still see the original of a redacted record
STAFF_ROLES = ("Manager", "Site Administrator", "Archivist", "Supervisor")


class OpenReviewRefused(ArchiveError):
    """The review step cannot be done as asked (开放审核不予办理); nothing changed."""

    def __init__(self, message, problems, status=422, type_="OpenReviewRefused"):
        super().__init__(message, list(problems), status, type_)


def refuse(status: int, code: str, message: str, obj: str = "", prop: str = ""):
    types = {403: "Forbidden", 404: "NotFound", 409: "Conflict"}
    return OpenReviewRefused(
        message, [Problem(code, message, obj, prop)], status, types.get(status, "OpenReviewRefused")
    )


class Batch(Persistent):
    """One review batch (开放审核批次)."""

    def __init__(self, batch_id: str, fonds, proposer: str, title: str, until: datetime.date):
        self.id = batch_id
        self.fonds_uid = fonds.UID()
        self.fonds_code = getattr(fonds, "fonds_code", "") or fonds.getId()
        self.fonds_title = fonds.Title()
        self.title = title or f"{self.fonds_code} 开放审核 {until.year}"
        self.proposer = proposer
        self.created = now()
        self.until = until
        self.state = rules.DECIDING
        self.items = OOBTree()  # uid → {code, title, year, category, closure_end, path}
        self.decisions = OOBTree()  # uid → {decision, reason, next_review, redaction, by, at}
        self.size = 0
        self.second_review_needed = False
        self.second_review = None
        self.agency_needed = False
        self.agency_opinion = None
        self.approval = None
        self.results = {}
        self.log = PersistentList()

    def deciders(self) -> set[str]:
        return {d["by"] for d in self.decisions.values()}

    def undecided(self) -> int:
        return self.size - len(self.decisions)


# --- storage ---------------------------------------------------------------------------------


def storage() -> PersistentMapping:
    portal = api.portal.get()
    annotations = IAnnotations(portal)
    store = annotations.get(ANNOTATION)
    if store is None:
        store = annotations[ANNOTATION] = PersistentMapping(
            {"batches": OOBTree(), "pending": OOBTree(), "counter": 0, "last_yearly": 0}
        )
    return store


def get_batch(batch_id: str) -> Batch:
    batch = storage()["batches"].get(batch_id) if isinstance(batch_id, str) else None
    if batch is None:
        raise refuse(
            404, "OPENREVIEW-BATCH", "no such review batch (无此开放审核批次)", str(batch_id)
        )
    return batch


def fonds_of_batch(batch):
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(UID=batch.fonds_uid)
    return brains[0]._unrestrictedGetObject() if brains else None


def serves(fonds) -> bool:
    """Does the current user review open access for ``fonds``?"""
    return fonds is not None and bool(api.user.has_permission(REVIEW, obj=fonds))


def require(fonds, what: str = "") -> None:
    if api.user.is_anonymous():
        raise refuse(401, "auth.required", "log in first (请先登录)")
    if not serves(fonds):
        code = getattr(fonds, "fonds_code", "") if fonds is not None else ""
        raise refuse(
            403,
            "OPENREVIEW-FONDS",
            f"you do not review open access for this fonds (无权审核该全宗的开放){what}",
            code,
            "fonds",
        )


def visible_batches() -> list[Batch]:
    """The batches of the fonds the current user serves, newest first."""
    found = []
    fonds_cache: dict[str, bool] = {}
    for batch in reversed(list(storage()["batches"].values())):
        if batch.fonds_uid not in fonds_cache:
            fonds_cache[batch.fonds_uid] = serves(fonds_of_batch(batch))
        if fonds_cache[batch.fonds_uid]:
            found.append(batch)
    return found


def log_step(batch, action: str, **details) -> dict:
    entry = {"action": action, "actor": actor(), "time": now(), **details}
    batch.log.append(entry)
    audit.log(
        f"openreview.{action}",
        None,
        details={"batch": batch.id, **{k: str(v) for k, v in details.items()}},
    )
    return entry


def log_ledger(batch, action: str) -> None:
    from sd.archive.ledger import log_event

    decisions = {uid: _plain(d) for uid, d in batch.decisions.items()}
    body = json.dumps(
        {"batch": batch.id, "action": action, "decisions": decisions},
        sort_keys=True,
        ensure_ascii=False,
    ).encode()
    log_event(
        "audit",
        None,
        code=batch.id,
        title=f"开放审核 {action} {batch.title}",
        package_digest=digests.digest_bytes(body, "SM3"),
        actor=actor(),
    )


def _plain(decision: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in decision.items()}


def record_at(batch, uid: str):
    item = batch.items.get(uid)
    if item is None:
        return None
    return api.portal.get().unrestrictedTraverse(item["path"], None)
