"""Facet counts of a search (分面计数): per facet, how many records of the result set hold
each value — counted on the indexes' columns for a result set of thousands of records
(:mod:`~.columns`), hit by hit from the catalog rows for a small one, by each value's set of
the index for a large one when no column can be had (see :data:`FACET_BY_HIT_RATIO`)."""

from __future__ import annotations

import Missing
from BTrees.IIBTree import IISet
from BTrees.IIBTree import intersection

from sd.archive.search import columns
from sd.archive.search import resultset
from sd.archive.search.columns import Hits

#: facets counted for every search (分面), in the order pages show them
FACETS = (
    ("fonds", "fonds_code"),
    ("category", "category_code"),
    ("year", "archive_year"),
    ("retention", "retention_period"),
    ("security_level", "security_level"),
    ("open_status", "open_status"),
    ("review_state", "review_state"),
    ("people", "mining_people"),
    ("organisations", "mining_organisations"),
    ("places", "mining_places"),
)

#: facets are counted hit by hit when the catalog holds this many times more entries than
#: the result set: one look-up of the hit's catalog row gives every field facet at once
#: (intersecting with every value's set walks each facet index whole: ~1/8 of the catalog's
#: look-ups per facet, measured at 1,000,000)
FACET_BY_HIT_RATIO = 8
#: the index whose ids the facet columns are laid on (every catalogued object has a type)
BASE_INDEX = "portal_type"
#: the facets read from the catalog rows (columns) when counted hit by hit; off: each
#: index's own record → value map
FACETS_FROM_COLUMNS = True


def _column_facets(cat) -> dict[str, int]:
    """Facet index → its column's position, for the field indexes whose column holds the
    value they index (same attribute, no conversion)."""
    out = {}
    for _name, index_id in FACETS:
        index = cat.indexes.get(index_id)
        if (
            index is not None
            and index.meta_type == "FieldIndex"
            and list(index.getIndexSourceNames()) == [index_id]
            and index_id in cat.schema
        ):
            out[index_id] = cat.schema[index_id]
    return out


def _counts_from_rows(cat, ids, columns: dict[str, int]) -> dict[str, dict]:
    counts: dict[str, dict] = {index_id: {} for index_id in columns}
    positions = [(counts[index_id], pos) for index_id, pos in columns.items()]
    row_of = cat.data.get
    for rid in ids:
        row = row_of(rid)
        if row is None:
            continue
        for found, pos in positions:
            value = row[pos]
            if value is None or value is Missing.Value:
                continue
            for v in set(value) if isinstance(value, list | tuple) else (value,):
                found[v] = found.get(v, 0) + 1
    return counts


def _on_columns(cat, rs) -> dict[str, dict]:
    """The facets of a large result set counted on the indexes' columns (按列计数): facet
    index → (value → count), for the field and keyword indexes whose column is kept, or all
    of them when the result set is large enough to read the columns."""
    n = len(rs)
    if n < resultset.COLUMN_USE:
        return {}
    build = isinstance(rs, Hits) or n >= resultset.COLUMN_BUILD
    hits = None
    positions: dict = {}
    out = {}
    # every catalogued object has a type: the columns are laid on the type index's ids
    types = cat.indexes.get(BASE_INDEX)
    base = None
    if types is not None and types.meta_type == "FieldIndex":
        base = columns.column(types, build)
    for _name, index_id in FACETS:
        index = cat.indexes.get(index_id)
        if index is None or index.meta_type not in resultset.FILTERABLE:
            continue
        column = columns.column(index, build, base)
        if column is None:
            continue
        hits = hits or Hits.of(rs)
        out[index_id] = column.counts(hits, positions)
    return out


def facet_counts(catalog, rs) -> dict[str, list[tuple[str, int]]]:
    """Per facet, (value, count) within the result set, most frequent first."""
    cat = catalog._catalog
    counted = _on_columns(cat, rs)
    if isinstance(rs, Hits):
        ids = IISet(rs.keys()) if len(counted) < len(FACETS) else None
    else:
        ids = rs if isinstance(rs, IISet) else IISet(rs.keys() if hasattr(rs, "keys") else rs)
    # few hits: read each hit's value (one look-up per hit) instead of intersecting the hits
    # with every value's set of the index (work and ZODB loads over the whole index)
    by_hit = len(rs) * FACET_BY_HIT_RATIO <= len(cat)
    rows = {}
    if by_hit and FACETS_FROM_COLUMNS:
        todo = {k: v for k, v in _column_facets(cat).items() if k not in counted}
        rows = _counts_from_rows(cat, ids, todo) if todo else {}
    out = {}
    for name, index_id in FACETS:
        index = cat.indexes.get(index_id)
        if index is None:
            continue
        if index_id in counted:
            found = counted[index_id]
        elif index_id in rows:
            found = rows[index_id]
        else:
            found = _counts_by_hit(index, ids) if by_hit else _counts_by_value(index, ids)
        counts = sorted(found.items(), key=lambda vc: (-vc[1], str(vc[0])))
        out[name] = counts
    return out


def _counts_by_value(index, ids) -> dict:
    counts = {}
    for value, docs in index._index.items():
        # a value held by one record only is kept as that record's id, not a set
        n = (docs in ids) if isinstance(docs, int) else len(intersection(ids, docs))
        if n:
            counts[value] = n
    return counts


def _counts_by_hit(index, ids) -> dict:
    counts: dict = {}
    values = index._unindex
    for rid in ids:
        value = values.get(rid)
        if value is None:
            continue
        for v in set(value) if isinstance(value, list | tuple) else (value,):
            counts[v] = counts.get(v, 0) + 1
    return counts
