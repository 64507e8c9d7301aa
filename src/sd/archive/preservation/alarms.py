"""Preservation alarms (保存告警): no good copy left, an AIP that could not be written.

Kept on the site (annotation, one entry per alarm) until a person resolves them; shown to
archivists and the security auditor by a viewlet and the ``@@preservation-alarms`` page.
"""

from __future__ import annotations

from datetime import datetime

from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping

from sd.archive.core.messages import zh_first
from sd.archive.sitedata import site_tree

KEY = "sd.archive.preservation.alarms"
NO_GOOD_COPY = "no-good-copy"
NOT_PRESERVED = "not-preserved"
RESTORE = "restore"
CHECK_FAILED = "preservation-check"
FERRY_REFUSED = "ferry-refused"
RENEWAL_FAILED = "renewal-failed"
#: what each kind of alarm means, heading its message (告警信息中文在前)
KIND_PHRASES = {
    NO_GOOD_COPY: "已无完好副本",
    NOT_PRESERVED: "长期保存包（AIP）未能写入",
    RESTORE: "恢复未完成",
    CHECK_FAILED: "长期保存检测不通过",
    FERRY_REFUSED: "摆渡包被拒收",
    RENEWAL_FAILED: "证据续期未完成（文件与存证不符）",
}


def _tree(site=None, create: bool = False) -> OOBTree:
    """The alarms; an empty mapping to read before the first alarm (reading never writes)."""
    tree = site_tree(site, KEY, create)
    return tree if tree is not None else {}


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def raise_alarm(
    kind: str,
    subject: str,
    message: str,
    *,
    location: str = "",
    details: dict | None = None,
    site=None,
) -> str:
    """Open an alarm (or refresh the open one for the same kind, subject and location); the
    message reads Chinese first (the kind's phrase)."""
    phrase = KIND_PHRASES.get(kind)
    message = f"{phrase}: {message}" if phrase and not message.startswith(phrase) else message
    message = zh_first(message)
    tree = _tree(site, create=True)
    for alarm_id, alarm in tree.items():
        if (alarm["kind"], alarm["subject"], alarm["location"]) == (
            kind,
            subject,
            location,
        ) and alarm["state"] == "open":
            alarm["seen"] = _now()
            alarm["count"] = alarm.get("count", 1) + 1
            alarm["message"] = message
            alarm["details"] = dict(details or {})
            return alarm_id
    alarm_id = f"{datetime.now().strftime('%Y%m%dT%H%M%S%f')}-{len(tree) + 1}"
    tree[alarm_id] = PersistentMapping(
        {
            "id": alarm_id,
            "kind": kind,
            "subject": subject,
            "location": location,
            "message": message,
            "details": dict(details or {}),
            "raised": _now(),
            "seen": _now(),
            "count": 1,
            "state": "open",
            "resolved_by": "",
            "resolution": "",
        }
    )
    return alarm_id


def open_alarms(site=None) -> list[dict]:
    return [dict(a) for a in _tree(site).values() if a["state"] == "open"]


def all_alarms(site=None) -> list[dict]:
    return [dict(a) for a in _tree(site).values()]


def resolve_alarm(alarm_id: str, actor: str, resolution: str, site=None) -> dict:
    alarm = _tree(site)[alarm_id]
    alarm["state"] = "resolved"
    alarm["resolved_by"] = actor
    alarm["resolution"] = resolution
    alarm["resolved"] = _now()
    return dict(alarm)
