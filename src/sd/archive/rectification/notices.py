"""Rectification notices (整改通知): issued, amended, answered, closed and reopened by
recorded actions.

Each action checks who may take it, checks its input with ``core.rectification.rules``, changes
the notice, appends a step to its history (办理过程) and logs ``rectification.<step>`` in the
audit trail; a rule that fails raises an :class:`~sd.archive.core.errors.ArchiveError` before
anything is stored (the services and pages doom the transaction on it).

- :func:`issue` (下发): a supervisor, to one agency (a fonds, named by its 全宗号), citing
  figures and records of that fonds, with a deadline from today on;
- :func:`amend` (修改): the supervisor's own fields, while the agency still owes an answer;
- :func:`answer` (答复): a records officer of the notice's fonds only (an officer of another
  agency is refused, 403), with what was done and the records archived since;
- :func:`decide` (审核): the supervisor closes (办结) an answered notice or reopens it
  (重新整改, with a reason); a closed notice may be reopened too.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.lifecycleevent import modified

from sd.archive import audit
from sd.archive.core.access.period import beijing_today
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.errors import bad_request
from sd.archive.core.errors import forbidden
from sd.archive.core.errors import unauthorized
from sd.archive.core.rectification import rules
from sd.archive.recorded import recorded_transition
from sd.archive.rectification.content import OFFICER_FIELDS
from sd.archive.rectification.content import SERVER_FIELDS
from sd.archive.rectification.content import SUPERVISOR_FIELDS
from sd.archive.rectification.roles import fonds_of
from sd.archive.sitedata import site_tree
from sd.archive.sitefolders import site_folder

FOLDER_ID = "rectification-notices"
NUMBERS_KEY = "sd.archive.rectification.numbers"
#: permission titles (checked with plone.api)
SUPERVISE = "sd.archive: Supervise archiving"
ANSWER = "sd.archive: Answer rectification notices"


def today() -> date:
    return beijing_today()


# -- where notices live ----------------------------------------------------------------------


def folder(create: bool = False):
    """The site's folder of notices (``/rectification-notices``); made by the first notice."""
    return site_folder(FOLDER_ID, "RectificationFolder", "整改通知", create)


def find_fonds(code):
    """The fonds (agency) whose 全宗号 is ``code``, whoever asks; None when there is none."""
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="Fonds", fonds_code=code.strip())
    return brains[0]._unrestrictedGetObject() if brains else None


def find_notice(ref):
    """The notice named by ``ref`` (its number ZG-2026-0001 or UID), whoever asks; or None."""
    if not isinstance(ref, str) or not ref.strip() or len(ref) > 64:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    ref = ref.strip()
    brains = catalog.unrestrictedSearchResults(portal_type="RectificationNotice", UID=ref)
    if not brains:
        brains = catalog.unrestrictedSearchResults(
            portal_type="RectificationNotice", getId=ref.lower()
        )
    return brains[0]._unrestrictedGetObject() if brains else None


def resolve_records(refs, fonds, name: str) -> list:
    """The records of ``fonds`` named in ``refs`` (UIDs or 档号); others are a 400 naming them."""
    refs = rules.check_refs(refs, name)
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(fonds.getPhysicalPath())
    found, missing = [], []
    for ref in refs:
        query = {"portal_type": "Record", "path": path}
        brains = catalog.unrestrictedSearchResults(UID=ref, **query) or (
            catalog.unrestrictedSearchResults(archival_code=ref, **query)
        )
        if brains:
            if brains[0].UID not in found:
                found.append(brains[0].UID)
        else:
            missing.append(ref)
    if missing:
        raise bad_request(
            f"not records of fonds {fonds.fonds_code} (不是本全宗的档案): "
            + ", ".join(missing[:20]),
            "rectification.unknown-records",
            name,
            ", ".join(missing[:20]),
        )
    return found


def record_rows(uids) -> list[dict]:
    """档号 and 题名 of the records ``uids`` (catalog metadata, whoever asks: the notice cites
    them for both parties)."""
    if not uids:
        return []
    catalog = api.portal.get_tool("portal_catalog")
    by_uid = {
        b.UID: b for b in catalog.unrestrictedSearchResults(portal_type="Record", UID=list(uids))
    }
    return [
        {
            "UID": uid,
            "archival_code": getattr(by_uid[uid], "archival_code", "") or "",
            "title": by_uid[uid].Title,
            "url": by_uid[uid].getURL(),
        }
        for uid in uids
        if uid in by_uid
    ]


# -- history and state -----------------------------------------------------------------------


def state_of(notice) -> str:
    return api.content.get_state(notice, default="") or ""


def overdue(notice, on: date | None = None) -> bool:
    return rules.is_overdue(state_of(notice), notice.deadline, on or today())


def _step(notice, action: str, comment: str = "", **details) -> None:
    actor = audit.actor()
    step = rules.Step(action, actor, datetime.now(UTC).isoformat(timespec="seconds"), comment)
    notice.append_history(step.as_dict())
    audit.log(
        f"rectification.{action}",
        notice,
        who=actor,
        details={"number": notice.notice_number, "fonds": notice.fonds_code, **details},
    )


def _transition(notice, name: str) -> None:
    recorded_transition(
        notice,
        name,
        "rectification.transition",
        notice.notice_number,
        f"{name} is not possible in state {state_of(notice)} (当前状态不能执行此操作)",
    )


def _check_keys(data, allowed: set, owner_of_others: str) -> None:
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object", "request.not-json", "body")
    unknown = set(data) - allowed
    server = unknown & set(SERVER_FIELDS + ("state", "history", "fonds"))
    others = unknown & set(SUPERVISOR_FIELDS + OFFICER_FIELDS)
    if others:
        raise forbidden(
            f"these fields belong to the {owner_of_others} (不能填写对方的字段): "
            + ", ".join(sorted(others)),
            "rectification.field-owner",
        )
    if unknown:
        raise bad_request(
            "unknown or server-maintained fields (不能填写的字段): "
            + ", ".join(sorted(unknown | server)),
            "rectification.field-not-writable",
            ",".join(sorted(unknown)),
        )


def _supervisor_values(data: dict, fonds, partial: bool = False) -> dict:
    values = {}
    if not partial or "title" in data:
        values["title"] = rules.check_text(data.get("title"), "title", limit=rules.MAX_TITLE)
    if not partial or "text" in data:
        values["text"] = rules.check_text(data.get("text"), "text")
    if not partial or "figures" in data:
        values["figures"] = rules.check_figures(data.get("figures"))
    if not partial or "records" in data:
        values["records"] = resolve_records(data.get("records"), fonds, "records")
    if not partial or "deadline" in data:
        values["deadline"] = rules.check_deadline(data.get("deadline"), today())
    return values


# -- the actions -----------------------------------------------------------------------------


def _require_supervisor(obj) -> None:
    if api.user.is_anonymous():
        raise unauthorized("log in first (请先登录)")
    if not api.user.has_permission(SUPERVISE, obj=obj):
        raise forbidden(
            "only a supervisor issues and decides notices (只有监督指导人员能下发和审核整改通知)",
            "rectification.not-supervisor",
        )


def _number() -> str:
    """The next notice number of this year: a counter per year in the site annotations
    (notices are written by people, a few a day; a conflict is retried by the publisher)."""
    tree = site_tree(api.portal.get(), NUMBERS_KEY, create=True)
    year = today().year
    tree[year] = tree.get(year, 0) + 1
    return rules.notice_number(year, tree[year])


def issue(data: dict):
    """Issue a notice (下发整改通知) from ``data``: ``fonds`` (全宗号 of the agency), ``title``,
    ``text``, ``figures``, ``records``, ``deadline``. Returns the notice."""
    _require_supervisor(api.portal.get())
    _check_keys(data, {"fonds", *SUPERVISOR_FIELDS}, "agency")
    fonds = find_fonds(data.get("fonds"))
    if fonds is None:
        raise bad_request(
            f"no agency with fonds code {str(data.get('fonds'))[:40]!r} (没有这个机关/全宗)",
            "rectification.unknown-agency",
            "fonds",
            str(data.get("fonds"))[:40],
        )
    values = _supervisor_values(data, fonds)
    number = _number()
    notice = createContentInContainer(
        folder(create=True),
        "RectificationNotice",
        checkConstraints=False,
        id=number.lower(),
        title=values.pop("title"),
    )
    for key, value in values.items():
        setattr(notice, key, value)
    notice.notice_number = number
    notice.fonds_code = fonds.fonds_code
    notice.fonds_uid = fonds.UID()
    notice.agency_name = getattr(fonds, "agency_name", "") or fonds.Title()
    notice.issuer = audit.actor()
    notice.reindexObjectSecurity()
    _step(notice, "issued", details_deadline(notice))
    notice.reindexObject()
    return notice


def details_deadline(notice) -> str:
    return f"整改期限 {notice.deadline.isoformat()}"


def amend(notice, data: dict) -> None:
    """Change the supervisor's fields of a notice the agency has not answered yet (修改)."""
    _require_supervisor(notice)
    _check_keys(data, set(SUPERVISOR_FIELDS), "agency")
    if state_of(notice) not in rules.OPEN_STATES:
        raise ArchiveError(
            "an answered or closed notice no longer changes (已答复或已办结的通知不能修改)",
            [Problem("rectification.not-open", state_of(notice), notice.notice_number, "state")],
            409,
            "Conflict",
        )
    fonds = fonds_of(notice)
    values = _supervisor_values(data, fonds, partial=True)
    for key, value in values.items():
        setattr(notice, key, value)
    modified(notice)
    notice.reindexObject()
    _step(notice, "amended", "、".join(sorted(values)), fields=sorted(values))


def may_answer(notice) -> bool:
    return api.user.has_permission(ANSWER, obj=notice)


def answer(notice, data: dict) -> None:
    """The agency's answer (答复整改情况): ``answer`` (what was done) and ``records`` (records
    of the fonds archived in answer, UIDs or 档号). Only a records officer of the notice's
    fonds, only while the notice is issued or reopened."""
    if api.user.is_anonymous():
        raise unauthorized("log in first (请先登录)")
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object", "request.not-json", "body")
    if not api.user.has_permission("View", obj=notice) or (
        state_of(notice) in rules.OPEN_STATES and not may_answer(notice)
    ):
        raise forbidden(
            f"notice {notice.notice_number} is not addressed to your agency, or the answer is "
            "not yours to give (不是发给本机关的整改通知，或无权答复)",
            "rectification.not-your-notice",
            notice.notice_number,
        )
    if state_of(notice) not in rules.OPEN_STATES:
        raise ArchiveError(
            "the notice is not waiting for an answer (该通知不在待答复状态)",
            [Problem("rectification.not-open", state_of(notice), notice.notice_number, "state")],
            409,
            "Conflict",
        )
    unknown = set(data) - {"answer", "records", "notice"}
    if unknown:
        _check_keys({k: data[k] for k in unknown}, set(), "supervisor")
    text = rules.check_text(data.get("answer"), "answer")
    records = resolve_records(data.get("records"), fonds_of(notice), "records")
    notice.answer = text
    notice.answer_records = records
    notice.answered_by = audit.actor()
    _transition(notice, "answer")
    _step(notice, "answered", text[:200], records=len(records))
    notice.reindexObject()


def decide(notice, decision, comment=None) -> None:
    """The supervisor's decision (审核): ``close`` an answered notice (办结), or ``reopen`` it
    (重新整改) with a reason; a closed notice may be reopened."""
    _require_supervisor(notice)
    decision, comment = rules.check_decision(decision, comment)
    state = state_of(notice)
    allowed = {rules.CLOSE: (rules.ANSWERED,), rules.REOPEN: (rules.ANSWERED, rules.CLOSED)}
    if state not in allowed[decision]:
        raise ArchiveError(
            f"cannot {decision} a notice in state {state} (当前状态不能执行此审核)",
            [Problem("rectification.transition", decision, notice.notice_number, "state")],
            409,
            "Conflict",
        )
    notice.decision_comment = comment  # a reopened notice keeps its deadline unless amended
    _transition(notice, decision)
    _step(notice, "closed" if decision == rules.CLOSE else "reopened", comment)
    notice.reindexObject()
