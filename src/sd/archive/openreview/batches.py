"""Open-access review batches (开放审核批次, #25 items 6–7): propose, decide, check, approve.

A batch holds the records of ONE fonds whose closure has ended (``closure_end`` on or before
the day asked, default today), in the archives' holdings (state ``received`` or
``controlled``), not under hold and not in another open batch; the page and the REST answer
show them grouped by year and category (分组). The steps:

1. **propose** (提出): a reviewer of the fonds, on demand or by the yearly job
   (:mod:`.schedule`, as ``system``);
2. **decide** (审核): reviewers record per record or in bulk — open (开放), controlled use
   (控制使用: reason and next review date) or open with redactions (删节后开放: reason and
   what to redact). A decision on a record not in the batch, a record under hold or with a
   missing reason is refused and nothing of the request is stored;
3. **check** (复核): a batch of more than ``second_review_over`` records needs a second
   reviewer who made none of its decisions;
4. **agency opinion** (形成单位意见): when the fonds asks for it (``open_review_agency``),
   the forming agency's records officer records it;
5. **approve** (审批): another person than the proposer and the reviewers; the decisions take
   effect at that moment (:func:`approve`): opened records get state ``open`` and
   ``open_status`` 开放 (the public catalogue shows them from then), controlled ones stay
   closed with their next review date, redacted ones get a redacted access copy (a new
   component; the original component stays closed to all but the archive's staff).

Who may: ``sd.archive: Review open access`` on the batch's fonds (the archivist — global or
given the role on one fonds —, Manager). Every step goes to the batch's log and the audit
trail; proposal and approval write a ledger entry of their own (``audit`` event, the batch
number as code, the SM3 of the decisions as package digest), and every record the approval
changes gets its ledger entry through its transition.
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
from sd.archive.openreview import closure
from sd.archive.openreview import settings
from sd.archive.retention import today

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


def _require(fonds, what: str = "") -> None:
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


def _step(batch, action: str, **details) -> dict:
    entry = {"action": action, "actor": actor(), "time": now(), **details}
    batch.log.append(entry)
    audit.log(
        f"openreview.{action}",
        None,
        details={"batch": batch.id, **{k: str(v) for k, v in details.items()}},
    )
    return entry


def _ledger(batch, action: str) -> None:
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


# --- due records and proposal ----------------------------------------------------------------


def due_brains(fonds, until: datetime.date):
    catalog = api.portal.get_tool("portal_catalog")
    return catalog.unrestrictedSearchResults(
        portal_type="Record",
        path="/".join(fonds.getPhysicalPath()),
        review_state=list(REVIEWABLE),
        closure_end={"query": until, "range": "max"},
        sort_on="closure_end",
    )


def _next_id(year: int) -> str:
    store = storage()
    store["counter"] = store.get("counter", 0) + 1
    return f"KF-{year}-{store['counter']:04d}"


def propose(fonds, until: datetime.date | None = None, title: str = "", limit: int = 0) -> Batch:
    """Propose a batch of the records of ``fonds`` whose closure ended by ``until``."""
    _require(fonds)
    until = until or today()
    store = storage()
    pending = store["pending"]
    chosen = []
    for brain in due_brains(fonds, until):
        if brain.UID in pending:
            continue
        record = brain._unrestrictedGetObject()
        if getattr(record, "holds", None):
            continue  # under hold (冻结): left for a later batch
        chosen.append(record)
        if limit and len(chosen) >= limit:
            break
    if not chosen:
        raise refuse(
            409,
            "OPENREVIEW-NOTHING-DUE",
            f"no record of this fonds is due for open-access review by {until} "
            "(没有封闭期已满、待审核的档案)",
            getattr(fonds, "fonds_code", ""),
            "until",
        )
    batch = Batch(_next_id(until.year), fonds, actor(), title, until)
    portal_path = len(api.portal.get().getPhysicalPath())
    for record in chosen:
        uid = record.UID()
        batch.items[uid] = {
            "code": getattr(record, "archival_code", "") or record.getId(),
            "title": record.Title(),
            "year": closure.closure.record_year(
                getattr(record, "year", None), getattr(record, "document_date", None)
            )
            or 0,
            "category": getattr(record, "category_code", "") or "",
            "closure_end": closure.due(record),
            "path": "/".join(record.getPhysicalPath()[portal_path:]),
            "fonds_code": batch.fonds_code,
        }
        pending[uid] = batch.id
    batch.size = len(batch.items)
    batch.second_review_needed = rules.needs_second_review(
        batch.size, settings.second_review_over()
    )
    batch.agency_needed = bool(getattr(fonds, AGENCY_FLAG, False))
    store["batches"][batch.id] = batch
    _step(batch, "proposed", size=batch.size, until=until.isoformat())
    _ledger(batch, "proposed")
    return batch


# --- decisions -------------------------------------------------------------------------------


def record_at(batch, uid: str):
    item = batch.items.get(uid)
    if item is None:
        return None
    return api.portal.get().unrestrictedTraverse(item["path"], None)


def _expand(body: dict, batch) -> list[dict]:
    """The decisions a request asks for: ``decisions`` (one per record) or a bulk decision
    over ``uids`` (or ``"all"`` undecided records)."""
    items = body.get("decisions")
    if items is not None:
        if not isinstance(items, list) or not items:
            raise refuse(
                400, "OPENREVIEW-BODY", "decisions must be a non-empty list", "", "decisions"
            )
        return [i if isinstance(i, dict) else {"uid": None} for i in items]
    uids = body.get("uids")
    if uids == "all":
        uids = [uid for uid in batch.items if uid not in batch.decisions]
    if not isinstance(uids, list) or not uids:
        raise refuse(
            400,
            "OPENREVIEW-BODY",
            'give decisions, or a bulk decision with uids (a list or "all") '
            "(须提供审核意见或批量审核的档案)",
            "",
            "uids",
        )
    common = {k: body.get(k) for k in ("decision", "reason", "next_review", "redaction")}
    return [{**common, "uid": uid} for uid in uids]


def _component_for(record, spec: dict):
    from sd.archive.access.copies import _components
    from sd.archive.access.copies import _kind

    wanted = spec.get("component")
    candidates = _components(record)
    if wanted:
        candidates = [c for c in candidates if wanted in (c.getId(), c.UID())]
    text_mode = bool(spec.get("ranges"))
    for component in candidates:
        kind = _kind(component)
        name = (getattr(component.file, "filename", "") or "").lower()
        if (text_mode and name.endswith(".txt")) or (not text_mode and kind == "pdf"):
            return component
    return None


def redacted_bytes(record, spec: dict) -> tuple[object, bytes]:
    """(the component to redact, its redacted bytes); RedactionError when impossible."""
    from sd.archive.core.openreview import redaction

    component = _component_for(record, spec)
    if component is None:
        raise redaction.RedactionError(
            "the record has no PDF (or, for text ranges, no .txt) file to redact "
            "(档案没有可删节的 PDF 或文本文件)"
        )
    data = component.file.data
    if spec.get("ranges"):
        text = data.decode("utf-8", errors="strict")
        return component, redaction.redact_text(text, spec["ranges"]).encode("utf-8")
    return component, redaction.redact_pdf(data, spec)


def _check_item(batch, n: int, item: dict, on) -> tuple[str | None, dict | None, list]:
    """One asked decision: (uid, the clean decision, problems)."""
    from sd.archive.core.openreview.redaction import RedactionError

    uid = item.get("uid")
    where = uid if isinstance(uid, str) else f"decisions[{n}]"
    if not isinstance(uid, str) or uid not in batch.items:
        return (
            None,
            None,
            [
                Problem(
                    "OPENREVIEW-NOT-IN-BATCH",
                    "the record is not in this batch (档案不在本批次中)",
                    where,
                    "uid",
                )
            ],
        )
    code = batch.items[uid]["code"]
    record = record_at(batch, uid)
    if record is None or getattr(record, "holds", None):
        return (
            None,
            None,
            [
                Problem(
                    "OPENREVIEW-HELD",
                    "the record is under hold and cannot be decided on (档案已冻结，不能审核)",
                    code,
                    "holds",
                )
            ],
        )
    decision, found = rules.decision_problems(item, on, code)
    if found:
        return None, None, found
    if decision["decision"] == rules.REDACTED:
        spec = dict(decision["redaction"])
        component = (item.get("redaction") or {}).get("component")
        if isinstance(component, str) and component:
            spec["component"] = component
        try:
            redacted_bytes(record, spec)  # can it be made? (made again at approval)
        except (RedactionError, UnicodeDecodeError) as error:
            return None, None, [Problem("OPENREVIEW-REDACTION", str(error), code, "redaction")]
        decision["redaction"] = spec
    return uid, decision, []


def decide(batch, body: dict) -> list[dict]:
    """Record the decisions of ``body`` (see :func:`_expand`); all or nothing."""
    fonds = fonds_of_batch(batch)
    _require(fonds)
    if batch.state != rules.DECIDING:
        raise refuse(
            409, "OPENREVIEW-STATE", "the batch is already approved (批次已批准)", batch.id
        )
    on = today()
    problems, clean = [], []
    for n, item in enumerate(_expand(body, batch)):
        uid, decision, found = _check_item(batch, n, item, on)
        problems.extend(found)
        if decision is not None:
            clean.append((uid, decision))
    if problems:
        status = 409 if all(p.code == "OPENREVIEW-HELD" for p in problems) else 422
        raise OpenReviewRefused(
            "the decisions were not recorded (审核意见未保存)",
            problems,
            status,
            "OpenReviewRefused",
        )
    who, when = actor(), now()
    recorded = []
    for uid, decision in clean:
        stored = {**decision, "by": who, "at": when}
        if stored.get("next_review") is not None:
            stored["next_review"] = stored["next_review"].isoformat()
        batch.decisions[uid] = stored
        recorded.append({"uid": uid, **stored})
    kinds: dict[str, int] = {}
    for _uid, decision in clean:
        kinds[decision["decision"]] = kinds.get(decision["decision"], 0) + 1
    _step(batch, "decided", count=len(clean), kinds=json.dumps(kinds, sort_keys=True))
    return recorded


def check(batch, note: str = "") -> dict:
    """The second reviewer's check (复核)."""
    _require(fonds_of_batch(batch))
    problems = rules.second_review_problems(
        actor(),
        batch.deciders(),
        batch.undecided(),
        (batch.second_review or {}).get("by"),
        batch.id,
    )
    if problems:
        status = 403 if problems[0].code == "OPENREVIEW-OWN-BATCH" else 409
        raise OpenReviewRefused("the batch cannot be checked now (不能复核)", problems, status)
    batch.second_review = {"by": actor(), "at": now(), "note": (note or "").strip()[:500]}
    return _step(batch, "checked", note=batch.second_review["note"])


def agency_opinion(batch, opinion: str, agree: bool) -> dict:
    """The forming agency's opinion (形成单位意见), by a records officer of the fonds or a
    reviewer recording it."""
    fonds = fonds_of_batch(batch)
    roles = api.user.get_roles(obj=fonds) if fonds is not None else []
    if "RecordsOfficer" not in roles and not serves(fonds):
        raise refuse(
            403,
            "OPENREVIEW-FONDS",
            "only the forming agency's records officer or a reviewer records its opinion "
            "(仅形成单位档案员或审核人可登记形成单位意见)",
            batch.fonds_code,
            "agency_opinion",
        )
    text = opinion.strip() if isinstance(opinion, str) else ""
    if not text or len(text) > 1000:
        raise refuse(
            422,
            "OPENREVIEW-REASON",
            "the opinion is required (须填写形成单位意见)",
            batch.id,
            "opinion",
        )
    if batch.state != rules.DECIDING:
        raise refuse(
            409, "OPENREVIEW-STATE", "the batch is already approved (批次已批准)", batch.id
        )
    batch.agency_opinion = {"by": actor(), "at": now(), "opinion": text, "agree": bool(agree)}
    return _step(batch, "agency-opinion", agree=bool(agree))


def set_agency_flag(fonds, required: bool) -> None:
    """Does the fonds ask for the forming agency's opinion (征求形成单位意见)?"""
    _require(fonds)
    setattr(fonds, AGENCY_FLAG, bool(required))
    audit.log("openreview.agency-flag", fonds, details={"required": bool(required)})


# --- approval and release --------------------------------------------------------------------


def approve(batch, commit_every: int = 0) -> dict:
    """Approve the batch (审批): every decision takes effect now (see the module)."""
    fonds = fonds_of_batch(batch)
    _require(fonds)
    problems = rules.release_problems(
        approver=actor(),
        proposer=batch.proposer,
        deciders=batch.deciders(),
        undecided=batch.undecided(),
        second_review_needed=batch.second_review_needed,
        second_reviewer=(batch.second_review or {}).get("by"),
        agency_needed=batch.agency_needed,
        agency_opinion=batch.agency_opinion,
        state=batch.state,
        where=batch.id,
    )
    if problems:
        status = 403 if problems[0].code == "OPENREVIEW-OWN-BATCH" else 409
        raise OpenReviewRefused("the batch cannot be approved (批次不能审批)", problems, status)
    from sd.archive.openreview import release

    results = release.release(batch, commit_every=commit_every)
    batch.state = rules.RELEASED
    batch.approval = {"by": actor(), "at": now()}
    batch.results = results
    pending = storage()["pending"]
    for uid in batch.items:
        if pending.get(uid) == batch.id:
            del pending[uid]
    _step(batch, "approved", **{k: v for k, v in results.items() if k != "withheld"})
    _ledger(batch, "approved")
    return results


def summary(batch, with_items: bool = False) -> dict:
    """The batch as the REST answer and the pages show it."""
    kinds: dict[str, int] = {}
    for decision in batch.decisions.values():
        kinds[decision["decision"]] = kinds.get(decision["decision"], 0) + 1
    out = {
        "id": batch.id,
        "title": batch.title,
        "fonds_code": batch.fonds_code,
        "fonds_title": batch.fonds_title,
        "state": batch.state,
        "state_title": rules.STATE_ZH.get(batch.state, batch.state),
        "proposer": batch.proposer,
        "created": batch.created,
        "until": batch.until.isoformat(),
        "size": batch.size,
        "decided": len(batch.decisions),
        "decisions_by_kind": kinds,
        "groups": rules.groups(batch.items.values()),
        "second_review_needed": batch.second_review_needed,
        "second_review": dict(batch.second_review) if batch.second_review else None,
        "agency_needed": batch.agency_needed,
        "agency_opinion": dict(batch.agency_opinion) if batch.agency_opinion else None,
        "approval": dict(batch.approval) if batch.approval else None,
        "results": dict(batch.results or {}),
        "log": [dict(e) for e in batch.log],
    }
    if with_items:
        out["items"] = [item_view(batch, uid) for uid in batch.items]
    return out


def item_view(batch, uid: str) -> dict:
    item = dict(batch.items[uid])
    if item.get("closure_end") is not None:
        item["closure_end"] = item["closure_end"].isoformat()
    decision = batch.decisions.get(uid)
    return {"uid": uid, **item, "decision": dict(decision) if decision else None}


def opened_rows(batch) -> list[dict]:
    """The rows of the batch's open catalogue: the records it opened, in code order."""
    rows = []
    for uid, decision in batch.decisions.items():
        if decision["decision"] in (rules.OPEN, rules.REDACTED):
            if uid in (batch.results or {}).get("withheld", ()):
                continue
            item = batch.items[uid]
            rows.append({**item, "how": rules.DECISION_ZH[decision["decision"]]})
    from sd.archive.core.catalogues.item_catalogue import code_key

    return sorted(rows, key=lambda r: code_key(r["code"]))
