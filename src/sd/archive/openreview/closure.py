"""Closure end of a record (封闭期满日): the one place the Plone side computes it.

The rules are ``sd.archive.core.openreview.closure``; this module feeds them the record's
year (年度, else its document date), its category (门类代码), the settings and the review's own
decisions (``open_status`` and ``open_next_review``). The value is not stored: the
``closure_end`` index and metadata column are computed from those inputs on every reindex,
so a correction of the year or a new decision moves it at once (:func:`reindex` after a
change of the settings).
"""

from __future__ import annotations

import datetime

from plone.indexer import indexer

from sd.archive.core.openreview import closure
from sd.archive.interfaces import IRecord
from sd.archive.openreview import settings


def closure_years(record, mapping: dict | None = None, default: int | None = None) -> int:
    mapping = settings.category_years() if mapping is None else mapping
    default = settings.default_years() if default is None else default
    return closure.closure_years(getattr(record, "category_code", None), mapping, default)


def computed_end(record, mapping=None, default=None) -> datetime.date | None:
    """The end of the record's closure period by law and category (None without a year)."""
    year = closure.record_year(
        getattr(record, "year", None), getattr(record, "document_date", None)
    )
    return closure.closure_end(year, closure_years(record, mapping, default))


def due(record, mapping=None, default=None) -> datetime.date | None:
    """The day after which the record is due for review (None once opened)."""
    return closure.due_date(
        computed_end(record, mapping, default),
        getattr(record, "open_status", None),
        getattr(record, "open_next_review", None),
    )


@indexer(IRecord)
def closure_end(obj):
    """封闭期满日 (#25): indexed for the review's due query; opened records have none."""
    value = due(obj)
    if value is None:
        raise AttributeError("closure_end")
    return value


def reindex(portal=None) -> int:
    """Recompute the index of every record (after a change of the closure settings)."""
    from plone import api

    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="Record")
    for brain in brains:
        brain._unrestrictedGetObject().reindexObject(idxs=["closure_end"])
    return len(brains)
