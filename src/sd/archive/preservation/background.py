"""Work off the request thread (后台任务): a thread with its own database connection, in the
site, as the user who started it; ``work()`` commits what it does, a failure is logged and
the work resumes later (each run that uses this is resumable)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import transaction

from sd.archive import logger


@contextmanager
def opened_site(db, site_path, user_id: str | None = None):
    """The site at ``site_path`` on a connection of its own (独立连接上的站点), for a thread
    off the request: a request made for it, the site set, acting as ``user_id`` (the site's or
    the Zope root's user; the system user when there is none). On leaving: the security
    manager, the site and the connection let go, nothing left uncommitted."""
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from AccessControl.users import system
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite

    conn = db.open()
    try:
        app = makerequest(conn.root()["Application"])
        portal = app.unrestrictedTraverse(
            site_path if isinstance(site_path, str) else "/".join(site_path)
        )
        setSite(portal)
        user = None
        if user_id:
            user = portal.acl_users.getUserById(user_id) or app.acl_users.getUserById(user_id)
        newSecurityManager(None, user.__of__(portal.acl_users) if user is not None else system)
        yield portal
    finally:
        transaction.abort()
        noSecurityManager()
        setSite(None)
        conn.close()


def _run(db, site_path, user_id: str, name: str, work, done) -> None:
    try:
        with opened_site(db, site_path, user_id):
            work()
            transaction.commit()
    except Exception:  # noqa: BLE001 - a thread: log it; the run resumes later
        transaction.abort()
        logger.exception("background work %s failed", name)
    finally:
        done()


def start(site, user_id: str, name: str, work, done=lambda: None) -> threading.Thread:
    """Run ``work()`` in a new thread as ``user_id`` in ``site``; ``done()`` runs after it."""
    thread = threading.Thread(
        target=_run,
        args=(site._p_jar.db(), site.getPhysicalPath(), user_id, name, work, done),
        name=name,
        daemon=True,
    )
    thread.start()
    return thread
