"""Arrangement and keyword suggestions (整理建议, 主题词)."""
