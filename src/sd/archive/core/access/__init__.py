"""Access to records (档案利用): requests, their approval chain, periods and watermarks.

Pure rules, no Zope: which records need a request and who approves it (``rules``), the period
of use (``period``), request numbers (``numbers``) and the stamped dissemination copy
(``watermark``). The Plone side (``sd.archive.access``) stores requests and serves copies.
"""
