"""Structure and count checks (结构与数量): files vs metadata, manifest coverage, transfers."""

from __future__ import annotations

import re

from sd.archive.core.detection.checks.common import NO_METADATA
from sd.archive.core.detection.checks.common import content_files
from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.checks.common import reader_problems
from sd.archive.core.detection.registry import register
from sd.archive.core.packages.manifest import MANIFEST_NAMES
from sd.archive.core.packages.transfer import CATALOGUE_MISMATCH


@register("files_listed")
def files_listed(subject, item, context):
    """Every file named in 元数据.xml exists, and every content file is named (元数据与内容关联)."""
    if subject.metadata is None:
        return [NO_METADATA]
    listed = {c.path for c in subject.metadata.components if c.path}
    present = set(content_files(subject))
    findings = [
        failed("元数据中列出的文件不存在 / listed file is missing", p)
        for p in sorted(listed - present)
    ]
    findings += [
        failed("文件未在元数据中列出 / file not listed in 元数据.xml", p)
        for p in sorted(present - listed)
    ]
    return findings


@register("component_count")
def component_count(subject, item, context):
    """The number of components equals the number of content files (总件数相符)."""
    if subject.metadata is None:
        return [NO_METADATA]
    declared, actual = len(subject.metadata.components), len(content_files(subject))
    if declared == 0:
        return [failed("元数据中没有组件 / no component in 元数据.xml")]
    if declared != actual:
        return [
            failed(f"组件 {declared} 个，文件 {actual} 个 / {declared} components, {actual} files")
        ]
    return []


@register("component_bytes")
def component_bytes(subject, item, context):
    """The sum of declared sizes equals the bytes received (总字节数相符)."""
    if subject.metadata is None:
        return [NO_METADATA]
    declared = sum(c.size_int or 0 for c in subject.metadata.components)
    actual = sum(f.size for f in content_files(subject).values())
    if declared != actual:
        return [
            failed(
                f"声明 {declared} 字节，实收 {actual} 字节 / "
                f"declared {declared} bytes, received {actual}"
            )
        ]
    return []


@register("manifest_coverage")
def manifest_coverage(subject, item, context):
    """The manifest lists every file and every listed file exists (信息包内容数据完整性)."""
    manifest = subject.manifest
    if manifest is None:
        if getattr(subject, "source_format", "zip") == "eep":
            return []
        return [failed("没有清单文件 / no manifest")]
    present = {p for p in subject.files if p not in MANIFEST_NAMES}
    listed = set(manifest.entries)
    findings = [
        failed("清单中的文件不存在 / manifest lists a missing file", p)
        for p in sorted(listed - present)
    ]
    findings += [
        failed("文件未列入清单 / file not in the manifest", p) for p in sorted(present - listed)
    ]
    return findings


@register("package_structure")
def package_structure(subject, item, context):
    """Control files complete: manifest, and for transfers 说明文件 keys (信息包元数据完整性)."""
    findings = reader_problems(subject, "manifest.", "transfer.stray-file")
    if subject.manifest is None and getattr(subject, "source_format", "zip") != "eep":
        findings.append(failed("缺少 manifest-sm3.txt / manifest missing"))
    description = getattr(subject, "description", None)
    if description is not None:
        for key in item.parameters.get("description_required", []):
            if not description.get(key):
                findings.append(
                    failed(f"说明文件缺少 {key} / 说明文件 lacks {key}", "说明文件.TXT")
                )
    return findings


@register("container_safety")
def container_safety(subject, item, context):
    """The container passed the reader's rules (信息包格式合规); unsafe ones never get here."""
    return reader_problems(subject, "zip.")


@register("transfer_counts")
def transfer_counts(subject, item, context):
    """档案数量 = <文件> rows = record folders, within the allowed range, and each 档号 listed
    once with one folder (总件数相符: equal counts do not hide a code listed twice and one
    missing)."""
    declared = (subject.description.get("档案数量") or "").strip()
    rows, folders = len(subject.catalogue), subject.record_count
    findings = reader_problems(subject, CATALOGUE_MISMATCH)
    if not declared.isdigit():
        findings.append(failed(f"档案数量 {declared!r} 不是数字 / not a number", "说明文件.TXT"))
    elif int(declared) != rows or rows != folders:
        findings.append(
            failed(f"档案数量 {declared}，目录 {rows} 条，文件夹 {folders} 个 / counts differ")
        )
    low, high = item.parameters.get("min_records", 1), item.parameters.get("max_records", 10000)
    if not low <= folders <= high:
        findings.append(failed(f"{folders} 件，不在 {low}–{high} 之间 / record count out of range"))
    return findings


_VOLUME = re.compile(r"^\s*([\d.]+)\s*(B|KB|MB|GB|TB|字节)?\s*$", re.I)
_UNITS = {None: 1, "B": 1, "字节": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


@register("transfer_bytes")
def transfer_bytes(subject, item, context):
    """The declared data volume in 说明文件 matches the bytes received (总字节数相符)."""
    for key in item.parameters.get("keys", []):
        value = subject.description.get(key)
        if not value:
            continue
        match = _VOLUME.match(value)
        if not match:
            return [failed(f"{key} {value!r} 无法解析 / cannot be read", "说明文件.TXT")]
        unit = (
            match.group(2).upper()
            if match.group(2) and match.group(2) != "字节"
            else match.group(2)
        )
        declared = float(match.group(1)) * _UNITS[unit]
        tolerance = 0 if unit in (None, "B", "字节") else item.parameters.get("tolerance", 0.01)
        if abs(declared - subject.total_size) > tolerance * max(declared, 1):
            return [failed(f"{key} {value} 与实收 {subject.total_size} 字节不符 / volume differs")]
    return []


@register("transfer_structure")
def transfer_structure(subject, item, context):
    """Catalogue rows and record folders correspond (目录与文件夹对应).

    They also agree with 元数据.xml.
    """
    findings = reader_problems(
        subject, "transfer.folder-missing", "transfer.not-catalogued", "transfer.folder-path"
    )
    row, metadata = subject.catalogue_row, subject.metadata
    if row is not None and metadata is not None:
        from sd.archive.core.packages.metadata import FIELD_BY_ELEMENT

        for element in item.parameters.get("compare", []):
            listed, actual = (
                row.values.get(element),
                getattr(metadata, FIELD_BY_ELEMENT[element], None),
            )
            if listed not in (None, "") and (actual or "") != listed:
                findings.append(
                    failed(
                        f"目录文件 {element} {listed!r} 与元数据 {actual!r} 不符", subject.object
                    )
                )
    return findings
