"""Metadata checks (元数据检测).

Parsing, presence, emptiness, lengths, types, ranges, plausibility.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from datetime import datetime

from sd.archive.core.detection.checks.common import NO_METADATA
from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.checks.common import is_arranged
from sd.archive.core.detection.checks.common import reader_problems
from sd.archive.core.detection.registry import register
from sd.archive.core.packages.metadata import COMPONENT_ELEMENTS
from sd.archive.core.packages.metadata import ELEMENTS
from sd.archive.core.packages.metadata import KIND_DOCUMENT
from sd.archive.core.packages.metadata import KIND_SERVICE
from sd.archive.core.packages.metadata import LAYOUT_DAT85
from sd.archive.core.packages.metadata import SERVICE_ELEMENTS
from sd.archive.core.packages.metadata import service_element_path

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_YEAR = re.compile(r"^\d{4}$")


def _required(subject, item) -> list[str]:
    required = list(item.parameters.get("required", []))
    if is_arranged(subject):
        required += item.parameters.get("required_arranged", [])
    return required


@register("metadata_parses")
def metadata_parses(subject, item, context):
    """元数据.xml parses: encoding, no DTD, well-formed (元数据可读性)."""
    findings = reader_problems(subject, "xml.", "metadata.")
    if subject.metadata is None and not findings:
        findings.append(failed("缺少元数据.xml / 元数据.xml missing"))
    return findings


@register("required_elements_present")
def required_elements_present(subject, item, context):
    """Required elements exist (元数据项缺项)."""
    metadata = subject.metadata
    if metadata is None:
        return [NO_METADATA]
    findings = [
        failed(f"缺少必填元素 <{path}> / required element missing")
        for path in _required(subject, item)
        if metadata.value(path) is None
    ]
    if not metadata.kind:
        findings.append(failed("<电子文件> 缺少 类型 属性 / kind attribute missing"))
    dat85 = metadata.layout == LAYOUT_DAT85  # DA/T 85: the 办件's 材料 are the components
    if not metadata.components:
        findings.append(
            failed("缺少 <材料> / no materials" if dat85 else "缺少 <组件> / no components")
        )
    names = dict((p, a) for a, p in COMPONENT_ELEMENTS)
    for index, component in enumerate(metadata.components, 1):
        label = f"{'材料' if dat85 else '文档'} {index}"
        for path in item.parameters.get("component_required", []):
            if getattr(component, names[path]) is None:
                findings.append(failed(f"{label} 缺少 <{path}>", component.path or label))
    return findings


@register("required_elements_filled")
def required_elements_filled(subject, item, context):
    """Required elements are not empty (必填项内容为空)."""
    metadata = subject.metadata
    if metadata is None:
        return [NO_METADATA]
    return [
        failed(f"必填元素 <{path}> 为空 / required element empty")
        for path in _required(subject, item)
        if metadata.value(path) == ""
    ]


@register("metadata_lengths")
def metadata_lengths(subject, item, context):
    """Values within their maximum lengths (数据长度)."""
    metadata = subject.metadata
    if metadata is None:
        return [NO_METADATA]
    findings = []
    limits = item.parameters.get("max_lengths", {})
    for _attr, path in ELEMENTS:
        limit = limits.get(path.rsplit("/", 1)[-1])
        value = metadata.value(path)
        if limit and value and len(value) > limit:
            findings.append(failed(f"<{path}> 长度 {len(value)} 超过 {limit} / too long"))
    return findings


def _is_date(value: str) -> bool:
    try:
        (date.fromisoformat if len(value) == 10 else datetime.fromisoformat)(value)
        return True
    except ValueError:
        return False


def _parse_when(value: str | None, now: datetime) -> datetime | None:
    if not value or not _is_date(value):
        return None
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=now.tzinfo)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


def _component_types(components) -> list:
    """Type findings of the components: file size an integer, digest 64 hex digits."""
    findings = []
    for c in components:
        if c.size is not None and c.size_int is None:
            findings.append(failed(f"<计算机文件大小> {c.size!r} 不是整数", c.path or ""))
        if c.digest and not _HEX64.match(c.digest.strip()):
            findings.append(
                failed("<摘要值> 不是 64 位十六进制 / not a 64-digit hex digest", c.path or "")
            )
    return findings


@register("metadata_types")
def metadata_types(subject, item, context):
    """Values have their types and formats (数据类型与格式).

    Year, ISO dates, integers, hex digests.
    """
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    findings = []
    if m.year and not _YEAR.match(m.year):
        findings.append(failed(f"<年度> {m.year!r} 不是四位年份 / not a year"))
    if m.date and not _is_date(m.date):
        findings.append(failed(f"<日期> {m.date!r} 不是 ISO 8601 日期 / not an ISO date"))
    if m.item_number and (m.item_number_int is None or m.item_number_int < 1):
        findings.append(failed(f"<件号> {m.item_number!r} 不是正整数 / not a positive integer"))
    if m.pages and m.pages_int is None:
        findings.append(failed(f"<页数> {m.pages!r} 不是整数 / not an integer"))
    findings.extend(_component_types(m.components))
    for step in m.process or []:
        if step.time and not _is_date(step.time):
            findings.append(
                failed(f"<行为时间> {step.time!r} 不是 ISO 8601 时间", f"业务 {step.seq}")
            )
    service = m.government_service
    for label, value in (
        ("受理时间", service and service.accepted_at),
        ("办结时间", service and service.completed_at),
    ):
        if value and not _is_date(value):
            findings.append(failed(f"<{label}> {value!r} 不是 ISO 8601 时间"))
    return findings


@register("metadata_ranges")
def metadata_ranges(subject, item, context):
    """Values within their value ranges: kind, 保管期限, 密级, 开放状态, roles (值域)."""
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    p = item.parameters
    findings = []
    checks = (
        ("类型", m.kind, p.get("kinds")),
        ("聚合层次", m.aggregation_level, p.get("aggregation_levels")),
        ("保管期限", m.retention, p.get("retention")),
        ("密级", m.security, p.get("security")),
        ("开放状态", m.open_status, p.get("open_status")),
    )
    for label, value, allowed in checks:
        if value and allowed and value not in allowed:
            findings.append(failed(f"<{label}> {value!r} 不在值域 {allowed} 内 / out of range"))
    roles = p.get("roles", {}).get(m.kind or "", [])
    algorithms = [a.upper() for a in p.get("digest_algorithms", [])]
    for c in m.components:
        if roles and c.role not in roles:
            findings.append(failed(f"角色 {c.role!r} 不在值域 {roles} 内", c.path or ""))
        if algorithms and c.digest_algorithm.upper() not in algorithms:
            findings.append(failed(f"摘要算法 {c.digest_algorithm!r} 不受支持", c.path or ""))
    return findings


@register("metadata_plausibility")
def metadata_plausibility(subject, item, context):
    """Values are plausible: year, dates not in the future, pages, transfer age (合理性)."""
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    now, p = context.now, item.parameters
    findings = []
    year = m.year_int if m.year and _YEAR.match(m.year) else None
    if year is not None and not p.get("min_year", 1949) <= year <= now.year:
        findings.append(failed(f"<年度> {year} 不合理 / implausible year"))
    when = _parse_when(m.date, now)
    if when is not None:
        if when.date() > now.date():
            findings.append(failed(f"<日期> {m.date} 晚于今天 / date in the future"))
        if year is not None and when.year != year:
            findings.append(
                failed(f"<日期> {m.date} 与 <年度> {year} 不一致 / date and year disagree")
            )
    if m.pages_int is not None and not 1 <= m.pages_int <= p.get("max_pages", 100000):
        findings.append(failed(f"<页数> {m.pages_int} 不合理 / implausible page count"))
    for step in m.process or []:
        moment = _parse_when(step.time, now)
        if moment is not None and moment > now:
            findings.append(
                failed(f"<行为时间> {step.time} 晚于当前时间 / in the future", f"业务 {step.seq}")
            )
    age = p.get("min_age_years")
    if age and year is not None and now.year - year < age:
        findings.append(failed(f"形成不足 {age} 年，尚未到移交期 / younger than {age} years"))
    return findings


def _bad_characters(value: str) -> bool:
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
        or ch in "\ufffd\ufeff"
        or unicodedata.category(ch) == "Co"
        for ch in value
    )


@register("metadata_characters")
def metadata_characters(subject, item, context):
    """No control, private-use or replacement characters in values (特殊字符)."""
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    return [
        failed(f"<{path}> 含特殊字符 / special characters")
        for _a, path in ELEMENTS
        if m.value(path) and _bad_characters(m.value(path))
    ]


@register("process_history")
def process_history(subject, item, context):
    """电子公文 carry 办理过程 rows; 政务服务 records carry the 政务服务 block (过程信息完整性)."""
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    findings = []
    if m.kind == KIND_DOCUMENT:
        if not m.process:
            findings.append(failed("电子公文缺少办理过程 / processing history missing"))
        for step in m.process or []:
            if not step.action or not step.time:
                findings.append(
                    failed(
                        "业务行为或行为时间为空 / step without action or time", f"业务 {step.seq}"
                    )
                )
    elif m.kind == KIND_SERVICE:
        # a DA/T 85 办件 outside any 事项, a 事项 without 办件, several 办件 (docs/dat85.md)
        findings.extend(reader_problems(subject, "service."))
        service = m.government_service
        if service is None:
            findings.append(
                failed("政务服务电子文件缺少 <政务服务> / government-service block missing")
            )
        else:
            names = {path: attr for attr, path in SERVICE_ELEMENTS}
            for path in item.parameters.get("service_required", []):
                if not getattr(service, names[path]):
                    where = service_element_path(names[path], m.layout)
                    findings.append(failed(f"<{where}> 缺失或为空 / missing or empty"))
    return findings


@register("required_roles")
def required_roles(subject, item, context):
    """The record has its required components (组件完整性).

    正本 + 处理单, or 申请材料 + 办理结果.
    """
    m = subject.metadata
    if m is None:
        return [NO_METADATA]
    present = {c.role for c in m.components}
    return [
        failed(f"缺少组件 {role} / component {role} missing")
        for role in item.parameters.get("roles", {}).get(m.kind or "", [])
        if role not in present
    ]
