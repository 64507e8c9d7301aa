"""Corrections of an archived record (著录更正、档号更正): the recorded actions and their logs.

The only way an archived record's description or code changes (``sd.archive.protection``):

- :func:`correct_description` (著录更正): the fields the archive allows to be corrected, with
  a reason; old and new values and the actor go to the correction log and the change to a
  ledger entry, in the same transaction;
- ``sd.archive.numbering.correct_code`` (档号更正): the code's parts, renumbered in the new
  series, the new code re-validated (syntax and uniqueness), logged in the code log and the
  ledger.

Both first check that the record still agrees with its latest ledger entry (账实相符).
"""

from __future__ import annotations

from plone.dexterity.utils import iterSchemata
from plone.restapi.interfaces import IFieldDeserializer
from zope.component import queryMultiAdapter
from zope.event import notify
from zope.globalrequest import getRequest
from zope.lifecycleevent import ObjectModifiedEvent
from zope.schema import getFields

from sd.archive.actors import actor
from sd.archive.actors import now
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.repository import RECORD_FIELDS

#: every description field and code part of a record: any change of one is a correction
AUDITED_FIELDS = RECORD_FIELDS
SNAPSHOT = "_sd_metadata_snapshot"


def _value(obj, name):
    return _plain(getattr(obj, name, None))


def _plain(value):
    """A field value as the logs keep it (JSON: ISO dates, lists)."""
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


def log_correction(record, state: str, changes: list[dict], reason: str = "") -> dict:
    entry = {"time": now(), "actor": actor(), "state": state, "changes": changes, "reason": reason}
    record.correction_log = [*(record.correction_log or []), entry]
    return entry


def log_code(record, action: str, old, new, reason: str = ""):
    record.code_log = [
        *(getattr(record, "code_log", None) or []),
        {
            "time": now(),
            "actor": actor(),
            "action": action,
            "old": old,
            "new": new,
            "reason": reason,
        },
    ]
    snapshot(record)  # a sanctioned code change is in the code log, not a correction


class CorrectionRefused(ArchiveError):
    """A correction cannot be made as asked (更正不予受理)."""

    def __init__(self, message, problems=(), status=422, type="CorrectionRefused"):
        super().__init__(message, list(problems), status, type)


def require_correctable(record, reason) -> str:
    """The checks every correction makes first: a reason, an archived record still held."""
    from sd.archive.protection import is_archived
    from sd.archive.protection import record_state

    if not (reason or "").strip():
        raise CorrectionRefused(
            "a reason is required (更正须说明理由)",
            [Problem("CORRECTION-REASON", "reason is empty (未填写理由)", "", "reason")],
            400,
        )
    state = record_state(record)
    if not is_archived(record):
        raise CorrectionRefused(
            "a pre-archived record is edited directly, not corrected (预归档文件直接修改即可)",
            [],
            409,
            "NotArchived",
        )
    if state == "destroyed":
        raise CorrectionRefused(
            "a destroyed record is not corrected (已销毁档案不可更正)", [], 409, "RecordDestroyed"
        )
    return state


def _field(record, name):
    for schema in iterSchemata(record):
        field = getFields(schema).get(name)
        if field is not None:
            return field
    return None


def _converted(record, values: dict) -> dict:
    """JSON values turned into field values and validated by the fields themselves
    (plone.restapi's field deserializers); every failure is a problem naming its field."""
    from sd.archive.protection import CODE_FIELDS
    from sd.archive.protection import CORRECTABLE_FIELDS

    request, result, problems = getRequest(), {}, []
    for name, value in values.items():
        if name not in CORRECTABLE_FIELDS:
            hint = (
                " — use @correct-code (档号更正)"
                if name in CODE_FIELDS or name in ("archival_code", "item_number")
                else ""
            )
            problems.append(
                Problem(
                    "CORRECTION-FIELD", f"{name} cannot be corrected (该项不可更正){hint}", "", name
                )
            )
            continue
        field = _field(record, name)
        deserializer = queryMultiAdapter((field, record, request), IFieldDeserializer)
        try:
            result[name] = deserializer(value) if deserializer is not None else value
        except Exception as error:  # noqa: BLE001 - any invalid value is the caller's error
            problems.append(Problem("CORRECTION-VALUE", f"{name}: {error}", "", name))
    if problems:
        raise CorrectionRefused("the correction is not valid (更正内容不合规)", problems, 400)
    return result


def correct_description(record, values: dict, reason: str) -> dict:
    """Correct description fields of an archived record (著录更正); returns the log entry.

    Refuses as a whole: no reason, a field that may not be corrected, an invalid value, no
    change at all, or a record that differs from its latest ledger entry."""
    from sd.archive.ledger import ensure_agrees
    from sd.archive.protection import sanctioned

    state = require_correctable(record, reason)
    if not isinstance(values, dict) or not values:
        raise CorrectionRefused(
            "name the fields to correct (未指定更正项)",
            [Problem("CORRECTION-EMPTY", "changes is empty", "", "changes")],
            400,
        )
    converted = _converted(record, values)
    changes = []
    for name, value in converted.items():
        old, new = _value(record, name), _plain(value)
        if old != new:
            changes.append({"field": name, "old": old, "new": new})
    if not changes:
        raise CorrectionRefused("nothing would change (更正前后一致)", [], 422, "NoChange")
    with sanctioned(record, "correct"):
        ensure_agrees(record)
        for change in changes:
            setattr(record, change["field"], converted[change["field"]])
        entry = log_correction(record, state, changes, reason.strip())
        snapshot(record)
        notify(ObjectModifiedEvent(record))  # catalog, retention dates, ledger entry
    return with_ledger_index(record, "correction_log", entry)


def with_ledger_index(record, log_name: str, entry: dict) -> dict:
    """Cross-reference the log entry with the ledger entry that states the change."""
    entry = {**entry, "ledger_index": getattr(record, "ledger_index", None)}
    log = list(getattr(record, log_name, None) or [])
    log[-1] = entry
    setattr(record, log_name, log)
    return entry
