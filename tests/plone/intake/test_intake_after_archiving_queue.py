"""The after-archiving queue: intake answers before the archiving seal and the AIP are written;
the queued work is durable with the record, done once, and a failure becomes an alarm."""

from pathlib import Path

import pytest
import transaction
from intake_helpers import post
from intake_helpers import sample
from plone import api

from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import alarms
from sd.archive.preservation import config
from sd.archive.preservation import giveway
from sd.archive.preservation import postprocess
from sd.archive.preservation import store
from sd.archive.preservation import worker


@pytest.fixture
def queue_mode(monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_POSTPROCESS", "queue")


def record_at(portal, url):
    transaction.begin()
    return portal.unrestrictedTraverse(url.replace(portal.absolute_url(), "").lstrip("/"))


def sealed_versions(record):
    return [c for c in record.objectValues() if getattr(c, "version_of", None)]


def preserve_entries(record):
    ledger = current_ledger()
    with ledger.log.view() as conn:
        return [i for i in ledger.log.record_indexes(conn, record.UID())]


def test_intake_answers_first_then_the_queue_seals_and_preserves(site, svc, queue_mode):
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert response.status_code == 201, response.text
    record = record_at(site, response.json()["@id"])
    assert api.content.get_state(record) == "archived"
    # committed with the record: the queue entry, no AIP and no sealed version yet
    assert postprocess.is_pending(record)
    assert postprocess.pending(site) == 1
    assert store.versions(record) == []
    assert sealed_versions(record) == []
    logged_before = len(preserve_entries(record))

    assert postprocess.drain(site) == 1
    transaction.begin()
    assert not postprocess.is_pending(record)
    (entry,) = store.versions(record)
    assert entry["version"] == 1 and entry["reason"] == "archive"
    # the AIP is written after the seal, so v1 already holds the sealed 正本
    assert [c.role for c in sealed_versions(record)] == ["正本"]
    for location in config.online_locations():
        assert (Path(location.path) / entry["relpath"]).is_file()
    assert len(preserve_entries(record)) == logged_before + 1  # the 'preserve' ledger entry
    assert postprocess.drain(site) == 0  # done once


def test_work_that_aborts_stays_queued(site, svc, queue_mode):
    response = post(svc, "@archive", sample("archive-gongwen.zip"))
    record = record_at(site, response.json()["@id"])
    uid = postprocess.next_uid(site)
    assert uid == record.UID()
    postprocess.take(uid, site)  # the AIP files are written ...
    (entry,) = store.versions(record)
    written = [Path(loc.path) / entry["relpath"] for loc in config.online_locations()]
    assert all(p.is_file() for p in written)
    transaction.abort()  # ... and the transaction dies (a crash, a conflict)
    assert not any(p.is_file() for p in written)  # no AIP without its record version
    transaction.begin()
    assert postprocess.is_pending(record) and store.versions(record) == []
    assert postprocess.drain(site) == 1
    transaction.begin()
    assert len(store.versions(record)) == 1


def test_a_failing_record_raises_an_alarm_and_leaves_the_queue(site, svc, queue_mode, monkeypatch):
    first = post(svc, "@archive", sample("archive-gongwen.zip")).json()["@id"]
    transaction.begin()

    def broken(record, steps):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(postprocess, "process", broken)
    assert postprocess.drain(site) == 1
    transaction.begin()
    assert postprocess.pending(site) == 0
    record = record_at(site, first)
    (alarm,) = [a for a in alarms.open_alarms(site) if a["details"].get("uid") == record.UID()]
    assert "disk on fire" in alarm["message"]


def test_rejected_package_queues_nothing(site, svc, queue_mode):
    response = post(svc, "@archive", b"PK\x05\x06" + b"\0" * 18)
    assert response.status_code in (400, 422)
    transaction.begin()
    assert postprocess.pending(site) == 0


def test_inline_mode_writes_everything_in_the_request(site, svc, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_POSTPROCESS", "inline")
    record = record_at(site, post(svc, "@archive", sample("archive-gongwen.zip")).json()["@id"])
    assert postprocess.pending(site) == 0
    assert store.versions(record)  # written in the request (v2 adds the seal when it comes second)
    assert [c.role for c in sealed_versions(record)] == ["正本"]


def test_files_left_by_a_killed_worker_are_set_aside_not_lost(site, svc, queue_mode):
    """kill -9 between writing an AIP and committing leaves files no version owns."""
    record = record_at(site, post(svc, "@archive", sample("archive-gongwen.zip")).json()["@id"])
    relpath = store.relpath_of(record, 1)
    strays = []
    for location in config.online_locations():
        path = Path(location.path) / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half-written AIP of a process that died")
        strays.append(path)
    assert postprocess.drain(site) == 1
    transaction.begin()
    (entry,) = store.versions(record)
    assert entry["relpath"] == relpath
    for path in strays:
        kept = list(path.parent.glob(path.name + ".stray-*"))
        assert b"half-written AIP of a process that died" in [p.read_bytes() for p in kept]
        assert path.read_bytes() != b"half-written AIP of a process that died"


def test_queue_is_visible_over_rest_to_archivists_only(site, svc, queue_mode):
    from intake_helpers import session_for

    post(svc, "@archive", sample("archive-gongwen.zip"))
    admin = session_for(site, "admin")
    status = admin.get("@preservation").json()
    assert status["queue"]["mode"] == "queue" and status["queue"]["pending"] == 1
    assert status["queue"]["oldest"][0]["steps"] == ["preserve:archive", "seal"]
    assert {loc["id"] for loc in status["locations"]} >= {"copy1", "copy2"}
    assert svc.get("@preservation").status_code in (401, 403)
    transaction.begin()
    postprocess.drain(site)
    assert admin.get("@preservation").json()["queue"]["pending"] == 0


def test_concurrent_add_and_take_merge_instead_of_conflicting():
    from sd.archive.preservation.queues import PendingWork

    old = {"items": {"a": ("t1", ("preserve:archive",)), "b": ("t2", ("seal",))}}
    worker = {"items": {"b": ("t2", ("seal",))}}  # took a
    intake = {
        "items": {
            **old["items"],
            "c": ("t3", ("preserve:receive",)),
            "b": ("t2", ("preserve:archive", "seal")),
        }
    }  # added c, widened b
    merged = PendingWork()._p_resolveConflict(old, worker, intake)["items"]
    assert merged == {"b": ("t2", ("preserve:archive", "seal")), "c": ("t3", ("preserve:receive",))}
    # the worker took b while intake re-queued it: the new work stays queued
    merged = PendingWork()._p_resolveConflict(old, {"items": {"a": old["items"]["a"]}}, intake)
    assert set(merged["items"]) == {"a", "b", "c"}


def test_shards_stored_under_the_old_module_name_still_load():
    """The shards were ``postprocess.PendingWork`` before ``queues`` held them: the stored
    ones name that class, which ZODB must still find (and find to be the same class)."""
    from ZODB.broken import find_global

    from sd.archive.preservation.queues import PendingWork

    assert find_global("sd.archive.preservation.postprocess", "PendingWork") is PendingWork


def test_the_worker_drains_with_its_own_connection(site, svc, queue_mode):
    from zope.component.hooks import setSite

    from sd.archive.preservation.schedule import in_every_site

    record = record_at(site, post(svc, "@archive", sample("archive-gongwen.zip")).json()["@id"])
    in_every_site(site._p_jar.db(), worker._drain_site, "the after-archiving queue")
    setSite(site)
    transaction.begin()
    assert postprocess.pending(site) == 0
    assert len(store.versions(record)) == 1


def test_foreground_is_busy_while_a_request_runs_and_for_the_quiet_time():
    now = [100.0]
    fg = giveway.Foreground(clock=lambda: now[0], at=1)
    assert not fg.busy(quiet=0.5)
    with fg.running():
        now[0] += 10
        assert fg.busy(quiet=0.5)  # however long the request takes
    now[0] += 0.2
    assert fg.busy(quiet=0.5)  # the next package usually follows at once
    now[0] += 0.4
    assert not fg.busy(quiet=0.5)


def test_the_worker_runs_beside_one_request_and_waits_from_two_on():
    now = [100.0]
    fg = giveway.Foreground(clock=lambda: now[0])  # the default: from 2 at once
    with fg.running():
        assert not fg.busy(quiet=0.5)  # one package at a time: the worker goes on
        with fg.running():
            assert fg.busy(quiet=0.5)  # two at once: it waits
        now[0] += 0.2
        assert fg.busy(quiet=0.5)  # and for the quiet time after
        now[0] += 0.4
        assert not fg.busy(quiet=0.5)
    now[0] += 10
    assert not fg.busy(quiet=0.5)


def test_the_worker_gives_way_to_intake_then_drains(site, svc, queue_mode, monkeypatch):
    post(svc, "@archive", sample("archive-gongwen.zip"))
    transaction.begin()
    waits = []
    monkeypatch.setattr(giveway.foreground, "at", 1)
    request = giveway.foreground.running()
    request.__enter__()  # a package is being received

    def wait(seconds):
        waits.append(seconds)
        if len(waits) == 3:
            request.__exit__(None, None, None)  # the request ends
            monkeypatch.setattr(giveway, "QUIET_SECONDS", 0.0)

    assert giveway.give_way(site, wait=wait) is True
    assert len(waits) == 3 and postprocess.pending(site) == 1  # nothing done while busy
    assert postprocess.drain(site, polite=True) == 1


def test_a_record_waiting_past_the_limit_is_done_despite_intake(site, svc, queue_mode, monkeypatch):
    post(svc, "@archive", sample("archive-gongwen.zip"))
    transaction.begin()
    monkeypatch.setattr(giveway, "MAX_DEFER_SECONDS", 0.0)
    monkeypatch.setattr(giveway.foreground, "at", 1)  # busy: one request makes it wait
    waits = []
    with giveway.foreground.running():
        assert giveway.give_way(site, wait=waits.append) is False
        assert postprocess.drain(site, polite=True) == 1
    assert waits == []


def test_a_sealed_record_reads_over_rest(site, svc, queue_mode):
    """After the archiving seal, the record's stored seal findings are plain JSON data (the
    PDF field name came from pyHanko as its own string type and broke GET)."""
    from intake_helpers import session_for

    url = post(svc, "@archive", sample("archive-gongwen.zip")).json()["@id"]
    transaction.begin()
    assert postprocess.drain(site) == 1
    transaction.commit()
    admin = session_for(site, "admin")
    response = admin.get(url.replace(site.absolute_url(), "").lstrip("/"))
    assert response.status_code == 200, response.text[:500]
    record = record_at(site, url)
    sealed = sealed_versions(record)
    assert sealed and all(
        type(f["id"]) is str for c in sealed for f in c.seal_findings if "id" in f
    )


def test_a_record_lists_its_components_over_rest(site, svc):
    from intake_helpers import session_for

    url = post(svc, "@archive", sample("archive-gongwen.zip")).json()["@id"]
    transaction.begin()
    body = session_for(site, "admin").get(url.replace(site.absolute_url(), "").lstrip("/")).json()
    titles = [item["title"] for item in body["items"]]
    # the record's files, its package as received (原始包), the sealed 正本 (inline mode)
    assert titles == [
        "正本.pdf",
        "处理单.pdf",
        "附件1.pdf",
        "OA-J001-2023-000000007.zip",
        "正本-归档章.pdf",
    ]
    assert body["items_total"] == 5
    assert all(item["@id"].startswith(url + "/") for item in body["items"])


def test_the_worker_gathers_a_batch_while_packages_arrive(site, svc, queue_mode, monkeypatch):
    """One stream of packages: the worker waits for GATHER records (or GATHER_SECONDS) and takes
    them in one transaction instead of one each; without a stream it takes what is there."""
    monkeypatch.setattr(giveway, "GATHER", 2)
    monkeypatch.setattr(giveway, "QUIET_SECONDS", 0.0)  # the POST below is over
    post(svc, "@archive", sample("archive-gongwen.zip"))
    transaction.begin()
    waits = []
    assert giveway.gather(site, wait=waits.append) is False  # no package arriving
    with giveway.foreground.running():  # a package is being received
        assert giveway.gather(site, wait=waits.append) is True  # one queued: waits
        assert len(waits) == giveway.GATHER_SECONDS / 0.1  # then takes it anyway
        waits.clear()
        monkeypatch.setattr(giveway, "GATHER", 1)
        assert giveway.gather(site, wait=waits.append) is False  # enough queued
    assert waits == []
