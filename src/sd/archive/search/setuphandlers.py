"""``SearchableText`` on the Chinese lexicon (全文索引切换到中文分词).

``catalog.xml`` makes the lexicon (``sd_chinese_lexicon``) and the new field indexes. The
existing ``SearchableText`` index cannot be switched there: GenericSetup keeps an index that
exists and a remove-then-add in ``catalog.xml`` would empty it on every re-import of the
catalog step. This step switches it once, when it still uses another lexicon, and indexes the
site's content again for it (an upgrade step calls :func:`use_chinese_index` the same way;
big sites: ``scripts/reindex_search.py`` does it in batches while the site runs).
"""

import logging
from types import SimpleNamespace

from Products.CMFCore.utils import getToolByName

from .splitter import ELEMENT_NAME
from .splitter import GROUP
from .splitter import LEXICON_ID

logger = logging.getLogger("sd.archive.search")

INDEX = "SearchableText"


def ensure_lexicon(catalog):
    """The lexicon with the jieba splitter (made by catalog.xml; here for callers outside GS)."""
    if LEXICON_ID not in catalog.objectIds():
        from Products.ZCTextIndex.Lexicon import Splitter  # noqa: F401  (registers its group)
        from Products.ZCTextIndex.PipelineFactory import element_factory
        from Products.ZCTextIndex.ZCTextIndex import PLexicon

        element = element_factory.instantiate(GROUP, ELEMENT_NAME)
        catalog._setObject(LEXICON_ID, PLexicon(LEXICON_ID, "", element))
    return catalog[LEXICON_ID]


def use_chinese_index(catalog, reindex=True) -> bool:
    """Make ``SearchableText`` a BM25 ZCTextIndex on the jieba lexicon; True when it changed."""
    ensure_lexicon(catalog)
    index = catalog._catalog.indexes.get(INDEX)
    if index is not None and getattr(index, "lexicon_id", None) == LEXICON_ID:
        return False
    if index is not None:
        catalog.delIndex(INDEX)
    extra = SimpleNamespace(lexicon_id=LEXICON_ID, index_type="Okapi BM25 Rank", doc_attr=INDEX)
    catalog.addIndex(INDEX, "ZCTextIndex", extra)
    if reindex:
        logger.info("SearchableText: indexing the site's content again for the jieba lexicon")
        catalog.manage_reindexIndex(ids=[INDEX])
    return True


def import_search(context):
    """GenericSetup import step ``sd.archive.search``."""
    if context.readDataFile("sd.archive.search.txt") is None:
        return
    site = context.getSite()
    use_chinese_index(getToolByName(site, "portal_catalog"))
