"""Security checks (安全性): antivirus present, virus scan (ClamAV + built-in EICAR)."""

from __future__ import annotations

from sd.archive.core.detection.checks.common import failed
from sd.archive.core.detection.registry import register
from sd.archive.core.detection.virus import clamav_command
from sd.archive.core.detection.virus import clamav_scan


@register("antivirus_available")
def antivirus_available(subject, item, context):
    """An antivirus scanner is installed (是否安装杀毒软件)."""
    if context.virus_scanner is not None or (context.use_clamav and clamav_command()):
        return []
    return [failed("未安装 ClamAV，仅执行内置 EICAR 检测 / ClamAV not installed, EICAR scan only")]


@register("virus_scan")
def virus_scan(subject, item, context):
    """No file is infected: the EICAR string always, ClamAV when installed (病毒感染)."""
    files = dict(getattr(subject, "files", {}))
    findings = [
        failed("发现 EICAR 测试病毒特征 / EICAR test signature found", path)
        for path, file in sorted(files.items())
        if file.eicar
    ]
    if context.virus_scanner is not None:
        found = context.virus_scanner(list(files.values()))
        findings += [
            failed(f"发现病毒 {signature}", path) for path, signature in sorted(found.items())
        ]
    elif context.use_clamav and clamav_command():
        by_location = {f.location: path for path, f in files.items() if f.location}
        found = clamav_scan(sorted(by_location))
        findings += [
            failed(f"ClamAV: {signature}", by_location.get(loc, loc))
            for loc, signature in sorted(found.items())
        ]
    return findings
