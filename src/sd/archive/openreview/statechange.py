"""A record's open/control state change without the workflow machinery (开放/控制直接流转).

An approved review batch moves thousands of records; ``portal_workflow.doActionFor`` costs
each of them a guard evaluation, the before/after events and — through CMFCore's
``IAfterTransitionEvent`` subscriber — a reindex of EVERY index and metadata column. This is
the one place that does the same change directly, with the same effects:

- the workflow history entry (``action``, ``actor``, ``comments``, the new ``review_state``,
  ``time``: the variables of ``sd_record_workflow``) through ``setStatusOf``;
- the new state's role mappings, as ``updateRoleMappingsFor`` sets them (:meth:`Mover.map_roles`);
- ``IActionSucceededEvent``: its subscribers write the ledger entry (``lifecycle``), the audit
  trail (``workflow.transition``), the supervision counters, the cache purge and content rules;
- the catalog: only what the change touches — the workflow's catalog variables
  (``review_state``), ``allowedRolesAndUsers`` of the record and of its catalogued children,
  the review's own indexes (``open_status``, ``closure_end``), and the metadata columns of
  :data:`COLUMNS` (:func:`refresh`), never a whole catalog entry.

The caller is a recorded action (``status.recorded``) whose actor may review open access on
the fonds (the transitions' guard permission, acquired by the records); a workflow whose
status variables differ from the ones above falls back to ``doActionFor``.
"""

from __future__ import annotations

from AccessControl.Permission import Permission
from DateTime import DateTime
from Missing import MV
from plone import api
from Products.CMFCore.interfaces import IIndexableObject
from Products.CMFCore.WorkflowCore import ActionSucceededEvent
from Products.DCWorkflow.utils import ac_inherited_permissions
from Products.ZCatalog.Catalog import safe_callable
from zope.component import queryMultiAdapter
from zope.event import notify

from sd.archive.actors import actor

#: the states each transition leaves from (sd_record_workflow)
TRANSITION_FROM = {"open": ("received", "controlled"), "control": ("received", "open")}
#: the indexes the review's decision changes besides the workflow's and security's
REVIEW_INDEXES = ("open_status", "closure_end")
#: the metadata columns a decision or a state change touches (the brains' values)
COLUMNS = ("review_state", "open_status", "closure_end")
SECURITY_INDEXES = ("allowedRolesAndUsers",)
#: the workflow's status variables this module writes itself
STATUS_VARIABLES = {"action", "actor", "comments", "time"}


class Mover:
    """The record workflow and what a state change needs, looked up once per batch."""

    def __init__(self):
        self.tool = api.portal.get_tool("portal_workflow")
        self.catalog = api.portal.get_tool("portal_catalog")
        self._workflows: dict[str, object] = {}
        self._permission_data: dict[tuple, tuple] = {}
        self.who = actor()  # the approver, for every record of the run

    def workflow_of(self, record):
        chain = self.tool.getChainFor(record)
        if len(chain) != 1:
            return None
        wf = self._workflows.get(chain[0])
        if wf is None:
            wf = self._workflows[chain[0]] = self.tool.getWorkflowById(chain[0])
        return wf

    def state_of(self, record, wf) -> str | None:
        status = self.tool.getStatusOf(wf.getId(), record) or {}
        return status.get(wf.state_var)

    def move(self, record, transition: str, comment: str = "") -> bool:
        """Take ``transition`` when the record's state has it; False when it does not."""
        wf = self.workflow_of(record)
        if wf is None:
            return False
        if self.state_of(record, wf) not in TRANSITION_FROM[transition]:
            return False
        tdef = wf.transitions.get(transition)
        status_vars = {i for i, v in wf.variables.items() if v.for_status}
        if tdef is None or status_vars != STATUS_VARIABLES or tdef.script_name:
            self.tool.doActionFor(record, transition, comment=comment)  # not the usual shape
            return True
        status = {
            "action": transition,
            "actor": self.who,
            "comments": comment,
            wf.state_var: tdef.new_state_id,
            "time": DateTime(),
        }
        self.tool.setStatusOf(wf.getId(), record, status)
        self.map_roles(record, wf, tdef.new_state_id)
        notify(ActionSucceededEvent(record, wf, transition, None))
        catalog_vars = list(self.tool.getCatalogVariablesFor(record) or {})
        self.reindex(record, [*catalog_vars, *SECURITY_INDEXES, *REVIEW_INDEXES])
        for child in record.objectValues():
            if self.catalogued(child):
                child.reindexObject(idxs=list(SECURITY_INDEXES), update_metadata=0)
        return True

    def map_roles(self, record, wf, state_id: str) -> None:
        """The state's role mappings as ``updateRoleMappingsFor`` sets them, with each
        permission's data of the record's class looked up once (DCWorkflow scans every
        inherited permission of the class for each permission of each record)."""
        sdef = wf.states.get(state_id)
        if sdef is None or (wf.getGroups() and wf.getRoles()):
            wf.updateRoleMappingsFor(record)  # group mappings: the workflow's own way
            return
        for name in wf.permissions:
            roles = (sdef.permission_roles or {}).get(name, [])
            key = (record.__class__, name)
            data = self._permission_data.get(key)
            if data is None:
                data = next((p[1] for p in ac_inherited_permissions(record, 1) if p[0] == name), ())
                self._permission_data[key] = data
            permission = Permission(name, data, record)
            if permission.getRoles() != roles:
                permission.setRoles(roles)

    def catalogued(self, obj) -> bool:
        path = "/".join(obj.getPhysicalPath())
        return self.catalog._catalog.uids.get(path) is not None

    def reindex(self, record, idxs) -> None:
        """Reindex ``idxs`` (at commit, with the index queue) and refresh the columns now."""
        record.reindexObject(idxs=list(idxs), update_metadata=0)
        refresh(self.catalog, record, COLUMNS)


def refresh(catalog, obj, columns) -> bool:
    """Write the metadata ``columns`` of ``obj``'s catalog entry from the object as a full
    reindex would (ZCatalog's ``recordify``, column by column); False when not catalogued."""
    cat = catalog._catalog
    rid = cat.uids.get("/".join(obj.getPhysicalPath()))
    if rid is None:
        return False
    wrapper = obj
    if not IIndexableObject.providedBy(obj):
        wrapper = queryMultiAdapter((obj, catalog), IIndexableObject) or obj
    row = list(cat.data[rid])
    for name in columns:
        position = cat.schema.get(name)
        if position is None:
            continue
        value = getattr(wrapper, name, MV)
        if value is not MV and safe_callable(value):
            value = value()
        row[position] = value
    cat.data[rid] = tuple(row)
    catalog._increment_counter()
    return True
