"""What waits for whom (工作台的待办): counts from the catalog, never from woken records.

Each function returns plain dicts for the template: ``{"label": msgid, "count": n, "url": …}``.
Fonds are few and are looked at as objects (to read the user's local roles); records and
transfer batches are only counted as catalog brains.
"""

from __future__ import annotations

from datetime import date

from plone import api
from zope.i18nmessageid import MessageFactory

from sd.archive.browser.times import beijing_time
from sd.archive.core.messages import zh_first
from sd.archive.intake.rejections import ANNOTATION_KEY as REJECTIONS
from sd.archive.intake.review import PENDING_REVIEW
from sd.archive.preservation.alarms import open_alarms
from sd.archive.sitedata import site_tree
from sd.archive.transfer.outgoing import transfer_after_years

_p = MessageFactory("plone")  # workflow state titles are in Plone's domain

OFFICER_ROLE = "RecordsOfficer"
OPEN_BATCH_STATES = ("draft", "submitted", "checking", "awaiting_acceptance", "resubmitted")


def catalog():
    return api.portal.get_tool("portal_catalog")


def count(**query) -> int:
    """The number of catalog entries matching ``query`` (no object is woken)."""
    return len(catalog()(**query))


def path_of(brain_or_obj) -> str:
    if hasattr(brain_or_obj, "getPath"):
        return brain_or_obj.getPath()
    return "/".join(brain_or_obj.getPhysicalPath())


def all_fonds() -> list:
    return list(catalog()(portal_type="Fonds", sort_on="sortable_title"))


def officer_fonds(user) -> list:
    """The fonds where ``user`` holds 档案员 (RecordsOfficer), locally or site-wide."""
    found = []
    for brain in all_fonds():
        fonds = brain.getObject()
        if OFFICER_ROLE in user.getRolesInContext(fonds):
            found.append(brain)
    return found


def state_title(state: str, portal_type: str = "TransferBatch"):
    title = api.portal.get_tool("portal_workflow").getTitleForStateOnType(state, portal_type)
    return _p(title or state)


def review_backlog(fonds_brain) -> int:
    """Pre-archived records of a fonds that no rule decided (待人工整理), as the review queue
    lists them (``intake.review.pending_records``, before its per-record permission check)."""
    return count(
        portal_type="Record",
        review_state="pre_archived",
        arrangement_status=PENDING_REVIEW,
        path=path_of(fonds_brain),
    )


def due_for_transfer(fonds_brain, today: date | None = None) -> int:
    """Archived records kept at least the transfer period (到期应移交), as ``eligible`` counts."""
    latest = (today or date.today()).year - transfer_after_years()
    return count(
        portal_type="Record",
        review_state="archived",
        path=path_of(fonds_brain),
        archive_year={"query": latest, "range": "max"},
    )


def due_for_appraisal(fonds_brain, today: date | None = None) -> int:
    """Records of a fonds on its due list (到期档案清单, #25): expired or expiring within the
    default 12 months, never permanent or destroyed ones (they have no ``retention_due``)."""
    from sd.archive.core.retention import DEFAULT_WITHIN
    from sd.archive.core.retention import add_months
    from sd.archive.retention import NOT_HELD
    from sd.archive.retention import today as beijing_today

    return count(
        portal_type="Record",
        path=path_of(fonds_brain),
        review_state={"not": sorted(NOT_HELD)},
        retention_due={
            "query": add_months(today or beijing_today(), DEFAULT_WITHIN),
            "range": "max",
        },
    )


def rejections(fonds_codes: set[str] | None = None, limit: int = 5) -> tuple[int, list[dict]]:
    """(number, newest ``limit``) of intake rejections (拒收记录), of the given fonds or all."""
    tree = site_tree(api.portal.get(), REJECTIONS, False)
    if tree is None:
        return 0, []
    found = [e for e in tree.values() if fonds_codes is None or e.get("fonds_code") in fonds_codes]
    found.sort(key=lambda e: e["time"], reverse=True)
    newest = [
        {
            "time": beijing_time(e.get("time")),
            "fonds": e.get("fonds_code", ""),
            "record_id": e.get("electronic_record_id", ""),
            "message": zh_first(e.get("message", ""), type_=e.get("type", "")),
        }
        for e in found[:limit]
    ]
    return len(found), newest


def batches(path: str | None = None, review_state=None, limit: int = 10) -> tuple[int, list]:
    """(number, newest ``limit`` as dicts) of transfer batches (移交批次)."""
    query = {"portal_type": "TransferBatch", "sort_on": "modified", "sort_order": "descending"}
    if path:
        query["path"] = path
    if review_state:
        query["review_state"] = review_state
    brains = catalog()(**query)
    rows = [
        {
            "title": b.Title or b.getId,
            "url": f"{b.getURL()}/@@transfer-batch",
            "state": state_title(b.review_state),
            "modified": beijing_time(b.modified) if b.modified else "",
        }
        for b in brains[:limit]
    ]
    return len(brains), rows


def batch_states(path: str) -> list[dict]:
    """Transfer batches of a fonds per workflow state (移交批次状态)."""
    brains = catalog()(portal_type="TransferBatch", path=path)
    counts: dict[str, int] = {}
    for b in brains:
        counts[b.review_state] = counts.get(b.review_state, 0) + 1
    return [{"label": state_title(s), "count": n} for s, n in sorted(counts.items())]


def alarm_count() -> int:
    return len(open_alarms())


def access_waiting(roles: set[str]) -> int:
    """Access requests (利用申请) waiting for this approver's step: 待审批 for the archivist,
    待复审 for a leader (catalog count; the catalog's security filter applies)."""
    states = []
    if roles & {"Manager", "Archivist"}:
        states.append("pending")
    if roles & {"Manager", "Leader"}:
        states.append("second_review")
    if not states:
        return 0
    return len(catalog()(portal_type="AccessRequest", review_state=states))


def my_access_requests(user_id: str) -> int:
    """The user's own requests still open or in their period (我的利用申请): counted by the
    catalog, an approved request dropping out the day after its period (its ``expires``)."""
    from DateTime import DateTime

    return len(
        catalog()(
            portal_type="AccessRequest",
            Creator=user_id,
            review_state=["draft", "pending", "second_review", "approved"],
            expires={"query": DateTime(), "range": "min"},
            show_inactive=True,
        )
    )
