"""Digest checks (摘要值): manifest (GD-1-1), 摘要值 in 元数据.xml (GD-2-7), package (GD-1-14)."""

from __future__ import annotations

from sd.archive.core.detection.checks.common import NO_METADATA
from sd.archive.core.detection.checks.common import component_files
from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.registry import register
from sd.archive.core.packages.reader import package_digest as sm3_of_package


@register("manifest_digests")
def manifest_digests(subject, item, context):
    """Every file listed in the manifest has the manifest's digest (固化信息有效性)."""
    manifest = subject.manifest
    if manifest is None:
        if getattr(subject, "source_format", "zip") == "eep":
            return []
        return [failed("没有清单文件，无法核对摘要值 / no manifest to verify")]
    findings = []
    for path, expected in sorted(manifest.entries.items()):
        file = subject.files.get(path)
        if file is None:
            continue  # coverage is GD-2-11
        actual = file.digest(manifest.algorithm)
        if actual != expected:
            findings.append(
                failed(
                    f"{manifest.algorithm.upper()} 摘要值与清单不符 / "
                    "digest differs from the manifest",
                    path,
                )
            )
    return findings


@register("component_digests")
def component_digests(subject, item, context):
    """Each file's digest equals 摘要值 in 元数据.xml (内容数据完整性)."""
    if subject.metadata is None:
        return [NO_METADATA]
    findings = []
    for component, file in component_files(subject):
        if file is None or not component.digest:
            continue
        actual = file.digest(component.digest_algorithm)
        if actual is None:
            findings.append(
                failed(f"不支持的摘要算法 {component.digest_algorithm}", component.path)
            )
        elif actual != component.digest.strip().lower():
            findings.append(
                failed(
                    f"{component.digest_algorithm} 摘要值与元数据不符 / "
                    "digest differs from 元数据.xml",
                    component.path,
                )
            )
    return findings


@register("package_digest")
def package_digest(subject, item, context):
    """The package's SM3 equals the sender's declaration when one was sent (信息包一致性)."""
    declared = (context.declared_package_digest or "").strip().lower()
    if not declared:  # nothing to compare: do not wait for a digest still being computed
        return []
    actual = sm3_of_package(subject)
    if declared != actual:
        return [
            failed(f"信息包摘要值 {actual} 与发送方声明 {declared} 不符 / package digest differs")
        ]
    return []
