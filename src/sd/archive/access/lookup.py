"""Finding access requests and the records they name (利用申请查找): the site's folder of
requests, catalog queries (mine, waiting for me), records by UID or 档号."""

from __future__ import annotations

from datetime import date

from AccessControl import getSecurityManager
from plone import api

from sd.archive.access import FOLDER_ID
from sd.archive.core.access import period
from sd.archive.core.access import rules
from sd.archive.core.errors import bad_request
from sd.archive.security.separation import ADMINISTRATOR_ROLES
from sd.archive.sitefolders import site_folder

MAX_RECORDS = 200
#: workflow states waiting for a decision (待审批, 待复审)
PENDING, SECOND = "pending", "second_review"


def today() -> date:
    return period.beijing_today()


def folder(create: bool = False):
    """The site's folder of requests (``/access-requests``); made by the first request."""
    return site_folder(FOLDER_ID, "AccessRequestFolder", "利用申请", create)


def catalog_requests(**query) -> list:
    """Catalog brains of access requests the current user may see (the catalog's own
    security filter: requesters see their own, approvers those past the draft), expired ones
    included (``show_inactive``: a request's expiration date is the end of its period)."""
    return api.portal.get_tool("portal_catalog").searchResults(
        portal_type="AccessRequest", show_inactive=True, **query
    )


def find_record(ref: str):
    """The record named by ``ref`` (UID or 档号), whoever asks (the requester usually may
    not see it: that is why they ask); None when there is none."""
    catalog = api.portal.get_tool("portal_catalog")
    ref = (ref or "").strip()
    if not ref or len(ref) > 120:
        return None
    brains = catalog.unrestrictedSearchResults(portal_type="Record", UID=ref)
    if not brains:
        brains = catalog.unrestrictedSearchResults(portal_type="Record", archival_code=ref)
    return brains[0]._unrestrictedGetObject() if brains else None


def facts(record) -> rules.RecordFacts:
    return rules.RecordFacts(
        ref=getattr(record, "archival_code", "") or record.UID(),
        state=api.content.get_state(record, default="") or "",
        security_level=getattr(record, "security_level", "") or "",
    )


def resolve(refs) -> list:
    """The records named in ``refs`` (a list of UIDs or 档号), each once; unknown ones are a
    400 naming them."""
    if refs is None:
        return []
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise bad_request(
            "records must be a list of UIDs or archival codes (档案须为 UID 或档号列表)",
            "access.records",
            "records",
        )
    if len(refs) > MAX_RECORDS:
        raise bad_request(
            f"at most {MAX_RECORDS} records per request (每次最多申请 {MAX_RECORDS} 件)",
            "access.records-limit",
            "records",
        )
    found, missing, seen = [], [], set()
    for ref in refs:
        record = find_record(ref)
        if record is None:
            missing.append(ref[:120])
        elif record.UID() not in seen:
            seen.add(record.UID())
            found.append(record)
    if missing:
        raise rules.unknown_records(missing)
    return found


def records_of(request) -> list:
    return [r for r in (find_record(uid) for uid in (request.records or [])) if r is not None]


def current_user_id() -> str:
    return getSecurityManager().getUser().getId() or ""


def mine() -> list:
    """The current user's own requests, newest first (我的利用申请)."""
    return list(
        catalog_requests(Creator=current_user_id(), sort_on="created", sort_order="descending")
    )


def waiting_for_me() -> list:
    """Requests at a step the current user takes (待我审批)."""
    roles = set(api.user.get_current().getRolesInContext(api.portal.get()))
    if roles & ADMINISTRATOR_ROLES:
        return []
    states = []
    if "Manager" in roles or "Archivist" in roles:
        states.append(PENDING)
    if "Manager" in roles or "Leader" in roles:
        states.append(SECOND)
    if not states:
        return []
    me = current_user_id()
    return [b for b in catalog_requests(review_state=states, sort_on="created") if b.Creator != me]
