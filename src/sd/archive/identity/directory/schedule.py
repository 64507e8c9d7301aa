"""Scheduled full sync (定时全量同步): a daemon thread of each serving Zope process looks every
``SD_ARCHIVE_DIRECTORY_CHECK_SECONDS`` (600) at every site with sd.archive and runs a full sync
where the platform is set up and the last successful full run is older than the control
panel's ``full_sync_hours``. ``SD_ARCHIVE_DIRECTORY_SCHEDULER=off`` leaves it to cron
(``bin/zconsole run … scripts/directory_sync.py``) or to the page's button. It uses the
preservation scheduler's frame (own connection, system user, every site).
"""

from __future__ import annotations

import os
import threading
import time

import transaction

from sd.archive import logger
from sd.archive.core.identity.directory import full_sync_due
from sd.archive.identity.directory import store

CHECK_SECONDS = float(os.environ.get("SD_ARCHIVE_DIRECTORY_CHECK_SECONDS", 600))
_started = threading.Event()


def tick(site, client=None, now: float | None = None):
    """Run the full sync of ``site`` when it is due; the outcome, or None when not due."""
    from sd.archive.identity.directory.sync import full_sync
    from sd.archive.identity.platform.settings import Settings
    from sd.archive.identity.platform.settings import client as platform_client

    settings = Settings()
    if not settings.configured or not full_sync_due(
        store.runs(site), settings.full_sync_hours, time.time() if now is None else now
    ):
        return None
    return full_sync(site, client or platform_client(settings), root=settings.root_department)


def _work(site):
    outcome = tick(site)
    transaction.commit()
    if outcome is not None:
        logger.info("scheduled directory sync of %s: %s", site.getId(), outcome.status)


def _loop(db):
    from sd.archive.preservation.schedule import in_every_site

    while True:
        time.sleep(CHECK_SECONDS)
        in_every_site(db, _work, "scheduled directory sync")


def start_scheduler(event):
    """IDatabaseOpenedWithRoot: start the thread once per serving process."""
    from sd.archive.preservation.schedule import serving

    if os.environ.get("SD_ARCHIVE_DIRECTORY_SCHEDULER", "on") == "off" or _started.is_set():
        return
    if not serving():
        return
    _started.set()
    threading.Thread(
        target=_loop, args=(event.database,), name="sd-directory-sync", daemon=True
    ).start()
