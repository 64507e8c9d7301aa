"""Corrections of description (著录更正) and code changes (档号变更): who changed which metadata, when, from what to what.

One place for it: metadata corrections (著录更正) and archival code changes (档号变更) are
both written here.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from plone import api

AUDITED_FIELDS = (
    "title", "description", "document_number", "author", "document_date", "document_type",
    "security_level", "open_status", "pages", "keywords", "abstract", "retention_period",
    "retention_start", "category_code", "year", "org_code", "service_item_name",
    "service_item_code", "case_number", "applicant_name", "handling_result",
)
SNAPSHOT = "_sd_metadata_snapshot"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def actor() -> str:
    """The acting user's id; scripts run by the system user act as "system"."""
    if api.user.is_anonymous():
        return "system"
    user = api.user.get_current()
    return user.getId() or user.getUserName() or "system"


def _value(obj, name):
    value = getattr(obj, name, None)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return value


def snapshot(record):
    """Remember the audited values as they are now (the base of the next comparison)."""
    setattr(record, SNAPSHOT, {n: _value(record, n) for n in AUDITED_FIELDS})


def changes_since_snapshot(record) -> list[dict]:
    before = getattr(record, SNAPSHOT, None) or {}
    changes = []
    for name in AUDITED_FIELDS:
        new = _value(record, name)
        if name in before and before[name] != new:
            changes.append({"field": name, "old": before[name], "new": new})
    return changes


def log_correction(record, state: str, changes: list[dict]):
    record.correction_log = [*(record.correction_log or []),
                             {"time": now(), "actor": actor(), "state": state,
                              "changes": changes}]


def log_code(record, action: str, old, new, reason: str = ""):
    record.code_log = [*(getattr(record, "code_log", None) or []),
                       {"time": now(), "actor": actor(), "action": action, "old": old,
                        "new": new, "reason": reason}]
    snapshot(record)  # a sanctioned code change is in the code log, not a correction
