"""Where the text of a record's files is kept (文本存放): an annotation of the record."""

from __future__ import annotations

from . import _entries


def _component_uids(record) -> list[str]:
    from sd.archive.preservation.package import components

    return [c.UID() for c in components(record)]


def status_of(record) -> dict:
    """The record's extraction status from its components' entries."""
    entries = _entries(record)
    uids = _component_uids(record)
    if not uids:
        return {"status": "none", "reasons": [], "components": 0}
    reasons = [
        entries[uid].get("reason", "")
        for uid in uids
        if uid in entries and entries[uid].get("status") == "unavailable"
    ]
    if any(uid not in entries for uid in uids):
        status = "waiting"
    elif reasons:
        status = "unavailable"
    else:
        status = "extracted"
    return {"status": status, "reasons": reasons, "components": len(uids)}
