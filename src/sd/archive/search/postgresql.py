"""PostgreSQL full text for a RelStorage deployment (PostgreSQL 全文检索后端).

Switched on by ``SD_ARCHIVE_SEARCH_BACKEND=postgresql`` (default ``catalog``) with the server in
``SD_ARCHIVE_SEARCH_DSN`` (a libpq DSN), or when that is not set the database of the site's own
RelStorage (the table ``sd_search`` lives beside RelStorage's own tables).

**Writing (写入)**: :class:`SearchQueueProcessor` is one more processor of Plone's index queue
(``IIndexQueueProcessor``, beside the catalog's): whenever a record is indexed, reindexed
(edits, workflow, local roles — ``reindexObjectSecurity`` goes through the queue too) or
unindexed, its row is written at once on this thread's connection, inside a PostgreSQL
transaction joined to the Zope transaction by :class:`SearchDataManager`:

- the rows commit when the Zope transaction commits and roll back when it aborts (or when a
  savepoint is rolled back: PostgreSQL ``SAVEPOINT``), so the index never holds a record that
  was not stored, nor misses one that was;
- the data manager votes **last** (``sortKey``) and commits PostgreSQL in its vote: every ZODB
  storage has already voted, so only a failure in their ``tpc_finish`` (which does not happen
  short of a crash) could leave a row of an aborted change — and a row is idempotent (upsert by
  UID), so the next edit or a rebuild puts it right. No two-phase commit is needed on the
  server (``max_prepared_transactions`` stays 0);
- a search in the same transaction sees that transaction's own rows (the same connection).

**Searching (检索)**: the GIN index on ``tsv`` finds the rows, ``allowed`` filters them (an
index on ``allowed`` was measured to mislead the planner: it took it and read every row a
principal may see, 105 ms instead of 4 ms at 10,000 rows). :func:`search` gives the UIDs and
ranks (``ts_rank``) of the records whose ``tsv`` matches the query and whose ``allowed`` shares a
principal with the caller's ``allowedRolesAndUsers``; the engine intersects them with the
catalog's field criteria.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time

import transaction
from plone.indexer.interfaces import IIndexableObject
from plone.uuid.interfaces import IUUID
from Products.CMFCore.interfaces import IIndexQueueProcessor
from zope.component import queryMultiAdapter
from zope.interface import implementer

from sd.archive.core.search import tsquery
from sd.archive.interfaces import IRecord

logger = logging.getLogger("sd.archive.search")

BACKEND_ENV = "SD_ARCHIVE_SEARCH_BACKEND"
DSN_ENV = "SD_ARCHIVE_SEARCH_DSN"
TABLE = "sd_search"
#: what a reindex must touch for the row to change
WATCHED = {"SearchableText", "allowedRolesAndUsers", "review_state", "path"}
#: catalogue values kept in ``fields`` (for inspection and for a later all-SQL search)
FIELDS = ("archival_code", "fonds_code", "review_state", "archive_year", "Title")

SCHEMA = """
CREATE TABLE IF NOT EXISTS sd_search (
    uid text PRIMARY KEY,
    path text NOT NULL,
    allowed text[] NOT NULL,
    fields jsonb NOT NULL DEFAULT '{}',
    tsv tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS sd_search_tsv ON sd_search USING gin (tsv);
"""
UPSERT = """
INSERT INTO sd_search (uid, path, allowed, fields, tsv) VALUES (%s, %s, %s, %s, %s::tsvector)
ON CONFLICT (uid) DO UPDATE SET path = EXCLUDED.path, allowed = EXCLUDED.allowed,
    fields = EXCLUDED.fields, tsv = EXCLUDED.tsv
"""
UPDATE_ACCESS = "UPDATE sd_search SET path = %s, allowed = %s, fields = %s WHERE uid = %s"
QUERY = """
SELECT uid, ts_rank(tsv, q) FROM sd_search, CAST(%s AS tsquery) AS q
WHERE tsv @@ q AND allowed && %s::text[]
"""


class SearchBackendError(RuntimeError):
    """The PostgreSQL search is switched on but cannot be used (配置错误)."""


def backend() -> str:
    """``catalog`` (default) or ``postgresql``."""
    value = os.environ.get(BACKEND_ENV, "catalog").strip().lower() or "catalog"
    if value not in ("catalog", "postgresql"):
        raise SearchBackendError(f"{BACKEND_ENV}: catalog or postgresql, not {value!r}")
    return value


def enabled() -> bool:
    return backend() == "postgresql"


def relstorage_dsn() -> str:
    """The DSN of the RelStorage (PostgreSQL) the current site is stored in, or ""."""
    from zope.component.hooks import getSite

    site = getSite()
    jar = getattr(site, "_p_jar", None)
    storage = jar.db().storage if jar is not None else None
    adapter = getattr(storage, "_adapter", None)
    if adapter is None or "postgresql" not in type(adapter).__module__:
        return ""
    return getattr(adapter, "_dsn", "") or ""


def dsn() -> str:
    """``SD_ARCHIVE_SEARCH_DSN``, else the DSN of the site's own RelStorage on PostgreSQL."""
    value = os.environ.get(DSN_ENV, "").strip() or relstorage_dsn()
    if not value:
        raise SearchBackendError(
            f"{BACKEND_ENV}=postgresql needs {DSN_ENV} (a libpq DSN) or a site on RelStorage"
            " with PostgreSQL"
        )
    return value


_schema_done: set[str] = set()
_local = threading.local()


def connect():
    """A new connection to the search database, the table made if missing."""
    import psycopg2

    target = dsn()
    conn = psycopg2.connect(target)
    with conn.cursor() as cur:
        # measured (bench/bench_search.py, 10,000 rows): the planner costs a scan of the heap
        # without the detoasting of every tsvector, and picks it over the GIN index — 60-90 ms
        # instead of 2-5 ms for a word. Only this module's statements run on its connections.
        cur.execute("SET enable_seqscan = off")
    conn.commit()
    if target not in _schema_done:
        with conn.cursor() as cur:
            cur.execute(SCHEMA)
        conn.commit()
        _schema_done.add(target)
    return conn


def thread_connection():
    """This thread's connection (the one the Zope transaction's rows are written on)."""
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed or getattr(_local, "dsn", None) != dsn():
        conn = connect()
        _local.conn, _local.dsn = conn, dsn()
    return conn


class SearchSavepoint:
    def __init__(self, manager, name):
        self.manager, self.name = manager, name

    def rollback(self):
        with self.manager.conn.cursor() as cur:
            cur.execute(f"ROLLBACK TO SAVEPOINT {self.name}")


class SearchDataManager:
    """Joins this thread's PostgreSQL transaction to the Zope transaction (see module doc)."""

    def __init__(self, conn, txn):
        self.conn, self.transaction_manager = conn, transaction.manager
        self.txn = txn
        self._savepoints = 0

    def sortKey(self):
        return "~~sd.archive.search.postgresql"  # after the ZODB storages: votes last

    def savepoint(self):
        self._savepoints += 1
        name = f"sd_search_sp{self._savepoints}"
        with self.conn.cursor() as cur:
            cur.execute(f"SAVEPOINT {name}")
        return SearchSavepoint(self, name)

    def _done(self):
        if getattr(_local, "manager", None) is self:
            _local.manager = None

    def abort(self, txn):
        self._rollback()

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        self.conn.commit()  # the last resource to vote (see sortKey)
        self._done()

    def tpc_finish(self, txn):
        self._done()

    def tpc_abort(self, txn):
        self._rollback()

    def _rollback(self):
        try:
            if not self.conn.closed:
                self.conn.rollback()
        finally:
            self._done()


def writing_connection():
    """This thread's connection, joined to the current Zope transaction."""
    conn = thread_connection()
    txn = transaction.get()
    manager = getattr(_local, "manager", None)
    if manager is None or manager.txn is not txn:
        manager = SearchDataManager(conn, txn)
        txn.join(manager)
        _local.manager = manager
    return conn


def row_of(obj, catalog, with_text: bool = True) -> dict | None:
    """The row of a record: uid, path, allowed, fields and (``with_text``) the tsvector."""
    uid = IUUID(obj, None)
    if not uid:
        return None
    wrapper = queryMultiAdapter((obj, catalog), IIndexableObject) or obj
    allowed = list(getattr(wrapper, "allowedRolesAndUsers", None) or [])
    fields = {}
    for name in FIELDS:
        value = getattr(wrapper, name, None)
        value = value() if callable(value) else value
        if value is not None:
            fields[name] = value if isinstance(value, int | str) else str(value)
    row = {
        "uid": uid,
        "path": "/".join(obj.getPhysicalPath()),
        "allowed": allowed,
        "fields": json.dumps(fields, ensure_ascii=False),
    }
    if with_text:
        text = getattr(wrapper, "SearchableText", "") or ""
        row["tsv"] = tsquery.vector(text() if callable(text) else text)
    return row


def write_row(cur, row: dict) -> None:
    cur.execute(UPSERT, (row["uid"], row["path"], row["allowed"], row["fields"], row["tsv"]))


@implementer(IIndexQueueProcessor)
class SearchQueueProcessor:
    """Keeps ``sd_search`` in step with the records (index queue processor; a no-op unless the
    PostgreSQL backend is switched on)."""

    def _catalog(self, obj):
        from Products.CMFCore.utils import getToolByName

        return getToolByName(obj, "portal_catalog", None)

    def index(self, obj, attributes=None):
        if not (enabled() and IRecord.providedBy(obj)):
            return
        row = row_of(obj, self._catalog(obj))
        if row:
            with writing_connection().cursor() as cur:
                write_row(cur, row)

    def reindex(self, obj, attributes=None, update_metadata=1):
        if not (enabled() and IRecord.providedBy(obj)):
            return
        if attributes and not WATCHED.intersection(attributes):
            return
        if attributes and "SearchableText" not in attributes:
            row = row_of(obj, self._catalog(obj), with_text=False)
            if row:
                with writing_connection().cursor() as cur:
                    cur.execute(
                        UPDATE_ACCESS, (row["path"], row["allowed"], row["fields"], row["uid"])
                    )
                    if cur.rowcount:
                        return
            # not there yet: the whole row
        self.index(obj)

    def unindex(self, obj):
        if not (enabled() and IRecord.providedBy(obj)):
            return
        uid = IUUID(obj, None)
        if uid:
            with writing_connection().cursor() as cur:
                cur.execute("DELETE FROM sd_search WHERE uid = %s", (uid,))

    def begin(self):
        pass

    def commit(self):
        pass

    def abort(self):
        pass


def search(query_text: str, principals: list[str]) -> list[tuple[str, float]]:
    """(uid, rank) of the records matching the search box text that one of ``principals`` may
    see; raises SearchQueryError for text the parser refuses (400)."""
    literal = tsquery.build(query_text)
    if not literal:
        return []
    conn = thread_connection()
    joined = getattr(_local, "manager", None) is not None
    with conn.cursor() as cur:
        cur.execute(QUERY, (literal, list(principals)))
        found = cur.fetchall()
    if not joined:
        conn.rollback()  # no transaction left open between requests
    return found


def record_paths(catalog) -> list[str]:
    return sorted(b.getPath() for b in catalog.unrestrictedSearchResults(portal_type="Record"))


def rebuild(site, batch: int = 500, progress=None, clear: bool = True) -> dict:
    """Write every record's row again from the records (重建), a commit per batch on a
    connection of its own; rows of records gone are dropped (``clear``: the table is emptied
    first; without it only the rows of records no longer catalogued are removed at the end).
    Returns the final progress (done, total, seconds)."""
    catalog = site.portal_catalog
    app = catalog.getPhysicalRoot()
    paths = record_paths(catalog)
    state = {"state": "running", "done": 0, "total": len(paths), "seconds": 0.0, "error": ""}
    start = time.perf_counter()
    conn = connect()
    try:
        with conn.cursor() as cur:
            if clear:
                cur.execute("TRUNCATE sd_search")
                conn.commit()
            seen: list[str] = []
            for first in range(0, len(paths), batch):
                for path in paths[first : first + batch]:
                    obj = app.unrestrictedTraverse(path, None)
                    row = row_of(obj, catalog) if obj is not None else None
                    if row:
                        write_row(cur, row)
                        seen.append(row["uid"])
                conn.commit()
                state.update(
                    done=min(first + batch, len(paths)), seconds=time.perf_counter() - start
                )
                if progress is not None:
                    progress(dict(state))
            if not clear:
                cur.execute("DELETE FROM sd_search WHERE NOT (uid = ANY(%s))", (seen,))
                conn.commit()
        state.update(state="done", seconds=time.perf_counter() - start)
        return state
    finally:
        conn.close()
