"""Retention dates of a record (保管期限日期): the one place that sets ``retention_expiry``.

Called whenever a record gets or changes its retention period or the inputs of its start:
intake and transfer (the code is accepted or assigned), the review queue (assigned), a code
correction (renumbered), a correction of description and a plain edit of a pre-archived
record. The rules themselves are ``sd.archive.core.retention``: a fixed period counts from
1 January of the year after the record's year (年度); an explicit ``retention_start``
(起算日期) counts instead. The start is never written here, so an edit that does not touch
the inputs changes nothing and logs nothing. The disposition state after appraisal, retention
or destruction (处置) is set here too (:func:`record_disposition`).
"""

from __future__ import annotations

import datetime
import time

from Acquisition import aq_base
from BTrees.IIBTree import IISet
from BTrees.IIBTree import IITreeSet
from BTrees.IIBTree import difference
from BTrees.IIBTree import intersection
from plone import api
from zope.lifecycleevent import ObjectRemovedEvent

from sd.archive.core import retention
from sd.archive.core.errors import ArchiveError

#: the fields the expiry is computed from
INPUTS = ("retention_period", "retention_start", "year", "document_date")


def retention_basis(record):
    """The date or year the period counts from: the explicit start, else the year (年度),
    else the document's date; None when none is known."""
    start = getattr(record, "retention_start", None)
    if start is not None:
        return start
    year = getattr(record, "year", None)
    if year:
        return int(year)
    return getattr(record, "document_date", None)


def computed_expiry(record) -> datetime.date | None:
    """The expiry the record should carry (None for permanent or unknown inputs)."""
    period = getattr(record, "retention_period", None)
    basis = retention_basis(record)
    if period and basis is not None and retention.is_valid_code(period):
        return retention.expiry_date(basis, period)
    return None


def update_expiry(record) -> bool:
    """Set ``retention_expiry`` from the period and the basis (None for permanent or unknown);
    True when it changed."""
    expiry = computed_expiry(record)
    if getattr(record, "retention_expiry", None) != expiry:
        record.retention_expiry = expiry
        return True
    return False


def due_date(record) -> datetime.date | None:
    """The day after which the record is due for appraisal (到期日期, indexed as
    ``retention_due``): the next review date once an appraisal kept it, else its expiry;
    None for permanent and destroyed records (never due)."""
    state = getattr(record, "disposition_state", None)
    if state == retention.Disposition.DESTROYED.value:
        return None
    if state == retention.Disposition.RETAINED.value:
        return getattr(record, "next_review", None)
    code = getattr(record, "retention_period", None)
    if code and retention.is_valid_code(code) and retention.parse_period(code).permanent:
        return None
    return getattr(record, "retention_expiry", None)


def today() -> datetime.date:
    """Today in Beijing (the archive's calendar)."""
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()


class DestructionRefused(ArchiveError):
    """The record may not be destroyed (不得销毁): 409, nothing changes."""

    def __init__(self, problems):
        super().__init__(
            "the record may not be destroyed (不得销毁)", problems, 409, "DestructionRefused"
        )


def destruction_problems(record, on: datetime.date | None = None) -> list:
    """The rules a destruction of ``record`` would break today (empty when it may go)."""
    return retention.destruction_problems(
        getattr(record, "retention_period", None),
        due_date(record),
        on or today(),
        getattr(record, "holds", None) or (),
        getattr(record, "archival_code", None) or record.getId(),
    )


def check_destruction(record, on: datetime.date | None = None) -> None:
    """Raise :class:`DestructionRefused` unless ``record`` may be destroyed today."""
    problems = destruction_problems(record, on)
    if problems:
        raise DestructionRefused(problems)


def recompute_expiry(portal, batch: int = 500, progress=print, commit=None) -> dict:
    """Compute the expiry of every existing record (补算保管期满日; upgrade-style).

    Walks the records through the catalog, sets ``retention_expiry`` where it is missing or
    wrong and reindexes the dates; ``commit`` (e.g. ``transaction.commit``) is called every
    ``batch`` records; ``progress`` gets a line per batch (done/total, records/s). Returns
    ``{"total", "changed"}``. Idempotent: run again, it changes nothing.
    """
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="Record")
    total, changed, started = len(brains), 0, time.monotonic()
    for done, brain in enumerate(brains, 1):
        record = brain._unrestrictedGetObject()
        if update_expiry(record):
            changed += 1
        record.reindexObject(idxs=["retention_due"])
        if done % batch == 0 or done == total:
            if commit is not None:
                commit()
            rate = done / max(time.monotonic() - started, 1e-6)
            progress(f"{done}/{total} records, {changed} changed, {rate:.0f} records/s")
    return {"total": total, "changed": changed}


def record_disposition(record, action: str | None) -> None:
    """The disposition state after a transition (处置); after 'destroy' only a tombstone with
    the metadata stays (销毁留存元数据)."""
    if action == "destroy":
        # Components are never catalogued, so nothing is flushed first: the workflow's
        # queued partial reindex and the tombstone's full one below merge into ONE catalog
        # pass of the record (#25: 10,000 records a batch; a test counts the passes)
        destroy_files(record)
        record.disposition_state = retention.Disposition.DESTROYED.value
        record.reindexObject()
    elif action in ("retain", "retain_holdings"):
        # kept (经鉴定继续保存): due again at its next review date, none set yet → off the list
        record.disposition_state = retention.Disposition.RETAINED.value
        record.reindexObject(idxs=["retention_due"])
    elif action in ("appraise", "appraise_holdings"):
        record.disposition_state = retention.Disposition.DUE.value


def destroy_files(record) -> list[dict]:
    """The files of a destroyed record go (销毁电子文件); returns what went.

    Taken out of the record unrestricted (the destroyed state grants nobody 'Delete
    objects'), their int ids released, and ONE audit entry for the record naming every file
    (``content.removed``, ``details.files``: id, uid, file name) instead of the generic
    removal event per file: its Plone subscribers (relations, versions, content rules,
    caching, redirects, a record-modified event) have nothing to do for a record's file and
    cost ~5 ms a file (#25: 10,000 records a batch). The supervision figures follow the
    record's transition, the record is reindexed once by the caller."""
    from five.intid.intid import removeIntIdSubscriber

    from sd.archive import audit

    files = []
    for component_id in list(record.objectIds()):
        component = record._getOb(component_id)
        named = getattr(aq_base(component), "file", None)
        files.append(
            {
                "id": component_id,
                "uid": component.UID(),
                "filename": getattr(named, "filename", "") or "",
            }
        )
        record._delObject(component_id, suppress_events=True)
        removeIntIdSubscriber(component, ObjectRemovedEvent(component, record, component_id))
    if files:
        audit.log(
            "content.removed",
            None,
            path="/".join(record.getPhysicalPath()),
            details={
                "type": "Component",
                "uid": record.UID(),
                "code": getattr(aq_base(record), "archival_code", "") or "",
                "files": files,
            },
        )
    return files


def keep_for(record, years: int, on: datetime.date | None = None) -> datetime.date:
    """After a "keep N more years" decision (继续保存N年): the next review date, set here and
    only here (``next_review``, due again the day after it) and indexed; returns the date."""
    record.next_review = retention.next_review_date(on or today(), years)
    record.reindexObject(idxs=["retention_due"])
    return record.next_review


#: states whose records are not (or no longer) in the holdings: never on a due list
NOT_HELD = frozenset({"pre_archived", "rejected", "destroyed"})


def _due_rids(catalog, fonds, within: int, on: datetime.date):
    """The catalog record ids of the fonds' due list, unsorted, as the current user may see
    them (the catalog adds its security filter). Two indexes only: the fonds' path and the
    ``retention_due`` range (records are the only entries with a due date: no
    ``portal_type``); the states that are not in the holdings are taken out with their own
    small sets (a ``not`` query may start from every entry of the catalog)."""
    found = catalog.searchResults(
        path="/".join(fonds.getPhysicalPath()),
        retention_due={"query": retention.add_months(on, within), "range": "max"},
    )
    if not len(found):
        return IISet()
    rids = getattr(found, "_seq", None)  # the result set of the unsorted search
    if not isinstance(rids, IISet | IITreeSet):  # a list, or a catalog answering otherwise
        rids = IISet(rids if isinstance(rids, list) else [b.getRID() for b in found])
    not_held = catalog._catalog.getIndex("review_state")._apply_not(sorted(NOT_HELD))
    return difference(rids, not_held) if not_held else rids


def _soonest_first(catalog, rids, bound: datetime.date, wanted: int | None) -> list[int]:
    """``rids`` in due-date order, the first ``wanted`` (all when None): the ``retention_due``
    index is walked from its earliest day, each day's set cut to ``rids`` (sets the range
    query read already), never the index's value per entry (``documentToKeyMap``: every
    bucket of it, what the catalog's own sort read cold). Within a day: catalog order."""
    index = catalog._catalog.getIndex("retention_due")
    ordered: list[int] = []
    for _day, docids in index._index.items(None, index._convert(bound)):
        if isinstance(docids, int):
            docids = IISet((docids,))
        ordered.extend(intersection(docids, rids))
        if wanted is not None and len(ordered) >= wanted:
            break
    return ordered[:wanted]


def due_page(
    fonds,
    within: int = retention.DEFAULT_WITHIN,
    on: datetime.date | None = None,
    start: int = 0,
    size: int | None = None,
) -> tuple[int, list[dict]]:
    """The fonds' records due for appraisal (到期档案清单): ``(total, rows)``, the rows of one
    page (``start``, ``size``; every row when ``size`` is None). Expired, or expiring within
    ``within`` months, soonest first; permanent records never (they have no due date).

    Read from the catalog (index ``retention_due``, the metadata of the page's rows only):
    no record is woken (#25: 100,000 records a fonds, the first page in ≤ 1 s cold). Only
    the records the current user may view are listed. Each row: ``uid, url, archival_code,
    title, year, retention_period, retention_label, due, status, status_label,
    review_state``; a page is ordered by due date, then archival code.
    """
    on = on or today()
    catalog = api.portal.get_tool("portal_catalog")
    rids = _due_rids(catalog, fonds, within, on)
    bound = retention.add_months(on, within)
    page = _soonest_first(catalog, rids, bound, None if size is None else start + size)[start:]
    entries = catalog._catalog
    rows = []
    for rid in page:
        brain = entries[rid]
        due = brain.retention_due
        status = retention.due_status(due, on, within)
        if status is None:  # pragma: no cover - the index query already bounds it
            continue
        code = brain.retention_period or ""
        rows.append(
            {
                "uid": brain.UID,
                "url": brain.getURL(),
                "archival_code": brain.archival_code or "",
                "title": brain.Title or "",
                "year": brain.archive_year,
                "retention_period": code,
                "retention_label": retention.label(code) if retention.is_valid_code(code) else "",
                "due": due,
                "status": status.value,
                "status_label": status.label_zh,
                "review_state": brain.review_state,
            }
        )
    rows.sort(key=lambda r: (r["due"], r["archival_code"]))
    return len(rids), rows


def due_list(
    fonds,
    within: int = retention.DEFAULT_WITHIN,
    on: datetime.date | None = None,
    start: int = 0,
    size: int | None = None,
) -> list[dict]:
    """The rows of :func:`due_page` (every row when ``size`` is None: the XLSX export)."""
    return due_page(fonds, within, on, start, size)[1]


def due_count(
    fonds, within: int = retention.DEFAULT_WITHIN, on: datetime.date | None = None
) -> int:
    """How many records of the fonds are on its due list (the workbench's count); no row read."""
    catalog = api.portal.get_tool("portal_catalog")
    return len(_due_rids(catalog, fonds, within, on or today()))
