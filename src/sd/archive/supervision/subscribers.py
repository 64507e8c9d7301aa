"""Events that change an agency's figures (指标事件): each only notes the record; the
counters are updated once per transaction, before commit (:mod:`.aggregates`)."""

from __future__ import annotations

from sd.archive.interfaces import IRecord
from sd.archive.supervision import aggregates


def record_changed(record, event) -> None:
    """Added, described, transitioned (归档、移交…): read again before commit."""
    aggregates.note(record)


def record_removed(record, event) -> None:
    aggregates.note_removed(record)


def component_changed(component, event) -> None:
    """A component stored or removed changes its record's 组件缺失 and 签章 figures."""
    record = getattr(component, "__parent__", None)
    if record is not None and IRecord.providedBy(record):
        aggregates.note(record)
