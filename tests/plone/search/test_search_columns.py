"""Large result sets filtered and counted on the indexes' columns (search.columns, #31 a
million records) find what the catalog's sets find: the same records, total, facet counts and
order; the arrays kept per process follow every committed change and never keep a change of
the running transaction."""

import datetime
import random

import numpy as np
import pytest
import transaction
from BTrees.IIBTree import IIBucket
from plone import api
from search_data import PASSWORD
from search_data import add

from sd.archive.search import columns
from sd.archive.search import engine
from sd.archive.search import facets
from sd.archive.search import resultset
from sd.archive.search.columns import Column
from sd.archive.search.columns import Hits
from sd.archive.search.engine import ranked


def answer(params):
    out = engine.run(params)
    return out.total, [b.UID for b in out.brains], out.facets


def on_columns(monkeypatch, yes: bool):
    limit = 0 if yes else 10**12
    monkeypatch.setattr(resultset, "COLUMN_USE", limit)
    monkeypatch.setattr(resultset, "COLUMN_BUILD", limit)


@pytest.fixture
def spied(monkeypatch):
    """How often a result set was filtered on posting arrays and a column was read."""
    seen = {"within": 0, "read": 0}
    within, read = Hits.within, Column.read.__func__

    def spy_within(self, sets, bump=1):
        seen["within"] += 1
        return within(self, sets, bump)

    def spy_read(cls, index, base=None):
        seen["read"] += 1
        return read(cls, index, base)

    monkeypatch.setattr(Hits, "within", spy_within)
    monkeypatch.setattr(Column, "read", classmethod(spy_read))
    return seen


@pytest.fixture
def varied(fonds, manager):
    api.user.create(email="reader@example.org", username="reader", password=PASSWORD)
    api.user.grant_roles(username="reader", obj=fonds, roles=["Reader"])
    out = []
    for n in range(1, 13):
        out.append(
            add(
                fonds,
                n,
                ("archived", "pre_archived", "open")[n % 3],
                year=2018 + n % 4,
                text="档案工作的报告" if n % 3 else "财务工作的通知",
                author=("办公室", "财务处", "档案室")[n % 3],
                document_date=datetime.date(2020, n, 1),
                keywords=[["档案"], ["财务", "预算"], []][n % 3],
                security_level="内部" if n == 5 else "公开",
            )
        )
    return out


QUERIES = [
    {},
    {"q": "档案"},
    {"q": "工作"},
    {"q": "工作", "sort_order": "reverse"},
    {"q": "工作", "b_size": "3", "b_start": "4"},
    {"q": "工作", "author": "财务处"},
    {"q": "工作", "keywords": ["预算", "档案"]},
    {"q": "工作", "year_from": "2019", "year_to": "2020", "sort_on": "date"},
    {"q": "工作", "sort_on": "title"},
    {"title": "通知"},
    {"author": ["财务处", "档案室"]},
    {"review_state": "open", "security_level": "公开"},
    {"q": "没有这个词"},
]


@pytest.mark.parametrize("user", [None, "reader"])
@pytest.mark.parametrize("params", QUERIES)
def test_columns_find_what_the_sets_find(varied, monkeypatch, spied, params, user):
    def both():
        on_columns(monkeypatch, False)
        by_sets = answer(params)
        on_columns(monkeypatch, True)
        return by_sets, answer(params)

    if user:
        with api.env.adopt_user(username=user):
            by_sets, by_columns = both()
    else:
        by_sets, by_columns = both()
    assert by_columns == by_sets
    if by_sets[0]:
        assert spied["read"]  # the facets were counted on columns
    if by_sets[0] and "q" in params:
        assert spied["within"]  # the type and security filter ran on posting arrays


def test_security_filter_on_columns_drops_what_the_user_may_not_see(varied, monkeypatch):
    on_columns(monkeypatch, True)
    with api.env.adopt_user(username="reader"):
        seen = answer({"q": "工作", "b_size": "50"})
    everything = answer({"q": "工作", "b_size": "50"})  # as Manager
    assert 0 < seen[0] <= everything[0]
    assert set(seen[1]) <= set(everything[1])


@pytest.fixture
def committed(fportal):
    from sd.archive.testing import make_fonds

    fonds = make_fonds(fportal)
    made = [add(fonds, n, "archived", text="关于财务预算的报告") for n in range(1, 7)]
    transaction.commit()
    return made


def test_kept_columns_follow_committed_changes(committed, monkeypatch, spied):
    on_columns(monkeypatch, True)
    columns.CACHE.clear()
    first = engine.run({"q": "财务"})
    assert dict(first.facets["review_state"]) == {"archived": 6}
    reads = spied["read"]
    assert reads
    indexes = api.portal.get_tool("portal_catalog")._catalog.indexes
    types = columns.column(indexes["portal_type"], build=False)
    year = columns.column(indexes["archive_year"], build=False)
    assert year.rids is types.rids  # laid on the type index's ids: one search of the hits
    assert (year.codes == -1).any()  # the fonds and the site's folders have no year
    assert engine.run({"q": "财务"}).facets == first.facets
    assert spied["read"] == reads  # kept: nothing read again

    api.content.transition(committed[0], transition="request_transfer")
    # this transaction's change: seen, and not kept for the others
    changed = engine.run({"q": "财务"}).facets["review_state"]
    assert dict(changed) == {"archived": 5, "transfer_pending": 1}
    transaction.abort()
    assert dict(engine.run({"q": "财务"}).facets["review_state"]) == {"archived": 6}

    api.content.transition(committed[1], transition="request_transfer")
    transaction.commit()
    after = engine.run({"q": "财务"}).facets["review_state"]
    assert dict(after) == {"archived": 5, "transfer_pending": 1}
    on_columns(monkeypatch, False)
    assert engine.run({"q": "财务"}).facets["review_state"] == after


def test_facets_on_columns_equal_the_rows(committed, monkeypatch):
    on_columns(monkeypatch, False)
    monkeypatch.setattr(facets, "FACET_BY_HIT_RATIO", 0)  # hit by hit from the rows
    rows = answer({"q": "财务"})
    on_columns(monkeypatch, True)
    assert answer({"q": "财务"}) == rows


def scored(n, seed, spread):
    rnd = random.Random(seed)  # noqa: S311 - test data
    ids = rnd.sample(range(-(10**9), 10**9), n)
    return IIBucket({rid: rnd.randrange(1, spread) for rid in ids})


@pytest.mark.parametrize("spread", [2, 8, 10**6])
def test_top_of_the_arrays_is_the_heap_page(spread):
    rs = scored(3000, spread, spread)
    hits = Hits.of(rs)
    for end in (1, 20, 60, 2999, 3000, 3500):
        assert hits.top(end) == ranked(rs, end)
        assert hits.top(end, reverse=True) == ranked(rs, end, reverse=True)
    assert Hits.of(IIBucket()).top(20) == []


def test_within_keeps_the_hits_in_any_set():
    rs = scored(500, 1, 9)
    hits = Hits.of(rs)
    keys = list(rs.keys())
    a, b = np.array(sorted(keys[::3])), np.array(sorted(keys[1::5] + [10**10]))
    kept = hits.within([a, b])
    expected = {k: v + 1 for k, v in rs.items() if k in set(a.tolist()) | set(b.tolist())}
    assert dict(zip(kept.keys(), kept.scores.tolist(), strict=True)) == expected
    assert dict(kept.btree().items()) == expected


class FakeIndex:
    def __init__(self, postings):
        self._index = postings


def test_column_counts_a_keyword_index_pair_by_pair():
    from BTrees.IIBTree import IITreeSet

    rnd = random.Random(5)  # noqa: S311 - test data
    records = {rid: rnd.sample("abcdefg", rnd.randrange(0, 4)) for rid in range(-50, 400, 3)}
    postings = {}
    for rid, values in records.items():
        for v in values:
            postings.setdefault(v, []).append(rid)
    index = FakeIndex({v: IITreeSet(r) if len(r) > 1 else r[0] for v, r in postings.items()})
    column = Column.read(index)
    assert not column.single
    hits = Hits(np.array(sorted(rnd.sample(sorted(records), 60)), dtype=np.int64), None)
    expected = {}
    for rid in hits.rids.tolist():
        for v in records[rid]:
            expected[v] = expected.get(v, 0) + 1
    assert column.counts(hits, {}) == expected


def test_cache_drops_the_least_recently_used(monkeypatch):
    cache = columns._Cache()
    monkeypatch.setattr(columns, "CACHE_BYTES", 100)
    monkeypatch.setattr(columns, "CACHE_ENTRIES", 3)
    for key in "abc":
        cache.put(key, key, 30)
    assert cache.get("a") == ("a", 30)  # used: kept over b
    cache.put("d", "d", 30)  # 4 entries, 120 bytes: b goes
    assert cache.get("b") is None
    assert [k for k in "acd" if cache.get(k)] == ["a", "c", "d"]
    cache.put("e", "e", 90)  # over the bytes: all older ones go
    assert cache.get("e") and cache.size == 90 and len(cache.items) == 1
