"""The records behind a supervision figure (指标明细)::

    records_behind(fonds, year, metric) -> list[dict]   the records behind a listed figure
        metric in ("late", "components_missing", "seal_failed", "corrected", "pending")
    number_gaps(fonds, year=None) -> list[dict]          the missing 文号 behind number_gaps

From catalog brains and the per-agency counters, never from the records.
"""

from __future__ import annotations

from plone import api

from sd.archive.sitedata import site_tree
from sd.archive.supervision import numbers
from sd.archive.supervision.aggregates import MEMBERS
from sd.archive.supervision.metrics import fonds_object

LISTED_METRICS = ("late", "components_missing", "seal_failed", "corrected", "pending")


def records_behind(fonds, year: int | None, metric: str, limit: int = 500) -> list[dict]:
    """The records behind a listed figure (指标明细): uid, title, 档号, 文号, state, url —
    from catalog brains, never from the records."""
    if metric not in LISTED_METRICS:
        raise KeyError(metric)
    fonds = fonds_object(fonds)
    members = site_tree(api.portal.get(), MEMBERS)
    if members is None:
        return []
    low, high = (year, year) if year is not None else (0, 9999)
    uids: list[str] = []
    for key, found in members.items(
        min=(fonds.fonds_code, low, ""), max=(fonds.fonds_code, high, "\uffff")
    ):
        if key[2] == metric:
            uids.extend(found)
    catalog = api.portal.get_tool("portal_catalog")
    rows = []
    for brain in (
        catalog.unrestrictedSearchResults(UID=uids[:limit], sort_on="archival_code") if uids else []
    ):
        rows.append(
            {
                "uid": brain.UID,
                "title": brain.Title,
                "archival_code": getattr(brain, "archival_code", "") or "",
                "document_number": getattr(brain, "document_number", "") or "",
                "document_date": getattr(brain, "document_date", None),
                "state": brain.review_state,
                "url": brain.getURL(),
            }
        )
    return rows


def number_gaps(fonds, year: int | None = None) -> list[dict]:
    """The missing 文号 of an agency, per series (发文断号明细)."""
    fonds = fonds_object(fonds)
    return [g.as_dict() for g in numbers.gaps(api.portal.get(), fonds, year)]
