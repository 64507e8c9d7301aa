"""The demo's records with Chinese text (#30 item 2) and re-extraction of existing records."""

import transaction
from plone import api

from sd.archive.testing import make_fonds
from sd.archive.text import queue
from sd.archive.text import record_text
from sd.archive.text.demo import make_text_records
from sd.archive.text.store import text_status


def test_demo_text_records_are_archived_and_queued(fonds):
    made = make_text_records(fonds)
    assert [r.getId() for r in made] == ["text-demo-report", "text-demo-ofd", "text-demo-scan"]
    assert make_text_records(fonds) == []  # idempotent
    assert all(api.content.get_state(r) == "archived" and queue.is_pending(r) for r in made)
    report, ofd, _scan = made
    queue.take(report.UID())
    queue.take(ofd.UID())
    assert "结余资金已按规定上缴" in record_text(report)
    assert "馆藏纸质档案数字化工作" in record_text(ofd)
    assert text_status(ofd)["methods"] == ["ofd-text"]


def test_reextract_existing_records_with_progress(fportal, files):
    from text_helpers import record_with

    fonds = make_fonds(fportal)
    records = [record_with(fonds, n, [files["pdf"]]) for n in (11, 12)]
    record_with(fonds, 13, [files["pdf"]], archive=False)  # pre-archived: not touched
    transaction.commit()
    seen = []
    totals = queue.reextract(progress=lambda n, total, code: seen.append((n, total)))
    assert totals == {"records": 2, "extracted": 2, "failed": 0, "changed": 2}
    assert seen == [(1, 2), (2, 2)]
    assert all("财务预算" in record_text(r) for r in records)
    # again: nothing to do; with force every file once more, same text, nothing changed
    assert queue.reextract()["extracted"] == 0
    assert queue.reextract(force=True) == {
        "records": 2,
        "extracted": 2,
        "failed": 0,
        "changed": 0,
    }


def test_the_worker_round_drains_the_text_queue_and_due_retries(fportal, files):
    from datetime import datetime
    from datetime import timedelta

    from text_helpers import record_with

    from sd.archive.preservation import worker
    from sd.archive.text import store

    fonds = make_fonds(fportal)
    good = record_with(fonds, 21, [files["pdf"]])
    bad = record_with(fonds, 22, [files["corrupt"]])
    transaction.commit()
    worker._drain_site(fportal)  # what the worker thread does each round
    transaction.begin()
    assert not queue.is_pending(good) and "财务预算" in record_text(good)
    assert text_status(bad)["status"] == "unavailable" and store.retry_count() == 1
    # due: the next round tries it again (and schedules the one after)
    entries = store._entries(bad)
    (uid,) = list(entries)
    entries[uid] = {**entries[uid], "next_try": "2000-01-01T00:00:00+08:00"}
    store._schedule_retry(bad)
    transaction.commit()
    later = datetime.now().astimezone() + timedelta(minutes=1)
    assert store.due_retries(now=later) == [bad.UID()]
    worker._drain_site(fportal)
    transaction.begin()
    assert store._entries(bad)[uid]["tries"] == 2 and store.due_retries(now=later) == []
