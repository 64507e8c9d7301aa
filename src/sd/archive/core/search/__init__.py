"""Search in Chinese (中文检索): segmentation, query parsing and highlighting, no Zope.

- :mod:`.segment` — jieba search-mode segmentation and the index token stream;
- :mod:`.query` — the search box text made into a ZCTextIndex query, with bad input refused
  or read as text;
- :mod:`.highlight` — result snippets with the hits marked.

The Plone side (``sd.archive.search``) registers the segmentation as a ZCTextIndex pipeline
element and runs queries; see docs/search.md.
"""
