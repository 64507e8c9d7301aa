"""Search in Chinese, the Plone side (检索): the jieba splitter as a ZCTextIndex pipeline element,
the switch of ``SearchableText`` to it, and the search run behind ``@archive-search`` and
``@@archive-search`` (field criteria, facets, sorting, batching, highlighting).

The pure parts are in :mod:`sd.archive.core.search`; docs/search.md tells which engine and why.
"""

from . import splitter  # noqa: F401  (registers the pipeline element at start-up)
