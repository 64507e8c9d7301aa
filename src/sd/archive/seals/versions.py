"""New component versions (新版本电子文件): archiving-sealed and stripped files.

A record past pre-archiving keeps its components' bytes (``subscribers/components.py``); a
sealed or stripped file is a NEW component made with :func:`sd.archive.repository.add_component`
and linked to the one it was made from by ``version_of`` (its UID). Adding components to an
archived record needs Manager: callers check the user's own permission for the sanctioned
action first, then this module adds under ``adopt_roles(["Manager"])``.
"""

from __future__ import annotations

from plone import api

from sd.archive.interfaces import IComponent
from sd.archive.repository import ComponentData
from sd.archive.repository import add_component


def next_sequence(record) -> int:
    """One more than the highest 序号 (and free as an id ``cNNN``)."""
    taken = [getattr(c, "sequence", 0) or 0 for c in record.objectValues() if IComponent.providedBy(c)]
    sequence = max(taken, default=0) + 1
    while f"c{sequence:03d}" in record.objectIds():
        sequence += 1
    return sequence


def derived_name(filename: str, suffix: str, ext: str | None = None) -> str:
    stem, dot, old_ext = (filename or "file").rpartition(".")
    if not dot:
        stem, old_ext = filename or "file", ""
    ext = old_ext if ext is None else ext
    return f"{stem}-{suffix}.{ext}" if ext else f"{stem}-{suffix}"


def add_version(record, original, data: bytes, filename: str, content_type: str, role: str | None = None,
                format_name: str = "", **extra):
    """Add ``data`` as a new component derived from ``original`` (``version_of`` = its UID)."""
    comp = ComponentData(
        filename=filename,
        data=data,
        role=role or original.role,
        sequence=next_sequence(record),
        path=filename,
        format_name=format_name or original.format_name or "",
        content_type=content_type,
        extra={"version_of": original.UID(), **extra},
    )
    with api.env.adopt_roles(["Manager"]):
        return add_component(record, comp)
