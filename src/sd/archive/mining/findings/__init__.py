"""People/places, duplicates, related records, sensitive content (实体, 重复, 关联, 敏感内容)."""
