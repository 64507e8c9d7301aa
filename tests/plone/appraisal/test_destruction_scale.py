"""Destruction at scale (#25: 10,000 records a batch in 120 s, resumable): one catalog pass
per destroyed record, a crash in the middle of a chunk stores nothing of that chunk (no
tombstone, no ledger entry, every file still there), the next run finishes each record once,
and a chunk's files are removed in one pass (every AIP location, a managed backup)."""

import transaction
from plone import api
from Products.CMFCore.indexing import processQueue
from Products.ZCatalog.ZCatalog import ZCatalog
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

from sd.archive import audit
from sd.archive.appraisal import batches
from sd.archive.appraisal import execution
from sd.archive.core.preservation import backup as backup_core
from sd.archive.core.preservation.storage import aip_path
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import config
from sd.archive.preservation import store


def approved_batch(team, ap, count):
    records = [ap.expired_record(team, n) for n in range(1, count + 1)]
    batch = ap.propose(team, records)
    ap.opine(batch, "officer")
    ap.opine(batch, "member2")
    with api.env.adopt_user(username="officer"):
        batches.submit(batch)
    with api.env.adopt_user(username="leader"):
        batches.decide(batch, True)
    return batch, records


def destroy_entries(record) -> int:
    log = current_ledger().log
    with log.view() as conn:
        entries = [log.entry(conn, i)[0] for i in log.record_indexes(conn, record.UID())]
    return sum(1 for e in entries if b'"destroy"' in e)


def aip_files(record) -> list:
    relpaths = [v["relpath"] for v in store.versions(record) if v.get("relpath")]
    return [aip_path(loc, r) for loc in config.online_locations() for r in relpaths]


def test_one_catalog_pass_per_destroyed_record(team, ap, monkeypatch):
    batch, records = approved_batch(team, ap, 4)
    files = {"/".join(r.getPhysicalPath()): sorted(r.objectIds()) for r in records}
    assert all(files.values())
    intids = getUtility(IIntIds)
    file_ids = [intids.queryId(c) for r in records for c in r.objectValues()]
    with api.env.adopt_user(username="officer"):
        execution.start(batch, ["张三", "李四"])
    processQueue()
    passes = []
    original = ZCatalog.catalog_object

    def counted(self, obj, uid=None, *args, **kw):
        passes.append(uid)
        return original(self, obj, uid, *args, **kw)

    monkeypatch.setattr(ZCatalog, "catalog_object", counted)
    with api.env.adopt_user(username="officer"):
        execution.execute(batch, chunk=10, limit=4)
    processQueue()  # what the chunk's commit does
    paths = ["/".join(r.getPhysicalPath()) for r in records]
    assert sorted(p for p in passes if p in paths) == sorted(paths)  # once each
    # and that one pass indexed the tombstone: destroyed, off the due list
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(UID=[r.UID() for r in records])
    assert {b.review_state for b in brains} == {"destroyed"}
    assert not any(b.retention_due for b in brains)
    # the audit trail names every destroyed file: one entry per record listing them
    removed = [e for e in audit.trail().pending() if e.action == "content.removed"]
    assert sorted(e.path for e in removed) == sorted(files)
    for entry in removed:
        assert sorted(f["id"] for f in entry.details["files"]) == files[entry.path]
        assert all(f["uid"] and f["filename"] for f in entry.details["files"])
    # and any int ids of theirs released (nothing keeps a destroyed file reachable)
    assert [i for i in file_ids if i is not None and intids.queryObject(i) is not None] == []


def test_crash_in_a_chunk_stores_nothing_of_it_and_the_next_run_finishes(team, ap, monkeypatch):
    batch, records = approved_batch(team, ap, 5)
    root = config.work_dir("backups")
    locations = config.online_locations()
    made = backup_core.make_backup({f"aip-{loc.id}": loc.root for loc in locations}, root)
    files = {r.UID(): aip_files(r) for r in records}
    assert all(p.exists() for paths in files.values() for p in paths)
    committed = [transaction.savepoint()]  # the test's commit: a savepoint to go back to

    def commit():
        committed[0] = transaction.savepoint()

    calls = []
    destroy_one = execution.destroy_one

    def crashing(batch, uid):
        calls.append(uid)
        if len(calls) == 4:  # the second record of the second chunk: the process dies
            raise SystemExit("killed")
        destroy_one(batch, uid)

    monkeypatch.setattr(execution, "destroy_one", crashing)
    with api.env.adopt_user(username="officer"):
        try:
            execution.execute(batch, ["张三", "李四"], chunk=2, commit=commit)
        except SystemExit:
            committed[0].rollback()  # what a killed process's transaction leaves: nothing
    first, crashed = calls[:2], calls[2]
    by_uid = {r.UID(): r for r in records}
    assert [api.content.get_state(by_uid[u]) for u in first] == ["destroyed"] * 2
    assert not any(p.exists() for u in first for p in files[u])  # the first chunk's files
    # the crashed chunk: not a tombstone, no ledger entry, its files where they were
    assert api.content.get_state(by_uid[crashed]) == "appraisal"
    assert by_uid[crashed].objectIds() and destroy_entries(by_uid[crashed]) == 0
    assert all(p.exists() for p in files[crashed])
    assert execution.status(batch)["state"] == "executing"

    monkeypatch.setattr(execution, "destroy_one", destroy_one)
    with api.env.adopt_user(username="officer"):
        status = execution.execute(batch, chunk=2, commit=commit)
    assert status["state"] == "executed" and status["destroyed"] == 5
    assert status["pending_purge"] == 0
    for record in records:
        assert api.content.get_state(record) == "destroyed" and not record.objectIds()
        assert destroy_entries(record) == 1
        assert not any(p.exists() for p in files[record.UID()])
    # the managed backup lost every copy of them, and still verifies
    manifest = set(backup_core.read_backup_manifest(made.path))
    gone = {
        str(p.relative_to(loc.root))
        for loc in locations
        for ps in files.values()
        for p in ps
        if p.is_relative_to(loc.root)
    }
    assert not {m.partition("/")[2] for m in manifest} & gone
    assert backup_core.verify_backup(made.path).failed == []
