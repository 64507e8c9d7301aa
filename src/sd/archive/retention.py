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

from Products.CMFCore.indexing import processQueue

from sd.archive.core import retention

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


def update_expiry(record) -> None:
    """Set ``retention_expiry`` from the period and the basis (None for permanent or unknown)."""
    period = getattr(record, "retention_period", None)
    basis = retention_basis(record)
    expiry = None
    if period and basis is not None and retention.is_valid_code(period):
        expiry = retention.expiry_date(basis, period)
    if getattr(record, "retention_expiry", None) != expiry:
        record.retention_expiry = expiry


def record_disposition(record, action: str | None) -> None:
    """The disposition state after a transition (处置); after 'destroy' only a tombstone with
    the metadata stays (销毁留存元数据)."""
    if action == "destroy":
        # the destroyed state grants nobody 'Delete objects': remove the files unrestricted,
        # after pending catalog work so the components are unindexed cleanly
        processQueue()
        for component_id in list(record.objectIds()):
            record._delObject(component_id)
        record.disposition_state = retention.Disposition.DESTROYED.value
        record.reindexObject()
    elif action in ("retain", "retain_holdings"):
        record.disposition_state = retention.Disposition.RETAINED.value
    elif action in ("appraise", "appraise_holdings"):
        record.disposition_state = retention.Disposition.DUE.value
