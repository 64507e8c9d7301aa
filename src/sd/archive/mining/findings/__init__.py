"""People/places, duplicates, related records, sensitive content (实体, 重复, 关联, 敏感内容).

The Plone side of :mod:`sd.archive.core.mining.findings` (#28 items 3–5):

- :mod:`.store` — after a record's text is extracted (``text.events.TextExtracted``) its
  findings are kept in the record's annotation ``sd.archive.mining.findings`` (derived data,
  like the text: never the record's description, never in the ledger's state digest);
- :mod:`.pairs` — duplicates (same file digest, near-duplicate text) and related records (a
  文号 cited) as pairs a person decides; the site-wide indexes they are found with;
- :mod:`.decisions` — accepting or rejecting a name (into 主题词 through 著录更正) and
  deciding a pair, each logged in the audit trail;
- :mod:`.finder` — the sensitive-content finder of the open-access review
  (``openreview.hints.ISensitiveFinder``);
- :mod:`.settings` — the archive's own sensitive patterns (registry).

Nothing here changes a record's description by itself: every finding is a suggestion.
"""
