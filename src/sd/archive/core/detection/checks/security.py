"""Security checks (安全性): antivirus present, virus scan (clamd + built-in EICAR).

The scanner is the deployment's clamd (:mod:`sd.archive.core.detection.clamd`, configured by
``SD_ARCHIVE_CLAMD_SOCKET``) unless the caller supplies ``context.virus_scanner``. A scanner that
is not configured, does not answer, refuses a file or runs out of time makes the item
``manual`` with the reason: a file is never reported clean unless a scanner said so. The
EICAR test string is caught either way (the streaming probe looks for it).
"""

from __future__ import annotations

from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.checks.common import manual
from sd.archive.core.detection.clamd import SOCKET_ENV
from sd.archive.core.detection.clamd import ClamdScanner
from sd.archive.core.detection.clamd import ScannerUnavailable
from sd.archive.core.detection.registry import prefetch
from sd.archive.core.detection.registry import register

NOT_CONFIGURED = (
    f"未配置病毒扫描（clamd）/ no virus scanner configured ({SOCKET_ENV} unset); "
    "仅执行内置 EICAR 检测 / EICAR scan only"
)


def _scanner(context) -> ClamdScanner | None:
    return ClamdScanner.from_environment() if context.use_clamav else None


@register("antivirus_available")
def antivirus_available(subject, item, context):
    """An antivirus scanner is installed and answers (是否安装杀毒软件): clamd's ``VERSION``,
    remembered for half a minute."""
    if context.virus_scanner is not None:
        return []
    scanner = _scanner(context)
    if scanner is None:
        return [manual(NOT_CONFIGURED)]
    try:
        scanner.available()
    except ScannerUnavailable as exc:
        return [manual(f"病毒扫描不可用 / virus scanner unavailable: {exc}")]
    return []


def _stored(subject) -> dict[str, str]:
    files = getattr(subject, "files", {}) or {}
    return {path: f.location for path, f in sorted(files.items()) if f.location}


@prefetch("virus_scan")
def start_virus_scan(subject, item, context):
    """Send the subject's stored files to clamd when the run begins: the scans run beside the
    other checks and :func:`virus_scan` collects them."""
    if context.virus_scanner is None and (scanner := _scanner(context)) is not None:
        context.started[("virus_scan", id(subject))] = scanner.submit(_stored(subject))


@register("virus_scan")
def virus_scan(subject, item, context):
    """No file is infected: the scanner names each signature found (病毒感染)."""
    files = dict(getattr(subject, "files", {}))
    found: dict[str, str] = {}
    findings = []
    if context.virus_scanner is not None:
        found = dict(context.virus_scanner(list(files.values())))
    elif (scanner := _scanner(context)) is None:
        findings.append(manual(NOT_CONFIGURED))
    else:
        pending = context.started.pop(("virus_scan", id(subject)), None)
        if pending is None:
            pending = scanner.submit(_stored(subject))
        for path, file in sorted(files.items()):
            if not file.location:
                findings.append(manual("文件未存储，未扫描 / file not stored, not scanned", path))
                continue
            try:
                signature = pending[path].result()
            except ScannerUnavailable as exc:
                findings.append(manual(f"未完成病毒扫描 / virus scan not done: {exc}", path))
                continue
            if signature:
                found[path] = signature
    findings += [
        failed(f"发现病毒 / virus found: {signature}", path)
        for path, signature in sorted(found.items())
    ]
    findings += [
        failed("发现 EICAR 测试病毒特征 / EICAR test signature found: EICAR-Test-File", path)
        for path, file in sorted(files.items())
        if file.eicar and path not in found
    ]
    return findings
