"""#31 item 5: evidence renewal — every record's files re-hashed with SHA-256, one renew entry
per record linking its SM3 entry; the chain verifies offline; the stored records stay intact
for the tamper check; a second run renews nothing; a changed file is never renewed (alarm);
REST starts a run in the background and shows its progress."""

import json
import time
import zipfile

import pytest
import transaction
from plone import api

from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.renewal import verify_chain
from sd.archive.ledger import records as ledger_records
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import alarms
from sd.archive.preservation import renewal
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session


@pytest.fixture
def holdings(fportal, archive_record):
    fonds = make_fonds(fportal)
    records = [archive_record(make_record(fonds, n)) for n in (1, 2, 3)]
    transaction.commit()
    return records


def files_of(record):
    return {
        ledger_records.component_path(c): c.file.data
        for c in ledger_records.components(record)
        if getattr(c, "file", None) is not None
    }


def test_the_holdings_are_renewed_once_and_the_chain_verifies(holdings, tmp_path):
    first = renewal.run(commit=transaction.commit)
    assert first["renewed"] == 3 and first["failed"] == 0 and first["complete"]
    ledger = current_ledger()
    record = holdings[0]
    with ledger.log.reading() as conn:
        indexes = ledger.log.record_indexes(conn, record.UID())
        last = parse_entry(ledger.log.entry(conn, indexes[-1])[0])
    assert last["event"] == "renew" and last["alg"] == "sha256" and last["package"]
    old_index = last["links"][0]["index"]
    chain = [ledger.bundle(old_index), ledger.bundle(indexes[-1])]
    verdict = verify_chain(chain, files_of(record), [ledger.vkey], quorum=1)
    assert verdict.valid, verdict.problems
    assert record.ledger_index == indexes[-1]
    assert ledger_records.tamper_status(record, ledger).intact  # no false alarm after renewal
    from sd.archive.core.ledger.cli import main as verify_cli
    from sd.archive.ledger.export import export_record

    exported = zipfile.ZipFile(export_record(record))
    proof = json.loads(exported.read("proof.json"))
    assert [b["entry"]["event"] for b in proof][-1] == "renew" and len(proof) == 2
    folder = tmp_path / "export"
    exported.extractall(folder)
    names = [str(folder / p) for p in files_of(record)]
    argv = ["--bundle", str(folder / "proof.json"), "--key", ledger.vkey, "--quorum", "1"]
    assert verify_cli([*argv, *names]) == 0  # the offline tool accepts the renewal chain
    (folder / list(files_of(record))[0]).write_bytes(b"another file")
    assert verify_cli([*argv, *names]) == 1
    again = renewal.run(commit=transaction.commit)
    assert again["renewed"] == 0 and again["skipped"] == 3  # idempotent: a rerun resumes


def test_a_changed_file_is_not_renewed_and_raises_an_alarm(holdings):
    component = ledger_records.components(holdings[1])[0]
    component.file._blob.open("w").write(b"changed behind the system's back")
    transaction.commit()
    counts = renewal.run(commit=transaction.commit)
    assert counts["failed"] == 1 and counts["renewed"] == 2
    (alarm,) = [a for a in alarms.open_alarms() if a["kind"] == alarms.RENEWAL_FAILED]
    assert alarm["subject"] == holdings[1].archival_code
    assert "文件与存证不符" in alarm["message"]


def test_rest_starts_a_run_in_the_background(holdings, fportal):
    admin = rest_session(fportal, "admin")
    started = admin.post("@renewal")
    assert started.status_code == 202, started.text
    run_id = started.json()["run_id"]
    for _ in range(100):
        runs = admin.get("@renewal").json()["runs"]
        mine = [r for r in runs if r["run_id"] == run_id]
        if mine and mine[0]["complete"]:
            break
        time.sleep(0.1)
    assert mine[0]["renewed"] == 3 and mine[0]["total"] == 3
    assert rest_session(fportal).get("@renewal").status_code == 401
    transaction.begin()
    assert api.content.get(UID=holdings[0].UID()).ledger_index is not None


def test_the_schedule_renews_when_the_setting_asks(holdings):
    from sd.archive.preservation import schedule

    schedule.tick(commit=transaction.commit)
    assert renewal.list_runs() == []  # off by default
    api.portal.set_registry_record("sd.archive.preservation.renew_evidence", True)
    schedule.tick(commit=transaction.commit)
    (run,) = renewal.list_runs()
    assert run["renewed"] == 3 and run["complete"]
    schedule.tick(commit=transaction.commit)
    assert len(renewal.list_runs()) == 1  # not due again within the interval
