"""The per-agency counters (监督指标汇总), kept current by events, rebuilt by a script.

Subscribers (``configure.zcml``) note each record an event touched; once per transaction,
before commit, each noted record is read once (:func:`read_facts`) and the difference
between what it contributed before and what it contributes now is applied
(:func:`sd.archive.core.supervision.facts.delta`). So the dashboard reads a few hundred
counters instead of a million records, and figures are current as soon as the event's
transaction commits.

Site annotations (:func:`sd.archive.sitedata.site_tree`; reading never writes):

- ``COUNTS``: ``(fonds, year, metric, category)`` → ``BTrees.Length.Length`` (conflict-free
  increments, so concurrent intake does not make a hot spot);
- ``CONTRIB``: record UID → what it contributes now (its counter keys and amounts, its 文号
  key, its listed metrics), so a change or a removal subtracts exactly what was added, whatever
  the settings were then;
- ``MEMBERS``: ``(fonds, year, metric)`` → UIDs of the records behind a listed figure (明细);
- ``NUMBERS``: ``(fonds, year, series)`` → ``{文号 number: records}`` for series gaps.

Rejections (拒收) are added by :func:`rejection_added`, which hears ``intake.rejections``'
``IRejectionAddedEvent``.
"""

from __future__ import annotations

import weakref
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import transaction
from BTrees.IIBTree import IIBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from plone import api
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations

from sd.archive import logger
from sd.archive.core.supervision.facts import LISTED
from sd.archive.core.supervision.facts import RecordFacts
from sd.archive.core.supervision.facts import contributions
from sd.archive.core.supervision.facts import number_key
from sd.archive.core.supervision.facts import rejection_contributions
from sd.archive.sitedata import site_tree
from sd.archive.supervision.settings import deadline_rules

COUNTS = "sd.archive.supervision.counts"
CONTRIB = "sd.archive.supervision.contrib"
MEMBERS = "sd.archive.supervision.members"
NUMBERS = "sd.archive.supervision.numbers"
BEIJING = timezone(timedelta(hours=8))
#: detection items that check a record's components (组件缺失)
COMPONENT_CHECKS = ("component_count", "files_listed", "component_bytes")

_pending: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# --- reading one record ---------------------------------------------------------------------


def beijing_date(value) -> date | None:
    """A DateTime, datetime, date or ISO text as the day in Beijing."""
    if value is None or value == "":
        return None
    if hasattr(value, "asdatetime"):  # Zope DateTime
        value = value.asdatetime()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(BEIJING).date()
    if isinstance(value, date):
        return value
    return None


def archived_on(record) -> date | None:
    """The day of the record's last ``archive`` transition (归档日期), from its workflow history."""
    found = None
    for entries in (getattr(record, "workflow_history", None) or {}).values():
        for entry in entries:
            if entry.get("action") == "archive":
                found = entry.get("time")
    return beijing_date(found)


def _components(record) -> list:
    from sd.archive.interfaces import IComponent

    return [c for c in record.objectValues() if IComponent.providedBy(c)]


def _component_items() -> set[str]:
    from sd.archive.core.detection.catalogue import load_catalogue

    return {i.code for i in load_catalogue().items if i.check in COMPONENT_CHECKS}


def components_missing(record) -> bool:
    """No component at all, or the latest detection run failed a component check (组件缺失)."""
    if not _components(record):
        return True
    reports = getattr(record, "detection_reports", None) or []
    if not reports:
        return False
    wanted = _component_items()
    return any(
        item.get("code") in wanted and item.get("result") == "failed"
        for item in reports[-1].get("items", [])
    )


def seal_failed(record) -> bool:
    """A seal or signature of the record that did not verify (签章验证失败)."""
    return any(f.get("status") == "invalid" for f in getattr(record, "seal_findings", None) or [])


def read_facts(record) -> RecordFacts | None:
    """The facts of one record (指标事实), None for something that is not a record of a fonds."""
    fonds = getattr(record, "fonds_code", None)
    uid = IUUID(record, None)
    if not fonds or not uid:
        return None
    state = api.portal.get_tool("portal_workflow").getInfoFor(record, "review_state", "")
    document_date = beijing_date(getattr(record, "document_date", None))
    year = getattr(record, "year", None) or (document_date.year if document_date else 0)
    return RecordFacts(
        uid=uid,
        fonds=fonds,
        year=int(year or 0),
        category=getattr(record, "category_code", None) or "",
        kind=getattr(record, "record_kind", None) or "",
        state=state,
        document_number=getattr(record, "document_number", None) or "",
        document_date=document_date,
        completed_at=beijing_date(getattr(record, "completed_at", None)),
        received_on=beijing_date(record.created()),
        archived_on=archived_on(record),
        components_missing=components_missing(record),
        seal_failed=seal_failed(record),
        corrections=len(getattr(record, "correction_log", None) or []),
        rules=deadline_rules(),
    )


# --- applying differences -------------------------------------------------------------------


def _add(tree, key, amount: int) -> None:
    counter = tree.get(key)
    if counter is None:
        counter = tree[key] = Length(0)
    counter.change(amount)


def apply(portal, uid: str, facts: RecordFacts | None) -> None:
    """Make the counters hold ``facts`` for record ``uid`` (None: the record is gone)."""
    contrib = site_tree(portal, CONTRIB, create=facts is not None)
    if contrib is None:
        return
    old = contrib.get(uid)
    new = _stored(facts)
    if old == new:
        return
    counts = site_tree(portal, COUNTS, create=True)
    before = dict(old["counts"]) if old else {}
    after = dict(new["counts"]) if new else {}
    for key in before.keys() | after.keys():
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            _add(counts, key, change)
    _move_members(portal, uid, old, new)
    _move_number(portal, old and old["number"], new and new["number"])
    if new is None:
        contrib.pop(uid, None)
    else:
        contrib[uid] = new


def _stored(facts: RecordFacts | None) -> dict | None:
    if facts is None:
        return None
    counts = contributions(facts)
    return {
        "counts": tuple(sorted(counts.items())),
        "number": number_key(facts),
        "listed": tuple(
            sorted((k[0], k[1], k[2]) for k in counts if k[2] in LISTED and k[3] is not None)
        ),
    }


def _move_members(portal, uid, old, new) -> None:
    before = set(old["listed"]) if old else set()
    after = set(new["listed"]) if new else set()
    if before == after:
        return
    members = site_tree(portal, MEMBERS, create=True)
    for key in before - after:
        found = members.get(key)
        if found is not None and uid in found:
            found.remove(uid)
    for key in after - before:
        found = members.get(key)
        if found is None:
            found = members[key] = OOTreeSet()
        found.insert(uid)


def _move_number(portal, old, new) -> None:
    if old == new:
        return
    numbers = site_tree(portal, NUMBERS, create=True)
    if old:
        present = numbers.get(tuple(old[:3]))
        if present is not None and old[3] in present:
            left = present[old[3]] - 1
            if left > 0:
                present[old[3]] = left
            else:
                del present[old[3]]
    if new:
        key = tuple(new[:3])
        present = numbers.get(key)
        if present is None:
            present = numbers[key] = IIBTree()
        present[new[3]] = present.get(new[3], 0) + 1


def rejection_added(portal, event) -> None:
    """A package refused at intake (拒收, ``IRejectionAddedEvent``): counted."""
    count_rejection(portal, event.entry)


def count_rejection(portal, entry) -> None:
    """A kept rejection: ``rejected`` and ``rejected_item`` per failed item."""
    fonds = entry.get("fonds_code") or ""
    if not fonds:
        return
    day = beijing_date(entry.get("time")) or date.today()
    codes = [e.get("code") for e in entry.get("errors", []) if e.get("code")]
    counts = site_tree(portal, COUNTS, create=True)
    for key, amount in rejection_contributions(fonds, day.year, codes).items():
        _add(counts, key, amount)


# --- noting records during a transaction ------------------------------------------------------


def _noted() -> dict:
    """The records noted in the current transaction (UID → record, None when removed)."""
    txn = transaction.get()
    noted = _pending.get(txn)
    if noted is None:
        noted = _pending[txn] = {}
        txn.addBeforeCommitHook(_flush_hook, (txn,))
    return noted


def note(record) -> None:
    """Remember ``record`` for the before-commit update of this transaction."""
    uid = IUUID(record, None)
    if uid:
        _noted()[uid] = record


def note_removed(record) -> None:
    """Remember that ``record`` is gone: its contributions are taken away before commit."""
    uid = IUUID(record, None)
    if uid:
        _noted()[uid] = None


def _flush_hook(txn) -> None:
    try:
        flush(txn)
    except Exception:  # the figures must never cost a record its commit; rebuild mends them
        logger.exception("supervision counters not updated; run scripts/supervision_rebuild.py")


def flush(txn=None) -> int:
    """Apply the records noted in ``txn`` (the current transaction) now; their number."""
    txn = txn or transaction.get()
    noted = _pending.pop(txn, None) or {}
    if not noted:
        return 0
    portal = api.portal.get()
    for uid, record in noted.items():
        if record is None or getattr(record, "__parent__", None) is None:
            apply(portal, uid, None)
        else:
            apply(portal, uid, read_facts(record))
    return len(noted)


# --- rebuild --------------------------------------------------------------------------------


def rebuild(portal, batch: int = 1000, commit: bool = False) -> int:
    """Forget every counter and read every record and rejection again (重建); the number of
    records read. ``commit``: commit every ``batch`` records (the rebuild script)."""
    from sd.archive.intake.rejections import ANNOTATION_KEY as REJECTIONS

    annotations = IAnnotations(portal)
    for key in (COUNTS, CONTRIB, MEMBERS, NUMBERS):
        annotations[key] = OOBTree()
    catalog = api.portal.get_tool("portal_catalog")
    n = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="Record"):
        record = brain._unrestrictedGetObject()
        apply(portal, brain.UID, read_facts(record))
        n += 1
        if commit and n % batch == 0:
            transaction.commit()
    for entry in (site_tree(portal, REJECTIONS) or {}).values():
        count_rejection(portal, entry)
    if commit:
        transaction.commit()
    return n
