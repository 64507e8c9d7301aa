"""@preservation-check over HTTP (record, fonds, holdings; who may), @detection-signoff of a
manual result by the role the catalogue names, the pages and the button."""

import sys
from pathlib import Path

import pytest
import transaction
from plone import api

from sd.archive import detection
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_sessions

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pdfcheck import pdf_text  # noqa: E402

PASSWORD = "secret-12345"


@pytest.fixture
def site(fportal):
    fonds = make_fonds(fportal)
    for user, roles in {"archivist": ["Archivist"], "auditor": ["SecurityAuditor"]}.items():
        api.user.create(email=f"{user}@example.org", username=user, password=PASSWORD, roles=roles)
    api.user.create(email="officer@example.org", username="officer", password=PASSWORD)
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    records = []
    for n in (1, 2):
        record = make_record(fonds, n)
        assign_code(record, "WS", record.year, record.retention_period, "BGS")
        api.content.transition(record, transition="archive")
        records.append(record)
    transaction.commit()
    yield fonds, records
    transaction.begin()
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
    transaction.commit()


@pytest.fixture
def session(fportal):
    with rest_sessions(fportal, PASSWORD) as make:
        yield make


def test_archivist_runs_a_record_a_fonds_and_the_holdings(site, session, fportal):
    fonds, records = site
    archivist = session("archivist")
    answer = archivist.post(f"{records[0].absolute_url()}/@preservation-check")
    assert answer.status_code == 200, answer.text
    (row,) = answer.json()["records"]
    assert row["uid"] == records[0].UID()
    assert row["failed"] == ["BC-3-1"]  # the test PDFs have no page tree
    assert set(row["manual"]) <= {"BC-4-1", "BC-4-2"}  # manual only when no clamd is set up
    answer = archivist.post(f"{fonds.absolute_url()}/@preservation-check")
    assert answer.json()["total"] == 2 and answer.json()["scope"] == "J001"
    answer = archivist.post(f"{fportal.absolute_url()}/@preservation-check")
    assert answer.json()["scope"] == "holdings" and answer.json()["total"] == 2
    runs = archivist.get(f"{fportal.absolute_url()}/@preservation-check").json()["runs"]
    assert len(runs) == 3
    one = archivist.get(f"{fportal.absolute_url()}/@preservation-check?run={runs[0]['run_id']}")
    assert one.json()["total"] == 2
    missing = archivist.get(f"{fportal.absolute_url()}/@preservation-check?run=nope")
    assert missing.status_code == 404 and missing.json()["type"] == "NotFound"
    transaction.begin()
    assert detection.reports(records[0])[-1]["stage"] == "preservation"


def test_others_may_not_run_it(site, session):
    fonds, records = site
    for user in ("officer", "auditor"):
        answer = session(user).post(f"{records[0].absolute_url()}/@preservation-check")
        assert answer.status_code in (401, 403), (user, answer.status_code)


def _manual_run(record):
    """A stored report with manual lines: the archiving scope (GD-2-9, no rule decided) and the
    carrier item of the preservation stage (BC-4-3)."""
    report = {
        "stage": "archiving",
        "catalogue_version": "2025.1",
        "time": "2026-12-07T10:00:00+08:00",
        "object": record.archival_code,
        "result": "passed",
        "items": [
            {
                "code": "GD-1-1",
                "property": "authenticity",
                "object": "",
                "result": "passed",
                "message": "通过",
            },
            {
                "code": "GD-2-9",
                "property": "integrity",
                "object": record.archival_code,
                "result": "manual",
                "message": "没有归档范围规则 / no scope rule decides",
            },
            {
                "code": "BC-4-3",
                "property": "security",
                "object": record.archival_code,
                "result": "manual",
                "message": "人工复核",
            },
        ],
    }
    record.detection_reports = [*detection.reports(record), report]
    transaction.commit()
    return len(detection.reports(record)) - 1


def test_manual_items_signed_off_by_the_role_the_catalogue_names(site, session):
    fonds, records = site
    run = _manual_run(records[0])
    url = f"{records[0].absolute_url()}/@detection-signoff"
    carrier = {"run": run, "code": "BC-4-3", "outcome": "passed", "note": "光盘载体目检无划痕"}
    refused = session("officer").post(url, json=carrier)  # the catalogue names the archivist
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "signoff.role"
    scope = {"run": run, "code": "GD-2-9", "outcome": "passed", "note": "属于归档范围（发文）"}
    no_note = session("officer").post(url, json={**scope, "note": " "})
    assert no_note.status_code == 400, no_note.text
    wrong = session("officer").post(url, json={**scope, "outcome": "ok"})
    assert wrong.status_code == 400
    answer = session("officer").post(url, json=scope)
    assert answer.status_code == 200, answer.text
    line = [i for i in answer.json()["report"]["items"] if i["code"] == "GD-2-9"][0]
    assert line["result"] == "passed" and line["signed_by"] == "officer"
    assert line["note"] == "属于归档范围（发文）" and line["signed_at"]
    again = session("officer").post(url, json=scope)
    assert again.status_code == 409  # nothing left to sign
    failed = session("admin").post(url, json={**carrier, "outcome": "failed", "note": "划痕"})
    assert failed.json()["report"]["result"] == "failed"
    transaction.begin()
    page = session("officer").get(
        f"{records[0].absolute_url()}/@@detection-report", headers={"Accept": "text/html"}
    )
    assert "officer" in page.text and "属于归档范围（发文）" in page.text


def _token(html: str) -> str:
    import re

    return re.search(r'name="_authenticator" value="([0-9a-f]+)"', html).group(1)


def test_the_pages_run_the_check_list_the_runs_and_sign_off(site, session, fportal):
    fonds, records = site
    html = {"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"}
    archivist = session("archivist")
    archivist.headers.update(html)
    page = archivist.get(f"{fportal.absolute_url()}/@@preservation", headers=html)
    assert "长期保存检测任务" in page.text and "立即检测全部馆藏" in page.text
    answer = archivist.post(
        f"{fportal.absolute_url()}/@@preservation",
        data={"preservation_check": "1", "_authenticator": _token(page.text)},
        headers=html,
    )
    assert answer.status_code == 200
    assert "长期保存检测完成：共 2 件，不通过 2 件。" in answer.text
    page = archivist.get(f"{fportal.absolute_url()}/@@preservation", headers=html)
    assert "全部馆藏" in page.text and "长期保存检测不通过" in page.text  # the run and alarms
    run_id = page.text.split("@@preservation-check-run?run_id=")[1].split('"')[0]
    run = archivist.get(
        f"{fportal.absolute_url()}/@@preservation-check-run?run_id={run_id}", headers=html
    )
    assert records[0].archival_code in run.text and "BC-3-1" in run.text
    table = run.text.split('id="sd-check-run-records"')[1].split("</table>")[0]
    assert "不通过" in table and "{" not in table and "'" not in table
    officer = session("officer")
    officer.headers.update(html)
    report = officer.get(f"{records[0].absolute_url()}/@@detection-report", headers=html)
    assert "长期保存" in report.text
    assert "立即进行长期保存检测" not in report.text  # the officer does not manage preservation
    pdf = officer.get(f"{records[0].absolute_url()}/@@detection-report.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert "长期保存" in pdf_text(pdf.content)
    transaction.begin()  # see what the requests stored
    run = _manual_run(records[0])
    report = officer.get(f"{records[0].absolute_url()}/@@detection-report", headers=html)
    assert "sd-sign-off-form" in report.text
    signed = officer.post(
        f"{records[0].absolute_url()}/@@detection-report",
        data={
            "sign_off": "1",
            "run": str(run),
            "code": "GD-2-9",
            "object": records[0].archival_code,
            "outcome": "passed",
            "note": "经核对属于归档范围",
            "_authenticator": _token(report.text),
        },
        headers=html,
    )
    assert "经核对属于归档范围" in signed.text and "officer" in signed.text


def test_a_fonds_run_works_in_the_background_and_shows_its_progress(site, session, fportal):
    import time

    from sd.archive.preservation import checks

    fonds, records = site
    archivist = session("archivist")
    answer = archivist.post(
        f"{fonds.absolute_url()}/@preservation-check", headers={"Prefer": "respond-async"}
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["complete"] is False and body["total"] == 2 and body["scope"] == "J001"
    poll = answer.headers["Location"]
    assert poll.endswith(f"/@preservation-check?run={body['run_id']}")
    for _ in range(100):
        found = archivist.get(poll).json()
        if found["complete"]:
            break
        assert found["progress"]["total"] == 2
        time.sleep(0.1)
    assert found["complete"] and {r["uid"] for r in found["records"]} == {r.UID() for r in records}
    bad = archivist.post(f"{fonds.absolute_url()}/@preservation-check?wait=soon")
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "preservation-check.wait"
    # an unfinished run (begun, its worker gone): the pages show its progress, not a result
    run_id = checks.begin([r.UID() for r in records], scope="holdings", actor="archivist")
    html = {"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"}
    page = archivist.get(f"{fportal.absolute_url()}/@@preservation", headers=html)
    row = page.text.split(f'data-run="{run_id}"')[1].split("</tr>")[0]
    assert "已检测件数" in row and "0 / 2" in row and "progress-bar" in row
    run = archivist.get(
        f"{fportal.absolute_url()}/@@preservation-check-run?run_id={run_id}", headers=html
    )
    assert 'id="sd-check-run-progress"' in run.text and "0 / 2" in run.text
