"""Archival-code and holdings checks (档号与馆藏): syntax, uniqueness, continuity, scope."""

from __future__ import annotations

from sd.archive.core.detection.checks.common import NO_METADATA
from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.checks.common import is_arranged
from sd.archive.core.detection.checks.common import manual
from sd.archive.core.detection.checks.common import reader_problems
from sd.archive.core.detection.registry import register


def default_code_validator(code: str, metadata) -> list[str]:
    """DA/T 22 default rule of :mod:`sd.archive.core.codes`, then the parts against the metadata."""
    from sd.archive.core.codes import DEFAULT_RULE
    from sd.archive.core.codes import parse
    from sd.archive.core.codes import validate

    problems = validate(code, DEFAULT_RULE)
    if problems:
        return [p.message for p in problems]
    parts = parse(code, DEFAULT_RULE)
    pairs = (
        ("全宗号", parts.fonds_code, metadata.fonds_code),
        ("门类代码", parts.category, metadata.category),
        ("年度", str(parts.year), metadata.year),
        ("保管期限", parts.retention, metadata.retention),
        ("机构或问题", parts.org_code, metadata.org_code),
        ("件号", str(parts.item_number), str(metadata.item_number_int)),
    )
    return [
        f"档号中的{label} {in_code!r} 与元数据 {declared!r} 不符"
        for label, in_code, declared in pairs
        if declared not in (None, "") and in_code != declared
    ]


@register("archival_code_syntax")
def archival_code_syntax(subject, item, context):
    """档号 follows the fonds' code rule and matches its parts (档号规范性)."""
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    if not m.archival_code:
        return [failed("缺少档号 / no archival code")] if is_arranged(subject) else []
    validator = context.code_validator or default_code_validator
    return [failed(str(message), m.archival_code) for message in validator(m.archival_code, m)]


@register("archival_code_unique")
def archival_code_unique(subject, item, context):
    """档号 and 电子文件号 are not yet in the holdings, nor twice in the package (重复性)."""
    m = subject.metadata
    findings = reader_problems(subject, "transfer.duplicate-code")
    if m is None:
        return findings or [NO_METADATA]
    values = [(e, v) for e, v in (("档号", m.archival_code), ("电子文件号", m.record_id)) if v]
    if context.is_unique is None:
        return (
            findings + [manual("未配置查重 / no uniqueness lookup configured")]
            if values
            else findings
        )
    for element, value in values:
        if not context.is_unique(element, value, m):
            findings.append(failed(f"{element} {value} 已存在 / already in the holdings", value))
    return findings


@register("item_continuity")
def item_continuity(subject, item, context):
    """件号 run without gaps in fonds/category/year/retention (连续性).

    A record: its number neither repeats nor lies before the series start (the holdings'
    ``continuity``). A transfer package (it has a 目录文件): each series it carries, as a
    whole, has no gap its 说明文件 leaves unexplained (``series_continuity``)."""
    if hasattr(subject, "catalogue"):
        if context.series_continuity is None:
            return [manual("未配置件号序列检查 / no series continuity check configured")]
        return [failed(p.message, p.object) for p in context.series_continuity(subject)]
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    if not m.item_number:
        return []  # assigned by arrangement (pre-archive); absence is GD-2-3's business
    if context.continuity is None:
        return [manual("未配置连续性查询 / no continuity lookup configured")]
    return [failed(str(message), m.archival_code or "") for message in context.continuity(m)]


@register("archiving_scope")
def archiving_scope(subject, item, context):
    """The record falls inside the fonds' archiving scope (归档范围)."""
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    if context.scope_matcher is None:
        return [manual("未配置归档范围 / no archiving-scope matcher configured")]
    decided = context.scope_matcher(m)
    if decided is None:
        return [manual("归档范围规则未能判定 / no scope rule decides")]
    return [] if decided else [failed("不在归档范围内 / outside the archiving scope")]
