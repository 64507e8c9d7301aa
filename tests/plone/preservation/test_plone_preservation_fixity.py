"""Fixity runs find damaged copies and repair them; no good copy → alarm; runs resume."""

import json

import pytest

from sd.archive.core.preservation.hashing import sm3_bytes
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.preservation import alarms
from sd.archive.preservation import fixity
from sd.archive.preservation import store
from sd.archive.preservation.package import preservation_events


def flip(path, offset=200):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture
def logged(monkeypatch):
    events = []

    def log_event(event, record=None, **kwargs):
        events.append((event, record, kwargs))
        return {}

    monkeypatch.setattr(fixity, "log_event", log_event)
    return events


def test_clean_run_passes_everything(archived):
    result, report = fixity.run("copy1")
    assert result.ok and len(result.passed) == 3
    assert report.events == [] and report.alarms == []
    (row,) = fixity.list_runs()
    assert row["complete"] and row["passed"] == 3 and row["progress"]["done"] == 3


def test_flipped_copy_found_and_repaired_from_other_copy(archived, var, logged):
    record = archived[1]
    entry = store.last_version(record)
    damaged = var / "aip" / "copy1" / entry["relpath"]
    flip(damaged)
    result, report = fixity.run("copy1")
    assert [f["relpath"] for f in result.failed] == [entry["relpath"]]
    (event,) = report.events
    assert event["status"] == "replaced" and event["source_location"] == "copy2"
    assert sm3_file(damaged) == entry["sm3"]
    (logged_event,) = logged
    assert logged_event[0] == "repair" and logged_event[1] == record
    assert logged_event[2]["package_digest"] == entry["sm3"]
    assert preservation_events(record)[-1]["action"] == "修复"
    assert alarms.open_alarms() == []
    again, _ = fixity.run("copy1")
    assert again.ok


def test_missing_copy_restored(archived, var, logged):
    entry = store.last_version(archived[0])
    (var / "aip" / "copy2" / entry["relpath"]).unlink()
    result, report = fixity.run("copy2")
    assert result.missing == [entry["relpath"]]
    assert report.events[0]["status"] == "restored"
    assert sm3_file(var / "aip" / "copy2" / entry["relpath"]) == entry["sm3"]


def test_every_copy_flipped_alarm_and_nothing_repaired(archived, var, logged):
    entry = store.last_version(archived[2])
    paths = [var / "aip" / loc / entry["relpath"] for loc in ("copy1", "copy2")]
    for p in paths:
        flip(p)
    damaged = [p.read_bytes() for p in paths]
    result, report = fixity.run("copy1")
    assert report.events == [] and len(report.alarms) == 1
    assert [p.read_bytes() for p in paths] == damaged  # nothing silently "repaired"
    assert logged == []
    (alarm,) = alarms.open_alarms()
    assert alarm["kind"] == alarms.NO_GOOD_COPY and alarm["subject"] == entry["relpath"]
    assert alarm["details"]["code"] == archived[2].archival_code
    fixity.run("copy1")  # a second run refreshes the same alarm
    (alarm,) = alarms.open_alarms()
    assert alarm["count"] == 2
    details = fixity.run_details(result.run_id)
    assert details["repair"]["alarms"][0]["relpath"] == entry["relpath"]


class Stop(Exception):
    pass


def test_interrupted_run_resumes_where_it_stopped(archived, var):
    seen = []

    def stop_after_two(p):
        seen.append(p.item.relpath)
        if len(seen) == 2:
            raise Stop

    with pytest.raises(Stop):
        fixity.run("copy1", run_id="run-1", workers=1, progress=stop_after_two)
    assert fixity.resume_unfinished() == ["run-1"]
    assert fixity.location_of_run("run-1") == "copy1"
    rest = []
    result, _ = fixity.run(
        "copy1", run_id="run-1", workers=1, progress=lambda p: rest.append(p.item.relpath)
    )
    assert len(rest) == 1 and rest[0] not in seen
    assert result.ok and len(result.passed) == 3
    done = (var / "preservation" / "fixity" / "run-1" / "done.jsonl").read_text().splitlines()
    assert len({json.loads(line)["relpath"] for line in done}) == 3
    assert fixity.resume_unfinished() == []


def test_copies_and_index_replaced_together_are_caught_by_the_ledger(archived, var, logged):
    """Someone replaces an AIP in every location and updates the database index to match:
    the ledger never logged that digest, so the copies fail and an alarm is raised."""
    relpath, entry = next(iter(store.index().items()))
    forged = b"<forged AIP/>"
    for location in ("copy1", "copy2"):
        (var / "aip" / location / relpath).write_bytes(forged)
    store.index()[relpath] = {**entry, "sm3": sm3_bytes(forged)}
    assert store.expected_digests()[relpath] == store.NOT_IN_LEDGER
    result, report = fixity.run("copy1")
    assert [f["relpath"] for f in result.failed] == [relpath]
    assert not [e for e in report.events if e.get("status") in ("replaced", "restored")]
    (alarm,) = alarms.open_alarms()
    assert alarm["kind"] == alarms.NO_GOOD_COPY and alarm["subject"] == relpath


def test_run_in_background_checks_as_the_user_on_its_own_connection(archived, portal):
    """@@preservation's 开始检测: a thread with a connection of its own (``opened_site``) runs
    the check and leaves the run complete in the list."""
    import time

    run_id = fixity.start_in_background(portal, "copy1", "admin")
    deadline = time.monotonic() + 60
    rows = []
    while time.monotonic() < deadline:
        rows = [r for r in fixity.list_runs() if r["run_id"] == run_id and r["complete"]]
        if rows:
            break
        time.sleep(0.1)
    (row,) = rows
    assert row["passed"] == 3 and row["failed"] == 0
