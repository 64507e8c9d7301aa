"""Scheduled fixity (定期完整性巡检): every online location is checked again once its last
complete run is older than ``fixity_interval_days`` (storage control panel).

A daemon thread started when the Zope process opens its database looks once an hour
(``SD_ARCHIVE_FIXITY_CHECK_SECONDS``) at every Plone site with sd.archive, and runs the due
locations one after the other with its own connection, repairing and raising alarms as the
on-demand runs do; then the preservation stage (长期保存检测, ``checks.run``) over the
holdings, whenever fixity ran or the last holdings run is older than the same interval. Set
``SD_ARCHIVE_FIXITY_SCHEDULER=off`` to leave it to cron (``scripts/preservation.py fixity``).
Unfinished runs (fixity and preservation checks) are resumed first.
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import transaction
from plone import api

from sd.archive import logger
from sd.archive import workers

from . import checks
from . import config
from . import fixity
from . import renewal

CHECK_SECONDS = float(os.environ.get("SD_ARCHIVE_FIXITY_CHECK_SECONDS", 3600))
_started = threading.Event()
_wake = threading.Event()  # set to look again at once (tests, operators)


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    value = datetime.fromisoformat(stamp)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def due_locations(
    location_ids: list[str], runs: list[dict], interval_days: int, now: datetime
) -> list[str]:
    """Locations whose last complete run finished more than ``interval_days`` ago (or never)."""
    last: dict[str, datetime] = {}
    for row in runs:
        finished = _parse(row.get("finished")) if row.get("complete") else None
        location = row.get("location_id")
        if finished and (location not in last or finished > last[location]):
            last[location] = finished
    limit = now - timedelta(days=interval_days)
    return [loc for loc in location_ids if loc not in last or last[loc] < limit]


def tick(now: datetime | None = None, commit=None) -> list[str]:
    """Resume unfinished runs, then run every due location of the current site; returns the
    location ids checked. Fixity runs in the caller's transaction (the thread commits); the
    preservation check commits every batch with ``commit`` when given (the thread's
    ``transaction.commit``), else it too stays in the caller's transaction."""
    for run_id in fixity.resume_unfinished():
        fixity.run(fixity.location_of_run(run_id), run_id=run_id)
    interval = getattr(config.settings(), "fixity_interval_days", None) or 30
    ids = [loc.id for loc in config.online_locations()]
    due = due_locations(ids, fixity.list_runs(), interval, now or datetime.now(UTC))
    for location_id in due:
        fixity.run(location_id)
    for run_id in checks.unfinished_runs():  # a check run cut off by a stop or a kill
        checks.resume(run_id, commit=commit)
    if getattr(config.settings(), "renew_evidence", False) and renewal.interval_due(
        interval, now
    ):  # 证据续期: idempotent, a run cut off is finished by the next one
        renewal.run(commit=commit)
    if due or checks.interval_due(interval, now):  # 长期保存检测 with fixity
        _scope, uids = checks.scope_of(api.portal.get())
        run_id = checks.begin(uids, scope="holdings", actor="system")
        checks.resume(run_id, commit=commit)
    return due


def serving() -> bool:
    """True in a process that serves requests (运行中的实例); False under ``zconsole run`` or
    ``zconsole debug``, which fire the same start-up events but end when their script does: a
    background thread started there would be cut off in the middle of its work."""
    return "Zope2.utilities.zconsole" not in sys.modules


def _sites(app):
    from Products.CMFPlone.Portal import PloneSite

    return [obj for obj in app.objectValues() if isinstance(obj, PloneSite)]


def in_every_site(db, work, what: str) -> None:
    """Run ``work(site)`` as the system user in every site with sd.archive, with a connection
    of its own (the background threads' frame); ``work`` commits, a failure is logged."""
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from AccessControl.users import system
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite

    conn = db.open()
    try:
        app = makerequest(conn.root()["Application"])
        newSecurityManager(None, system)
        for site in _sites(app):
            setSite(site)
            if config.settings() is None:
                continue  # sd.archive not installed there
            # several workers on one database: one of them does it (sd.archive.workers)
            job = f"{what} {'/'.join(site.getPhysicalPath())}"
            try:
                with workers.exclusive(db, job) as mine:
                    if not mine:
                        continue  # another worker process is doing it now
                    transaction.abort()  # a fresh snapshot: what the last holder committed
                    work(site)
            except Exception:  # noqa: BLE001 - the thread must keep running
                transaction.abort()
                logger.exception("%s of %s failed", what, site.getId())
    finally:
        noSecurityManager()
        setSite(None)
        transaction.abort()
        conn.close()


def _fixity(site) -> None:
    checked = tick(commit=transaction.commit)
    transaction.commit()
    if checked:
        logger.info("scheduled fixity of %s: %s", site.getId(), ", ".join(checked))


def _loop(db):
    while True:
        _wake.wait(CHECK_SECONDS)  # first look an interval after start-up, not during it
        _wake.clear()
        in_every_site(db, _fixity, "scheduled fixity")


def start_scheduler(event):
    """IDatabaseOpenedWithRoot: start the scheduler thread once per serving process."""
    if os.environ.get("SD_ARCHIVE_FIXITY_SCHEDULER", "on") == "off" or _started.is_set():
        return
    if not serving():
        return
    _started.set()
    threading.Thread(
        target=_loop, args=(event.database,), name="sd-fixity-scheduler", daemon=True
    ).start()
