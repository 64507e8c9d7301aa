"""Log the record lifecycle and node admission on the ledger (生命周期存证).

Every workflow transition of a record is logged with the record's digests: the transitions
that the spec names map to their events, the others (appraisal, control, opening, holds …)
are logged as ``audit``. A metadata correction of a logged record is logged as ``audit`` too,
so that the latest entry always states the record as it should be; a change made behind the
API then shows as tampering. Changes of the admitted nodes are ``node-admit`` /
``node-remove`` events, whatever path changed the registry.

The record functions are called by ``sd.archive.lifecycle`` (its order: digests, seal
verification, ledger entry, archiving seal, AIP); :func:`nodes_changed` is a registry subscriber.
"""

from __future__ import annotations

from sd.archive.core.ledger.entry import parse_entry
from sd.archive.ledger import TransitionEntry
from sd.archive.ledger import log_event
from sd.archive.ledger import node as nodes
from sd.archive.ledger import records
from sd.archive.ledger import take_transition_entry
from sd.archive.txlocks import transaction_of

#: workflow transition -> ledger event (ledger.md, 事件)
TRANSITION_EVENTS = {
    "archive": "archive",  # 归档
    "transfer": "transfer-out",  # 移交
    "receive": "receive",  # 接收
    "return": "return",  # 退回
    "reject": "return",  # 退回 (at pre-archiving)
    "destroy": "destroy",  # 销毁
}


def _last_content(record) -> dict[str, str]:
    from sd.archive.ledger.current import current_ledger

    log = current_ledger().log
    with log.view(transaction_of(record)) as conn:
        indexes = log.record_indexes(conn, record.UID(), full_only=True)
        return parse_entry(log.entry(conn, indexes[-1])[0])["content"] if indexes else {}


def log_transition(record, action: str | None) -> None:
    """Log a workflow transition of a record."""
    if not action:
        return
    ledger_event = TRANSITION_EVENTS.get(action, "audit")
    content = None
    if ledger_event == "destroy" and not records.components(record):
        content = _last_content(record)  # the files are gone: restate what was destroyed
    # a caller's details when one waits for this entry (its defaults are log_event's own)
    pending = take_transition_entry(record) or TransitionEntry()
    pending.receipt = log_event(
        ledger_event,
        record,
        content=content,
        metadata_digest=pending.metadata_digest,
        package_digest=pending.package_digest,
        actor=pending.actor,
    )


def log_modification(record) -> None:
    """Log a metadata correction of a record already in the ledger."""
    if getattr(record, "ledger_index", None) is None:
        return
    if getattr(record, "ledger_state", None) == records.state_digest(record):
        return
    log_event("audit", record)


def nodes_changed(event):
    """Registry subscriber: log admission and removal of nodes (节点准入/移除)."""
    record = getattr(event, "record", None)
    if getattr(record, "__name__", None) != nodes.NODES_RECORD:
        return
    old = _by_origin(event.oldValue)
    new = _by_origin(event.newValue)
    for origin, line in new.items():
        if old.get(origin) != line:
            _log_node("node-admit", origin, line)
    for origin, line in old.items():
        if origin not in new:
            _log_node("node-remove", origin, line)


def _by_origin(lines) -> dict[str, str]:
    return {line.split()[0]: line for line in lines or () if line.split()}


def _log_node(event: str, origin: str, line: str) -> None:
    fields = line.split()
    # code_title = H(origin "\n" vkey): the admitted key itself is committed to the log
    log_event(event, code=origin, title=fields[1] if len(fields) > 1 else origin)
