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
from BTrees.IIBTree import difference as _difference
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


def difference(a, b):
    return _difference(a, b) or IISet()


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
    """Record id → bytes from the metadata column (the metadata rows, not the records): read
    once into a dict the first time a sum is asked, then summed in C (``map``) per table."""

    def __init__(self, catalog):
        cat = catalog._catalog
        self.data = cat.data
        self.position = cat.schema.get(SIZE_COLUMN)
        self._map = None

    def mapping(self) -> dict:
        if self._map is None:
            pos = self.position
            if pos is None:
                self._map = {}
            else:
                self._map = {
                    rid: (row[pos] if isinstance(row[pos], int) else 0)
                    for rid, row in self.data.items()
                }
        return self._map

    def get(self, rid, default=0):
        return self.mapping().get(rid, default)

    def total(self, ids) -> int:
        sizes = self.mapping()
        try:
            return sum(map(sizes.__getitem__, ids))
        except KeyError:  # an id without a metadata row (never in a consistent catalog)
            return sum(sizes.get(i, 0) for i in ids)


def record_postings(catalog, fonds_codes=None, sizes: Sizes | None = None) -> Postings:
    """The postings of the records (件) in the catalog, of some fonds or all; ``sizes`` may be
    shared by several postings of one computation (the annual reports of every agency)."""
    flush()
    universe = ids_with(catalog, "portal_type", "Record")
    if fonds_codes:
        universe = _intersect(universe, ids_with(catalog, "fonds_code", *fonds_codes))
    dims = {dim: posting(catalog, name) for dim, name in INDEXES.items()}
    return Postings(IITreeSet(universe), dims, sizes or Sizes(catalog), _intersect, _union)


def record_columns(catalog):
    """The columns of every record in the catalog (:class:`Columns`), built from the index
    postings and the ``size_bytes`` metadata column in one pass each."""
    from sd.archive.core.statistics.columns import Columns

    flush()
    cat = catalog._catalog
    rids = ids_with(catalog, "portal_type", "Record")
    dims = {dim: posting(catalog, name) for dim, name in INDEXES.items() if dim != "format"}
    keywords = {"format": posting(catalog, INDEXES["format"])}
    dates = {}  # date ranges are read from the date indexes when asked (View.dated)
    return Columns.build(rids, dims, keywords, dates, _sizes(cat, rids))


def _sizes(cat, rids):
    """The sizes of ``rids`` (a sorted tree set) from the metadata rows, as an aligned array;
    (id, bytes) pairs when a row lacks one (a record indexed before the column existed)."""
    import numpy as np

    position = cat.schema.get(SIZE_COLUMN)
    if position is None:
        return ()
    data = cat.data
    try:
        return np.fromiter(
            (row[position] for row in map(data.__getitem__, rids)), dtype=np.int64, count=len(rids)
        )
    except (TypeError, ValueError, KeyError):  # Missing.Value or no row: the careful way
        return [(rid, data[rid][position]) for rid in rids if rid in data]
