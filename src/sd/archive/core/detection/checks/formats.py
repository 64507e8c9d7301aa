"""Format and signature checks (格式与签名): attributes, allowed, genuine, risk, signatures."""

from __future__ import annotations

from sd.archive.core.detection.checks.common import NO_METADATA
from sd.archive.core.detection.checks.common import component_files
from sd.archive.core.detection.checks.common import content_files
from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.checks.common import manual
from sd.archive.core.detection.formats import canonical
from sd.archive.core.detection.formats import compatible
from sd.archive.core.detection.formats import extension_format
from sd.archive.core.detection.formats import sniff
from sd.archive.core.detection.formats import xml_problem
from sd.archive.core.detection.registry import register
from sd.archive.core.errors import PackageError
from sd.archive.core.packages.probe import probe_file
from sd.archive.core.packages.zipsafe import open_zip


@register("file_attributes")
def file_attributes(subject, item, context):
    """Size and declared format agree with the file received (电子属性一致性)."""
    if subject.metadata is None:
        return [NO_METADATA]
    findings = []
    for component, file in component_files(subject):
        if file is None:
            continue
        if component.size_int is not None and component.size_int != file.size:
            findings.append(
                failed(f"大小 {file.size} 与元数据 {component.size} 不符 / size differs", file.path)
            )
        by_extension = extension_format(file.path)
        if component.format and by_extension and not compatible(component.format, by_extension):
            findings.append(
                failed(
                    f"格式信息 {component.format} 与扩展名不符 / format differs from extension",
                    file.path,
                )
            )
    return findings


@register("format_allowed")
def format_allowed(subject, item, context):
    """Declared formats are allowed; DOC/DOCX/WPS only as 定稿 beside an OFD/PDF 正本 (通用格式)."""
    if subject.metadata is None:
        return [NO_METADATA]
    p = item.parameters
    allowed = {canonical(f) for f in p.get("allowed", [])}
    draft_only = {canonical(f) for f in p.get("draft_only", [])} | {
        f.upper() for f in p.get("draft_only", [])
    }
    main_formats = {canonical(f) for f in p.get("main_formats", [])}
    components = subject.metadata.components
    has_main = any(
        c.role == p.get("main_role") and canonical(c.format) in main_formats for c in components
    )
    findings = []
    for c in components:
        declared = (c.format or "").upper()
        if canonical(declared) in allowed:
            continue
        if declared in draft_only and c.role == p.get("draft_role") and has_main:
            continue
        findings.append(failed(f"格式 {c.format!r} 不允许 / format not allowed", c.path or ""))
    return findings


@register("format_genuine")
def format_genuine(subject, item, context):
    """Each file really is its declared format: magic bytes and structure (真实格式)."""
    declared = {c.path: c.format for c in subject.metadata.components} if subject.metadata else {}
    findings = []
    for path, file in sorted(content_files(subject).items()):
        actual, problem = sniff(file.head, file.tail, file.location)
        claimed = declared.get(path) or extension_format(path)
        puid = (
            context.format_identifier(file)
            if actual is None and context.format_identifier
            else None
        )
        if puid:
            findings.append(
                failed(
                    f"格式为 PRONOM {puid}，不是可接收的格式（声明为 {claimed}）/ "
                    f"identified as PRONOM {puid}, not an accepted format",
                    path,
                )
            )
        elif actual in ("EXE", "ELF"):
            findings.append(
                failed(f"可执行文件伪装为 {claimed} / executable disguised as {claimed}", path)
            )
        elif actual is None:
            findings.append(failed("无法识别的格式 / unknown format", path))
        elif problem:
            findings.append(failed(f"{actual} 结构损坏：{problem} / broken structure", path))
        elif claimed and not compatible(claimed, actual):
            findings.append(
                failed(f"声明为 {claimed}，实际为 {actual} / declared {claimed}, is {actual}", path)
            )
        elif actual == "XML":
            reason = xml_problem(file.location)
            if reason:
                findings.append(failed(f"XML 不可解析：{reason}", path))
    return findings


@register("format_risk")
def format_risk(subject, item, context):
    """Formats on the watch list (格式风险) for preservation planning."""
    listed = context.format_watch_list
    if listed is None:
        listed = item.parameters.get("watch_list", [])
    watch = {canonical(f) for f in listed}
    findings = []
    for path, file in sorted(content_files(subject).items()):
        actual, _ = sniff(file.head, file.tail, file.location)
        claimed = extension_format(path)
        if canonical(actual) in watch or canonical(claimed) in watch:
            findings.append(
                failed(f"格式 {claimed or actual} 在观察名单上 / format on the watch list", path)
            )
    return findings


def signature_present(file, fmt: str | None) -> bool | None:
    """Whether the file carries an embedded signature or seal; None when it cannot be read."""
    if file.location is None:
        return None
    kind = canonical(fmt) or canonical(extension_format(file.path))
    if kind == "OFD":
        try:
            with open_zip(file.location) as inner:
                return any(
                    "/Signs/" in f"/{e.name}" or e.name.endswith("Signatures.xml")
                    for e in inner.files()
                )
        except PackageError:
            return None
    if kind == "PDF":
        seen = getattr(file, "pdf_signature", None)  # noticed while the package was read
        return probe_file(file.location).pdf_signature if seen is None else seen
    return False


@register("signatures")
def signatures(subject, item, context):
    """Embedded signatures and seals verify, or are reported unverifiable (签名与印章)."""
    if subject.metadata is None:
        return [NO_METADATA]
    findings = []
    for component, file in component_files(subject):
        if file is None:
            continue
        present = signature_present(file, component.format)
        if present is None:
            present = bool(component.signature_hint)
        if not present:
            continue
        if context.signature_verifier is None:
            findings.append(
                manual("含电子签名/印章，未配置验证器 / signature present, no verifier", file.path)
            )
            continue
        ok, message = context.signature_verifier(file, canonical(component.format))
        if ok is None:
            findings.append(manual(message or "签名无法验证 / signature unverifiable", file.path))
        elif not ok:
            findings.append(
                failed(message or "签名验证失败 / signature does not verify", file.path)
            )
    return findings
