"""The record page's text status (文本提取状态)."""
