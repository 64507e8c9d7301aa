"""Preservation checks (长期保存): fixity of every copy, copy count, readability, format risk."""

from __future__ import annotations

from sd.archive.core.detection.checks.common import content_files
from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.formats import extension_format
from sd.archive.core.detection.formats import sniff
from sd.archive.core.detection.readability import unreadable
from sd.archive.core.detection.registry import register


@register("fixity")
def fixity(subject, item, context):
    """Every copy of every file has the digest the ledger holds (固化信息有效性).

    The paths checked are those the subject expects (``subject.expected``: e.g. the record's
    AIP versions, measured in every copy), else its files."""
    findings = []
    for path in sorted(subject.expected or subject.files):
        expected = (
            context.ledger_digest(path) if context.ledger_digest else subject.expected.get(path)
        )
        if not expected:
            findings.append(failed("存证中没有该文件的摘要值 / no reference digest", path))
            continue
        if path in subject.files and subject.files[path].sm3 != expected:
            findings.append(failed("摘要值与存证不符 / digest differs from the ledger", path))
        for copy, digests in sorted(subject.copies.items()):
            if digests.get(path) != expected:
                findings.append(
                    failed(f"副本 {copy} 摘要值不符或缺失 / copy differs or is missing", path)
                )
    return findings


@register("copy_count")
def copy_count(subject, item, context):
    """At least ``min_copies`` copies are held (副本数量): a copy counts when it holds every
    path the subject expects (a location that lost a version holds no full copy)."""
    wanted = context.min_copies or item.parameters.get("min_copies", 2)
    held = sum(1 for digests in subject.copies.values() if set(subject.expected) <= set(digests))
    if held < wanted:
        return [failed(f"副本 {held} 份，少于 {wanted} 份 / too few copies")]
    return []


@register("readable")
def readable(subject, item, context):
    """Every content file still opens as its format (内容数据可读性): PDF, OFD, images, XML."""
    findings = []
    for path, file in sorted(content_files(subject).items()):
        actual, problem = sniff(file.head, file.tail, file.location)
        if actual is None:
            findings.append(failed("无法识别的格式 / unknown format", path))
            continue
        reason = problem or unreadable(file.location, actual or extension_format(path))
        if reason:
            findings.append(failed(f"{actual} 无法打开：{reason} / does not open", path))
    return findings
