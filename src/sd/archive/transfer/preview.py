"""What a transfer would move, shown before anything moves (移交预览).

The records room's page (``@@transfer-out``) shows this for the ticked records and asks for a
confirmation; only the confirmed post transfers them (``delivery.transfer_and_deliver``).
"""

from __future__ import annotations

from sd.archive.transfer.outgoing import content_components


def component_bytes(record) -> int:
    """The bytes of the record's files that go into the package (移交数据量)."""
    return sum(c.file.getSize() for c in content_components(record))


def preview(records) -> dict:
    """What a transfer of ``records`` would move, before anything moves (移交预览): the record
    count, the bytes of their files, the first and last 档号 and the counts per year and
    category (年度、类别)."""
    groups: dict[tuple, dict] = {}
    total = 0
    codes = sorted(r.archival_code for r in records)
    for record in records:
        size = component_bytes(record)
        total += size
        key = (getattr(record, "year", None) or "—", getattr(record, "category_code", None) or "—")
        group = groups.setdefault(key, {"year": key[0], "category": key[1], "count": 0, "bytes": 0})
        group["count"] += 1
        group["bytes"] += size
    return {
        "count": len(records),
        "bytes": total,
        "first_code": codes[0] if codes else "",
        "last_code": codes[-1] if codes else "",
        "groups": [groups[k] for k in sorted(groups, key=lambda k: (str(k[0]), str(k[1])))],
        "uids": [r.UID() for r in records],
    }
