"""Helpers shared by the checks (公共辅助)."""

from __future__ import annotations

from sd.archive.core.detection.report import Finding

#: Items that need the metadata warn "not checked" when it is unavailable; the record
#: already fails GD-3-1/YJ-3-1 (or YJ-2-12 for a missing folder).
NO_METADATA = Finding(
    "warning", "未检测：元数据不可用 / not checked: metadata unavailable (see GD-3-1)"
)


def failed(message: str, obj: str = "") -> Finding:
    return Finding("failed", message, obj)


def manual(message: str, obj: str = "") -> Finding:
    return Finding("manual", message, obj)


def reader_problems(subject, *prefixes: str) -> list[Finding]:
    """Problems the reader recorded whose code starts with one of ``prefixes``."""
    return [
        failed(f"{p.code}: {p.message}", p.object)
        for p in getattr(subject, "problems", []) or []
        if p.code.startswith(prefixes)
    ]


def is_arranged(subject) -> bool:
    """Whether the arrangement elements (档号, 件号 …) must be present: not for pre-archive."""
    return getattr(subject, "kind", "") != "pre-archive"


def content_files(subject) -> dict:
    getter = getattr(subject, "content_files", None)
    return getter() if getter else dict(getattr(subject, "files", {}))


def component_files(subject):
    """(component, file or None) pairs for the record's components."""
    files = getattr(subject, "files", {})
    for component in subject.metadata.components:
        yield component, files.get(component.path or "")
