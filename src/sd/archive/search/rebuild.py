"""Rebuild the Chinese full-text index from the records (重建检索索引), while the site runs.

The index is derived data: every record's ``SearchableText`` (its description fields and the
text of its files, kept with the record — no OCR again) and ``record_title`` are indexed again,
in batches of ``batch`` records with a commit each, so the site keeps serving and other writers
wait at most one batch; a batch that meets a conflict is aborted and done again (up to
:data:`RETRIES` times). Progress is reported after each batch (done, total, rate, expected end)
and kept in :data:`PROGRESS` for the ``@@reindex-search`` page.

Three ways to run it: ``scripts/reindex_search.py`` (``zconsole run``; on ZEO or RelStorage
beside the running instances), the ``@@reindex-search`` page (a Manager starts it in a thread of
the running instance with its own connection — the way on the embedded FileStorage, whose file
one process holds), or :func:`rebuild` from an upgrade step.
"""

from __future__ import annotations

import logging
import threading
import time

import transaction
from ZODB.POSException import ConflictError

from sd.archive.catalogtrees import use_small_trees

from .setuphandlers import use_chinese_index

logger = logging.getLogger("sd.archive.search")

INDEXES = ("SearchableText", "record_title")
RETRIES = 5
#: the last or running rebuild of this process: {"state", "done", "total", "seconds", "error"}
PROGRESS: dict = {"state": "idle", "done": 0, "total": 0, "seconds": 0.0, "error": ""}
_running = threading.Lock()


def record_paths(catalog) -> list[str]:
    """Paths of every catalogued record, in path order (what a rebuild walks)."""
    return sorted(b.getPath() for b in catalog.unrestrictedSearchResults(portal_type="Record"))


def _batch(catalog, paths: list[str]) -> None:
    app = catalog.getPhysicalRoot()
    for path in paths:
        obj = app.unrestrictedTraverse(path, None)
        if obj is not None:
            catalog.catalog_object(obj, path, idxs=list(INDEXES), update_metadata=False)


def rebuild(site, batch: int = 500, progress=None, clear: bool = True) -> dict:
    """Index every record again for ``INDEXES``; returns the final progress."""
    catalog = site.portal_catalog
    if not _running.acquire(blocking=False):
        raise RuntimeError("a search index rebuild is already running in this process")
    try:
        use_chinese_index(catalog, reindex=False)
        if clear:
            # words of records gone since are dropped with the old index (索引清空后重建)
            for name in INDEXES:
                catalog._catalog.getIndex(name).clear()
            use_small_trees(catalog)  # clear() made ZCatalog's default trees (#31)
            transaction.commit()
        paths = record_paths(catalog)
        PROGRESS.update(state="running", done=0, total=len(paths), seconds=0.0, error="")
        start = time.perf_counter()
        for first in range(0, len(paths), batch):
            chunk = paths[first : first + batch]
            for attempt in range(RETRIES):
                try:
                    _batch(catalog, chunk)
                    transaction.commit()
                    break
                except ConflictError:
                    transaction.abort()
                    time.sleep(0.5 * (attempt + 1))
                    catalog._p_jar.sync()
            else:
                raise ConflictError(f"batch at {first} kept conflicting")
            PROGRESS.update(done=first + len(chunk), seconds=time.perf_counter() - start)
            if progress is not None:
                progress(dict(PROGRESS))
        PROGRESS.update(state="done")
        return dict(PROGRESS)
    except Exception as error:
        transaction.abort()
        PROGRESS.update(state="failed", error=str(error))
        logger.exception("search index rebuild failed")
        raise
    finally:
        _running.release()


def describe(p: dict) -> str:
    """One progress line: done / total, percent, rate, expected remaining time."""
    done, total, seconds = p["done"], p["total"], p["seconds"] or 1e-9
    rate = done / seconds
    left = (total - done) / rate if rate else 0
    percent = 100 * done / total if total else 100
    return (
        f"{done}/{total} records ({percent:.0f}%), {rate:.0f} records/s, "
        f"about {left / 60:.1f} min left"
    )


def start_in_background(site, user_id: str, batch: int = 500) -> bool:
    """Start :func:`rebuild` in a thread with its own connection; False if one is running."""
    if _running.locked():
        return False
    db = site._p_jar.db()
    site_path = "/".join(site.getPhysicalPath())

    def work():
        from sd.archive.preservation.background import opened_site

        with opened_site(db, site_path, user_id) as portal:
            try:
                rebuild(portal, batch=batch, progress=lambda p: logger.info(describe(p)))
            except Exception:  # noqa: BLE001 - logged by rebuild; the thread ends
                transaction.abort()

    PROGRESS.update(state="starting", done=0, total=0, seconds=0.0, error="")
    threading.Thread(target=work, name="sd-search-rebuild", daemon=True).start()
    return True
