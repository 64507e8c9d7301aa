"""What the findings analysis reads of a record (挖掘分析的数据来源): its original files (原件,
not the versions made from them), their SM3 digests (for same-file duplicates) and the text of
every file whose text is available."""

from __future__ import annotations


def original_components(record) -> list:
    """The record's original files (原件: not the versions made from them)."""
    from sd.archive.preservation.package import components

    return [c for c in components(record) if not getattr(c, "version_of", None)]


def file_digests(record) -> list[str]:
    """The SM3 digests of the record's original files (for the same-file duplicates)."""
    return sorted({c.sm3 for c in original_components(record) if getattr(c, "sm3", None)})


def segments(record) -> list[tuple[str, str]]:
    """(file name, text) of every file whose text is available, in component order."""
    from sd.archive.text import _entries

    entries = _entries(record)
    ordered = sorted(entries.values(), key=lambda e: (e.get("sequence") or 0, e.get("name", "")))
    return [(e.get("name", ""), e.get("text", "")) for e in ordered if e.get("text")]
