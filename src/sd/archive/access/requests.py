"""Access requests (利用申请): made, submitted, decided, withdrawn, used, by recorded actions.

Every action here checks who may do it, changes the request, appends to its register of use
(``register.add``, which also logs the audit trail) and raises an
:class:`~sd.archive.core.errors.ArchiveError` (nothing stored) when a rule fails. Fields the
server keeps (number, requester, chain, decisions) are written only here.

The chain (审批链) comes from ``core.access.rules``: the archivist, and a leader after them for a
controlled (控制使用) record; the workflow (``sd_access_request_workflow``) maps
``sd.archive: Decide access requests`` to the Archivist in 待审批 and to the Leader in 待复审,
so a transition by anyone else is refused by the workflow itself.

An approved request ends by itself after its last day: :func:`state_of` reads it as 已到期 from
then on (no write on a read), and :func:`expire_due` moves such requests to the ``expired``
state (called by every write action here, and by ``make start``'s scheduler if any).
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from AccessControl import getSecurityManager
from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.lifecycleevent import modified

from sd.archive.access import DECIDE
from sd.archive.access import REQUEST_ACCESS
from sd.archive.access import register
from sd.archive.access.lookup import PENDING
from sd.archive.access.lookup import SECOND
from sd.archive.access.lookup import current_user_id
from sd.archive.access.lookup import facts
from sd.archive.access.lookup import folder
from sd.archive.access.lookup import records_of
from sd.archive.access.lookup import resolve
from sd.archive.access.lookup import today
from sd.archive.core.access import period
from sd.archive.core.access import rules
from sd.archive.core.access.numbers import request_number
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.errors import bad_request
from sd.archive.core.errors import forbidden
from sd.archive.core.errors import unauthorized
from sd.archive.recorded import recorded_transition
from sd.archive.security.separation import ADMINISTRATOR_ROLES
from sd.archive.sitedata import site_tree

NUMBERS_KEY = "sd.archive.access.numbers"
#: the role that takes each step of the chain (core.access.rules)
STEP_ROLES = {rules.ARCHIVIST: "Archivist", rules.LEADER: "Leader"}
#: workflow states (利用申请状态)
DRAFT, APPROVED = "draft", "approved"
REFUSED, EXPIRED, WITHDRAWN = "refused", "expired", "withdrawn"
OPEN_STATES = (DRAFT, PENDING, SECOND)


# -- dates ---------------------------------------------------------------------------------------


def set_expiry(request) -> None:
    """The request's expiration date (Dublin Core ``expires``, catalogued) is the first moment
    after its period, Beijing time: the workbench counts requests in use without waking them."""
    from datetime import datetime as dt
    from datetime import time as dtime

    from DateTime import DateTime

    if request.end:
        after = dt.combine(request.end + timedelta(days=1), dtime(0), tzinfo=period.BEIJING)
        request.expiration_date = DateTime(after.isoformat())
    else:
        request.expiration_date = None


# -- who -------------------------------------------------------------------------------------


def _check_requester() -> str:
    if api.user.is_anonymous():
        raise unauthorized("log in to ask for records (请登录后申请利用)")
    portal = api.portal.get()
    if not api.user.has_permission(REQUEST_ACCESS, obj=portal):
        raise forbidden(
            "this account may not ask for records (该账号不能申请利用)", "access.not-allowed"
        )
    roles = set(api.user.get_current().getRolesInContext(portal))
    if roles & ADMINISTRATOR_ROLES:
        raise forbidden(
            "the three administrators take no part in the use of records "
            "(三员不参与档案利用的申请与审批)",
            "access.administrator",
        )
    return current_user_id()


def is_requester(request) -> bool:
    return bool(request.requester) and request.requester == current_user_id()


def may_decide(request) -> bool:
    """The current user may take the request's current step (the workflow says)."""
    return api.user.has_permission(DECIDE, obj=request)


# -- state -----------------------------------------------------------------------------------


def state_of(request, on: date | None = None) -> str:
    """The request's state as people see it: an approved request after its last day reads
    as 已到期 even before :func:`expire_due` moved it."""
    state = api.content.get_state(request, default="")
    if state == APPROVED and period.expired(request.end, on or today()):
        return EXPIRED
    return state


def expire_due() -> int:
    """Move approved requests past their last day to ``expired`` (到期); the number moved."""
    catalog = api.portal.get_tool("portal_catalog")
    moved = 0
    for brain in catalog.unrestrictedSearchResults(
        portal_type="AccessRequest", review_state=APPROVED
    ):
        request = brain._unrestrictedGetObject()
        if period.expired(request.end, today()):
            # the guard is the calendar alone (``period_over``), whoever calls
            api.content.transition(request, transition="expire")
            register.add(request, "expired", who="system")
            moved += 1
    return moved


# -- making and submitting -------------------------------------------------------------------


def _number() -> str:
    """The next request number of this year (LY-2026-000123): a counter per year in the site
    annotations. Two requests made at the same moment conflict and one is retried by the
    publisher: requests are made by people, a few a minute, so that is rare and harmless."""
    tree = site_tree(api.portal.get(), NUMBERS_KEY, create=True)
    year = today().year
    tree[year] = tree.get(year, 0) + 1
    return request_number(year, tree[year])


def check_fields(data: dict) -> dict:
    """The requester's fields of ``data`` checked (400 naming the first rule that fails)."""
    unknown = set(data) - {
        "purpose",
        "purpose_text",
        "records",
        "scope_text",
        "form",
        "start",
        "end",
        "submit",
    }
    if unknown:
        raise bad_request(
            "unknown or server-maintained fields (不能填写的字段): " + ", ".join(sorted(unknown)),
            "access.field-not-writable",
            ",".join(sorted(unknown)),
        )
    for name in ("purpose", "purpose_text", "scope_text", "form", "start", "end"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise bad_request(f"{name} must be text (须为文本)", "access.field-type", name)
    purpose, purpose_text = rules.check_purpose(
        data.get("purpose") or "work", data.get("purpose_text")
    )
    form = rules.check_form(data.get("form") or rules.ONLINE)
    scope_text = (data.get("scope_text") or "").strip()
    if len(scope_text) > 4000:
        raise bad_request(
            "the scope text is too long (范围说明过长)", "access.scope-text", "scope_text"
        )
    records = resolve(data.get("records") or [])
    if not records and not scope_text:
        raise bad_request(
            "name the records or describe what you look for (请选择档案或说明利用范围)",
            "access.scope-missing",
            "records",
        )
    approvers = rules.chain([facts(r) for r in records])
    start, end = period.check_period(data.get("start"), data.get("end"), today())
    return {
        "purpose": purpose,
        "purpose_text": purpose_text,
        "form": form,
        "scope_text": scope_text,
        "records": [r.UID() for r in records],
        "start": start,
        "end": end,
        "approvers": list(approvers),
        "record_objects": records,
    }


def create_request(data: dict):
    """Make a request from ``data`` (the requester's fields; ``submit``: send it for approval
    at once, the default) and return it."""
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object", "request.not-json", "body")
    requester = _check_requester()
    values = check_fields(data)
    records = values.pop("record_objects")
    number = _number()
    container = folder(create=True)
    request = createContentInContainer(
        container,
        "AccessRequest",
        checkConstraints=False,
        id=number.lower(),
        title=f"{number} 利用申请",
        **{k: v for k, v in values.items() if k != "approvers"},
    )
    request.request_number = number
    request.requester = requester
    request.approvers = list(values["approvers"])
    request.decisions = []
    request.creators = (requester,)
    request.changeOwnership(getSecurityManager().getUser())
    request.manage_setLocalRoles(requester, ["Owner"])
    set_expiry(request)
    request.reindexObjectSecurity()
    register.add(request, "requested", details={"records": [facts(r).ref for r in records]})
    if data.get("submit", True) is not False:
        submit(request)
    request.reindexObject()  # number, requester, expiry: set after the add indexed it
    return request


def update_draft(request, data: dict) -> None:
    """Change a draft's fields (only the requester, only while a draft)."""
    if not is_requester(request):
        raise forbidden(
            "only the requester changes a request (只有申请人能修改)", "access.not-requester"
        )
    if api.content.get_state(request) != DRAFT:
        raise ArchiveError(
            "a submitted request no longer changes (已提交的申请不能修改)",
            [Problem("access.not-draft", "not a draft", request.request_number, "state")],
            409,
            "Conflict",
        )
    merged = {
        k: getattr(request, k, None) for k in ("purpose", "purpose_text", "scope_text", "form")
    }
    merged["records"] = list(request.records or [])
    merged.update({k: v for k, v in data.items() if k != "submit"})
    for key in ("start", "end"):
        merged.setdefault(key, None)
        if isinstance(merged[key], date):
            merged[key] = merged[key].isoformat()
    values = check_fields(merged)
    values.pop("record_objects")
    request.approvers = list(values.pop("approvers"))
    for key, value in values.items():
        setattr(request, key, value)
    set_expiry(request)
    modified(request)
    register.add(request, "changed")


def submit(request) -> None:
    """Send a draft for approval (提交申请): its records are checked again."""
    if not is_requester(request):
        raise forbidden("only the requester submits (只有申请人能提交)", "access.not-requester")
    records = records_of(request)
    request.approvers = list(rules.chain([facts(r) for r in records]))
    period.check_period(request.start, request.end, today())
    _transition(request, "submit")
    register.add(request, "submitted")


def _transition(request, name: str) -> None:
    recorded_transition(
        request,
        name,
        "access.transition",
        request.request_number,
        f"{name} is not possible now (当前状态不能执行此操作)",
    )


# -- decisions -------------------------------------------------------------------------------


def decide(request, decision: str, reason: str | None = None, records=None) -> dict:
    """Approve or refuse the request's current step (审批): ``decision`` ``approve`` or
    ``refuse`` (a refusal needs ``reason``). The archivist may name the records of a request
    that only described them (``records``: UIDs or 档号), which may lengthen the chain."""
    if decision not in ("approve", "refuse"):
        raise bad_request(
            "decision must be approve or refuse (审批结论无效)", "access.decision", "decision"
        )
    if reason is not None and not isinstance(reason, str):
        raise bad_request("reason must be text", "access.reason", "reason")
    reason = rules.check_reason(reason, required=decision == "refuse")
    state = api.content.get_state(request)
    if state not in (PENDING, SECOND):
        raise ArchiveError(
            "the request is not waiting for a decision (该申请不在待审批状态)",
            [Problem("access.not-pending", state, request.request_number, "state")],
            409,
            "Conflict",
        )
    if is_requester(request):
        raise forbidden(
            "nobody decides their own request (不能审批自己的申请)", "access.own-request"
        )
    roles = set(api.user.get_current().getRolesInContext(request))
    if roles & ADMINISTRATOR_ROLES or not may_decide(request):
        raise forbidden(
            "you do not take this step of the approval (您不是本环节的审批人)",
            "access.not-approver",
        )
    step = rules.ARCHIVIST if state == PENDING else rules.LEADER
    if records is not None:
        if state != PENDING:
            raise bad_request(
                "only the archivist names the records (只有初审可以确定档案)",
                "access.records",
                "records",
            )
        named = resolve(records)
        request.records = [r.UID() for r in named]
    chosen = records_of(request)
    if decision == "approve":
        if not chosen:
            raise bad_request(
                "name the records before approving (批准前须确定具体档案)",
                "access.scope-unresolved",
                "records",
            )
        # the chain as the records stand now (a record may have been closed or classified)
        request.approvers = list(rules.chain([facts(r) for r in chosen]))
    entry = {
        "step": step,
        "actor": current_user_id(),
        "decision": decision,
        "reason": reason,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if decision == "refuse":
        name = "refuse" if state == PENDING else "refuse_second"
    elif state == SECOND:
        name = "approve_second"
    else:
        name = "forward" if request.needs_leader_approval() else "approve"
    _transition(request, name)
    request.decisions = [*list(request.decisions or ()), entry]
    request.reindexObject()
    action = {"approve": "approved", "forward": "forwarded", "approve_second": "approved"}.get(
        name, "refused"
    )
    register.add(request, action, details={"step": step, "reason": reason})
    return entry


def withdraw(request) -> None:
    """The requester withdraws a request not yet decided (撤回)."""
    if not is_requester(request):
        raise forbidden("only the requester withdraws (只有申请人能撤回)", "access.not-requester")
    _transition(request, "withdraw")
    register.add(request, "withdrawn")


def record_effect(request, text) -> None:
    """The requester records the effect of use (利用效果) once the request was approved."""
    if not is_requester(request):
        raise forbidden(
            "only the requester records the effect (只有申请人能填写利用效果)",
            "access.not-requester",
        )
    if api.content.get_state(request) not in (APPROVED, EXPIRED):
        raise ArchiveError(
            "the effect is recorded after approval (批准后才能填写利用效果)",
            [Problem("access.effect-state", "not approved", request.request_number, "state")],
            409,
            "Conflict",
        )
    if not isinstance(text, str) or not text.strip():
        raise bad_request(
            "say what the records were used for (请填写利用效果)", "access.effect", "effect"
        )
    if len(text) > 4000:
        raise bad_request("the effect text is too long (利用效果过长)", "access.effect", "effect")
    request.effect = text.strip()
    register.add(request, "effect", details={"effect": request.effect[:500]})


# -- using -----------------------------------------------------------------------------------
