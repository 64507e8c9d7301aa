"""The request watcher (请求审计): reads, failed logins, refusals and failures.

After each published request (``IPubSuccess``) it logs reads of record content (record pages,
REST reads of records and components, file downloads, ``@export``), named actions
(``@verify``, arrangement-rule exports) and failed logins (a POST to the login form or
``@login`` that ends anonymous: Plone has no event for it); after a failed one
(``IPubFailure``) what the request tried and why it was refused, written at once since its
own transaction aborts.
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

from sd.archive import audit
from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IRecord

logger = logging.getLogger("sd.archive.audit")

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
    # logged with its transaction; when that aborts, what it tried is logged at once
    log = audit.log if outcome == "ok" and not doomed else audit.log_now
    log(
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
