"""Writing AIP versions to the storage locations (AIP 写入与版本).

``preserve(record, reason)`` writes a new AIP version to every online location when the
record differs from its last version (or ``force``), keeps every old version, records the
version on the record and in the site's digest index (the expected digests of fixity), and
logs a signed ``preserve`` event with the package digest. Files written by a transaction that
aborts are removed again, so storage follows the database.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import transaction
from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from plone import api
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations

from sd.archive import logger
from sd.archive.core.errors import ArchiveError
from sd.archive.core.preservation.storage import aip_relpath
from sd.archive.core.preservation.storage import set_aside_strays
from sd.archive.ledger import log_event
from sd.archive.sitedata import site_tree
from sd.archive.txlocks import KeepSavepoint

from . import alarms
from . import config
from . import keys
from .package import add_preservation_event
from .package import build_aip
from .package import dat46_metadata
from .package import fingerprint
from .package import snapshot

VERSIONS_KEY = "sd.archive.preservation.versions"
INDEX_KEY = "sd.archive.preservation.index"
_PENDING = object()  # key of the per-transaction set of records to re-preserve


# --- versions and the digest index ---------------------------------------------------------


def versions(record) -> list[dict]:
    """Every AIP version of the record (oldest first): version, relpath, sm3, size, …"""
    return [dict(v) for v in IAnnotations(record).get(VERSIONS_KEY, ())]


def last_version(record) -> dict | None:
    found = versions(record)
    return found[-1] if found else None


def _add_version(record, entry: dict) -> None:
    annotations = IAnnotations(record)
    annotations[VERSIONS_KEY] = (*annotations.get(VERSIONS_KEY, ()), entry)


def index(site=None, create: bool = False) -> OOBTree:
    """relpath → {sm3, size, uid, code, version}: what each AIP copy must hash to (empty to
    read before the first AIP: reading never writes)."""
    tree = site_tree(site, INDEX_KEY, create)
    return tree if tree is not None else {}


def register(
    relpath: str, sm3: str, size: int, uid: str, code: str, version: int, site=None
) -> None:
    index(site, create=True)[relpath] = PersistentMapping(
        {"sm3": sm3, "size": size, "uid": uid, "code": code, "version": version}
    )


def record_by_uid(uid: str):
    """The record with ``uid`` whoever asks (system work: fixity, repair, batching).

    Read from the catalog's ``UID`` index and path table directly (the after-archiving worker
    asks three times per record: a catalog query with its plan and brains cost a tenth of its
    time); a catalog without them is searched as before."""
    if not uid:
        return None
    from Products.CMFCore.indexing import processQueue

    catalog = api.portal.get_tool("portal_catalog")
    processQueue()  # what this transaction indexed, as a search would see it
    inner = getattr(catalog, "_catalog", None)
    index = getattr(inner, "indexes", {}).get("UID")
    by_uid = getattr(index, "_index", None)
    if by_uid is None or not hasattr(inner, "paths"):
        brains = catalog.unrestrictedSearchResults(UID=uid)
        return brains[0]._unrestrictedGetObject() if brains else None
    rid = by_uid.get(uid)
    path = inner.paths.get(rid) if rid is not None else None
    return catalog.unrestrictedTraverse(path, None) if path else None


NOT_IN_LEDGER = "not-in-ledger"  # never a digest: such a copy fails fixity and cannot be "repaired"


def expected_digests(site=None, relpaths=None) -> dict[str, str]:
    """{relpath: SM3} of every AIP copy as the evidence ledger attests it (a plain snapshot,
    for runs outside the transaction).

    The site index says which AIP should be where; a digest counts only if the ledger holds it
    (the ``preserve`` event of that version). An index digest the ledger does not know is
    replaced by :data:`NOT_IN_LEDGER`, so that copy fails and raises an alarm instead of being
    taken on the database's word alone.
    """
    from sd.archive.ledger.current import current_ledger

    idx = index(site)
    if relpaths is None:
        found = {relpath: entry["sm3"] for relpath, entry in idx.items()}
    else:  # only these (one record's versions, 长期保存检测)
        found = {r: idx[r]["sm3"] for r in relpaths if r in idx}
    ledger = current_ledger(site)
    with ledger.log.view() as conn:  # includes what this transaction logged
        return {
            relpath: sm3 if ledger.log.find_digest(conn, sm3) else NOT_IN_LEDGER
            for relpath, sm3 in found.items()
        }


# --- files follow the transaction ----------------------------------------------------------


class _RemoveOnAbort:
    """Removes the AIP files a transaction wrote when that transaction aborts."""

    transaction_manager = transaction.manager

    def __init__(self, paths: list[str]):
        self.paths = list(paths)

    def _remove(self, txn=None):
        for path in self.paths:
            Path(path).unlink(missing_ok=True)
        self.paths = []

    def _keep(self, txn=None):
        self.paths = []

    abort = tpc_abort = _remove
    tpc_finish = _keep
    tpc_begin = commit = tpc_vote = lambda self, txn: None

    def sortKey(self):
        return "~sd.archive.preservation.files"

    def savepoint(self):
        # every file of this manager was written before any later savepoint; files written
        # after a savepoint belong to managers joined later, which a rollback aborts
        return KeepSavepoint()


# --- writing ---------------------------------------------------------------------------------


def preserve(record, reason: str, *, force: bool = False) -> dict | None:
    """Write the next AIP version of ``record`` everywhere online; None when nothing changed."""
    started = start_preserve(record, reason, force=force)
    return None if started is None else finish_preserve(started)


class Started:
    """An AIP version being written (:func:`start_preserve`); :func:`finish_preserve` waits
    for it and records it. Between the two the caller may start the next record's."""

    def __init__(self, record, reason: str, version: int, mark: str, pending):
        self.record, self.reason, self.version, self.mark = record, reason, version, mark
        self.pending = pending

    def discard(self) -> None:
        """The transaction will not record it: wait for the files and remove them."""
        try:
            stored = self.pending.result()
        except Exception:  # noqa: BLE001 - nothing written, nothing to remove
            return
        _RemoveOnAbort(list(stored.copies.values()))._remove()


def start_preserve(record, reason: str, *, force: bool = False) -> Started | None:
    """Build the next AIP version of ``record`` and hand it to a writer process (first half of
    :func:`preserve`); None when nothing changed."""
    last = last_version(record)
    snap, md = snapshot(record), dat46_metadata(record)  # read once for both (#31)
    mark = fingerprint(record, snap, md)
    if last is not None and not force and last.get("fingerprint") == mark:
        return None
    version = (last["version"] + 1) if last else 1
    relpath = relpath_of(record, version)
    if relpath not in index():
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
        for stray in set_aside_strays(config.locations(), relpath, stamp):
            logger.warning("set aside %s: written before a crash, never committed", stray)
    aip = build_aip(record, version, snap, md)
    pending = keys.submit_aip(config.locations(), aip, policy=config.policy())
    return Started(record, reason, version, mark, pending)


def finish_preserve(started: Started) -> dict:
    """Wait for the AIP files of ``started`` and record the version: on the record, in the
    site's digest index, in the ledger (second half of :func:`preserve`)."""
    record, reason, version, mark = started.record, started.reason, started.version, started.mark
    stored = started.pending.result()
    transaction.get().join(_RemoveOnAbort(list(stored.copies.values())))
    entry = {
        "version": version,
        "relpath": stored.relpath,
        "sm3": stored.sm3,
        "size": stored.size,
        "signed_digest": stored.signed_digest,
        "locations": sorted(stored.copies),
        "reason": reason,
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "fingerprint": mark,
    }
    _add_version(record, entry)
    register(stored.relpath, stored.sm3, stored.size, record.UID(), record.archival_code, version)
    receipt = log_event(
        "preserve",
        record,
        code=record.archival_code or "",
        title=record.title or "",
        package_digest=stored.sm3,  # content: the record's files by path, as every event
    )
    entry["receipt"] = dict(receipt or {})
    add_preservation_event(
        record, "保存", f"v{version} SM3={stored.sm3} → {', '.join(sorted(stored.copies))}"
    )
    logger.info("preserved %s v%s (%s)", record.archival_code, version, reason)
    return entry


def preserve_or_alarm(record, reason: str, *, force: bool = False) -> dict | None:
    """``preserve``; a record that cannot be packaged raises an alarm instead of failing."""
    started = start_or_alarm(record, reason, force=force)
    return None if started is None else finish_or_alarm(started)


def start_or_alarm(record, reason: str, *, force: bool = False) -> Started | None:
    """:func:`start_preserve`; a failure raises the alarm (as :func:`preserve_or_alarm`)."""
    try:
        return start_preserve(record, reason, force=force)
    except ConflictError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure must become a visible alarm
        _not_preserved(record, reason, error)
        return None


def finish_or_alarm(started: Started) -> dict | None:
    """:func:`finish_preserve`; a failure raises the alarm (as :func:`preserve_or_alarm`)."""
    try:
        return finish_preserve(started)
    except ConflictError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure must become a visible alarm
        _not_preserved(started.record, started.reason, error)
        return None


def _not_preserved(record, reason: str, error: Exception) -> None:
    if not isinstance(error, ArchiveError):
        error = ArchiveError(f"{type(error).__name__}: {error}", [], 500, "PreservationError")
    subject = record.archival_code or record.UID()
    alarms.raise_alarm(
        alarms.NOT_PRESERVED,
        subject,
        f"{reason}: {error}",
        details={"uid": record.UID(), "errors": error.as_dict()["errors"]},
    )
    logger.error("could not preserve %s: %s", subject, error)


def relpath_of(record, version: int) -> str:
    return aip_relpath(record.fonds_code, str(record.year), record.archival_code, version)


# --- new versions after changes: once per transaction, before commit -----------------------


def queue(record) -> None:
    """Re-preserve ``record`` before this transaction commits (if it changed).

    A destroyed record (已销毁) gets no new version: its files are gone by design and the
    destruction itself is in the ledger; its earlier AIP versions stay as they were.
    """
    if _destroyed(record):
        return
    txn = transaction.get()
    pending = txn.data(_PENDING) if _has_data(txn) else None
    if pending is None:
        pending = {}
        txn.set_data(_PENDING, pending)
        txn.addBeforeCommitHook(flush, (txn,))
    pending[id(record)] = record


def queue_if_preserved(record) -> None:
    """Queue a new version of a record that has an AIP already (a new component, a metadata
    correction); written once, before the commit, if the record really differs."""
    if record is not None and last_version(record) is not None:
        queue(record)


def _destroyed(record) -> bool:
    return api.content.get_state(record, default=None) == "destroyed"


def _has_data(txn) -> bool:
    try:
        txn.data(_PENDING)
    except KeyError:
        return False
    return True


def flush(txn=None) -> list[dict]:
    """Write the queued new versions now (the before-commit hook; tests call it directly)."""
    txn = txn or transaction.get()
    if not _has_data(txn):
        return []
    pending = txn.data(_PENDING)
    written = []
    while pending:
        _, record = pending.popitem()
        if _destroyed(record):  # destroyed later in the same transaction
            continue
        entry = preserve_or_alarm(record, "change")
        if entry:
            written.append(entry)
    return written
