"""The auditor's page (安全审计日志)."""
