"""The result set of one search (检索结果集): the catalog's indexes asked in the order of their
estimated result, small result sets checked record by record, large ones on the indexes'
columns (:mod:`sd.archive.search.columns`).

The records found are always the catalog's; scores may differ from the catalog's by the same
offset or factor for every hit (the order of the weighted intersections), so the relevance
order is the same.
"""

from __future__ import annotations

from BTrees.IIBTree import IIBucket
from BTrees.IIBTree import IISet
from Products.CMFCore.indexing import processQueue
from Products.ZCatalog.query import IndexQuery

from sd.archive.search import columns
from sd.archive.search.columns import Hits

#: indexes whose sets a small result set is checked against record by record (按记录过滤)
FILTERABLE = ("FieldIndex", "KeywordIndex")
#: a result set is filtered record by record when the index's part of the query is estimated
#: to hold this many times more records: intersecting with the index's sets walks all of them
#: (a 10-record result set against a set of 1,000,000: ~40 ms, record by record: 0.01 ms)
FILTER_RATIO = 8
#: a text criterion is taken to find about one record in this many (its estimate: the text
#: index is asked before the field criteria that hold most of the catalog)
TEXT_SHARE = 100
#: a result set of at least this many records is filtered on the indexes' posting arrays
#: (按列过滤) when they are kept for the indexes' state; of at least ``COLUMN_BUILD`` records
#: they are read when they are not (a read costs ~50 ms per posting of a million records)
COLUMN_USE = 100
COLUMN_BUILD = 5_000


def _index_query(index, query: dict):
    return IndexQuery(query, index.id, index.query_options, index.operators, index.useOperator)


def _estimate(cat, index, query: dict) -> float:
    """About how many records ``index`` answers ``query`` with (its distinct values share the
    catalog evenly): field and keyword indexes first when they are selective."""
    if index.meta_type == "ZCTextIndex":
        return len(cat) / TEXT_SHARE  # before the catalog-wide sets (type, security)
    if index.meta_type not in FILTERABLE:
        return float(len(cat))
    iq = _index_query(index, query)
    if iq.keys is None:
        return float(len(cat))
    distinct = max(1, index._length())
    keys = len(iq.keys)
    if iq.get("range", None):
        try:
            lo, hi = min(iq.keys), max(iq.keys)
            keys = len(index._index.keys(lo, hi))
        except TypeError:
            return float(len(cat))
    return keys * len(cat) / distinct


def _keys(index, query: dict):
    """The keys (converted as the index converts them) of a plain "any of these values"
    query on a field or keyword index, or None (not, usage, and, ranges …)."""
    if index.meta_type not in FILTERABLE:
        return None
    iq = _index_query(index, query)
    if iq.keys is None or iq.get("not", None) or iq.get("usage", None) or iq.operator != "or":
        return None
    if iq.get("range", None):
        return None
    return [index._convert(k) for k in iq.keys]


def _predicate(index, query: dict):
    """``rid → bool``, true exactly for the records ``index`` answers ``query`` with, or
    ``None`` when the query is not one this can answer (not, usage, and, ranges of keywords)."""
    if index.meta_type not in FILTERABLE:
        return None
    iq = _index_query(index, query)
    if iq.keys is None or iq.get("not", None) or iq.get("usage", None) or iq.operator != "or":
        return None
    keys = [index._convert(k) for k in iq.keys]
    range_parm = iq.get("range", None)
    if range_parm:
        if index.meta_type != "FieldIndex":
            return None
        lo = min(keys) if "min" in range_parm else None
        hi = max(keys) if "max" in range_parm else None
        values = index._unindex

        def in_range(rid):
            value = values.get(rid)
            if value is None:
                return False
            return (lo is None or lo <= value) and (not hi or value <= hi)

        return in_range
    sets = []
    for key in keys:
        if key is None:
            continue
        try:
            found = index._index.get(key, None)
        except TypeError:  # a key of the wrong type: the index finds nothing for it
            found = None
        if found is not None:
            sets.append(IISet((found,)) if isinstance(found, int) else found)
    return lambda rid: any(rid in found for found in sets)


def _filtered(rs, keep):
    """``rs`` without the records ``keep`` refuses; scores as the catalog's weighted
    intersection with a set leaves them (+1)."""
    if hasattr(rs, "items"):
        return IIBucket([(rid, score + 1) for rid, score in rs.items() if keep(rid)])
    return IISet([rid for rid in rs if keep(rid)])


def _on_columns(index, query: dict, rs):
    """The posting arrays of ``index``'s part of ``query`` when ``rs`` is large enough to be
    filtered on them (kept, or worth reading), else None."""
    if isinstance(rs, Hits):
        build = True  # once on arrays, stay there
    elif len(rs) >= COLUMN_BUILD:
        build = True
    elif len(rs) >= COLUMN_USE:
        build = False
    else:
        return None
    keys = _keys(index, query)
    if keys is None:
        return None
    return columns.postings(index, keys, build)


def _columns_last(cat, ids: list[str], query: dict) -> list[str]:
    """The indexes still to ask with those the columns cannot answer first (a date range …),
    so that the result set, once on arrays, stays there; unchanged when a text index is among
    them (its scores are not the same for every hit: the order of the steps then counts)."""
    indexes = [cat.indexes[i] for i in ids]
    if any(index.meta_type == "ZCTextIndex" for index in indexes):
        return ids
    other = [i for i, index in zip(ids, indexes, strict=True) if _keys(index, query) is None]
    return other + [i for i in ids if i not in other]


def result_set(catalog, query: dict):
    """The catalog's result set (record ids, with scores when a text index took part): an
    IIBucket or IISet, or :class:`~.columns.Hits` when it was filtered on the columns.

    The indexes are asked in the order of their estimated result (the most selective field
    first); once the result set is much smaller than what a field or keyword index would
    answer, it is checked record by record against that index's sets instead of intersected
    with them — or, when it holds thousands of records, against the index's posting arrays."""
    processQueue()  # what searchResults does first: index what this transaction changed
    cat = catalog._catalog
    query = cat.make_query(query)
    plan = cat.getCatalogPlan(query)
    plan.start()
    ids = [i for i in plan.plan() or cat._sorted_search_indexes(query) if i in cat.indexes]
    estimates = {i: _estimate(cat, cat.indexes[i], query) for i in ids}
    ids.sort(key=estimates.__getitem__)
    rs = None
    reordered = False
    while ids:
        index_id = ids.pop(0)
        index = cat.indexes[index_id]
        sets = None if rs is None else _on_columns(index, query, rs)
        if sets is not None:
            rs = Hits.of(rs).within(sets)
        else:
            if isinstance(rs, Hits):
                rs = rs.btree()
            keep = None
            if rs is not None and len(rs) * FILTER_RATIO < estimates[index_id]:
                keep = _predicate(index, query)
            if keep is None:
                rs = cat._search_index(plan, index_id, query, rs)
            else:
                try:
                    rs = _filtered(rs, keep)
                except TypeError:  # values the query's keys do not compare with: as the catalog
                    rs = cat._search_index(plan, index_id, query, rs)
        if not rs:
            break
        if not reordered and len(rs) >= COLUMN_USE:
            ids = _columns_last(cat, ids, query)
            reordered = True
    plan.stop()
    return rs
