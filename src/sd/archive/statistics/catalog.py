"""Postings from the portal catalog (目录索引中的统计数据): each holdings dimension is a
catalog index, read as it is kept (value → record ids) without a query per value and without
waking a record; byte sizes come from the ``size_bytes`` metadata column.

Works on any ZCatalog with these indexes (the benchmark builds a bare one with a million
entries): ``portal_type``, ``fonds_code``, ``archive_year``, ``category_code``,
``retention_period``, ``security_level``, ``review_state``, ``file_format`` and ``created``.
"""

from __future__ import annotations

from BTrees.IIBTree import IISet
from BTrees.IIBTree import IITreeSet
from BTrees.IIBTree import intersection
from BTrees.IIBTree import multiunion

from sd.archive.core.statistics.tables import Postings

#: holdings dimension → catalog index (馆藏统计维度所用的索引)
INDEXES = {
    "fonds": "fonds_code",
    "year": "archive_year",
    "category": "category_code",
    "retention": "retention_period",
    "security": "security_level",
    "format": "file_format",
    "state": "review_state",
}
SIZE_COLUMN = "size_bytes"


def _ids(value):
    """An index entry as a tree set (an index keeps a lone id as a plain int)."""
    return IISet((value,)) if isinstance(value, int) else value


def _intersect(a, b):
    return intersection(a, b) or IISet()


def _union(sets):
    return multiunion([_ids(s) for s in sets])


def flush() -> None:
    """Apply the indexing queued in this transaction (Plone defers it to the commit or the
    next catalog search; the index structures are read directly here)."""
    from Products.CMFCore.indexing import processQueue

    processQueue()


def posting(catalog, index_name: str) -> dict:
    """{value: ids} of one index (empty when the catalog has no such index)."""
    index = catalog._catalog.indexes.get(index_name)
    if index is None:
        return {}
    return {value: _ids(ids) for value, ids in index._index.items()}


def ids_with(catalog, index_name: str, *values):
    """The ids whose ``index_name`` is one of ``values``."""
    index = catalog._catalog.indexes.get(index_name)
    if index is None:
        return IISet()
    found = [index._index.get(v) for v in values]
    return _union([f for f in found if f is not None])


def date_range_ids(catalog, index_name: str, start, end):
    """The ids whose date index value lies from ``start`` to ``end`` (DateTime, included)."""
    index = catalog._catalog.indexes.get(index_name)
    if index is None:
        return IISet()
    lo, hi = index._convert(start), index._convert(end)
    return multiunion([_ids(s) for s in index._index.values(lo, hi)])


class Sizes:
    """Record id → bytes, read from the metadata column on demand (the metadata row of one
    catalog entry, not the record)."""

    def __init__(self, catalog):
        cat = catalog._catalog
        self.data = cat.data
        self.position = cat.schema.get(SIZE_COLUMN)

    def get(self, rid, default=0):
        if self.position is None:
            return default
        row = self.data.get(rid)
        value = row[self.position] if row is not None else None
        return value if isinstance(value, int) else default


def record_postings(catalog, fonds_codes=None) -> Postings:
    """The postings of the records (件) in the catalog, of some fonds or all."""
    flush()
    universe = ids_with(catalog, "portal_type", "Record")
    if fonds_codes:
        universe = _intersect(universe, ids_with(catalog, "fonds_code", *fonds_codes))
    dims = {dim: posting(catalog, name) for dim, name in INDEXES.items()}
    return Postings(IITreeSet(universe), dims, Sizes(catalog), _intersect, _union)
