"""The workbench's block of rectification notices (工作台·整改通知): for a supervisor, the
notices waiting for their review and every overdue one; for an agency's records officer, the
notices of their agencies still owed an answer, the overdue ones first. Catalog only (the
few overdue notices listed are woken for their deadline)."""

from __future__ import annotations

from plone import api

from sd.archive import _
from sd.archive.core.rectification import rules
from sd.archive.rectification import lists
from sd.archive.rectification import notices


def _rows(brains, limit: int = 10) -> list[dict]:
    rows = []
    for brain in brains[:limit]:
        notice = brain.getObject()
        rows.append(
            {
                "url": brain.getURL(),
                "number": notice.notice_number,
                "fonds": notice.fonds_code,
                "title": brain.Title,
                "deadline": notice.deadline.isoformat() if notice.deadline else "",
                "days": rules.days_overdue(brain.review_state, notice.deadline, notices.today()),
            }
        )
    return rows


def block(portal_url: str, supervisor: bool, fonds_codes: list[str]) -> dict | None:
    """The block's queues and overdue rows; None when the user has nothing to do with notices."""
    if not supervisor and not fonds_codes:
        return None
    url = f"{portal_url}/@@rectification-notices"
    if supervisor:
        overdue = lists.overdue_notices()
        queues = [
            {
                "id": "rectification-review",
                "label": _("Answered notices to review"),
                "count": len(lists.catalog_notices(review_state=rules.ANSWERED)),
                "url": f"{url}?state={rules.ANSWERED}",
            },
            {
                "id": "rectification-open",
                "label": _("Notices awaiting the agencies' answer"),
                "count": len(lists.catalog_notices(review_state=list(rules.OPEN_STATES))),
                "url": f"{url}?state={rules.ISSUED}",
            },
        ]
    else:
        overdue = lists.overdue_notices(fonds_codes)
        queues = [
            {
                "id": "rectification-to-answer",
                "label": _("Notices to answer"),
                "count": len(
                    lists.catalog_notices(
                        review_state=list(rules.OPEN_STATES), fonds_code=fonds_codes
                    )
                ),
                "url": url,
            }
        ]
    queues.append(
        {
            "id": "rectification-overdue",
            "label": _("Overdue rectification notices"),
            "count": len(overdue),
            "url": f"{url}?overdue=1",
        }
    )
    return {"queues": queues, "overdue": _rows(overdue), "issue": supervisor}


def for_user(view) -> dict | None:
    """The block for the workbench ``view`` (its user, roles and fonds)."""
    if view.anonymous:
        return None
    supervisor = api.user.has_permission(notices.SUPERVISE, obj=view.portal)
    codes = [getattr(b, "fonds_code", "") or b.getId for b in view.my_fonds]
    if view.manager:
        supervisor, codes = True, []
    return block(view.portal_url, supervisor, codes)
