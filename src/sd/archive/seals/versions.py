"""New component versions (新版本电子文件): archiving-sealed and stripped files.

A record past pre-archiving keeps its components' bytes (``sd.archive.lifecycle``); a
sealed or stripped file is a NEW component made with :func:`sd.archive.repository.add_component`
and linked to the one it was made from by ``version_of`` (its UID). Its path (路径) is its own:
a component's path never changes once archived and no two components share one, so the
original and every version of it stay side by side in the ledger entries, the AIPs and
``@export`` (:func:`version_path`). Adding components to an archived record needs Manager:
callers check the user's own permission for the sanctioned action first, then this module
adds under ``adopt_roles(["Manager"])``.
"""

from __future__ import annotations

import posixpath

from plone import api

from sd.archive.interfaces import IComponent
from sd.archive.ledger.records import component_path
from sd.archive.repository import ComponentData
from sd.archive.repository import add_component


def next_sequence(record) -> int:
    """One more than the highest 序号 (and free as an id ``cNNN``)."""
    taken = [
        getattr(c, "sequence", 0) or 0 for c in record.objectValues() if IComponent.providedBy(c)
    ]
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


def version_path(record, original, filename: str, folder: str = "") -> str:
    """A path for a version of ``original`` named ``filename``: in the original's folder, or in
    ``folder`` under it (``converted/``), never the path of a component ``record`` holds."""
    taken = {component_path(c) for c in record.objectValues() if IComponent.providedBy(c)}
    where = posixpath.join(posixpath.dirname(component_path(original)), folder)
    path, n = posixpath.join(where, filename), 1
    while path in taken:
        n += 1
        path = posixpath.join(where, derived_name(filename, str(n)))
    return path


def add_version(
    record,
    original,
    data,
    filename: str,
    content_type: str,
    role: str | None = None,
    format_name: str = "",
    folder: str = "",
    **extra,
):
    """Add ``data`` (bytes or an open file) as a new component derived from ``original``
    (``version_of`` = its UID), at a path of its own (:func:`version_path`)."""
    comp = ComponentData(
        filename=filename,
        data=data,
        role=role or original.role,
        sequence=next_sequence(record),
        path=version_path(record, original, filename, folder),
        format_name=format_name or original.format_name or "",
        content_type=content_type,
        extra={"version_of": original.UID(), **extra},
    )
    with api.env.adopt_roles(["Manager"]):
        return add_component(record, comp)
