"""Protection of archived records (归档保护): who may write which field of a record, and when.

The one place for these rules:

- **server-maintained fields** (系统维护字段) are written by the system only, never over REST
  or a form, by nobody (Manager included): the archival code and item number, the frozen flag,
  retention expiry and disposition state, the logs, seal verdicts and the ledger fields, the
  digests and lineage of a component. Each is ``readonly`` in its schema as well.
- **after archiving** (归档后) a record and its components change only through a recorded
  action with a reason — a correction of description (著录更正, ``@correct``), a code correction
  (档号更正, ``@correct-code``), or one of the system's own actions (conversion, seal
  verification, stripping, …). Plain edits (REST ``PATCH``, the edit form) are refused.
- **correctable fields** (可更正著录项): the description fields a correction may change. The
  archival code's parts change only through the code correction, which renumbers and checks
  uniqueness; content files never change (a new version is a new component).

A sanctioned action runs inside :func:`sanctioned`; the modification guard
(:func:`guard_change`, called by ``sd.archive.lifecycle`` on every modified event) refuses any
change of an archived record made outside one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from Acquisition import aq_base
from Acquisition import aq_parent

from sd.archive.behaviors.government_service import SERVICE_FIELDS
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IRecord

#: workflow states in which a record is still being described (预归档): plain edits allowed
MUTABLE_STATES = frozenset({"pre_archived"})

#: written by the system only (系统维护字段), whatever the state and whoever asks
SERVER_FIELDS = frozenset(
    {
        # 档号: allocated and frozen by numbering
        "archival_code",
        "item_number",
        "code_frozen",
        # 保管期限: computed, and set by appraisal and destruction
        "retention_expiry",
        # 冻结: placed and lifted only by the holds action (@holds: reason, log, audit trail)
        "holds",
        "next_review",
        "disposition_state",
        # 开放状态: set by the open-access review (its approval, or the open/control transition)
        "open_status",
        "open_next_review",
        "open_log",
        "redacted_originals",
        # logs (著录更正记录、档号变更记录)
        "correction_log",
        "code_log",
        # 电子签章: verdicts and the archiving seal
        "seal_findings",
        "archiving_seal",
        "seal_stripped",
        "strip_log",
        # 存证
        "ledger_index",
        "leaf_hash",
        "checkpoint",
        "ledger_state",
        # 电子文件: digests, size and lineage
        "sm3",
        "sha256",
        "size",
        "version_of",
    }
)

#: the parts of the archival code (档号构成项): changed by the code correction only
CODE_FIELDS = (
    "fonds_code",
    "category_code",
    "year",
    "org_code",
    "volume_number",
    "retention_period",
)

#: description fields a correction (著录更正) may change on an archived record
CORRECTABLE_FIELDS = (
    "title",
    "description",
    "agency_name",
    "document_number",
    "author",
    "document_date",
    "document_type",
    "pages",
    "keywords",
    "abstract",
    "process_history",
    *SERVICE_FIELDS,
)


_SANCTIONED = "_v_sd_archive_sanctioned"


class ReadOnlyFields(ArchiveError):
    """A request tried to write a server-maintained field (系统维护字段不可写): HTTP 400."""

    def __init__(self, names, obj=""):
        super().__init__(
            "these fields are maintained by the system and cannot be written "
            "(系统维护字段不可修改)",
            [
                Problem(
                    "FIELD-READ-ONLY", f"{name} is maintained by the system (由系统维护)", obj, name
                )
                for name in sorted(names)
            ],
            400,
            "ReadOnlyField",
        )


class RecordProtected(ArchiveError):
    """An archived record was to change outside a recorded action (归档后不可直接修改): 409."""

    def __init__(self, names, obj=""):
        super().__init__(
            "an archived record changes only through a recorded action with a reason: "
            "POST @correct (著录更正) or @correct-code (档号更正) "
            "(已归档档案只能通过留痕的更正操作修改)",
            [
                Problem(
                    "RECORD-ARCHIVED",
                    f"{name} cannot be changed by a plain edit (不可直接修改)",
                    obj,
                    name,
                )
                for name in sorted(names)
            ],
            409,
            "RecordProtected",
        )


def record_of(obj):
    """The record (件) an object belongs to: itself, or a component's parent."""
    if IRecord.providedBy(obj):
        return obj
    if IComponent.providedBy(obj):
        parent = aq_parent(obj)
        return parent if IRecord.providedBy(parent) else None
    return None


def record_state(record) -> str | None:
    """The record's workflow state (None while it is being created)."""
    history = getattr(aq_base(record), "workflow_history", None) or {}
    entries = history.get("sd_record_workflow") or ()
    return entries[-1].get("review_state") if entries else None


def is_archived(obj) -> bool:
    """True once the record (of a component) is past pre-archiving (已归档及以后)."""
    record = record_of(obj)
    return record is not None and record_state(record) not in (None, *MUTABLE_STATES)


def check_write(obj, names) -> None:
    """Refuse a plain write (REST or form) of ``names`` on ``obj``: one rule for all paths."""
    names = set(names)
    path = "/".join(obj.getPhysicalPath()) if hasattr(obj, "getPhysicalPath") else ""
    readonly = names & SERVER_FIELDS
    if readonly:
        raise ReadOnlyFields(readonly, path)
    if names and is_archived(obj) and not is_sanctioned(obj):
        raise RecordProtected(names, path)


def guard_change(obj, names) -> None:
    """Refuse a change of ``names`` on an archived record or its component made outside a
    recorded action, whatever path made it (the modified event): the transaction ends unstored."""
    if names and is_archived(obj) and not is_sanctioned(obj):
        raise RecordProtected(list(names), "/".join(obj.getPhysicalPath()))


@contextmanager
def sanctioned(obj, action: str) -> Iterator[None]:
    """Inside this block the record of ``obj`` may change: ``action`` records why (a
    correction, a conversion …). The caller writes the log and the ledger entry."""
    record = record_of(obj) or obj
    base = aq_base(record)
    previous = base.__dict__.get(_SANCTIONED)
    setattr(base, _SANCTIONED, action)
    try:
        yield
    finally:
        if previous is None:
            base.__dict__.pop(_SANCTIONED, None)
        else:
            setattr(base, _SANCTIONED, previous)


def is_sanctioned(obj) -> bool:
    record = record_of(obj) or obj
    return bool(aq_base(record).__dict__.get(_SANCTIONED))
