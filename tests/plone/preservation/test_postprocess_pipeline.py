"""The after-archiving worker's pipeline (#31): records taken in batches (one commit, their
AIPs written by writer processes while the next record is sealed and packaged) and the text
of the next records extracted ahead. Each record is done once; a batch cut short leaves every
record queued and no AIP file behind; a bad record in a batch is given up alone."""

import io
from pathlib import Path

import pytest
import transaction

from sd.archive.core.text import TextResult
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import alarms
from sd.archive.preservation import config
from sd.archive.preservation import postprocess
from sd.archive.preservation import store
from sd.archive.preservation.ahead import SealAhead
from sd.archive.preservation.ahead import TextAhead
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.seals import settings
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.text import _entries

RECORDS = 5


@pytest.fixture
def queued(fportal, archive_record, monkeypatch):
    """Five archived records waiting in the after-archiving queue (committed)."""
    monkeypatch.setenv("SD_ARCHIVE_POSTPROCESS", "queue")
    monkeypatch.setattr(postprocess, "BATCH", 8)
    fonds = make_fonds(fportal)
    records = [archive_record(make_record(fonds, n)) for n in range(1, RECORDS + 1)]
    transaction.commit()
    assert postprocess.pending(fportal) == RECORDS
    return fportal, [r.UID() for r in records]


def ledger_entries(uid):
    ledger = current_ledger()
    with ledger.log.view() as conn:
        return list(ledger.log.record_indexes(conn, uid))


def aip_files():
    found = []
    for location in config.online_locations():
        found += [p for p in Path(location.path).rglob("*") if p.is_file()]
    return sorted(found)


def test_a_batch_takes_each_record_once_in_one_transaction(queued, monkeypatch):
    site, uids = queued
    batches = []
    take_many = postprocess.take_many
    monkeypatch.setattr(
        postprocess, "take_many", lambda u, s=None: (batches.append(list(u)), take_many(u, s))
    )
    logged = {uid: len(ledger_entries(uid)) for uid in uids}

    assert postprocess.drain(site) == RECORDS
    transaction.begin()
    assert sorted(batches[0]) == sorted(uids) and len(batches) == 1  # one transaction
    assert postprocess.pending(site) == 0
    for uid in uids:
        record = store.record_by_uid(uid)
        (entry,) = store.versions(record)
        for location in config.online_locations():
            assert (Path(location.path) / entry["relpath"]).is_file()
        assert len(ledger_entries(uid)) == logged[uid] + 1  # one 'preserve' entry
    assert len(aip_files()) == 2 * RECORDS  # two copies each, nothing else
    assert postprocess.drain(site) == 0  # done once


def test_a_batch_cut_short_leaves_every_record_queued_and_no_file(queued):
    """A kill before the batch's commit: nothing of it stays but the queue entries."""
    site, uids = queued
    transaction.begin()
    postprocess.take_many(uids, site)  # all AIPs written and recorded in the transaction ...
    assert len(aip_files()) == 2 * RECORDS
    transaction.abort()  # ... which dies
    assert aip_files() == []
    transaction.begin()
    assert postprocess.pending(site) == RECORDS
    assert all(store.versions(store.record_by_uid(uid)) == [] for uid in uids)

    assert postprocess.drain(site) == RECORDS  # resumed: each once
    transaction.begin()
    assert all(len(store.versions(store.record_by_uid(uid))) == 1 for uid in uids)
    assert len(aip_files()) == 2 * RECORDS


def test_a_bad_record_in_a_batch_is_given_up_alone(queued, monkeypatch):
    site, uids = queued
    bad = postprocess.upcoming(site, RECORDS)[2]  # the third of the batch
    start = postprocess.start

    def failing(record, steps, extractor=None):
        if record.UID() == bad:
            raise RuntimeError("disk on fire")
        return start(record, steps, extractor)

    monkeypatch.setattr(postprocess, "start", failing)
    assert postprocess.drain(site) == RECORDS
    transaction.begin()
    assert postprocess.pending(site) == 0
    for uid in uids:
        assert len(store.versions(store.record_by_uid(uid))) == (0 if uid == bad else 1)
    (alarm,) = [a for a in alarms.open_alarms(site) if a["details"].get("uid") == bad]
    assert "disk on fire" in alarm["message"]
    # the AIPs the failed batch had written were removed, none was set aside or left twice
    files = aip_files()
    assert len(files) == 2 * (RECORDS - 1)
    assert not [p for p in files if ".stray-" in p.name]


def test_text_is_extracted_ahead_and_used_once(queued, monkeypatch):
    site, uids = queued
    calls = []

    def extract(path, name):
        calls.append(path)
        return TextResult(f"文本 {name}", "pdftotext", "ok", "", 1)

    ahead = TextAhead(threads=2, extract=extract)
    monkeypatch.setattr(postprocess, "text_ahead", ahead)
    transaction.begin()
    assert ahead.fill(site) == 2 * RECORDS  # the originals of every queued record
    assert ahead.fill(site) == 0  # looked at once

    assert postprocess.drain(site) == RECORDS
    transaction.begin()
    assert (ahead.hits, ahead.misses) == (2 * RECORDS, 0)
    assert len(calls) == len(set(calls)) == 2 * RECORDS  # each file extracted once
    for uid in uids:
        record = store.record_by_uid(uid)
        texts = [e["text"] for e in _entries(record).values()]
        assert sorted(texts) == ["文本 处理单.pdf", "文本 正本.pdf"]
        (entry,) = store.versions(record)  # the first AIP holds the text
        assert entry["version"] == 1


def signable_pdf(n: int) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(100, 700, f"Record {n}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_the_seal_is_made_ahead_in_a_process_and_used(fportal, archive_record, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_POSTPROCESS", "queue")
    settings.create_demo_key()  # the archiving-seal key of this var directory
    fonds = make_fonds(fportal)
    uids = []
    for n in range(1, 4):
        values = {"title": f"通知（{n}）", "record_kind": "电子公文", "fonds_code": "J001"}
        values.update(electronic_record_id=f"OA-J001-{n:06d}", year=2023, retention_period="Y")
        original = ComponentData(
            filename="正本.pdf",
            data=signable_pdf(n),
            role="正本",
            sequence=1,
            content_type="application/pdf",
            format_name="PDF",
        )
        uids.append(archive_record(create_record(fonds, values, [original])).UID())
    transaction.commit()
    ahead = SealAhead(processes=1)
    monkeypatch.setattr(postprocess, "seal_ahead", ahead)
    assert ahead.fill(fportal) == 3  # each record's 正本 PDF, in a seal process
    assert ahead.fill(fportal) == 0

    assert postprocess.drain(fportal) == 3
    transaction.begin()
    assert (ahead.hits, ahead.misses) == (3, 0)
    for uid in uids:
        record = store.record_by_uid(uid)
        sealed = [c for c in record.objectValues() if getattr(c, "version_of", None)]
        assert [(c.role, c.archiving_seal) for c in sealed] == [("正本", "PAdES")]
        assert "not applied" not in record.archiving_seal
        assert b"/ByteRange" in sealed[0].file.data  # signed
        (entry,) = store.versions(record)  # the first AIP holds the sealed version
        assert entry["version"] == 1
