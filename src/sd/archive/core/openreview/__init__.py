"""Open-access review (开放审核, #25): closure periods, review batches, release.

Pure Python, no Zope imports."""
