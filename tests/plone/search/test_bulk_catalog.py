"""The bulk-built catalog of generated records (bench/bulk_catalog.py, #31 a million records)
holds exactly what ``Catalog.catalogObject`` leaves record by record: every index's forward
and reverse maps, the text indexes' postings, weights and word codes, the lexicons, the
metadata, uids, paths and the counts."""

import pathlib
import pickle
import sys

import pytest
from Acquisition import aq_base
from Products.ZCTextIndex.Lexicon import Lexicon

BENCH = pathlib.Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

import bulk_catalog  # noqa: E402
from generated import Entry  # noqa: E402

N = 300


def plain(value):
    """A comparable form of an index structure (BTrees, sets, Lengths, dicts, tuples)."""
    if hasattr(value, "_p_activate"):
        value._p_activate()
    if isinstance(value, bulk_catalog.Length):
        return ("Length", value())
    if isinstance(value, bulk_catalog._SETS):
        return ("set", list(value))
    if isinstance(value, dict) or type(value).__module__.startswith("BTrees"):
        return (type(value).__name__, [(k, plain(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def state(cat) -> dict:
    out = {
        "data": plain(cat.data),
        "uids": plain(cat.uids),
        "paths": plain(cat.paths),
        "length": cat._length(),
    }
    for name, idx in cat.indexes.items():
        idx = aq_base(idx)
        if name in bulk_catalog.text_indexes(cat):
            okapi = idx.index
            lexicon = okapi._lexicon
            out[name] = {k: plain(v) for k, v in okapi.__dict__.items() if k not in ("_lexicon",)}
            out[name]["lexicon"] = (plain(lexicon._wids), plain(lexicon._words))
        else:
            out[name] = {
                k: plain(v)
                for k, v in idx.__dict__.items()
                if not k.startswith("_v") and k != "_counter"
            }
    return out


def fresh(cat):
    """An empty copy of ``cat`` whose text indexes have empty lexicons of their own
    (deterministic word ids)."""
    copy = bulk_catalog.empty_copy(cat)
    lexicons = {}
    for name in bulk_catalog.text_indexes(copy):
        idx = copy.indexes[name]
        old = idx.index._lexicon
        if id(old) not in lexicons:
            lexicons[id(old)] = Lexicon(*old._pipeline)
            lexicons[id(old)]._v_nextid = 0x4000
        idx.index = idx.index.__class__(lexicons[id(old)])
    return copy


@pytest.fixture
def entries(fonds):
    base = "/".join(fonds.getPhysicalPath())
    return [Entry(f"{base}/gen-{i:07d}", i, "J001", unique_code=True) for i in range(N)]


def test_bulk_equals_catalog_object(portal, entries):
    cat = portal.portal_catalog._catalog
    start = 4000 * 1000
    one_by_one, bulk_built = fresh(cat), fresh(cat)
    for i, e in enumerate(entries):
        one_by_one._v_nextid = bulk_catalog.record_id(start, i)
        one_by_one.catalogObject(e, "/".join(e.getPhysicalPath()))

    bulk = bulk_catalog.Bulk(bulk_built)
    setup = bulk_catalog.text_setup(bulk_built)
    for i, e in enumerate(entries[:171]):
        words = bulk_catalog.words_of(e, setup)
        bulk.add(bulk_catalog.record_id(start, i), e, "/".join(e.getPhysicalPath()), words)
        if i in (0, 41, 170):  # chunks of 1, 41, 129: sets, dicts and IIBTrees merged
            bulk.merge()
    # the rest as worker processes make it: fields in parts of 43 (pickled), text per chunk
    for first in range(171, N, 43):
        items = [
            (bulk_catalog.record_id(start, i), entries[i], "/".join(entries[i].getPhysicalPath()))
            for i in range(first, min(N, first + 43))
        ]
        part = pickle.loads(pickle.dumps(bulk_catalog.catalog_fields(bulk_built, items)))  # noqa: S301
        bulk.merge_fields(part)
        for rid, e, _uid in items:
            bulk.add_text(rid, bulk_catalog.words_of(e, setup))
    bulk.merge()

    expected, found = state(one_by_one), state(bulk_built)
    assert found["length"] == N
    assert set(found) == set(expected)
    for key in expected:
        assert found[key] == expected[key], key
    # the text postings went through both forms (a dict up to 10 records, an IIBTree beyond)
    wordinfo = aq_base(bulk_built.indexes["SearchableText"]).index._wordinfo
    kinds = {type(v).__name__ for v in wordinfo.values()}
    assert kinds == {"dict", "IIBTree"}


def test_bulk_refuses_a_record_catalogued_twice(portal, entries):
    cat = fresh(portal.portal_catalog._catalog)
    bulk = bulk_catalog.Bulk(cat)
    setup = bulk_catalog.text_setup(cat)
    e = entries[0]
    uid = "/".join(e.getPhysicalPath())
    bulk.add(bulk_catalog.record_id(0, 0), e, uid, bulk_catalog.words_of(e, setup))
    bulk.merge()
    bulk.add(bulk_catalog.record_id(0, 1), e, uid, bulk_catalog.words_of(e, setup))
    with pytest.raises(ValueError):
        bulk.merge()


def test_record_ids_skip_multiples_of_4000():
    ids = [bulk_catalog.record_id(8000, i) for i in range(20000)]
    assert len(set(ids)) == len(ids)
    assert not [r for r in ids if r % 4000 == 0]
    assert ids == sorted(ids)
