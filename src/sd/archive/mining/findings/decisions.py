"""What a person answers to a finding (采纳或驳回), each answer logged in the audit trail.

- a name (人名/机构/地名) **accepted** goes into the record's 主题词 (``keywords``) through the
  one recorded change of an archived record, :func:`sd.archive.corrections.correct_description`
  (著录更正: reason, correction log, ledger entry); **rejected**, it leaves the search facets
  and is not suggested again for that record;
- a pair is marked ``duplicate`` / ``not_duplicate`` or ``related`` / ``not_related``; the
  answer, who and when stay with the pair (and its earlier answers in ``history``).

Who may answer: a person holding ``sd.archive: Correct records`` on the record — on *both*
records of a pair. Refusals are :class:`FindingRefused` (the one error shape).
"""

from __future__ import annotations

from persistent.mapping import PersistentMapping
from plone import api

from sd.archive import audit
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.mining.findings.entities import KINDS

from . import pairs as pairs_mod
from .store import FACET_INDEXES
from .store import _store
from .store import decision_key
from .store import findings_of

PERMISSION = "sd.archive: Correct records"
ENTITY_ANSWERS = ("accepted", "rejected")
#: the Chinese name of each kind (the correction's reason names it)
KIND_TITLES = {"people": "人名", "organisations": "机构", "places": "地名"}
MAX_NOTE = 500


class FindingRefused(ArchiveError):
    """An answer to a finding that cannot be taken (挖掘建议处理不予受理)."""

    def __init__(self, message, problems=(), status=400, type="FindingRefused"):
        super().__init__(message, list(problems), status, type)


def _require(record) -> None:
    if not api.user.has_permission(PERMISSION, obj=record):
        raise FindingRefused(
            "you may not answer findings of this record (无权处理该档案的挖掘建议)",
            [Problem("FINDINGS-PERMISSION", "sd.archive: Correct records required", "")],
            403,
            "Forbidden",
        )


def _note(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise FindingRefused(
            "the reason is not valid (理由不合规)",
            [Problem("FINDINGS-REASON", f"a text of at most {MAX_NOTE} characters", "", "reason")],
        )
    return value.strip()


def answer_entity(record, kind, name, answer, reason=None) -> dict:
    """Accept or reject a name found in ``record``; returns the kept decision."""
    _require(record)
    reason = _note(reason)
    if kind not in KINDS:
        raise FindingRefused(
            "unknown kind of name (名称类型不符)",
            [Problem("FINDINGS-KIND", f"kind: one of {', '.join(KINDS)}", "", "kind")],
        )
    if answer not in ENTITY_ANSWERS:
        raise FindingRefused(
            "unknown answer (处理结果不符)",
            [Problem("FINDINGS-ANSWER", "answer: accepted or rejected", "", "answer")],
        )
    found = (findings_of(record).get("entities") or {}).get(kind, [])
    if not isinstance(name, str) or name not in found:
        raise FindingRefused(
            "the name was not found in this record (该名称不是本档案的挖掘建议)",
            [Problem("FINDINGS-NAME", f"{name!r} is not a suggested {kind}", "", "name")],
            404,
            "NotFound",
        )
    if answer == "accepted":
        keywords = list(getattr(record, "keywords", None) or [])
        if name not in keywords:
            from sd.archive.corrections import correct_description

            correct_description(
                record,
                {"keywords": [*keywords, name]},
                reason or f"采纳挖掘建议（{KIND_TITLES[kind]}：{name}）",
            )
    decisions = _store(record).setdefault("decisions", PersistentMapping())
    kept = {"decision": answer, "by": actor(), "at": now(), "reason": reason}
    decisions[decision_key(kind, name)] = kept
    record.reindexObject(idxs=list(FACET_INDEXES.values()))
    audit.log(
        f"mining.finding.{answer}",
        record,
        details={"kind": kind, "name": name, "reason": reason},
    )
    return {"kind": kind, "name": name, **kept}


def answer_pair(key, answer, reason=None) -> dict:
    """Mark a pair (duplicate / not_duplicate, related / not_related); returns the pair."""
    from sd.archive.preservation.store import record_by_uid

    reason = _note(reason)
    pair = pairs_mod.get(key) if isinstance(key, str) else None
    if pair is None:
        raise FindingRefused(
            "no such pair (未找到该组建议)",
            [Problem("FINDINGS-PAIR", f"unknown pair {key!r}", "", "pair")],
            404,
            "NotFound",
        )
    records = [record_by_uid(pair["a"]), record_by_uid(pair["b"])]
    if any(r is None for r in records):
        raise FindingRefused(
            "a record of the pair is gone (该组档案之一已不存在)",
            [Problem("FINDINGS-PAIR", "record not found", "", "pair")],
            409,
            "Conflict",
        )
    for record in records:
        _require(record)
    allowed = pairs_mod.DECISIONS[pair["kind"]]
    if answer not in allowed:
        raise FindingRefused(
            "unknown answer (处理结果不符)",
            [Problem("FINDINGS-ANSWER", f"answer: one of {', '.join(allowed)}", "", "answer")],
        )
    if pair.get("decision"):
        pair["history"] = [
            *pair.get("history", []),
            {k: pair.get(k, "") for k in ("decision", "by", "at", "note")},
        ]
    pair.update({"decision": answer, "by": actor(), "at": now(), "note": reason})
    for record in records:
        audit.log(
            "mining.pair.answered",
            record,
            details={"pair": key, "kind": pair["kind"], "answer": answer, "reason": reason},
        )
    return dict(pair)
