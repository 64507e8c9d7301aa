"""The workbench's block of appraisal and destruction (工作台·鉴定与销毁).

- for the records officer / archivist (and the group's members): batches waiting for
  opinions (鉴定中), approved batches to execute (待销毁), offline carriers pending physical
  destruction (待实体销毁的载体);
- for a leader: batches waiting for approval (待审批) that are not their own proposal, of the
  kind this leader approves (机关领导: the records room's batches of the fonds; 档案馆领导:
  holdings batches).

Batches are found through the catalog (portal_type ``AppraisalBatch``, ``review_state``),
only those the user may see; the few executed ones are woken for their carriers.
"""

from __future__ import annotations

from plone import api

from sd.archive import _
from sd.archive.core.appraisal.batch import State

from . import batches
from . import execution


def _brains(state: str):
    catalog = api.portal.get_tool("portal_catalog")
    return catalog(portal_type="AppraisalBatch", review_state=state, sort_on="created")


def _row(brain, **extra) -> dict:
    return {"url": brain.getURL(), "title": brain.Title, **extra}


def agency_leader(user) -> bool:
    """The user is an agency's leader (机关领导: ``AgencyLeader`` on some fonds)."""
    fonds = api.portal.get_tool("portal_catalog")(portal_type="Fonds")
    return any("AgencyLeader" in user.getRolesInContext(b.getObject()) for b in fonds)


def block(view) -> dict | None:
    """The queues and batch rows for the workbench view; None when there is nothing to show
    for this user (no batch visible, no role that appraises or approves)."""
    if api.user.is_anonymous():
        return None
    me = view.user.getId()
    roles = view.roles
    leader = bool(roles & {"Leader", "Manager"})
    opinions, to_execute, carriers, approval = [], [], [], []
    for brain in _brains(State.OPINIONS.value):
        batch = brain.getObject()
        if me in batch.members or api.user.has_permission(batches.APPRAISE, obj=batch):
            mine = me in batch.members and me not in (getattr(batch, "opinions", None) or {})
            opinions.append(_row(brain, fonds=batch.fonds_code, mine=mine))
    for brain in _brains(State.SUBMITTED.value):
        batch = brain.getObject()
        if batch.proposer != me and batches.is_leader(batch):  # the leader of its kind
            approval.append(_row(brain, fonds=batch.fonds_code))
    leader = leader or bool(approval)  # an agency's leader holds the role on the fonds only
    for state in (State.APPROVED.value, State.EXECUTING.value):
        for brain in _brains(state):
            batch = brain.getObject()
            if api.user.has_permission(execution.DISPOSE, obj=batch.__parent__):
                to_execute.append(_row(brain, fonds=batch.fonds_code))
    for brain in _brains(State.EXECUTED.value):
        batch = brain.getObject()
        pending = execution.pending_carriers(batch)
        if pending and api.user.has_permission(execution.DISPOSE, obj=batch.__parent__):
            carriers.extend(
                _row(brain, fonds=batch.fonds_code, carrier=c["carrier"]) for c in pending
            )
    if not (opinions or approval or to_execute or carriers) and not (
        view.my_fonds or leader or "Archivist" in roles or agency_leader(view.user)
    ):
        return None
    first = lambda rows: rows[0]["url"] if rows else ""  # noqa: E731 - a link to the first
    return {
        "queues": [
            {
                "id": "appraisal-opinions",
                "label": _("Appraisal batches waiting for opinions"),
                "count": len(opinions),
                "url": first(opinions),
            },
            {
                "id": "appraisal-approval",
                "label": _("Appraisal batches waiting for approval"),
                "count": len(approval),
                "url": first(approval),
            },
            {
                "id": "appraisal-execute",
                "label": _("Approved destructions to execute"),
                "count": len(to_execute),
                "url": first(to_execute),
            },
            {
                "id": "appraisal-carriers",
                "label": _("Carriers pending physical destruction"),
                "count": len(carriers),
                "url": first(carriers),
            },
        ],
        "batches": (approval if leader else []) + opinions + to_execute,
        "carriers": carriers,
    }
