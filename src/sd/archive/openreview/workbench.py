"""The reviewers' queue on the workbench (开放审核待办, #25): records whose closure has ended
and are in no batch yet, batches still being decided, batches the current user may approve.
Shown only to users who review open access for at least one fonds."""

from __future__ import annotations

from plone import api

from sd.archive.core.openreview import rules
from sd.archive.openreview import batches
from sd.archive.openreview import proposal
from sd.archive.retention import today


def _served_fonds() -> list:
    catalog = api.portal.get_tool("portal_catalog")
    found = []
    for brain in catalog.unrestrictedSearchResults(portal_type="Fonds"):
        fonds = brain._unrestrictedGetObject()
        if batches.serves(fonds):
            found.append(fonds)
    return found


def block(view) -> dict | None:
    if api.user.is_anonymous():
        return None
    served = _served_fonds()
    if not served:
        return None
    me = api.user.get_current().getId()
    pending = batches.storage()["pending"]
    on = today()
    due = sum(
        1
        for fonds in served
        for brain in proposal.due_brains(fonds, on)
        if brain.UID not in pending
    )
    deciding, to_approve = [], []
    for batch in batches.visible_batches():
        if batch.state not in (rules.DECIDING, rules.RELEASING):
            continue
        entry = {
            "url": f"{api.portal.get().absolute_url()}/@@openreview-batch?id={batch.id}",
            "title": f"{batch.id} {batch.title}",
            "fonds": batch.fonds_code,
        }
        if batch.state == rules.DECIDING and batch.undecided():
            deciding.append(entry)
        elif me != batch.proposer and me not in batch.deciders():
            to_approve.append(entry)
    url = f"{api.portal.get().absolute_url()}/@@openreview"
    return {
        "queues": [
            {
                "id": "openreview-due",
                "label": "封闭期已满、待开放审核的档案",
                "count": due,
                "url": url,
            },
            {
                "id": "openreview-deciding",
                "label": "审核中的开放审核批次",
                "count": len(deciding),
                "url": url,
            },
            {
                "id": "openreview-approve",
                "label": "待我批准的开放审核批次",
                "count": len(to_approve),
                "url": url,
            },
        ],
        "batches": (to_approve + deciding)[:10],
    }
