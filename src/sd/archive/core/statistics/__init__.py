"""Statistics and the annual statistics report (档案统计, 统计年报, #26): pure Python.

:mod:`.tables` counts holdings and activity from postings (value → record ids, as catalog
indexes keep them) without waking records; :mod:`.annual` fills the annual report's tables
(档案室/档案馆基本情况) from those counts; :mod:`.pdf` prints a plain document.
"""
