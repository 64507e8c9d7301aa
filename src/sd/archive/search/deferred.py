"""Text indexes written after intake, in batches (全文索引延后写入, #31 several workers).

Every record shares the catalog's three text indexes (``SearchableText``, ``Title``,
``record_title``: ZCTextIndex word entries and their two lexicons) with every other record,
whatever its fonds, so two intakes writing them at once conflict (measured with
``bench/conflict_map.py``: the hottest objects of intake with two workers). Switched on
(below), intake on RelStorage/PostgreSQL catalogs a new record in every index but those three
(:func:`defer`: the record's catalog operations at commit are narrowed), and notes it in the
table ``sd_text_pending`` of the search database, in the same transaction (the row commits and
rolls back with it, ``search.postgresql.SearchDataManager``).

:func:`drain` fills the three indexes for the pending records in batches, one process at a time
(``workers.exclusive`` through ``in_every_site``, a thread of every serving worker, every
``SD_ARCHIVE_TEXT_INDEX_SECONDS``, default 1 s): one commit per batch, each row deleted in the
transaction that indexed its record (rows are taken ``FOR UPDATE SKIP LOCKED``), so each record
is indexed once and a worker killed mid-batch leaves its rows for the next one. A batch meeting
a ConflictError (another writer of the text indexes: an edit, the text extraction) is undone
and taken again at the next round.

**Search freshness (检索时效)**: a record is found by its title and full text once the batch
that holds it has committed — about a second after its intake answered; by every other
criterion (档号, 全宗, 年度, facets …) at once. With the PostgreSQL full-text backend on
(``SD_ARCHIVE_SEARCH_BACKEND=postgresql``) the ``q`` search reads ``sd_search``, written in the
intake's own transaction, so the full text is found at once there too.

``SD_ARCHIVE_TEXT_INDEXING``: ``inline`` (the default: the text indexes in the intake's own
transaction) or ``deferred`` (on RelStorage/PostgreSQL, or any storage with
``SD_ARCHIVE_SEARCH_DSN`` naming the PostgreSQL of the queue — the tests' way). Measured
(bench/RESULTS.md, #31): with the write phase one intake at a time, deferring gains nothing
measurable (the text indexes are a small part of the commit, and the batches run in a worker
beside the intakes); it is what lets intakes write beside each other
(``SD_ARCHIVE_INTAKE_WRITE=parallel``), which was slower still. So it stays a setting, not the
default.
"""

from __future__ import annotations

import logging
import os
import threading

import transaction
from Acquisition import aq_base
from plone.uuid.interfaces import IUUID
from Products.CMFCore.indexing import INDEX
from Products.CMFCore.indexing import REINDEX
from Products.CMFCore.indexing import UNINDEX
from Products.CMFCore.indexing import getQueue
from Products.CMFCore.indexing import processQueue
from ZODB.POSException import ConflictError

from sd.archive import workers

logger = logging.getLogger("sd.archive.search")

MODE_ENV = "SD_ARCHIVE_TEXT_INDEXING"
SECONDS = float(os.environ.get("SD_ARCHIVE_TEXT_INDEX_SECONDS", "1"))
BATCH = int(os.environ.get("SD_ARCHIVE_TEXT_INDEX_BATCH", "200"))
GONE = "10 minutes"  # a pending row whose record was not seen for so long: the record is gone
TEXT_INDEXES = ("SearchableText", "Title", "record_title")
SCHEMA = """
CREATE TABLE IF NOT EXISTS sd_text_pending (
    uid text PRIMARY KEY,
    queued timestamptz NOT NULL DEFAULT now()
);
"""
_schema_done: set[str] = set()
_started = threading.Event()
_wake = threading.Event()


def enabled(db) -> bool:
    """Are the text indexes of intake deferred on the database ``db``? Only when asked, and
    with a PostgreSQL for the queue: RelStorage's, or the search database's."""
    from sd.archive.search import postgresql

    mode = os.environ.get(MODE_ENV, "inline").strip().lower()
    if mode != "deferred":
        return False
    return workers.pg_dsn(db) is not None or bool(os.environ.get(postgresql.DSN_ENV))


def _cursor(conn):
    """A cursor of ``conn``, the table made first if missing (on a connection of its own,
    committed at once: ``conn``'s transaction may roll back)."""
    from sd.archive.search import postgresql

    target = postgresql.dsn()
    if target not in _schema_done:
        import psycopg2

        own = psycopg2.connect(target)
        try:
            with own.cursor() as cur:
                cur.execute(SCHEMA)
            own.commit()
        except psycopg2.errors.UniqueViolation:  # another process made it at the same time
            own.rollback()
        finally:
            own.close()
        _schema_done.add(target)
    return conn.cursor()


def defer_next(db) -> bool:
    """Will the text indexes of the records made next in this transaction be deferred? If so,
    register the commit hook that narrows their catalog operations now, before any catalog
    operation of the transaction, so that it runs before the catalog queue's own hook (hooks
    run in the order they were added)."""
    if db is None or not enabled(db):
        return False
    txn = transaction.get()
    if "_sd_text_deferred" not in txn.__dict__:
        txn._sd_text_deferred = {}
        txn.addBeforeCommitHook(_narrow_queue, (txn,))
    return True


def defer(record) -> None:
    """Leave ``record``'s text indexes out of the current transaction and queue them (see the
    module's doc), after :func:`defer_next` said so. Its catalog operations are narrowed at
    commit; a search in the same transaction (it processes the queue) would index them."""
    txn = transaction.get()
    if "_sd_text_deferred" not in txn.__dict__:  # no defer_next: still before the queue's
        txn._sd_text_deferred = {}  # hook when it is the first catalog operation
        txn.addBeforeCommitHook(_narrow_queue, (txn,))
    txn._sd_text_deferred[id(aq_base(record))] = record


def _narrow_queue(txn) -> None:
    """Before commit: the deferred records' catalog operations without the text indexes, and
    their ``sd_text_pending`` rows."""
    from sd.archive.search import postgresql

    deferred = txn.__dict__.get("_sd_text_deferred") or {}
    if not deferred:
        return
    queue = getQueue()
    queue.optimize()
    names = None
    state = []
    for op, obj, attributes, metadata in queue.getState():
        if op == UNINDEX or id(aq_base(obj)) not in deferred:
            state.append((op, obj, attributes, metadata))
            continue
        if names is None:
            catalog = obj.portal_catalog._catalog
            names = [n for n in catalog.indexes if n not in TEXT_INDEXES]
        wanted = attributes or names  # [] or None: every index
        kept = [n for n in wanted if n not in TEXT_INDEXES]
        if kept or op == INDEX:
            state.append((REINDEX, obj, kept or names, 1 if op == INDEX else metadata))
    queue.setState(state)
    noted = txn.__dict__.setdefault("_sd_text_noted", set())
    uids = {IUUID(r, None) for r in deferred.values()} - noted - {None}
    noted.update(uids)
    rows = [(uid,) for uid in sorted(uids)]
    if rows:
        with _cursor(postgresql.writing_connection()) as cur:
            cur.executemany(
                "INSERT INTO sd_text_pending (uid) VALUES (%s) ON CONFLICT DO NOTHING", rows
            )


def index_now() -> None:
    """Process the catalog queue now, the deferred records' operations narrowed (what the
    commit would do; a search in the transaction does it too): the catalog's work done before
    the next step rather than inside the commit."""
    _narrow_queue(transaction.get())
    processQueue()


def pending() -> int:
    """How many records wait for their text indexes (0 when none or no table)."""
    from sd.archive.search import postgresql

    conn = postgresql.thread_connection()
    with _cursor(conn) as cur:
        cur.execute("SELECT count(*) FROM sd_text_pending")
        found = cur.fetchone()[0]
    if getattr(postgresql._local, "manager", None) is None:
        conn.commit()
    return found


def drain(site, batch: int = BATCH) -> int:
    """Index the text of up to ``batch`` pending records in one transaction (committed here);
    returns how many were indexed.

    A row whose record this snapshot does not hold stays: its row commits with the intake's
    vote, a moment before the record itself (the ZODB's finish), so it may be seen first. Only
    after ``GONE`` (the record deleted before its text was indexed) is the row dropped."""
    from sd.archive.search import postgresql

    catalog = site.portal_catalog
    uid_index = catalog._catalog.getIndex("UID")._index
    transaction.abort()
    with _cursor(postgresql.writing_connection()) as cur:
        cur.execute(
            "SELECT uid, queued < now() - %s::interval FROM sd_text_pending ORDER BY queued "
            "LIMIT %s FOR UPDATE SKIP LOCKED",
            (GONE, batch),
        )
        rows = cur.fetchall()
        done, dropped = [], []
        for uid, old in rows:
            rid = uid_index.get(uid)
            path = catalog.getpath(rid) if rid is not None else None
            obj = site.unrestrictedTraverse(path, None) if path else None
            if obj is not None:
                catalog._reindexObject(obj, idxs=list(TEXT_INDEXES), update_metadata=0, uid=path)
                done.append(uid)
            elif old:
                dropped.append(uid)
        if not (done or dropped):
            transaction.abort()
            return 0
        cur.execute("DELETE FROM sd_text_pending WHERE uid = ANY(%s)", (done + dropped,))
    try:
        transaction.commit()
    except ConflictError:
        transaction.abort()  # the rows stay: the next round takes them again
        logger.info("deferred text indexing: a conflict, %s records for the next round", len(done))
        return 0
    return len(done)


def drain_all(site) -> int:
    """:func:`drain` until nothing is pending (scripts, tests)."""
    done = 0
    while True:
        count = drain(site)
        if not count:
            return done
        done += count


def _drain_site(site) -> None:
    count = drain_all(site)
    if count:
        logger.debug("text indexes written for %s records of %s", count, site.getId())


def _loop(db) -> None:
    from sd.archive.preservation.schedule import in_every_site

    while True:
        _wake.wait(SECONDS)  # first look after start-up, not during it
        _wake.clear()
        in_every_site(db, _drain_site, "deferred text indexing")


def start_indexer(event) -> None:
    """IProcessStarting: the thread of :func:`drain` in a serving process whose database
    defers the text indexes (``SD_ARCHIVE_TEXT_INDEXER=off``: left to a script)."""
    import Zope2

    from sd.archive.preservation.schedule import serving

    db = getattr(Zope2, "DB", None)
    if os.environ.get("SD_ARCHIVE_TEXT_INDEXER", "on") == "off" or _started.is_set():
        return
    if db is None or not serving() or not enabled(db):
        return
    _started.set()
    threading.Thread(target=_loop, args=(db,), name="sd-text-indexer", daemon=True).start()
