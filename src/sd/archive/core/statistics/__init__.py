"""Statistics and the annual statistics report (档案统计, 统计年报, #26). Pure Python, no Zope imports."""
