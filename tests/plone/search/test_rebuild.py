"""Rebuilding the search index from the records (search/rebuild.py, scripts/reindex_search.py)."""

import pytest
from plone import api
from Products.CMFCore.indexing import processQueue
from search_data import add

from sd.archive.search import engine
from sd.archive.search import rebuild


@pytest.fixture
def ffonds(fportal):
    """J001 on the functional site (a rebuild commits its batches)."""
    from sd.archive.testing import make_fonds

    return make_fonds(fportal)


def test_rebuild_in_batches_with_progress(ffonds, fportal):
    fonds, manager = ffonds, fportal
    records = [add(fonds, n, "archived", text=f"固定资产清查第{n}批") for n in range(1, 6)]
    catalog = api.portal.get_tool("portal_catalog")
    processQueue()
    catalog._catalog.getIndex("SearchableText").clear()
    assert engine.run({"q": "固定资产"}).total == 0
    seen = []
    final = rebuild.rebuild(manager, batch=2, progress=seen.append)
    assert [p["done"] for p in seen] == [2, 4, 5]
    assert final["state"] == "done" and final["total"] == 5
    assert {b.UID for b in engine.run({"q": "固定资产"}).brains} == {r.UID() for r in records}
    assert "5/5 records (100%)" in rebuild.describe(final)


def test_rebuild_switches_an_old_site_to_the_jieba_lexicon(ffonds, fportal):
    """A site whose SearchableText still uses plone_lexicon gets the jieba one."""
    from types import SimpleNamespace

    fonds, manager = ffonds, fportal
    add(fonds, 1, "archived", text="理财务实")
    budget = add(fonds, 2, "archived", text="财务预算")
    processQueue()
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delIndex("SearchableText")
    catalog.addIndex(
        "SearchableText",
        "ZCTextIndex",
        SimpleNamespace(
            lexicon_id="plone_lexicon", index_type="Okapi BM25 Rank", doc_attr="SearchableText"
        ),
    )
    rebuild.rebuild(manager)
    assert catalog._catalog.getIndex("SearchableText").lexicon_id == "sd_chinese_lexicon"
    assert [b.UID for b in engine.run({"q": "财务"}).brains] == [budget.UID()]


def test_reindex_page_for_managers(manager):
    html = manager.restrictedTraverse("@@reindex-search")()
    assert 'id="sd-reindex-start"' in html
