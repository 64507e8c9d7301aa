"""The text of a record's files (文件文本): extracted after archiving, kept with the record.

The text is derived data (派生数据): it lives in an annotation of the record keyed by
component UID, outside the record's metadata (so the ledger's state digest never covers it)
and never in the original files. ``record_text`` is the contract the SearchableText indexer
reads; ``store.text_status`` tells the record page whether extraction is done, failed or
waiting. This module imports none of its own: the AIP (``preservation.package``) reads the
entries here, below the store that extracts them.
"""

from __future__ import annotations

from zope.annotation.interfaces import IAnnotations

TEXT_KEY = "sd.archive.text"

# Per-record status (提取状态)
EXTRACTED = "extracted"  # 已提取
UNAVAILABLE = "unavailable"  # 无法提取
WAITING = "waiting"  # 等待中
NONE = "none"  # no components


def _entries(record) -> dict:
    try:
        return IAnnotations(record).get(TEXT_KEY) or {}
    except TypeError:
        return {}


def record_text(record) -> str:
    """All extracted text of the record's components, in component order ("" when none).

    The originals of a record opened with redactions (删节后开放, ``redacted_originals``: set
    by the open-access review) are left out: their text must not reach the public catalogue's
    full-text search or its snippets; the redacted version's text stands for them."""
    entries = _entries(record)
    if not entries:
        return ""
    withheld = set(getattr(record, "redacted_originals", None) or ())
    kept = (e for uid, e in entries.items() if uid not in withheld)
    ordered = sorted(kept, key=lambda e: (e.get("sequence") or 0, e.get("name", "")))
    return "\n".join(e.get("text", "") for e in ordered if e.get("text"))
