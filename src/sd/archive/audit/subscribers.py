"""What is logged (审计范围): the event subscribers (the request watcher is ``requests``).

* logins (``IUserLoggedInEvent``), logouts and failed logins (a POST to the login form or
  ``@login`` that ends anonymous: Plone has no event for it);
* reads of record content: record pages, REST reads of records and components, file
  downloads (``@@download``, ``@@display-file``, ``@@images``) and ``@export``;
* writes of sd.archive content (added, modified, moved, removed; components stored),
  workflow transitions, security changes (``ISecurityChangedEvent``, PAS principal, group,
  credential and property events, local roles), registry records, arrangement rules;
* verifications (``@verify``), and every request that failed or was refused, with what it
  tried (written at once: its own transaction aborts).
"""

from __future__ import annotations

import logging

import transaction
from Acquisition import aq_base
from zope.container.interfaces import IContainerModifiedEvent
from zope.lifecycleevent.interfaces import IObjectAddedEvent
from zope.lifecycleevent.interfaces import IObjectRemovedEvent

from sd.archive import audit
from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import IFonds
from sd.archive.interfaces import IRecord
from sd.archive.interfaces import ITransferBatch

logger = logging.getLogger("sd.archive.audit")

ARCHIVE_CONTENT = (IFonds, IDossier, IRecord, IComponent, ITransferBatch)
SECRET_WORDS = ("password", "secret", "token", "private", "key")


# -- logins ------------------------------------------------------------------------------------


def logged_in(event):
    audit.log("login", who=_principal_id(event.object))


def logged_out(event):
    audit.log("logout", who=_principal_id(event.object))


def _principal_id(principal) -> str:
    if isinstance(principal, str):
        return principal
    return (principal.getId() or principal.getUserName()) if principal is not None else ""


# -- writes, transitions -----------------------------------------------------------------------


def _archive_content(obj) -> bool:
    return any(iface.providedBy(obj) for iface in ARCHIVE_CONTENT)


def content_moved(obj, event):
    """Added, removed or moved (renamed) sd.archive content."""
    if not _archive_content(obj):
        return
    if IObjectAddedEvent.providedBy(event):
        audit.log("content.added", obj, details={"type": obj.portal_type})
    elif IObjectRemovedEvent.providedBy(event):
        path = "/".join((*event.oldParent.getPhysicalPath(), event.oldName))
        if aq_base(event.object) is not aq_base(obj):  # a file of the removed record
            path = f"{path}/{obj.getId()}"
        audit.log(
            "content.removed",
            None,
            path=path,
            details={
                "type": getattr(obj, "portal_type", ""),
                "uid": _uid(obj),
                "code": getattr(aq_base(obj), "archival_code", "") or "",
            },
        )
    else:
        audit.log(
            "content.moved",
            obj,
            details={"from": "/".join((*event.oldParent.getPhysicalPath(), event.oldName))},
        )


def content_modified(obj, event):
    """A modified object: one entry per object and transaction, with every changed field."""
    if IContainerModifiedEvent.providedBy(event) or not _archive_content(obj) or audit._OFF:
        return  # a child added or removed: logged for the child
    fields = sorted(
        {
            name
            for d in (getattr(event, "descriptions", None) or ())
            for name in (getattr(d, "attributes", None) or ())
        }
    )
    seen = transaction.get().__dict__.setdefault("_sd_audit_modified", {})
    key = id(aq_base(obj))
    if key in seen:
        details = seen[key]
        details["fields"] = sorted(set(details["fields"]) | set(fields))
        return
    store = audit.trail()
    if store is not None:
        event = audit.event("content.modified", obj, details={"fields": fields})
        seen[key] = event.details
        store.add(event)


def component_stored(obj, event):
    audit.log(
        "component.stored",
        obj,
        details={"filename": getattr(getattr(obj, "file", None), "filename", "") or obj.getId()},
    )


def transitioned(obj, event):
    """A workflow transition (状态流转), with the state it led to."""
    if not _archive_content(obj):
        return
    from plone import api

    audit.log(
        "workflow.transition",
        obj,
        details={
            "transition": event.action,
            "workflow": getattr(event.workflow, "id", ""),
            "state": api.content.get_state(obj, default=""),
        },
    )


def _uid(obj) -> str:
    uid = getattr(aq_base(obj), "UID", None)
    return uid() if callable(uid) else ""


# -- security ------------------------------------------------------------------------------------


def security_changed(event):
    """``sd.archive.security.events.ISecurityChangedEvent`` (账号/角色/组/本地角色变更)."""
    audit.log(
        f"security.{event.action}",
        None,
        path=event.target or "",
        outcome=event.outcome,
        details={"principal": event.principal, **_masked(event.details or {})},
    )


def _about_principal(action: str, key: str = "principal", group: bool = False):
    """A handler of a PAS event: ``action`` about the event's principal (and its group)."""

    def handler(event):
        details = {key: _principal_id(event.principal)}
        if group:
            details["group"] = event.group_id
        audit.log(action, details=details)

    return handler


principal_created = _about_principal("security.principal_created")
principal_deleted = _about_principal("security.principal_deleted")
added_to_group = _about_principal("security.group_member_added", group=True)
removed_from_group = _about_principal("security.group_member_removed", group=True)
group_created = _about_principal("security.group_created", "group")
group_deleted = _about_principal("security.group_deleted", "group")
credentials_updated = _about_principal("security.password_changed")


def properties_updated(event):
    audit.log(
        "security.properties_updated",
        details={
            "principal": _principal_id(event.principal),
            "properties": sorted(str(k) for k in (getattr(event, "properties", None) or {})),
        },
    )


def local_roles_modified(obj, event):
    """plone.app.workflow's sharing page (共享/本地角色)."""
    audit.log(
        "security.local_roles_changed",
        obj,
        details={"local_roles": {str(k): sorted(v) for k, v in (obj.get_local_roles() or ())}},
    )


# -- settings ------------------------------------------------------------------------------------


def registry_changed(event):
    """A registry record changed (系统设置变更); values of secret-looking records masked."""
    name = getattr(event.record, "__name__", "") or ""
    details = {"record": name, "old": event.oldValue, "new": event.newValue}
    audit.log("settings.changed", details=_masked(details, name))


def _masked(details: dict, name: str = "") -> dict:
    def secret(key: str) -> bool:
        return any(word in key.lower() for word in SECRET_WORDS)

    if secret(name):
        return {**details, "old": "***", "new": "***"}
    return {k: ("***" if secret(str(k)) else v) for k, v in details.items()}
