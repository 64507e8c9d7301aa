"""What statistics needs in the catalog (统计所需的目录数据): a record's file formats
(``file_format``, a keyword index: an OFD with its PDF copy counts under both) and its size in
bytes (``size_bytes``, a metadata column), so that holdings by format and size never wake a
record. Both are computed when the record is indexed in full (intake, numbering do so after
its components are stored)."""

from __future__ import annotations

from Acquisition import aq_base
from plone.indexer import indexer

from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IRecord


def _components(record):
    return [c for c in record.objectValues() if IComponent.providedBy(c)]


@indexer(IRecord)
def file_format(record):
    """格式: the formats of the record's components (``PDF``, ``OFD`` …), each once."""
    found = set()
    for component in _components(record):
        name = (getattr(aq_base(component), "format_name", "") or "").strip().upper()
        if not name:
            blob = getattr(aq_base(component), "file", None)
            filename = getattr(blob, "filename", "") or ""
            name = filename.rsplit(".", 1)[-1].upper() if "." in filename else ""
        if name:
            found.add(name[:20])
    if not found:
        raise AttributeError("file_format")
    return sorted(found)


@indexer(IRecord)
def size_bytes(record):
    """计算机文件大小: the bytes of the record's components together."""
    return int(record.get_size() or 0)
