"""The domain core of sd.archive (领域核心).

Pure Python: nothing below this package imports Zope, Plone or ZODB. Package reading,
detection, arrangement, archival codes, the evidence ledger, seals and AIPs live here and are
tested in milliseconds; the Plone side (content types, behaviors, services) adapts them.
"""
