"""Suggestions for one record and the person's answers (建议与采纳).

- :func:`arrangement_for`: the arrangement suggestion for a record waiting for review (待人工
  整理), from its fonds' current model; only values the fonds' scheme and schedule still know
  are offered. :func:`accept_arrangement` applies it — as it is, or corrected — through the
  review queue's own action (``intake.review.accept``: the values checked against the scheme,
  the archival code assigned, the ``archive`` transition): the suggestion never arranges a
  record itself. :func:`reject_arrangement` hides it for this record until the next model.
- :func:`keywords_for`: keyword suggestions (主题词) from the record's title and file text,
  the fonds' thesaurus first. :func:`accept_keywords` adds the chosen terms: on a record still
  pre-archived directly, on an archived record as a description correction (著录更正, with the
  reason, logged in the correction log and the ledger: ``corrections.correct_description``).

Every answer is recorded three times: in the audit trail (``mining.suggestion.<outcome>``), in
the record's annotation (what was suggested and chosen, for retraining and the record page),
and in a counter per fonds, kind, month and outcome (:func:`count`, a conflict-free
``BTrees.Length`` per key) that the acceptance page reads.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from BTrees.Length import Length
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive import logger
from sd.archive import rules
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.mining import arrangement
from sd.archive.core.mining import keywords
from sd.archive.core.mining import tally
from sd.archive.mining.suggestions import models
from sd.archive.mining.suggestions import thesaurus as thesauri
from sd.archive.sitedata import site_tree

TALLY_KEY = "sd.archive.mining.tally"
ARCHIVE_RECORDS = "sd.archive: Archive records"
CORRECT_RECORDS = "sd.archive: Correct records"
VALUES = ("category", "retention", "org_code")
_BEIJING = ZoneInfo("Asia/Shanghai")


class SuggestionRefused(ArchiveError):
    """The answer to a suggestion cannot be applied (建议处理不予受理)."""

    def __init__(self, message, problems=(), status=422, type="SuggestionRefused"):
        super().__init__(message, list(problems), status, type)


def _fonds(record):
    from sd.archive.numbering import fonds_of

    return fonds_of(record)


def _decisions(record, create: bool = False):
    annotations = IAnnotations(record)
    found = annotations.get(models.DECISIONS_KEY)
    if found is None and create:
        found = annotations[models.DECISIONS_KEY] = PersistentMapping()
    return found if found is not None else {}


def _is_pending(record) -> bool:
    return (
        api.content.get_state(obj=record, default="") == "pre_archived"
        and getattr(record, "arrangement_status", "") == "pending_review"
    )


# -- arrangement ---------------------------------------------------------------------------


def _fits(fonds, found) -> dict:
    """The suggested values the fonds' scheme and schedule still know (a category or rule
    removed since training is not offered)."""
    scheme, schedule = rules.fonds_scheme(fonds), rules.fonds_schedule(fonds)
    known = {
        "category": lambda v: scheme.category(v) is not None,
        "retention": lambda v: bool(v),
        "org_code": lambda v: scheme.organisation(v) is not None,
        "rule_id": lambda v: schedule.rule(v) is not None,
    }
    return {k: v for k, v in found.values.items() if known[k](v.value)}


def arrangement_for(record) -> dict:
    """The arrangement suggestion for ``record`` as a page and REST show it:
    ``{"ok": true, "version", "values": {target: {value, confidence, alternatives}},
    "neighbours": [...], "words": [...]}`` or ``{"ok": false, "reason", "detail"}``.
    Never raises: a missing or damaged model is "no suggestion"."""
    fonds = _fonds(record)
    if fonds is None:
        return {"ok": False, "reason": "no-fonds", "detail": ""}
    loaded = models.load(fonds.fonds_code)
    if loaded.model is None:
        last = models.status(fonds).get("last_run") or {}
        reason = last.get("reason") or arrangement.NO_MODEL
        return {"ok": False, "reason": reason, "detail": str(last.get("records", ""))}
    rejected = _decisions(record).get("arrangement", {})
    if rejected.get("outcome") == tally.REJECTED and rejected.get("version") == loaded.version:
        return {"ok": False, "reason": "rejected", "detail": rejected.get("reason", "")}
    try:
        found = loaded.model.suggest(models.sample_of(record, arranged=False))
    except Exception as error:  # noqa: BLE001 - a model that fails on a record: no suggestion
        logger.warning("suggestion failed for %s: %s", record.UID(), error)
        return {"ok": False, "reason": "failed", "detail": type(error).__name__}
    if not found.ok:
        return found.as_dict()
    answer = found.as_dict()
    answer["values"] = {k: v.as_dict() for k, v in _fits(fonds, found).items()}
    if "category" not in answer["values"]:
        return {"ok": False, "reason": "not-in-scheme", "detail": found.value("category")}
    for neighbour in answer["neighbours"]:
        neighbour["url"] = _url_of(neighbour["ref"])
    return answer


def _url_of(uid: str) -> str:
    brains = api.portal.get_tool("portal_catalog")(UID=uid)
    return brains[0].getURL() if brains else ""


def _month() -> str:
    return datetime.now(_BEIJING).strftime("%Y-%m")


def count(fonds_code: str, kind: str, outcome: str) -> None:
    """Add one answer to the counter of (fonds, kind, month, outcome) (采纳计数)."""
    answer = tally.Answer(fonds_code, kind, outcome, _month())
    tree = site_tree(None, TALLY_KEY, create=True)
    counter = tree.get(answer.key)
    if counter is None:
        counter = tree[answer.key] = Length()
    counter.change(1)


def counts() -> list[tuple[str, int]]:
    tree = site_tree(None, TALLY_KEY)
    return [(key, counter()) for key, counter in tree.items()] if tree is not None else []


def _record_answer(record, kind: str, outcome: str, details: dict) -> None:
    from sd.archive import audit

    fonds = _fonds(record)
    entry = {
        **details,
        "outcome": outcome,
        "by": api.user.get_current().getId(),
        "time": datetime.now(_BEIJING).isoformat(timespec="seconds"),
    }
    _decisions(record, create=True)[kind] = entry
    count(fonds.fonds_code, kind, outcome)
    audit.log(f"mining.suggestion.{outcome}", record, details={"kind": kind, **details})


def _require_pending(record) -> None:
    if not _is_pending(record):
        raise SuggestionRefused(
            "只有待人工整理的文件有整理建议 / only records waiting for review have arrangement"
            " suggestions",
            [Problem("SUGGEST-NOT-PENDING", "not waiting for review", record.getId(), "state")],
            409,
            "NotPending",
        )


def _current(record) -> dict:
    """The record's suggestion now, or a 409 NoSuggestion saying why there is none."""
    found = arrangement_for(record)
    if not found.get("ok"):
        raise SuggestionRefused(
            "此文件没有整理建议 / there is no suggestion for this record",
            [Problem("SUGGEST-NONE", found.get("reason", ""), record.getId(), "suggestion")],
            409,
            "NoSuggestion",
        )
    return found


def accept_arrangement(record, values: dict | None = None) -> dict:
    """Accept the suggestion (``values`` None or equal to it) or correct it (``values`` with
    other 门类/保管期限/机构或问题), through the review queue's accept; returns
    ``{"outcome", "archival_code", "suggested", "chosen"}``."""
    from sd.archive.intake import review

    _require_pending(record)
    found = _current(record)
    suggested = {k: found["values"].get(k, {}).get("value", "") for k in VALUES}
    chosen = dict(suggested)
    for name in VALUES:
        given = (values or {}).get(name)
        if given is not None:
            chosen[name] = str(given).strip()
    outcome = tally.outcome_of(suggested, chosen)
    code = review.accept(record, **chosen)  # checks the values; archives; raises ReviewError
    rule_id = found["values"].get("rule_id", {}).get("value", "")
    _record_answer(
        record,
        "arrangement",
        outcome,
        {
            "suggested": suggested,
            "chosen": chosen,
            "version": found.get("version", ""),
            # the scope entry counts only when the category the person chose is the suggested one
            "rule_id": rule_id if chosen["category"] == suggested["category"] else "",
        },
    )
    return {"outcome": outcome, "archival_code": code, "suggested": suggested, "chosen": chosen}


def reject_arrangement(record, reason: str = "") -> dict:
    """Reject the suggestion (不采纳): the record stays in the review queue, the suggestion is
    not shown again for it until the model changes."""
    _require_pending(record)
    found = _current(record)
    suggested = {k: v.get("value", "") for k, v in found["values"].items()}
    details = {"suggested": suggested, "version": found["version"], "reason": reason.strip()}
    _record_answer(record, "arrangement", tally.REJECTED, details)
    return {"outcome": tally.REJECTED}


# -- keywords ------------------------------------------------------------------------------


def keywords_for(record, limit: int = 8) -> dict:
    """Keyword suggestions for ``record`` (主题词建议): ``{"ok", "terms": [{term, source,
    score, found_as}], "thesaurus": n}``; terms the record already has are left out."""
    from sd.archive.text import record_text

    fonds = _fonds(record)
    vocabulary = thesauri.get(fonds) if fonds is not None else None
    loaded = models.load(fonds.fonds_code) if fonds is not None else None
    statistics = getattr(loaded.model, "term_statistics", None) if loaded else None
    found = keywords.suggest_keywords(
        record.Title() or "",
        record_text(record),
        vocabulary,
        statistics,
        limit=limit,
        existing=list(record.keywords or ()),
    )
    return {
        "ok": bool(found),
        "reason": "" if found else "no-terms",
        "terms": [k.as_dict() for k in found],
        "thesaurus": len(vocabulary) if vocabulary is not None else 0,
    }


def accept_keywords(record, terms: list[str], suggested: list[str], reason: str = "") -> dict:
    """Add ``terms`` to the record's keywords (关键词/主题词). ``suggested``: what was offered;
    all of it taken is ``accepted``, part of it or other terms ``corrected``, none
    (``terms`` empty) ``rejected``. An archived record changes only through a description
    correction with a reason."""
    from sd.archive import corrections
    from sd.archive.protection import is_archived

    terms = [t.strip() for t in terms or [] if t and t.strip()]
    suggested = [t.strip() for t in suggested or [] if t and t.strip()]
    if not suggested and not terms:
        raise SuggestionRefused(
            "未给出主题词 / no terms given",
            [Problem("SUGGEST-TERMS", "terms and suggested are empty", record.getId(), "terms")],
            400,
        )
    if not terms:
        outcome = tally.REJECTED
    elif sorted(set(terms)) == sorted(set(suggested)):
        outcome = tally.ACCEPTED
    else:
        outcome = tally.CORRECTED
    if terms:
        new = list(record.keywords or ())
        new += [t for t in terms if t not in new]
        if is_archived(record):
            if not api.user.has_permission(CORRECT_RECORDS, obj=record):
                raise SuggestionRefused(
                    "无权更正已归档档案的著录 / may not correct archived records",
                    [Problem("SUGGEST-PERMISSION", CORRECT_RECORDS, record.getId(), "keywords")],
                    403,
                    "Forbidden",
                )
            corrections.correct_description(
                record, {"keywords": new}, reason.strip() or "采纳主题词建议 / keyword suggestion"
            )
        else:
            record.keywords = new
            record.reindexObject()
    _record_answer(record, "keywords", outcome, {"suggested": suggested, "chosen": terms})
    return {"outcome": outcome, "keywords": list(record.keywords or ())}


def acceptance(fonds) -> dict:
    """The acceptance page's data: rows per kind and month, totals per kind."""
    rows = tally.table(counts(), fonds.fonds_code)
    return {"fonds": fonds.fonds_code, "rows": rows, "totals": tally.totals(rows)}
