"""What the REST answers and the pages show of findings (one shape for both).

:func:`record_findings` — a record's names (with the answers given), cited 文号, duplicates,
related records and, for open-access reviewers only, the sensitive findings (masked);
:func:`pair_row` — one pair with both records summarised; :func:`open_pairs` — the queue of
undecided pairs the current user may answer (both records visible to them and correctable).
"""

from __future__ import annotations

from plone import api

from sd.archive.core.mining.findings.entities import KINDS

from . import pairs as pairs_mod
from .decisions import PERMISSION
from .finder import SensitiveFinder
from .sources import file_digests
from .store import decision_key
from .store import findings_of

REVIEW_PERMISSION = "sd.archive: Review open access"
REASON_TITLES = {
    pairs_mod.SAME_FILE: "同一文件",
    pairs_mod.NEAR_TEXT: "内容近似",
    pairs_mod.CITES: "引用文号",
}
ANSWER_TITLES = {
    "duplicate": "确认重复",
    "not_duplicate": "不是重复",
    "related": "确认关联",
    "not_related": "不相关",
    "accepted": "已采纳",
    "rejected": "已驳回",
    "": "待处理",
}


def summary(record) -> dict:
    """The few fields a person compares two records by."""
    if record is None:
        return {}
    date = getattr(record, "document_date", None)
    return {
        "uid": record.UID(),
        "url": record.absolute_url(),
        "title": record.Title(),
        "archival_code": getattr(record, "archival_code", "") or "",
        "document_number": getattr(record, "document_number", "") or "",
        "author": getattr(record, "author", "") or "",
        "date": date.isoformat() if date else "",
        "state": api.content.get_state(record, default=""),
        "digests": file_digests(record),
    }


def _record(uid: str):
    from sd.archive.preservation.store import record_by_uid

    return record_by_uid(uid)


def pair_row(pair, for_uid: str = "") -> dict:
    """A pair as shown: kind, reasons, similarity, answer, both records summarised; with
    ``for_uid``, ``other`` is the record that is not that one and ``role`` says which side."""
    a, b = _record(pair["a"]), _record(pair["b"])
    row = {
        "key": pair["key"],
        "kind": pair["kind"],
        "reasons": list(pair.get("reasons", [])),
        "reason_titles": [REASON_TITLES.get(r, r) for r in pair.get("reasons", [])],
        "similarity": pair.get("similarity"),
        "digests": list(pair.get("digests", []) or []),
        "cited": pair.get("cited", ""),
        "found": pair.get("found", ""),
        "decision": pair.get("decision", ""),
        "decision_title": ANSWER_TITLES.get(pair.get("decision", ""), ""),
        "by": pair.get("by", ""),
        "at": pair.get("at", ""),
        "note": pair.get("note", ""),
        "answers": list(pairs_mod.DECISIONS[pair["kind"]]),
        "a": summary(a),
        "b": summary(b),
    }
    if for_uid:
        mine_is_a = pair["a"] == for_uid
        row["other"] = row["b"] if mine_is_a else row["a"]
        if pair["kind"] == pairs_mod.RELATED:
            row["role"] = "cites" if mine_is_a else "cited_by"  # 引用 / 被引用
    return row


def record_findings(record) -> dict:
    """A record's findings for a person who may answer them."""
    kept = findings_of(record)
    decisions = kept.get("decisions") or {}
    entities = {
        kind: [
            {
                "name": name,
                "decision": (decisions.get(decision_key(kind, name)) or {}).get("decision", ""),
            }
            for name in (kept.get("entities") or {}).get(kind, [])
        ]
        for kind in KINDS
    }
    uid = record.UID()
    rows = [pair_row(p, uid) for p in pairs_mod.pairs_of(uid)]
    out = {
        "analysed": kept.get("time", ""),
        "chars": kept.get("chars", 0),
        "chinese": kept.get("chinese", False),
        "entities": entities,
        "citations": list(kept.get("citations") or []),
        "duplicates": [r for r in rows if r["kind"] == pairs_mod.DUPLICATE],
        "related": [r for r in rows if r["kind"] == pairs_mod.RELATED],
    }
    if api.user.has_permission(REVIEW_PERMISSION, obj=record):
        out["sensitive"] = SensitiveFinder().findings(record)
    return out


def may_answer(pair) -> bool:
    records = [_record(pair["a"]), _record(pair["b"])]
    return all(r is not None and api.user.has_permission(PERMISSION, obj=r) for r in records)


def open_pairs(kind: str = "", limit: int = 200) -> tuple[int, list[dict]]:
    """(how many, the first ``limit`` rows) of the undecided pairs the user may answer,
    the newest first.

    The list is the workbench's count too, so it does not load every record: one catalog
    query finds where the pairs' records are, and the permission is asked once per folder
    (fonds or volume) holding them. Answering asks again on both records themselves."""
    candidates = [p for p in pairs_mod.all_pairs(open_only=True) if not kind or p["kind"] == kind]
    if not candidates:
        return 0, []
    catalog = api.portal.get_tool("portal_catalog")
    uids = sorted({p["a"] for p in candidates} | {p["b"] for p in candidates})
    where = {b.UID: b.getPath() for b in catalog.unrestrictedSearchResults(UID=uids)}
    portal = api.portal.get()
    allowed: dict[str, bool] = {}

    def may(uid: str) -> bool:
        path = where.get(uid)
        if path is None:
            return False
        folder = path.rsplit("/", 1)[0]
        if folder not in allowed:
            obj = portal.unrestrictedTraverse(folder, None)
            allowed[folder] = obj is not None and bool(api.user.has_permission(PERMISSION, obj=obj))
        return allowed[folder]

    found = [p for p in candidates if may(p["a"]) and may(p["b"])]
    found.sort(key=lambda p: p.get("found", ""), reverse=True)
    return len(found), [pair_row(p) for p in found[:limit]]
