"""What the record page and ``GET @seals`` show about a record's seals (签章一览)."""

from __future__ import annotations

from sd.archive.interfaces import IComponent
from sd.archive.seals.verification import file_status
from sd.archive.seals.verification import picture


def component_seals(component) -> dict:
    """One component: its status, its stored verdicts with picture URLs, its version link."""
    findings = []
    for item in getattr(component, "seal_findings", None) or []:
        item = dict(item)
        key = (item.get("picture") or {}).get("sm3")
        item["picture_url"] = (
            f"{component.absolute_url()}/@@seal-picture/{key}"
            if key and picture(component, key) is not None
            else None
        )
        findings.append(item)
    return {
        "@id": component.absolute_url(),
        "UID": component.UID(),
        "id": component.getId(),
        "title": component.Title(),
        "role": component.role,
        "format": component.format_name,
        "sm3": component.sm3,
        "version_of": getattr(component, "version_of", None),
        "archiving_seal": getattr(component, "archiving_seal", None),
        "seal_stripped": bool(getattr(component, "seal_stripped", False)),
        "status": file_status(findings),
        "verdicts": findings,
    }


def record_seals(record) -> list[dict]:
    return [component_seals(c) for c in record.objectValues() if IComponent.providedBy(c)]
