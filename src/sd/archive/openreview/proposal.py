"""Proposal of a review batch (提出开放审核批次): the due records of a fonds, grouped."""

from __future__ import annotations

import datetime

from plone import api

from sd.archive.actors import actor
from sd.archive.core.openreview import rules
from sd.archive.openreview import closure
from sd.archive.openreview import settings
from sd.archive.openreview.batches import AGENCY_FLAG
from sd.archive.openreview.batches import REVIEWABLE
from sd.archive.openreview.batches import Batch
from sd.archive.openreview.batches import log_ledger
from sd.archive.openreview.batches import log_step
from sd.archive.openreview.batches import refuse
from sd.archive.openreview.batches import require
from sd.archive.openreview.batches import storage
from sd.archive.retention import today


def due_brains(fonds, until: datetime.date):
    catalog = api.portal.get_tool("portal_catalog")
    return catalog.unrestrictedSearchResults(
        portal_type="Record",
        path="/".join(fonds.getPhysicalPath()),
        review_state=list(REVIEWABLE),
        closure_end={"query": until, "range": "max"},
        sort_on="closure_end",
    )


def _next_id(year: int) -> str:
    store = storage()
    store["counter"] = store.get("counter", 0) + 1
    return f"KF-{year}-{store['counter']:04d}"


def propose(fonds, until: datetime.date | None = None, title: str = "", limit: int = 0) -> Batch:
    """Propose a batch of the records of ``fonds`` whose closure ended by ``until``."""
    require(fonds)
    until = until or today()
    store = storage()
    pending = store["pending"]
    chosen = []
    for brain in due_brains(fonds, until):
        if brain.UID in pending:
            continue
        record = brain._unrestrictedGetObject()
        if getattr(record, "holds", None):
            continue  # under hold (冻结): left for a later batch
        chosen.append(record)
        if limit and len(chosen) >= limit:
            break
    if not chosen:
        raise refuse(
            409,
            "OPENREVIEW-NOTHING-DUE",
            f"no record of this fonds is due for open-access review by {until} "
            "(没有封闭期已满、待审核的档案)",
            getattr(fonds, "fonds_code", ""),
            "until",
        )
    batch = Batch(_next_id(until.year), fonds, actor(), title, until)
    portal_path = len(api.portal.get().getPhysicalPath())
    for record in chosen:
        uid = record.UID()
        batch.items[uid] = {
            "code": getattr(record, "archival_code", "") or record.getId(),
            "title": record.Title(),
            "year": closure.closure.record_year(
                getattr(record, "year", None), getattr(record, "document_date", None)
            )
            or 0,
            "category": getattr(record, "category_code", "") or "",
            "closure_end": closure.due(record),
            "path": "/".join(record.getPhysicalPath()[portal_path:]),
            "fonds_code": batch.fonds_code,
        }
        pending[uid] = batch.id
    batch.size = len(batch.items)
    batch.second_review_needed = rules.needs_second_review(
        batch.size, settings.second_review_over()
    )
    batch.agency_needed = bool(getattr(fonds, AGENCY_FLAG, False))
    store["batches"][batch.id] = batch
    log_step(batch, "proposed", size=batch.size, until=until.isoformat())
    log_ledger(batch, "proposed")
    return batch
