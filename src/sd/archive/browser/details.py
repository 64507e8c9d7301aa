"""Structured values as a person reads them (详情): labels and values in words, never JSON.

The audit trail, batches and reports keep details as dicts and lists (for machines: REST,
CSV/XLSX exports keep them so). A page shows them through :func:`readable`: one row per
known key with its zh_CN label (the English msgid is the fallback), values formatted — times in
北京时间, yes/no in words, lists joined with 、, nested dicts as ``标签：值`` pairs — and
:func:`action_label` / :func:`outcome_label` name an audit action and its outcome.
"""

from __future__ import annotations

import re

from zope.i18n import translate

from sd.archive import _
from sd.archive.browser.times import beijing_time

#: labels of the keys found in details (审计详情、批次、报告)
LABELS = {
    "action": _("Action"),
    "actor": _("Operator"),
    "allowed": _("Allowed"),
    "anchored_index": _("Anchored entry"),
    "archival_code": _("Archival code"),
    "b_start": _("Page starts at entry"),
    "by": _("Switched by"),
    "bytes": _("Bytes"),
    "category": _("Category"),
    "checked": _("Entries checked"),
    "chosen": _("Chosen values"),
    "code": _("Code"),
    "effect": _("Effect"),
    "error": _("Error"),
    "event": _("Event"),
    "fields": _("Fields changed"),
    "filename": _("File name"),
    "filter": _("Search filter"),
    "first_bad_index": _("First bad entry"),
    "form": _("Form"),
    "format": _("Output format"),
    "from": _("From"),
    "hash": _("Hash value"),
    "kind": _("Kind"),
    "ledger_index": _("Ledger index"),
    "local_roles": _("Local roles"),
    "login": _("Login name"),
    "message": _("Message"),
    "method": _("Request method"),
    "new": _("New value"),
    "note": _("Note"),
    "number": _("Request number"),
    "numbers": _("Item numbers"),
    "object": _("Object"),
    "old": _("Old value"),
    "org_code": _("Organisation or problem code"),
    "outcome": _("Outcome"),
    "path": _("Path"),
    "principal": _("Account or group"),
    "properties": _("Account properties"),
    "reason": _("Reason"),
    "record": _("Record"),
    "records": _("Records"),
    "retention": _("Retention period"),
    "roles": _("Roles"),
    "rule": _("Rule"),
    "rule_id": _("Archiving scope entry"),
    "seq": _("Audit entry"),
    "series": _("Item-number series"),
    "size": _("Size"),
    "state": _("State"),
    "status": _("Status"),
    "step": _("Step"),
    "suggested": _("Suggested"),
    "time": _("Time"),
    "to": _("To"),
    "transition": _("Transition"),
    "type": _("Type"),
    "uid": _("Record UID"),
    "valid": _("Chain intact"),
    "via": _("Login via"),
    "which": _("Which"),
    "workflow": _("Workflow"),
}

#: the audit trail's actions (审计操作) as a person reads them
ACTIONS = {
    "access.public-read": _("Public catalogue read"),
    "audit.anchored": _("Audit trail anchored"),
    "audit.checked": _("Audit chain checked"),
    "audit.exported": _("Audit trail exported"),
    "audit.searched": _("Audit trail searched"),
    "audit.switched-off": _("Audit switched off"),
    "component.stored": _("Electronic file stored"),
    "content.added": _("Content added"),
    "content.modified": _("Content modified"),
    "content.moved": _("Content moved"),
    "content.removed": _("Content removed"),
    "email_changed": _("E-mail changed"),
    "evidence.verify": _("Evidence verified"),
    "file.download": _("File downloaded"),
    "login": _("Logged in"),
    "login.failed": _("Login failed"),
    "mining.suggestion.accepted": _("Suggestion accepted as suggested"),
    "mining.suggestion.corrected": _("Suggestion corrected and accepted"),
    "mining.suggestion.rejected": _("Suggestion rejected"),
    "mining.thesaurus.imported": _("Thesaurus imported"),
    "mining.trained": _("Suggestion model trained"),
    "mining.finding.accepted": _("Name found in the text accepted"),
    "mining.finding.rejected": _("Name found in the text rejected"),
    "mining.pair.answered": _("Duplicate or related records answered"),
    "logout": _("Logged out"),
    "password_changed": _("Password changed"),
    "record.export": _("Record exported"),
    "record.read": _("Record read (REST)"),
    "record.view": _("Record viewed"),
    "roles_changed": _("Roles changed"),
    "group_roles_changed": _("Group roles changed"),
    "rules.changed": _("Arrangement rules changed"),
    "rules.export": _("Arrangement rules exported"),
    "rules.import": _("Arrangement rules imported"),
    "rules.read": _("Arrangement rules read"),
    "security.group_created": _("Group created"),
    "security.group_deleted": _("Group deleted"),
    "security.group_member_added": _("Group member added"),
    "security.group_member_removed": _("Group member removed"),
    "security.local_roles_changed": _("Local roles changed"),
    "security.password_changed": _("Password changed"),
    "security.principal_created": _("Account created"),
    "security.principal_deleted": _("Account deleted"),
    "security.properties_updated": _("Account properties updated"),
    "settings.changed": _("Settings changed"),
    "transfer.gap-declared": _("Item-number gap declared"),
    "volume.created": _("Volume created"),
    "workflow.transition": _("Workflow transition"),
}

#: the outcomes of the audit trail (core.audit.entry.OUTCOMES) as a person reads them
OUTCOMES = {
    "ok": _("Action succeeded"),
    "refused": _("Action refused"),
    "failed": _("Action failed"),
}

YES, NO = _("yes"), _("no")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
EMPTY = "—"


def _t(request, message) -> str:
    """``message`` in the request's language (interpolated in English without a request)."""
    return translate(message, context=request)


def label(request, key: str) -> str:
    """The label of ``key``; a key no label knows is shown as it is."""
    known = LABELS.get(key)
    return _t(request, known) if known is not None else key


def action_label(request, action: str) -> str:
    """An audit action in words; a request action (``request.post``) names its method."""
    known = ACTIONS.get(action)
    if known is not None:
        return _t(request, known)
    if action.startswith("request."):
        method = action.split(".", 1)[1].upper()
        return _t(request, _("Request (${method})", mapping={"method": method}))
    return action


def outcome_label(request, outcome: str) -> str:
    known = OUTCOMES.get(outcome)
    return _t(request, known) if known is not None else outcome


def value_text(request, value, key: str = "") -> str:
    """One value in words (see the module); never JSON or repr."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _t(request, YES if value else NO)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        if key == "action":
            return action_label(request, value)
        if key == "outcome":
            return outcome_label(request, value)
        return beijing_time(value) if TIME.match(value) else value
    if isinstance(value, dict):
        return (
            "；".join(
                f"{label(request, str(k))}：{value_text(request, v, str(k))}"
                for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
                if v not in (None, "", [], {})
            )
            or EMPTY
        )
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [value_text(request, v, key) for v in value]
        separator = "；" if any(isinstance(v, (dict, list, tuple)) for v in value) else "、"
        return separator.join(parts)
    if hasattr(value, "ISO8601"):
        return beijing_time(value)
    return str(value)


def readable(request, details) -> list[dict]:
    """``details`` as rows ``{"key", "label", "value"}`` (known keys first, in label order);
    a value that is not a dict becomes one row."""
    if not isinstance(details, dict):
        return (
            []
            if details in (None, "")
            else [{"key": "", "label": "", "value": value_text(request, details)}]
        )
    rows = [
        {"key": str(k), "label": label(request, str(k)), "value": value_text(request, v, str(k))}
        for k, v in details.items()
        if v not in (None, "", [], {})
    ]
    return sorted(rows, key=lambda r: (str(r["key"]) not in LABELS, r["key"]))
