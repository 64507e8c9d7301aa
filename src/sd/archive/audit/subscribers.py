"""What is logged (审计范围): the event subscribers and the request watcher.

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

import json
import logging

import transaction
from AccessControl import Unauthorized as AccessUnauthorized
from Acquisition import aq_base
from zExceptions import Forbidden
from zExceptions import NotFound
from zExceptions import Unauthorized
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
RECORD_CONTENT = (IRecord, IComponent)
LOGIN_NAMES = frozenset({"login", "@login", "login_form", "failsafe_login"})
FILE_VIEWS = frozenset({"download", "display-file", "images"})
#: service or view names whose request is itself the action (name: action)
NAMED_ACTIONS = {
    "@export": "record.export",
    "@verify": "evidence.verify",
    "@arrangement-rules": "rules.read",
    "arrangement-rules-export": "rules.export",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSALS = (Unauthorized, AccessUnauthorized, Forbidden)
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


# -- requests ------------------------------------------------------------------------------------


def _published(request):
    published = request.get("PUBLISHED")
    context = getattr(published, "context", None)
    if context is None:
        context = getattr(published, "__self__", None) or published
    return published, context


def _segments(request) -> list[str]:
    path = request.get("PATH_INFO", "") or ""
    return [s.removeprefix("@@") for s in path.split("/") if s]


def _classify(request, context) -> str:
    """The read action of a request to record content, "" when it is not one."""
    segments = _segments(request)
    for name, action in NAMED_ACTIONS.items():
        if name in segments:
            return action
    if not any(iface.providedBy(context) for iface in RECORD_CONTENT):
        return ""
    if FILE_VIEWS.intersection(segments):
        return "file.download"
    if "application/json" in (request.get_header("Accept") or ""):
        return "record.read"
    return "record.view"


def request_done(event):
    """IPubBeforeCommit: failed logins, reads and named actions of a request that succeeded."""
    if audit._OFF or audit.trail() is None:
        return
    request = event.request
    try:
        _request_done(request)
        from sd.archive.audit.anchor import maybe_anchor

        maybe_anchor()
    except Exception:  # noqa: BLE001 - the audit trail must never break a request
        logger.exception("audit of %s failed", request.get("PATH_INFO"))


def _request_done(request):
    method = request.get("REQUEST_METHOD", "GET")
    status = request.response.getStatus()
    segments = _segments(request)
    if method == "POST" and LOGIN_NAMES.intersection(segments[-1:]):
        _login_attempt(request, status)
        return
    name, _password = _basic_credentials(request)
    if name and audit.actor() == "anonymous":  # valid ones would have authenticated
        audit.log(
            "login.failed",
            who="anonymous",
            outcome="refused",
            request=request,
            details={"login": name, "status": status, "via": "basic"},
        )
    published, context = _published(request)
    action = _classify(request, context)
    doomed = transaction.get().isDoomed()
    if not action and method in SAFE_METHODS:
        return
    if not action:
        if status < 400 and not doomed:
            return  # a write that succeeded: logged by the events it fired
        action = f"request.{method.lower()}"
    if action == "rules.read" and method not in SAFE_METHODS:
        action = "rules.import"
    details = {"method": method, "status": status}
    outcome = "ok" if status < 400 else ("refused" if status in (401, 403) else "failed")
    if outcome == "ok" and not doomed:
        audit.log(
            action,
            context if _is_content(context) else None,
            outcome=outcome,
            details=details,
            request=request,
            path=_path_of(request, context),
        )
    else:  # its transaction aborts: log what it tried at once
        audit.log_now(
            action,
            context if _is_content(context) else None,
            outcome=outcome,
            details=details,
            request=request,
            path=_path_of(request, context),
        )


def _is_content(obj) -> bool:
    return hasattr(aq_base(obj), "getPhysicalPath") and hasattr(aq_base(obj), "UID")


def _path_of(request, context) -> str:
    return "" if _is_content(context) else (request.get("PATH_INFO", "") or "")


def _login_attempt(request, status):
    """A login that did not make the request act as the login sent (or answered 4xx)."""
    from AccessControl import getSecurityManager

    name = request.form.get("__ac_name", "")
    if not name and "json" in (request.get_header("Content-Type") or ""):
        try:
            name = json.loads(request.get("BODY") or b"{}").get("login", "")
        except (ValueError, AttributeError):
            name = ""
    if not name:
        return  # the login form shown, not sent
    user = getSecurityManager().getUser()
    if status < 400 and user is not None and name in (user.getUserName(), user.getId()):
        return  # logged in: IUserLoggedInEvent logged it
    audit.log(
        "login.failed",
        who="anonymous",
        outcome="refused",
        request=request,
        details={"login": str(name)[:200], "status": status},
    )


def _basic_credentials(request) -> tuple[str, str]:
    """(login, password) of a request's HTTP Basic credentials, ("", "") without."""
    try:
        name, password = request._authUserPW() or ("", "")
    except (ValueError, TypeError, AttributeError):
        return "", ""
    return str(name or "")[:200], password or ""


def _wrong_password(request, name: str, password: str) -> bool:
    """Do the credentials fail to authenticate? (Asked only of refused requests: Zope drops
    a user who authenticated but may not see the object, as it drops a wrong password.)"""
    from plone import api

    return api.portal.get().acl_users.authenticate(name, password, request) is None


def request_failed(event):
    """IPubBeforeAbort: what a refused or failed request tried (not when it will be retried)."""
    if audit._OFF or event.retry or audit.trail() is None:
        return
    request = event.request
    try:
        error = event.exc_info[1]
        method = request.get("REQUEST_METHOD", "GET")
        published, context = _published(request)
        action = _classify(request, context)
        if isinstance(error, NotFound) and method in SAFE_METHODS:
            return
        refused = isinstance(error, REFUSALS)
        if not action and method in SAFE_METHODS and not refused:
            return
        details = {"method": method, "error": type(error).__name__}
        name, password = _basic_credentials(request)
        if name and audit.actor() == "anonymous":
            details["login"] = name
            if refused and _wrong_password(request, name, password):
                action = "login.failed"
        audit.log_now(
            action or f"request.{method.lower()}",
            context if _is_content(context) else None,
            outcome="refused" if refused else "failed",
            request=request,
            path=_path_of(request, context),
            details=details,
        )
    except Exception:  # noqa: BLE001
        logger.exception("audit of a failed request to %s failed", request.get("PATH_INFO"))
