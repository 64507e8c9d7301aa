"""The catalog's trees with small buckets (目录树小分桶, #31): installed on new sites, made by
upgrade 1004 on old ones with every entry kept, and what a new record writes to the ZODB."""

import transaction
from BTrees.IIBTree import IIBTree
from BTrees.IOBTree import IOBTree
from BTrees.OIBTree import OIBTree
from BTrees.OOBTree import OOBTree
from plone import api
from Products.CMFCore.indexing import processQueue
from ZODB.utils import get_pickle_metadata

from sd.archive import catalogtrees
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

PROFILE = "sd.archive:default"
DEFAULT_CLASSES = (IOBTree, IIBTree, OIBTree, OOBTree)


def _classes(catalog) -> dict[str, type]:
    return {path: type(getattr(owner, attr)) for owner, attr, path in catalogtrees.trees(catalog)}


def _entries(catalog) -> dict[str, list]:
    """Every tree's entries; persistent values (sets of rids) by their contents."""

    def plain(value):
        if hasattr(value, "keys") and hasattr(value, "_p_oid"):
            return sorted(value.items()) if hasattr(value, "items") else list(value.keys())
        return value

    return {
        path: [(k, plain(v)) for k, v in getattr(owner, attr).items()]
        for owner, attr, path in catalogtrees.trees(catalog)
    }


def test_new_site_catalog_on_small_trees(portal):
    catalog = api.portal.get_tool("portal_catalog")
    classes = _classes(catalog)
    assert classes["catalog.data"] is catalogtrees.RowTree
    assert classes["catalog.paths"] is catalogtrees.DocTree
    assert classes["catalog.uids"] is catalogtrees.KeyIntTree
    assert classes["archival_code._unindex"] is catalogtrees.DocTree
    assert classes["archival_code._index"] is catalogtrees.KeyTree
    assert classes["document_date._unindex"] is catalogtrees.DocIntTree
    assert classes["SearchableText.index._docwords"] is catalogtrees.RowTree
    assert classes["SearchableText.index._docweight"] is catalogtrees.DocIntTree
    assert classes["lexicon sd_chinese_lexicon._wids"] is catalogtrees.KeyIntTree
    assert classes["intids.refs"] is catalogtrees.DocTree
    left = {path for path, cls in classes.items() if cls in DEFAULT_CLASSES}
    assert not left  # every tree of the catalog, the text indexes' included
    assert catalogtrees.RowTree.max_leaf_size < IOBTree.max_leaf_size


def test_upgrade_1004_keeps_every_entry(manager, monkeypatch):
    monkeypatch.setattr(catalogtrees, "SAVEPOINT_AT", 5)  # the big catalog's savepoints too
    catalog = api.portal.get_tool("portal_catalog")
    fonds = make_fonds(manager)
    records = [make_record(fonds, n) for n in range(1, 13)]
    processQueue()  # the records' catalog entries written now, not at the first query
    catalogtrees.use_default_trees(catalog)  # the catalog as a 1003 site has it
    assert catalogtrees.RowTree not in _classes(catalog).values()
    before = _entries(catalog)
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1003")

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1004",)
    classes = _classes(catalog)
    assert classes["catalog.data"] is catalogtrees.RowTree
    assert not {path for path, cls in classes.items() if cls in DEFAULT_CLASSES}
    assert _entries(catalog) == before
    assert len(before["catalog.data"]) > len(records)
    # queries, metadata and the text index answer from the new trees
    code = records[3].electronic_record_id
    brains = catalog.unrestrictedSearchResults(electronic_record_id=code)
    assert [b.getObject() for b in brains] == [records[3]]
    assert brains[0].fonds_code == records[3].fonds_code == "J001"
    found = catalog.unrestrictedSearchResults(SearchableText="档案工作", portal_type="Record")
    assert len(found) == len(records)
    # a record archived after the upgrade lands in the small trees and is found
    late = make_record(fonds, 99)
    brains = catalog.unrestrictedSearchResults(electronic_record_id=late.electronic_record_id)
    assert [b.getObject() for b in brains] == [late]


def _written(portal, work) -> dict[str, int]:
    """{class name: bytes} of the object revisions stored by the transaction that runs
    ``work`` (the storage's ``store`` watched during the commit)."""
    storage = portal._p_jar._storage
    sizes: dict[str, int] = {}
    store = storage.store

    def watch(oid, serial, data, version, txn):
        name = ".".join(get_pickle_metadata(data))
        sizes[name] = sizes.get(name, 0) + len(data)
        return store(oid, serial, data, version, txn)

    work()
    storage.store = watch
    try:
        transaction.commit()
    finally:
        del storage.store
    return sizes


def _catalog_bytes(sizes: dict[str, int]) -> int:
    return sum(n for name, n in sizes.items() if "BTree" in name or "catalogtrees" in name)


def test_a_new_record_writes_small_buckets(fportal):
    """With 40 records catalogued before it, a new record's transaction writes its catalog
    entries in small buckets: under 85 KB of catalog trees and sets (measured 69 KB; with
    ZCatalog's default trees, measured in the same test, 147 KB)."""
    catalog = api.portal.get_tool("portal_catalog")
    fonds = make_fonds(fportal, fonds_id="trees", code="T001")
    for n in range(1, 41):
        make_record(fonds, n)
        if n % 10 == 0:
            transaction.commit()
    small = _catalog_bytes(_written(fportal, lambda: make_record(fonds, 41)))

    catalogtrees.use_default_trees(catalog)
    transaction.commit()
    default = _catalog_bytes(_written(fportal, lambda: make_record(fonds, 42)))

    catalogtrees.use_small_trees(catalog)
    transaction.commit()
    assert small < 85_000, small
    assert default > 1.7 * small, (small, default)


def test_text_index_rebuild_keeps_small_trees(fportal):
    """``search/rebuild.py`` clears the text indexes (ZCatalog's default trees again) and puts
    them back on small buckets before indexing the records again."""
    from sd.archive.search.rebuild import rebuild

    catalog = api.portal.get_tool("portal_catalog")
    fonds = make_fonds(fportal, fonds_id="rebuilt", code="R001")
    record = make_record(fonds, 1)
    transaction.commit()

    rebuild(fportal, batch=10)

    classes = _classes(catalog)
    for name in ("SearchableText", "record_title"):
        assert classes[f"{name}.index._docwords"] is catalogtrees.RowTree
        assert classes[f"{name}.index._wordinfo"] is catalogtrees.DocTree
    found = catalog.unrestrictedSearchResults(SearchableText="档案工作", portal_type="Record")
    assert [b.getObject() for b in found] == [record]
