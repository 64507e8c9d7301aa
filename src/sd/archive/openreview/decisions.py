"""Decisions on a review batch (审核、复核、形成单位意见): all or nothing per request."""

from __future__ import annotations

import json

from plone import api

from sd.archive import audit
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.errors import Problem
from sd.archive.core.openreview import rules
from sd.archive.openreview.batches import AGENCY_FLAG
from sd.archive.openreview.batches import OpenReviewRefused
from sd.archive.openreview.batches import fonds_of_batch
from sd.archive.openreview.batches import log_step
from sd.archive.openreview.batches import record_at
from sd.archive.openreview.batches import refuse
from sd.archive.openreview.batches import require
from sd.archive.openreview.batches import serves
from sd.archive.retention import today


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
    require(fonds)
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
    log_step(batch, "decided", count=len(clean), kinds=json.dumps(kinds, sort_keys=True))
    return recorded


def check(batch, note: str = "") -> dict:
    """The second reviewer's check (复核)."""
    require(fonds_of_batch(batch))
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
    return log_step(batch, "checked", note=batch.second_review["note"])


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
    return log_step(batch, "agency-opinion", agree=bool(agree))


def set_agency_flag(fonds, required: bool) -> None:
    """Does the fonds ask for the forming agency's opinion (征求形成单位意见)?"""
    require(fonds)
    setattr(fonds, AGENCY_FLAG, bool(required))
    audit.log("openreview.agency-flag", fonds, details={"required": bool(required)})
