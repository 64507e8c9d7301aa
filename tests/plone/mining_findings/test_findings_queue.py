"""The findings in the worker's spare time (#31): with the after-archiving worker on, a record's
findings are not made in the batch that seals and packages it but queued, and made after the
after-archiving queue is empty — each record once, in batches; a bad record alone is given up."""

import pytest
import transaction
from findings_helpers import LETTER
from findings_helpers import NOTICE
from findings_helpers import archived

from sd.archive.mining.findings import queue as findings_queue
from sd.archive.mining.findings import store as findings_store
from sd.archive.mining.findings.store import findings_of
from sd.archive.preservation import postprocess
from sd.archive.preservation import store
from sd.archive.preservation import worker
from sd.archive.testing import make_fonds

RECORDS = 4


@pytest.fixture
def queued(fportal, monkeypatch):
    """Four archived records with text, their after-archiving work queued (committed)."""
    monkeypatch.setenv("SD_ARCHIVE_POSTPROCESS", "queue")
    fonds = make_fonds(fportal)
    texts = [LETTER, NOTICE, LETTER, NOTICE]
    uids = [archived(fonds, n, texts[n - 1], extract=False).UID() for n in range(1, RECORDS + 1)]
    transaction.commit()
    assert postprocess.pending(fportal) == RECORDS
    return fportal, uids


def counting(monkeypatch, fail_for=()):
    calls = []
    analyse = findings_store.analyse_record

    def analyse_record(record):
        calls.append(record.UID())
        if record.UID() in fail_for:
            raise RuntimeError("bad text")
        return analyse(record)

    monkeypatch.setattr(findings_store, "analyse_record", analyse_record)
    return calls


def test_findings_wait_for_the_spare_time_then_each_record_once(queued, monkeypatch):
    site, uids = queued
    calls = counting(monkeypatch)
    batches = []
    take_many = findings_queue.take_many
    monkeypatch.setattr(
        findings_queue, "take_many", lambda u, s=None: (batches.append(list(u)), take_many(u, s))
    )

    assert postprocess.drain(site) == RECORDS  # seal, text, AIP: no findings yet
    transaction.begin()
    assert calls == [] and findings_queue.pending(site) == RECORDS
    for uid in uids:
        record = store.record_by_uid(uid)
        assert len(store.versions(record)) == 1 and findings_of(record) == {}

    worker._drain_site(site)  # the worker's round: queues empty, then the spare time
    transaction.begin()
    assert sorted(calls) == sorted(uids)  # each once
    assert len(batches) == 1  # one transaction for the four
    assert findings_queue.pending(site) == 0
    for uid in uids:
        record = store.record_by_uid(uid)
        assert findings_of(record)["chars"] > 0
        assert len(store.versions(record)) == 1  # the findings make no new AIP version
    letter = store.record_by_uid(uids[0])
    assert "张伟" in findings_of(letter)["entities"]["people"]
    assert worker.spare_time(site) == 0  # done once


def test_spare_time_stops_while_records_wait_for_their_aip(queued, monkeypatch):
    site, uids = queued
    calls = counting(monkeypatch)
    monkeypatch.setattr(findings_queue, "BATCH", 2)
    postprocess.drain(site)
    transaction.begin()
    extra = archived(make_fonds(site, "j009", "J009"), 9, LETTER, extract=False)
    transaction.commit()  # a record archived meanwhile
    assert postprocess.pending(site) == 1

    assert worker.spare_time(site) == 2  # one batch, then the queued record comes first
    assert len(calls) == 2 and findings_queue.pending(site) == RECORDS - 2
    worker._drain_site(site)
    transaction.begin()
    assert postprocess.pending(site) == 0 and findings_queue.pending(site) == 0
    assert sorted(calls) == sorted([*uids, extra.UID()])


def test_a_bad_record_alone_is_given_up(queued, monkeypatch):
    site, uids = queued
    bad = uids[1]
    calls = counting(monkeypatch, fail_for={bad})
    postprocess.drain(site)
    transaction.begin()

    assert worker.spare_time(site) == RECORDS
    transaction.begin()
    assert findings_queue.pending(site) == 0
    assert calls.count(bad) == 2  # in the batch, then alone
    for uid in uids:
        kept = findings_of(store.record_by_uid(uid))
        assert (kept == {}) if uid == bad else kept["chars"] > 0
