"""Rejection records (拒收记录): who submitted what to which fonds, when, and what failed.

Nothing else of a rejected package is kept: no file, no metadata beyond the 电子文件号 the
sender needs to match the answer, only the package digest. The records live in a BTree in a
site annotation keyed by a random id; the submitting account and supervisors may read them.
"""

from __future__ import annotations

import secrets

from persistent.mapping import PersistentMapping
from plone import api
from zope.event import notify
from zope.interface import implementer
from zope.interface.interfaces import ObjectEvent

from sd.archive.actors import now
from sd.archive.core.messages import zh_first
from sd.archive.interfaces import IRejectionAddedEvent
from sd.archive.sitedata import site_tree

ANNOTATION_KEY = "sd.archive.intake.rejections"
SUPERVISE = "sd.archive: Supervise archiving"


@implementer(IRejectionAddedEvent)
class RejectionAddedEvent(ObjectEvent):
    """See :class:`IRejectionAddedEvent` (the supervision counters hear it)."""

    def __init__(self, portal, entry):
        super().__init__(portal)
        self.entry = entry


def _store(portal, create: bool = False):
    return site_tree(portal, ANNOTATION_KEY, create)


def add_rejection(
    portal,
    *,
    actor: str,
    kind: str,
    fonds_code: str,
    package_digest: str,
    record_id: str,
    error: dict,
) -> dict:
    """Keep one rejection; ``error`` is the answer body (type, message, errors)."""
    tree = _store(portal, create=True)
    rejection_id = secrets.token_hex(8)
    while rejection_id in tree:
        rejection_id = secrets.token_hex(8)
    entry = PersistentMapping(
        {
            "id": rejection_id,
            "time": now(),
            "actor": actor,
            "interface": kind,
            "fonds_code": fonds_code,
            "electronic_record_id": record_id,
            "package_digest": {"SM3": package_digest},
            "status": 422,
            "type": error.get("type", ""),
            "message": error.get("message", ""),
            "errors": list(error.get("errors", [])),
        }
    )
    tree[rejection_id] = entry
    notify(RejectionAddedEvent(portal, entry))
    return readable(entry)


def readable(entry) -> dict:
    """A rejection as it is shown: its messages Chinese first (records kept before the
    messages were did not store them so; nothing is written on a read)."""
    data = dict(entry)
    data["message"] = zh_first(data.get("message", ""), type_=data.get("type", ""))
    data["errors"] = [
        {**e, "message": zh_first(e.get("message", ""), e.get("code", ""))}
        for e in data.get("errors", [])
    ]
    return data


def get_rejection(portal, rejection_id: str) -> dict | None:
    tree = _store(portal)
    entry = tree.get(rejection_id) if tree is not None else None
    return readable(entry) if entry is not None else None


def may_see(portal, entry: dict) -> bool:
    """The submitting account, supervisors and managers (报送方与监督指导)."""
    if api.user.is_anonymous():
        return False
    user = api.user.get_current()
    if entry["actor"] == user.getId():
        return True
    return bool(api.user.has_permission(SUPERVISE, obj=portal))


def visible_rejections(portal, limit: int = 100) -> list[dict]:
    """The newest rejections the current user may see."""
    tree = _store(portal)
    if tree is None:
        return []
    found = [readable(e) for e in tree.values() if may_see(portal, e)]
    found.sort(key=lambda e: e["time"], reverse=True)
    return found[:limit]


def count(portal) -> int:
    tree = _store(portal)
    return len(tree) if tree is not None else 0
