"""The preservation stage runs (长期保存检测, BC-…): per record, fonds and holdings; reports
stored on the record, PDF, alarms, the schedule."""

import sys
import zipfile
from pathlib import Path

import pytest
from plone import api

from sd.archive import detection
from sd.archive.preservation import alarms
from sd.archive.preservation import checks
from sd.archive.preservation import schedule
from sd.archive.preservation import store
from sd.archive.preservation.package import preservation_events
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.testing import make_record

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pdfcheck import assert_embedded  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402

GONGWEN = Path("/work/shared/samples/packages/archive-gongwen.zip")


def real_pdf() -> bytes:
    with zipfile.ZipFile(GONGWEN) as z:
        return z.read("正本/正本.pdf")


def good_record(fonds, n, archive):
    values = {
        "title": f"关于长期保存检测的通知（{n}）",
        "record_kind": "电子公文",
        "electronic_record_id": f"OA-{fonds.fonds_code}-9{n:05d}",
        "fonds_code": fonds.fonds_code,
        "year": 2023,
        "retention_period": "Y",
    }
    pdf = ComponentData(
        filename="正本.pdf",
        data=real_pdf(),
        role="正本",
        sequence=1,
        content_type="application/pdf",
        format_name="PDF",
    )
    return archive(create_record(fonds, values, [pdf]))


@pytest.fixture
def good(fonds, archive_record):
    return [good_record(fonds, n, archive_record) for n in (1, 2)]


def outcomes(report):
    return {(i["code"], i["result"]) for i in report["items"]}


def test_a_sound_record_passes_every_automatic_item(good):
    summary = checks.run([good[0]], scope="record")
    (row,) = summary["records"]
    assert row["result"] == "passed" and row["failed"] == []
    report = detection.reports(good[0])[-1]
    assert report["stage"] == "preservation" and report["run_id"] == summary["run_id"]
    assert {"BC-1-1", "BC-2-1", "BC-3-1", "BC-3-2"} <= {c for c, r in outcomes(report)}
    assert ("BC-1-1", "passed") in outcomes(report)
    assert ("BC-3-1", "passed") in outcomes(report)
    assert preservation_events(good[0])[-1]["action"] == "长期保存检测"
    assert alarms.open_alarms() == []
    assert checks.run_details(summary["run_id"])["total"] == 1


def test_damaged_copy_and_unreadable_file_fail_and_raise_alarms(good, fonds, var, archive_record):
    broken = archive_record(make_record(fonds, 7))  # its PDFs have no page tree: they do not open
    relpath = store.last_version(good[0])["relpath"]
    copy = var / "aip" / "copy2" / relpath
    data = bytearray(copy.read_bytes())
    data[100] ^= 0xFF
    copy.write_bytes(bytes(data))
    summary = checks.run([*good, broken], scope="holdings")
    by_uid = {r["uid"]: r for r in summary["records"]}
    assert by_uid[good[0].UID()]["failed"] == ["BC-1-1"]
    assert by_uid[good[1].UID()]["result"] == "passed"
    assert by_uid[broken.UID()]["failed"] == ["BC-3-1"]
    line = [i for i in detection.reports(good[0])[-1]["items"] if i["code"] == "BC-1-1"][0]
    assert "copy2" in line["message"] and line["object"] == relpath
    raised = {a["subject"]: a for a in alarms.open_alarms()}
    assert set(raised) == {good[0].archival_code, broken.archival_code}
    assert raised[good[0].archival_code]["message"].startswith("长期保存检测不通过")
    assert summary["failed"] == 2


def test_a_lost_copy_fails_the_copy_count_of_the_policy(good, var):
    relpath = store.last_version(good[0])["relpath"]
    (var / "aip" / "copy1" / relpath).unlink()
    report = checks.check_facts(
        checks.record_facts(good[0]), checks.config.online_locations(), checks.context()
    )
    assert ("BC-2-1", "failed") in outcomes(report)
    assert ("BC-1-1", "failed") in outcomes(report)


def test_the_watch_list_is_the_archive_setting(good):
    api.portal.set_registry_record(checks.WATCH_LIST_RECORD, ["PDF"])
    try:
        checks.run([good[0]])
    finally:
        api.portal.set_registry_record(checks.WATCH_LIST_RECORD, list(checks.DEFAULT_WATCH_LIST))
    report = detection.reports(good[0])[-1]
    assert ("BC-3-2", "warning") in outcomes(report)
    assert report["result"] == "warning"


def test_fonds_run_covers_its_records_and_the_pdf_has_the_cjk_font(good, fonds):
    summary = checks.run(checks.records_under(fonds), scope=fonds.fonds_code)
    assert {r["uid"] for r in summary["records"]} == {r.UID() for r in good}
    pdf = detection.report_pdf(good[0], detection.reports(good[0])[-1])
    assert_embedded(pdf)
    assert "长期保存" in pdf_text(pdf)


def test_the_schedule_runs_the_stage_over_the_holdings_with_fixity(good):
    assert checks.list_runs() == []
    schedule.tick(commit=no_commit)
    (run,) = checks.list_runs()
    assert run["scope"] == "holdings" and run["total"] == 2
    schedule.tick(commit=no_commit)  # fixity not due, the last holdings run is fresh
    assert len(checks.list_runs()) == 1


def no_commit():
    """The integration layer's transaction is the test's: a batch 'commit' keeps it open."""


def test_a_run_cut_off_half_way_resumes_where_its_last_batch_ended(good, monkeypatch):
    run_id = checks.begin([r.UID() for r in good], scope="holdings", actor="test")
    stored, real = [], checks.store_report

    def store_then_die(record, report, run_id, site=None):
        if len(stored) == 1:
            raise KeyboardInterrupt("killed")  # the process dies after one batch of one
        stored.append(record.UID())
        real(record, report, run_id, site)

    monkeypatch.setattr(checks, "store_report", store_then_die)
    with pytest.raises(KeyboardInterrupt):
        checks.resume(run_id, commit=no_commit, batch=1)
    (row,) = checks.list_runs()
    assert row["complete"] is False and row["progress"] == {"done": 1, "total": 2}
    assert checks.unfinished_runs() == [run_id]
    details = checks.run_details(run_id)
    assert details["complete"] is False and [r["uid"] for r in details["records"]] == stored
    stored.clear()
    monkeypatch.setattr(
        checks, "store_report", lambda *a, **k: (stored.append(a[0].UID()), real(*a, **k))
    )
    schedule.tick(commit=no_commit)  # the scheduler resumes it first
    assert stored[0] == good[1].UID()  # the second record only, then the scheduled run
    done = checks.run_details(run_id)
    assert done["complete"] is True and done["total"] == 2
    assert [r["uid"] for r in done["records"]] == [r.UID() for r in good]
    assert checks.unfinished_runs() == []
    reports = [r for r in detection.reports(good[0]) if r.get("run_id") == run_id]
    assert len(reports) == 1  # one report per run, a resumed record is not reported twice


def test_a_record_checked_again_by_a_resumed_run_keeps_one_report(good):
    run_id = checks.begin([good[0].UID()])
    checks.resume(run_id)
    (folder,) = [p for p in checks.runs_dir().iterdir() if p.name == run_id]
    (folder / checks.SUMMARY).unlink()
    (folder / checks.ROWS).unlink()  # as if killed after the commit, before the rows were kept
    checks.resume(run_id)
    assert len([r for r in detection.reports(good[0]) if r.get("run_id") == run_id]) == 1
