"""Counts declared by business systems (业务系统申报数) on the Plone side: stored per
(fonds, kind, period), a new report for the same period replacing the old one, each report
in the audit trail (``supervision.declared-count``); compared with the records archived
from the period by :mod:`.metrics`."""

from __future__ import annotations

from datetime import date

from persistent.mapping import PersistentMapping
from plone import api

from sd.archive import audit
from sd.archive.actors import now
from sd.archive.core.supervision.declared import KINDS
from sd.archive.core.supervision.declared import validate
from sd.archive.sitedata import site_tree
from sd.archive.supervision import access
from sd.archive.supervision.metrics import DECLARED
from sd.archive.supervision.metrics import archived_in_period


def report(body) -> dict:
    """Store one declaration from the caller (who must serve its fonds); the stored entry."""
    access.require_login()
    declared = validate(body)  # 422 before anything is looked up or stored
    fonds = access.fonds_for(declared.fonds, report=True)
    portal = api.portal.get()
    tree = site_tree(portal, DECLARED, create=True)
    previous = tree.get(declared.key)
    entry = PersistentMapping(count=declared.count, by=api.user.get_current().getId(), time=now())
    tree[declared.key] = entry
    audit.log(
        "supervision.declared-count",
        fonds,
        details={
            "kind": declared.kind,
            "start": declared.start.isoformat(),
            "end": declared.end.isoformat(),
            "count": declared.count,
            "replaced": previous["count"] if previous is not None else None,
        },
    )
    return as_dict(portal, declared.key, entry)


def as_dict(portal, key, entry) -> dict:
    fonds, kind, start, end = key
    archived = archived_in_period(
        portal, fonds, kind, date.fromisoformat(start), date.fromisoformat(end)
    )
    return {
        "fonds": fonds,
        "kind": kind,
        "kind_zh": KINDS[kind][1],
        "period_start": start,
        "period_end": end,
        "count": entry["count"],
        "archived": archived,
        "shortfall": max(0, entry["count"] - archived),
        "by": entry.get("by", ""),
        "time": entry.get("time", ""),
    }


def listing(fonds_codes, start: date | None = None, end: date | None = None) -> list[dict]:
    """The declarations of ``fonds_codes`` whose period meets ``start``–``end``."""
    portal = api.portal.get()
    tree = site_tree(portal, DECLARED)
    if tree is None:
        return []
    found = []
    for code in sorted(fonds_codes):
        for key, entry in tree.items(min=(code, "", "", ""), max=(code, "\uffff", "", "")):
            if start and key[3] < start.isoformat():
                continue
            if end and key[2] > end.isoformat():
                continue
            found.append(as_dict(portal, key, entry))
    return found
