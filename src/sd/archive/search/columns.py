"""Index columns for large result sets (大结果集的索引列, #31 a million records): per process,
an index's postings as numpy arrays, so that filtering tens of thousands of hits by type and
security and counting their facets are a few C loops instead of one BTree look-up per hit.

- :class:`Hits`: a result set as two aligned arrays, the record ids (sorted) and their scores
  (none for an unscored set); :meth:`Hits.within` keeps the hits found in sorted id arrays,
  :meth:`Hits.top` picks a page by relevance, :meth:`Hits.btree` gives the catalog's set back.
- :func:`postings`: the sorted ids of some values of a field or keyword index (type, the
  caller's ``allowedRolesAndUsers`` tokens, …), one array per value.
- :func:`facet_counts`: (value → count) of an index within a :class:`Hits`, from the index's
  *column*: every (record id, value number) pair of its postings, sorted by id.

Arrays are read from the index's postings the first time a large result set needs them and
kept for the state they were read from: the index's change counter (``_counter``, the
``Length`` that ``index_object``/``unindex_object``/``clear`` bump, what ZCatalog's own query
cache keys on) — its value and the transaction that last wrote it. A change committed
anywhere gives a new key and a rebuild on the next large search; a change of the running
transaction not yet committed (the counter changed in this connection, or any change kept in
a savepoint of it) is never cached: the arrays are read for that one search and dropped. An
index without a counter is not cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from BTrees.IIBTree import IIBucket
from BTrees.IIBTree import IISet

#: bytes of arrays kept per process (the least recently used go first); a million records
#: take 8 MB per posting of every record and ~10 MB per facet column
CACHE_BYTES = 256 * 2**20
#: and at most this many arrays (postings of single values are small, and many)
CACHE_ENTRIES = 10_000
_EMPTY = np.empty(0, dtype=np.int64)


class _Cache:
    """(database, index, state, part) → arrays, least recently used dropped past
    :data:`CACHE_BYTES`; equal id arrays stored once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items: OrderedDict = OrderedDict()
        self.size = 0

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key, value, nbytes: int) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (value, nbytes)
            self.size += nbytes
            while len(self.items) > 1 and (
                self.size > CACHE_BYTES or len(self.items) > CACHE_ENTRIES
            ):
                _key, (_value, gone) = self.items.popitem(last=False)
                self.size -= gone

    def same(self, rids: np.ndarray) -> np.ndarray:
        """An id array already kept that equals ``rids`` (the facet indexes of a catalog
        mostly hold every record: their id arrays are one), else ``rids``."""
        with self.lock:
            kept = [v for v, _n in self.items.values() if isinstance(v, Column)]
        for column in kept:
            same = column.rids is not rids and len(column.rids) == len(rids)
            if same and np.array_equal(column.rids, rids):
                return column.rids
        return rids

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


CACHE = _Cache()


def _state(index):
    """The index's cache key (database, index, counter value, counter's transaction), or None
    when it cannot be cached: no counter, not stored, or changed in this transaction."""
    counter = getattr(index, "_counter", None)
    jar = getattr(index, "_p_jar", None)
    if counter is None or jar is None or index._p_oid is None:
        return None
    value = counter()  # loads it: its serial is then the committed revision read
    if counter._p_changed or counter._p_jar is None or counter._p_oid is None:
        return None
    if getattr(jar, "_savepoint_storage", None) is not None:
        return None  # a savepoint of this transaction: changes look committed, are not
    db = jar.db()
    return (id(db), db.database_name, index._p_oid, value, counter._p_serial)


def _ids(docs) -> np.ndarray:
    """A posting (a set of ids, or one id as an int) as an array, in the set's order."""
    if isinstance(docs, int):
        return np.array((docs,), dtype=np.int64)
    return np.fromiter(docs, dtype=np.int64)


def _cached(index, part, make, build: bool = True):
    """What ``make`` reads of ``index`` (kept for the index's state); None when it is not
    kept and ``build`` is false."""
    key = _state(index)
    if key is not None:
        found = CACHE.get((*key, part))
        if found is not None:
            return found[0]
    if not build:
        return None
    value, nbytes = make()
    if key is not None:
        CACHE.put((*key, part), value, nbytes)
    return value


def postings(index, keys, build: bool = True) -> list[np.ndarray] | None:
    """The sorted ids of each of ``keys`` (converted as the index converts them) in a field
    or keyword index, keys it does not hold left out; None when one is not kept and
    ``build`` is false, or a key cannot be a cache key."""
    out = []
    for key in keys:
        if key is None:
            continue
        try:
            part = ("posting", type(key).__name__, key)
            hash(part)
        except TypeError:
            return None

        def make(key=key):
            try:
                docs = index._index.get(key, None)
            except TypeError:  # a key of the wrong type: the index finds nothing for it
                docs = None
            ids = _EMPTY if docs is None else CACHE.same(_ids(docs))
            return ids, ids.nbytes

        ids = _cached(index, part, make, build)
        if ids is None:
            return None
        if len(ids):
            out.append(ids)
    return out


def _found(rids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Mask of the ``rids`` that are in ``ids`` (both sorted)."""
    if not len(ids) or not len(rids):
        return np.zeros(len(rids), dtype=bool)
    pos = np.searchsorted(ids, rids)
    pos[pos == len(ids)] = 0
    return ids[pos] == rids


class Hits:
    """A result set as arrays: ``rids`` sorted, ``scores`` aligned (None: unscored)."""

    def __init__(self, rids: np.ndarray, scores: np.ndarray | None):
        self.rids = rids
        self.scores = scores

    @classmethod
    def of(cls, rs) -> Hits:
        """The hits of a catalog result set (IIBucket of scores, IISet or IITreeSet)."""
        if isinstance(rs, Hits):
            return rs
        n = len(rs)
        if hasattr(rs, "items"):
            rids = np.fromiter(rs.keys(), dtype=np.int64, count=n)
            return cls(rids, np.fromiter(rs.values(), dtype=np.int64, count=n))
        return cls(np.fromiter(rs, dtype=np.int64, count=n), None)

    def __len__(self) -> int:
        return len(self.rids)

    def __bool__(self) -> bool:
        return len(self.rids) > 0

    def keys(self):
        return self.rids.tolist()

    def within(self, sets: list[np.ndarray], bump: int = 1) -> Hits:
        """The hits found in any of ``sets`` (sorted id arrays); scores ``+ bump``, as the
        catalog's weighted intersection with a set leaves them."""
        keep = np.zeros(len(self.rids), dtype=bool)
        for ids in sorted(sets, key=len, reverse=True):
            rest = ~keep
            if not rest.any():
                break
            keep[rest] = _found(self.rids[rest], ids)
        scores = None if self.scores is None else self.scores[keep] + bump
        return Hits(self.rids[keep], scores)

    def btree(self):
        """The catalog's kind of result set: an IIBucket of scores or an IISet."""
        if self.scores is None:
            return IISet(self.rids.tolist())
        return IIBucket(dict(zip(self.rids.tolist(), self.scores.tolist(), strict=True)))

    def top(self, end: int, reverse: bool = False) -> list[tuple[int, int]]:
        """The first ``end`` (score, record id), highest score first (lowest with
        ``reverse``), ties by the higher id first — as ``engine.ranked`` orders them."""
        scores = self.scores if self.scores is not None else np.zeros(len(self.rids), np.int64)
        n = len(scores)
        if end <= 0 or not n:
            return []
        if end < n:
            # every hit whose score reaches the end-th score (ties at the cut kept whole)
            cut = np.partition(scores, n - end if not reverse else end - 1)[
                n - end if not reverse else end - 1
            ]
            picked = np.nonzero(scores >= cut if not reverse else scores <= cut)[0]
        else:
            picked = np.arange(n)
        s, r = scores[picked], self.rids[picked]
        order = np.lexsort((r, s))  # ascending by score, then id
        if not reverse:
            order = order[::-1]
        order = order[:end]
        return list(zip(s[order].tolist(), r[order].tolist(), strict=True))


class Column:
    """An index's postings as pairs sorted by record id: ``rids`` (a record once per value it
    holds), ``codes`` the value's position in ``values``."""

    def __init__(self, rids: np.ndarray, codes: np.ndarray, values: list):
        self.rids = rids
        self.codes = codes
        self.values = values
        self.single = len(rids) < 2 or bool(np.all(rids[1:] != rids[:-1]))

    @classmethod
    def read(cls, index, base: Column | None = None) -> Column:
        """The column of ``index``; laid on ``base``'s ids (code -1 where it has no value)
        when each record holds one value at most and ``base`` holds them all — the facet
        columns of a catalog then share one id array, and one search of the hits in it."""
        parts, codes, values = [], [], []
        for value, docs in index._index.items():
            ids = _ids(docs)
            if len(ids):
                parts.append(ids)
                codes.append(np.full(len(ids), len(values), dtype=np.int32))
                values.append(value)
        if not parts:
            return cls(_EMPTY, np.empty(0, dtype=np.int32), [])
        rids = np.concatenate(parts)
        order = np.argsort(rids, kind="stable")
        small = np.int16 if len(values) < 2**15 else np.int32
        rids, codes = rids[order], np.concatenate(codes)[order].astype(small)
        column = cls(CACHE.same(rids), codes, values)
        if base is None or not column.single or not base.single or len(base.rids) <= len(rids):
            return column
        pos = np.searchsorted(base.rids, rids)
        if (pos < len(base.rids)).all() and (base.rids[pos] == rids).all():
            laid = np.full(len(base.rids), -1, dtype=small)
            laid[pos] = codes
            return cls(base.rids, laid, values)
        return column

    @property
    def nbytes(self) -> int:
        return self.rids.nbytes + self.codes.nbytes

    def counts(self, hits: Hits, positions: dict) -> dict:
        """value → how many of ``hits`` hold it (``positions``: id array → the hits' places in
        it, shared by the columns of one count)."""
        if not len(self.rids) or not len(hits):
            return {}
        if self.single:
            kept = positions.get(id(self.rids))
            if kept is not None and kept[0] is self.rids:
                pos = kept[1]
            else:
                pos = np.searchsorted(self.rids, hits.rids)
                pos[pos == len(self.rids)] = 0
                pos = pos[self.rids[pos] == hits.rids]
                positions[id(self.rids)] = (self.rids, pos)  # the array kept: its id stays its
            codes = self.codes[pos]
            codes = codes[codes >= 0]  # laid on another index's ids: -1, no value
        else:  # a keyword index: every pair of each hit
            lo = np.searchsorted(self.rids, hits.rids, side="left")
            hi = np.searchsorted(self.rids, hits.rids, side="right")
            lengths = hi - lo
            keep = lengths > 0
            lo, lengths = lo[keep], lengths[keep]
            starts = np.repeat(lo - np.cumsum(lengths) + lengths, lengths)
            codes = self.codes[starts + np.arange(int(lengths.sum()))]
        found = np.bincount(codes, minlength=len(self.values))
        return {self.values[i]: int(found[i]) for i in np.nonzero(found)[0]}


def column(index, build: bool = True, base: Column | None = None) -> Column | None:
    """The column of a field or keyword index (kept for its state; laid on ``base``'s ids
    when it can be); None when it is not kept and ``build`` is false."""

    def make():
        col = Column.read(index, base)
        return col, (col.codes.nbytes if col.rids is getattr(base, "rids", None) else col.nbytes)

    return _cached(index, ("column",), make, build)
