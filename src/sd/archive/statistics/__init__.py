"""Statistics and the annual statistics report (档案统计, 统计年报, #26)."""
