"""安全审计日志 (audit trail): who did what, when, from where, to which object, with which
outcome — logged for every login, read of record content, write, transition, security and
settings change, export and verification; chained with SM3 (``sd.archive.core.audit``) and
anchored in the evidence ledger (``anchor``). Nobody can change or remove an entry: there is
no API for it, and the check finds it when it is done behind the system's back.

Everything else logs through :func:`log` (with the transaction: nothing is logged when it
aborts) or :func:`log_now` (at once: what a failing or refused request tried).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from Products.CMFCore.interfaces import ISiteRoot
from zope.component.hooks import getSite
from zope.globalrequest import getRequest

from sd.archive.audit.store import AuditStore
from sd.archive.core.audit.entry import Event
from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IRecord

#: Switch used by ``bench/bench_audit_overhead.py`` only: with ``SD_ARCHIVE_AUDIT=off`` in the
#: environment of a process that is not a production one (``SD_ARCHIVE_PRODUCTION`` unset),
#: nothing is logged. The first use writes an ``audit.switched-off`` entry, so the gap shows.
_OFF = os.environ.get("SD_ARCHIVE_AUDIT") == "off" and not os.environ.get("SD_ARCHIVE_PRODUCTION")
_stores: dict[tuple, AuditStore] = {}
_guard = threading.Lock()


def database_path(site=None) -> Path:
    """``audit.sqlite`` next to the site's ledger (``$SD_ARCHIVE_AUDIT_DIR/<site>`` if set)."""
    from sd.archive.ledger.node import site_dir

    site = site or getSite()
    explicit = os.environ.get("SD_ARCHIVE_AUDIT_DIR")
    if explicit:
        directory = Path(explicit) / site.getId()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return directory / "audit.sqlite"
    return site_dir(site) / "audit.sqlite"


def trail(site=None) -> AuditStore | None:
    """The audit trail of the current site (opened, and made, on first use); None outside a
    Plone site (the Zope root, a script before ``setSite``)."""
    site = site or getSite()
    if site is None or not ISiteRoot.providedBy(site):
        return None
    key = (site.getId(), os.environ.get("SD_ARCHIVE_AUDIT_DIR"), os.environ.get("SD_ARCHIVE_VAR"))
    store = _stores.get(key)
    if store is None:
        with _guard:
            store = _stores.get(key)
            if store is None:
                store = _stores[key] = AuditStore(database_path(site))
                if _OFF:
                    store.add_now(
                        [
                            event(
                                "audit.switched-off",
                                details={"by": "SD_ARCHIVE_AUDIT=off (benchmark)"},
                            )
                        ]
                    )
    return store


# -- who, from where, what ---------------------------------------------------------------------


def actor() -> str:
    """The acting user's id; "anonymous" when nobody is logged in."""
    from AccessControl import getSecurityManager

    user = getSecurityManager().getUser()
    if user is None:
        return "anonymous"
    user_id = user.getId()
    if user_id is None:
        return "system" if user.getUserName() == "System Processes" else "anonymous"
    return user_id


def client_ip(request=None) -> str:
    """The client's address: the first hop of ``X-Forwarded-For`` (set by the front proxy),
    else ``REMOTE_ADDR``; "" outside a request."""
    request = request if request is not None else getRequest()
    if request is None:
        return ""
    forwarded = request.get_header("X-Forwarded-For") if hasattr(request, "get_header") else ""
    if forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return str(request.get("REMOTE_ADDR", "") or "")[:64]


def describe(obj) -> dict:
    """``path``, ``uid`` and ``code`` (档号, records only) of ``obj``."""
    if obj is None:
        return {}
    obj = aq_inner(obj)
    try:
        path = "/".join(obj.getPhysicalPath())
    except AttributeError:
        path = ""
    uid = getattr(aq_base(obj), "UID", None)
    code = ""  # only records have one (asking others walks their schemas for a default)
    if IRecord.providedBy(obj):
        code = getattr(aq_base(obj), "archival_code", "") or ""
    elif IComponent.providedBy(obj):  # a file: its record's code
        code = getattr(aq_base(aq_parent(obj)), "archival_code", "") or ""
    return {"path": path, "uid": uid() if callable(uid) else "", "code": str(code)}


def event(
    action: str,
    obj=None,
    *,
    outcome: str = "ok",
    details: dict | None = None,
    who: str | None = None,
    request=None,
    path: str = "",
) -> Event:
    """An audit event about ``obj`` by the current user from the current request's client."""
    where = describe(obj)
    if path:
        where["path"] = path
    return Event(
        action,
        actor=who or actor(),
        ip=client_ip(request),
        outcome=outcome,
        details=details or {},
        **where,
    )


def log(action: str, obj=None, **kw) -> None:
    """Log ``action`` with the current transaction (see :func:`event` for the arguments)."""
    store = trail()
    if store is not None and not _OFF:
        store.add(event(action, obj, **kw))


def log_now(action: str, obj=None, **kw) -> None:
    """Log ``action`` at once, whatever becomes of the current transaction."""
    store = trail()
    if store is not None and not _OFF:
        store.add_now([event(action, obj, **kw)])


@contextmanager
def logged(action: str, obj=None, **kw) -> Iterator[None]:
    """Log ``action`` with the transaction when the block succeeds; at once, as ``failed``,
    when it raises (the transaction will abort)."""
    try:
        yield
    except Exception as error:
        details = {**kw.pop("details", {}), "error": type(error).__name__}
        log_now(action, obj, outcome="failed", details=details, **kw)
        raise
    log(action, obj, **kw)
