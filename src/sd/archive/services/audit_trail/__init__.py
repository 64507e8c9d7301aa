"""GET @audit-trail: the audit trail for the security auditor (安全审计日志)."""
