"""证据保全 (evidence preservation): the Plone side of this node's evidence ledger.

Adapts ``sd.archive.core.ledger``. Everything else logs through :func:`log_event`.
Storage and transaction handling: ``store``; identity and admitted nodes: ``node``;
digests and tamper checks of records: ``records``; cosigning peers: ``witness``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from Acquisition import aq_base

from sd.archive.protection import is_archived
from sd.archive.protection import is_sanctioned
from sd.archive.txlocks import transaction_of

#: the volatile attribute a record carries while a caller waits for its transition's entry
_PENDING = "_v_sd_archive_transition_entry"
#: set on a record once an entry states it past pre-archiving: from then on every new entry
#: first checks that the record still agrees with the latest one (账实相符)
_GUARDED = "_sd_archive_ledger_guarded"


@dataclass
class TransitionEntry:
    """What a caller adds to the ledger entry of a record's next workflow transition, and the
    receipt it gets back (流转存证回执).

    The archive interface archives a record on receipt: the ``archive`` entry of that
    transition is its receipt and carries the digests of the package and of its 元数据.xml."""

    package_digest: str = ""
    metadata_digest: str = ""
    actor: str | None = None
    receipt: dict | None = None


@contextmanager
def transition_entry(record, **details) -> Iterator[TransitionEntry]:
    """The entry of the first transition of ``record`` inside this block gets ``details``;
    its receipt is the yielded object's ``receipt`` afterwards (None when nothing was logged)."""
    pending = TransitionEntry(**details)
    base = aq_base(record)
    setattr(base, _PENDING, pending)
    try:
        yield pending
    finally:
        base.__dict__.pop(_PENDING, None)


def take_transition_entry(record) -> TransitionEntry | None:
    """The details a caller waits with (see :func:`transition_entry`), taken: asked once."""
    return aq_base(record).__dict__.pop(_PENDING, None)


def log_event(
    event: str,
    record=None,
    *,
    code: str = "",
    title: str = "",
    content: dict[str, str] | None = None,
    metadata_digest: str = "",
    package_digest: str = "",
    actor: str | None = None,
) -> dict:
    """Append an entry for ``event`` to this node's ledger, in the current transaction.

    The entry commits together with the record or not at all. Returns the receipt part::

        {"ledger_index": 1042, "leaf_hash": "…", "checkpoint": "…signed note…",
         "inclusion_proof": ["…"], "package_digest": {"SM3": "…"}}

    With a ``record``, the code, title and content digests default to the record's, the
    metadata digest to the digest of its metadata, and the record's notarization fields
    (``ledger_index``, ``leaf_hash``, ``checkpoint``) are filled. Only digests are logged.
    Raises ``LedgerError`` (HTTP 422) for an invalid entry, e.g. an unknown event.
    """
    from sd.archive.actors import actor as current_actor
    from sd.archive.core.ledger.entry import make_entry
    from sd.archive.ledger import records
    from sd.archive.ledger.current import current_ledger

    ledger = current_ledger()
    state, other_digests, uid, full = "", {}, "", True
    if record is not None:
        if not is_sanctioned(record):
            ensure_agrees(record, content=event != "destroy")
        uid = record.UID()
        code = code or records.record_code(record)
        title = title or record.Title()
        stored, other_digests = records.content_digests(record)
        full = content is None or content == stored
        content = stored if content is None else content
        state = records.state_digest(record)
        metadata_digest = metadata_digest or state
    entry = make_entry(
        event,
        node=ledger.origin,
        actor=actor or current_actor(),
        record=uid,
        code=code,
        title=title if (title or record is not None) else None,
        content=content or {},
        metadata=metadata_digest,
        package=package_digest,
    )
    txn = transaction_of(record) if record is not None else None
    receipt = ledger.log.append(
        entry,
        txn,
        state=state,
        digests=other_digests if full else {},
        full=full,
        dsn=_workers_dsn(record),
    )
    if package_digest:
        receipt["package_digest"] = {"SM3": package_digest}
    if record is not None:
        record.ledger_index = receipt["ledger_index"]
        record.leaf_hash = receipt["leaf_hash"]
        record.checkpoint = receipt["checkpoint"]
        record.ledger_state = state
        if not getattr(aq_base(record), _GUARDED, False) and is_archived(record):
            setattr(aq_base(record), _GUARDED, True)
    return receipt


def _workers_dsn(record) -> str | None:
    """RelStorage's PostgreSQL DSN of the record's (else the site's) database: several worker
    processes then queue for the log on an advisory lock; None on FileStorage."""
    from zope.component.hooks import getSite

    from sd.archive.workers import pg_dsn

    jar = getattr(record, "_p_jar", None) or getattr(getSite(), "_p_jar", None)
    return pg_dsn(jar.db()) if jar is not None else None


def ensure_agrees(record, *, content: bool = True) -> None:
    """Refuse to go on when a guarded record differs from its latest entry (账实不符).

    :func:`log_event` checks it before every entry but the ones of a recorded action
    (``sd.archive.protection.sanctioned``), which calls it before it changes the record and
    then logs the change itself; so a change made behind the system is never restated as the
    baseline.
    Raises ``LedgerDiscrepancy`` (HTTP 409)."""
    from sd.archive.ledger import records
    from sd.archive.ledger.current import current_ledger

    if not getattr(aq_base(record), _GUARDED, False):
        return
    log = current_ledger().log
    with log.view(transaction_of(record)) as conn:
        problems = records.discrepancies(record, log, conn, content=content)
    if problems:
        raise records.LedgerDiscrepancy(problems)
