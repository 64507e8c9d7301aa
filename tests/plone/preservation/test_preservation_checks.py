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
    schedule.tick()
    (run,) = checks.list_runs()
    assert run["scope"] == "holdings" and run["total"] == 2
    schedule.tick()  # fixity not due, the last holdings run is fresh
    assert len(checks.list_runs()) == 1
