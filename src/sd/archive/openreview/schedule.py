"""The yearly proposal (每年年初提出开放审核批次, #25 item 6).

At each year's start the system proposes, per fonds, a batch of the records whose closure
ended by the end of the previous year. :func:`yearly` does it once per year and site (the
year is remembered in the review storage, so a restart or a second process does not propose
twice); a daemon thread started with the Zope process (like the fixity scheduler,
``preservation.schedule``: ``in_every_site`` as the system user) looks once a day
(``SD_ARCHIVE_OPENREVIEW_CHECK_SECONDS``). ``SD_ARCHIVE_OPENREVIEW_SCHEDULER=off`` leaves
it to cron (``bin/zconsole run … -c "yearly(site)"``) or to the reviewers' own proposals.
"""

from __future__ import annotations

import datetime
import os
import threading

import transaction
from plone import api

from sd.archive import logger
from sd.archive.core.errors import ArchiveError

CHECK_SECONDS = float(os.environ.get("SD_ARCHIVE_OPENREVIEW_CHECK_SECONDS", 86400))
_started = threading.Event()


def yearly(on: datetime.date | None = None) -> list[str]:
    """Propose this year's batches once (the ids proposed; [] when done already)."""
    from sd.archive.openreview import batches
    from sd.archive.openreview import proposal
    from sd.archive.retention import today

    on = on or today()
    store = batches.storage()
    if store.get("last_yearly", 0) >= on.year:
        return []
    until = datetime.date(on.year - 1, 12, 31)
    proposed = []
    catalog = api.portal.get_tool("portal_catalog")
    with api.env.adopt_roles(["Manager"]):
        for brain in catalog.unrestrictedSearchResults(portal_type="Fonds"):
            fonds = brain._unrestrictedGetObject()
            try:
                batch = proposal.propose(fonds, until, f"{on.year} 年度开放审核")
            except ArchiveError:
                continue  # nothing due in this fonds
            proposed.append(batch.id)
    store["last_yearly"] = on.year
    return proposed


def _tick(site) -> None:
    proposed = yearly()
    transaction.commit()
    if proposed:
        logger.info("yearly open-access review of %s: %s", site.getId(), ", ".join(proposed))


def _loop(db):
    from sd.archive.preservation.schedule import in_every_site

    while True:
        in_every_site(db, _tick, "yearly open-access review")
        threading.Event().wait(CHECK_SECONDS)


def start_scheduler(event):
    """IDatabaseOpenedWithRoot: start the yearly proposal thread once per serving process."""
    from sd.archive.preservation.schedule import serving

    if os.environ.get("SD_ARCHIVE_OPENREVIEW_SCHEDULER", "on") == "off" or _started.is_set():
        return
    if not serving():
        return
    _started.set()
    threading.Thread(
        target=_loop, args=(event.database,), name="sd-openreview-yearly", daemon=True
    ).start()
