"""安全审计日志 (audit trail), the pure part: entries, their canonical form and the SM3 chain.

No Zope import: the Plone side (``sd.archive.audit``) stores the entries and anchors the chain
head in the evidence ledger; the chain check here tells where a stored trail stops being the
one that was written.
"""
