"""Preservation checks (长期保存): fixity of every copy, copy count."""

from __future__ import annotations

from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.registry import register


@register("fixity")
def fixity(subject, item, context):
    """Every copy of every file has the digest the ledger holds (固化信息有效性)."""
    findings = []
    for path in sorted(subject.files):
        expected = (
            context.ledger_digest(path) if context.ledger_digest else subject.expected.get(path)
        )
        if not expected:
            findings.append(failed("存证中没有该文件的摘要值 / no reference digest", path))
            continue
        if subject.files[path].sm3 != expected:
            findings.append(failed("摘要值与存证不符 / digest differs from the ledger", path))
        for copy, digests in sorted(subject.copies.items()):
            if digests.get(path) != expected:
                findings.append(
                    failed(f"副本 {copy} 摘要值不符或缺失 / copy differs or is missing", path)
                )
    return findings


@register("copy_count")
def copy_count(subject, item, context):
    """At least ``min_copies`` copies are held (副本数量)."""
    wanted = item.parameters.get("min_copies", 2)
    if len(subject.copies) < wanted:
        return [failed(f"副本 {len(subject.copies)} 份，少于 {wanted} 份 / too few copies")]
    return []
