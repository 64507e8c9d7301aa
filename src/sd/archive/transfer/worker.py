"""Background processing of big transfer batches (后台检测入库) and resuming them.

A worker is a thread with its own ZODB connection, its own request and the security context
of the account that posted the package. It commits once per record (see
:func:`sd.archive.transfer.records.process`), so the UI and ``GET {batch}/@detection`` see the
progress as it goes, and a crash loses at most the record in hand. After a restart the
batches still ``checking`` without a live worker are listed by :func:`unfinished` and resumed
by :func:`start` (the button on the holdings page, or ``scripts/resume_transfers.py``).
"""

from __future__ import annotations

import threading

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from plone import api
from zope.component.hooks import setSite
from zope.globalrequest import clearRequest
from zope.globalrequest import setRequest
from zope.interface import alsoProvides

from sd.archive import logger
from sd.archive.transfer import batch as state
from sd.archive.transfer import running as running_batches
from sd.archive.transfer.records import process

_threads = running_batches.threads
_stops = running_batches.stops
_guard = running_batches.guard
running = running_batches.running


def start(batch, stop_after: int | None = None) -> threading.Thread | None:
    """Run (or resume) ``batch`` in a background thread; None when one already runs it."""
    uid = batch.UID()
    db = batch._p_jar.db()
    path = batch.getPhysicalPath()
    user_id = api.user.get_current().getId()
    with _guard:
        if running(batch):
            return None
        stop = _stops[uid] = threading.Event()
        thread = threading.Thread(
            target=_run,
            args=(db, path, user_id, stop, stop_after),
            name=f"sd-transfer-{batch.getId()}",
            daemon=True,
        )
        _threads[uid] = thread
    thread.start()
    return thread


def stop(batch) -> None:
    event = _stops.get(batch.UID())
    if event is not None:
        event.set()


def _user(app, site, user_id):
    for folder in (site.acl_users, app.acl_users):
        user = folder.getUserById(user_id) if user_id else None
        if user is not None:
            return user.__of__(folder)
    from AccessControl.SpecialUsers import system

    return system


def _run(db, path, user_id, stop_event, stop_after) -> None:
    from Testing.makerequest import makerequest

    from sd.archive.interfaces import ISdArchiveLayer

    conn = db.open()
    try:
        app = makerequest(conn.root()["Application"])
        request = app.REQUEST
        alsoProvides(request, ISdArchiveLayer)
        setRequest(request)
        batch = app.unrestrictedTraverse("/".join(path))
        site = _site_of(batch)
        setSite(site)
        newSecurityManager(request, _user(app, site, user_id))
        batch.progress["worker"] = threading.current_thread().name
        batch.progress["error"] = None
        transaction.commit()
        try:
            process(batch, stop_after=stop_after, should_stop=stop_event.is_set)
        except Exception as exc:  # noqa: BLE001 - leave the batch resumable, say why
            transaction.abort()
            logger.exception("transfer worker stopped on %s", "/".join(path))
            batch.progress["error"] = f"{type(exc).__name__}: {exc}"[:500]
        if not state.is_done(batch):
            batch.progress["worker"] = None
        transaction.commit()
    finally:
        transaction.abort()
        noSecurityManager()
        setSite(None)
        clearRequest()
        conn.close()


def _site_of(obj):
    from Products.CMFCore.interfaces import ISiteRoot

    for item in obj.aq_chain:
        if ISiteRoot.providedBy(item):
            return item
    raise LookupError("no site above the batch")


def unfinished(portal) -> list:
    """Batches still checking with no live worker in this process (to resume)."""
    catalog = api.portal.get_tool("portal_catalog")
    found = []
    for brain in catalog.unrestrictedSearchResults(
        portal_type="TransferBatch", review_state="checking"
    ):
        batch = brain._unrestrictedGetObject()
        if not state.is_done(batch) and not running(batch):
            found.append(batch)
    return found


def join(batch, timeout: float | None = None) -> None:
    thread = _threads.get(batch.UID())
    if thread is not None:
        thread.join(timeout)
