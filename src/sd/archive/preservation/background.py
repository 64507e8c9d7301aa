"""Work off the request thread (后台任务): a thread with its own database connection, in the
site, as the user who started it; ``work()`` commits what it does, a failure is logged and
the work resumes later (each run that uses this is resumable)."""

from __future__ import annotations

import threading

import transaction

from sd.archive import logger


def _run(db, site_path, user_id: str, name: str, work, done) -> None:
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from AccessControl.users import system
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite

    conn = db.open()
    try:
        app = makerequest(conn.root()["Application"])
        portal = app.unrestrictedTraverse("/".join(site_path))
        setSite(portal)
        user = portal.acl_users.getUserById(user_id) or app.acl_users.getUserById(user_id)
        newSecurityManager(None, user.__of__(portal.acl_users) if user is not None else system)
        work()
        transaction.commit()
    except Exception:  # noqa: BLE001 - a thread: log it; the run resumes later
        transaction.abort()
        logger.exception("background work %s failed", name)
    finally:
        done()
        noSecurityManager()
        setSite(None)
        conn.close()


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
