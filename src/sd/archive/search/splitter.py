"""The jieba splitter as a ZCTextIndex pipeline element (中文分词器).

Registered in ZCTextIndex's element factory like Plone's ``Unicode Whitespace splitter``
(Products.CMFPlone.UnicodeSplitter), so a lexicon made in ``catalog.xml`` can name it:
group ``Word Splitter``, name :data:`ELEMENT_NAME`. It normalises itself (NFKC, lower case),
so the lexicon needs no other element.

ZCTextIndex calls ``process`` when indexing and ``processGlob`` / ``process_post_glob`` when
parsing a query: the index gets the whole token stream of :func:`index_tokens` (words, inner
words, characters), a query its words — a query word is found in sections 1–2 (财务 in
财务预算), a query phrase of several words must stand together in section 1 or 3.
"""

import contextlib

from Products.ZCTextIndex.interfaces import ISplitter
from Products.ZCTextIndex.PipelineFactory import element_factory
from zope.interface import implementer

from sd.archive.core.search import segment

GROUP = "Word Splitter"
ELEMENT_NAME = "Chinese search-mode splitter (jieba)"
LEXICON_ID = "sd_chinese_lexicon"


def _texts(lst):
    for item in lst:
        if isinstance(item, bytes):
            item = item.decode("utf-8", "replace")
        if item:
            yield item


@implementer(ISplitter)
class ChineseSplitter:
    """jieba search mode (结巴搜索引擎模式) for ZCTextIndex."""

    def process(self, lst):
        return [token for text in _texts(lst) for token in segment.index_tokens(text)]

    def processGlob(self, lst):
        # no wildcards: * and ? are spaces after normalisation
        return [word for text in _texts(lst) for word in segment.query_words(text)]

    process_post_glob = processGlob


with contextlib.suppress(ValueError):  # already registered (a second import of this module)
    element_factory.registerFactory(GROUP, ELEMENT_NAME, ChineseSplitter)
