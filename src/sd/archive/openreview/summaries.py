"""A batch as the REST answer, the pages and the open catalogue show it (批次概况)."""

from __future__ import annotations

from sd.archive.core.openreview import rules


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
