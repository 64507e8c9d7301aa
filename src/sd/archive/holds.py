"""Holds (冻结): placed and lifted with a reason by the roles the archive allows (#25 item 2).

A hold blocks a record's disposition (``sd.archive.retention.destruction_problems``; the
appraisal batches to come leave held records out). Who may: ``sd.archive: Place holds``
(records officer of the fonds, archivist, Manager — not the three administrators). Each
placing and lifting needs a reason, is kept in the record's ``hold_log`` (who, when, why) and
goes to the audit trail; bad input changes nothing.

``holds`` stays the list of the holds in force (one line each, as the record page shows it).
"""

from __future__ import annotations

from persistent.list import PersistentList
from plone import api

from sd.archive import audit
from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

PLACE_HOLDS = "sd.archive: Place holds"
MAX_TEXT = 500
#: states in which a record is not (or no longer) in the holdings: nothing to hold
NOT_HOLDABLE = frozenset({"rejected", "destroyed"})


class HoldRefused(ArchiveError):
    """A hold cannot be placed or lifted as asked (冻结/解冻被拒绝)."""

    def __init__(self, message, problem: Problem, status: int = 422, type_: str = "HoldRefused"):
        super().__init__(message, [problem], status, type_)


def _text(value, name: str, obj: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > MAX_TEXT:
        raise HoldRefused(
            f"{name} is required, at most {MAX_TEXT} characters",
            Problem(
                "HOLD-REASON" if name == "reason" else "HOLD-TEXT",
                f"须填写{'理由' if name == 'reason' else '冻结事由'}（不超过{MAX_TEXT}字） / "
                f"{name} is required",
                obj,
                name,
            ),
        )
    return text


def _check(record) -> str:
    obj = getattr(record, "archival_code", None) or record.getId()
    if not api.user.has_permission(PLACE_HOLDS, obj=record):
        raise HoldRefused(
            "you may not place or lift holds on this record",
            Problem("HOLD-PERMISSION", "无权冻结或解冻此档案 / not allowed", obj, "holds"),
            403,
            "Forbidden",
        )
    state = api.content.get_state(record, default=None)
    if state in NOT_HOLDABLE:
        raise HoldRefused(
            "the record is not in the holdings",
            Problem(
                "HOLD-STATE", "档案已销毁或已退回，不能冻结 / not in the holdings", obj, "holds"
            ),
            409,
            "Conflict",
        )
    return obj


def _log(record, action: str, hold: str, reason: str) -> dict:
    entry = {"action": action, "hold": hold, "reason": reason, "actor": actor(), "time": now()}
    log = getattr(record, "hold_log", None)
    if log is None:
        log = record.hold_log = PersistentList()
    log.append(entry)
    audit.log(f"record.hold-{action}", record, details={"hold": hold, "reason": reason})
    return dict(entry)


def place_hold(record, hold: str, reason: str) -> dict:
    """Place a hold (冻结): ``hold`` names it (e.g. 诉讼冻结 2026-12), ``reason`` says why."""
    obj = _check(record)
    hold = _text(hold, "hold", obj)
    reason = _text(reason, "reason", obj)
    holds = list(getattr(record, "holds", None) or [])
    if hold in holds:
        raise HoldRefused(
            "the record is already under this hold",
            Problem("HOLD-EXISTS", "此冻结已存在 / already held", obj, "holds"),
            409,
            "Conflict",
        )
    record.holds = [*holds, hold]
    return _log(record, "placed", hold, reason)


def lift_hold(record, hold: str, reason: str) -> dict:
    """Lift a hold in force (解冻), with the reason."""
    obj = _check(record)
    reason = _text(reason, "reason", obj)
    holds = list(getattr(record, "holds", None) or [])
    if not isinstance(hold, str) or hold.strip() not in holds:
        raise HoldRefused(
            "no such hold on the record",
            Problem("HOLD-UNKNOWN", "档案没有此冻结 / no such hold", obj, "holds"),
            409,
            "Conflict",
        )
    record.holds = [h for h in holds if h != hold.strip()]
    return _log(record, "lifted", hold.strip(), reason)
