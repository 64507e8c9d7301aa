"""Error messages a person or an integrator sees read Chinese first (#24 item 2, 错误信息).

The machine-readable fields (``type``, each problem's ``code`` and ``property``) are unchanged;
the messages start with the rule's Chinese phrase, the English follows.
"""

import re

import pytest
import transaction
from plone import api

from sd.archive.core.errors import Problem
from sd.archive.core.messages import starts_chinese
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session


@pytest.fixture
def archived(fportal):
    record = make_record(make_fonds(fportal))
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    transaction.commit()
    return record


@pytest.fixture
def admin(fportal):
    session = rest_session(fportal, "admin")
    yield session
    session.close()


def assert_chinese_first(body):
    assert starts_chinese(body["message"]), body
    assert body["errors"] and all(starts_chinese(e["message"]) for e in body["errors"]), body


def test_rest_record_protected(archived, admin):
    response = admin.patch(archived.absolute_url(), json={"title": "改过的题名"})
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "RecordProtected"
    assert [(e["code"], e["property"]) for e in body["errors"]] == [("RECORD-ARCHIVED", "title")]
    assert_chinese_first(body)
    assert body["message"].startswith("已归档档案只能通过留痕的更正操作修改: an archived record")
    assert body["errors"][0]["message"].startswith("不可直接修改: title cannot be changed")


def test_rest_read_only_field(archived, admin):
    response = admin.patch(archived.absolute_url(), json={"leaf_hash": "00" * 32})
    body = response.json()
    assert response.status_code == 400 and body["type"] == "ReadOnlyField"
    assert body["errors"][0]["code"] == "FIELD-READ-ONLY"
    assert_chinese_first(body)


def test_rest_service_errors(fportal, archived, admin):
    response = admin.get(f"{fportal.absolute_url()}/@rejections/no-such-one")
    body = response.json()
    assert response.status_code == 404 and body["type"] == "NotFound"
    assert body["errors"][0]["code"] == "rejection.unknown"
    assert body["message"] == "无此退回记录: no such rejection"
    response = admin.post(
        f"{archived.absolute_url()}/@correct",
        data="not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert_chinese_first(response.json())


def test_correction_page_shows_the_refusal_chinese_first(archived, admin):
    page = admin.get(f"{archived.absolute_url()}/@@correct", headers={"Accept": "text/html"})
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)
    refused = admin.post(
        f"{archived.absolute_url()}/@@correct",
        headers={"Accept": "text/html"},
        data={"form.kind": "description", "_authenticator": token, "title": "新题名", "reason": ""},
    )
    box = refused.text.split('id="sd-correct-errors"')[1].split("</div>")[0]
    texts = [t.strip() for t in re.findall(r">([^<>]+)<", box) if t.strip()]
    assert texts and texts[0].startswith("更正须说明理由: ")
    assert all(starts_chinese(t) or t in ("reason",) for t in texts), texts


def test_plain_page_errors_read_chinese_first(archived, admin):
    fonds = archived.__parent__
    for url, status in (
        (f"{archived.absolute_url()}/@@detection-report.pdf?run=99", 404),
        (f"{fonds.absolute_url()}/@@arrangement-rules-export?which=other", 400),
    ):
        response = admin.get(url, headers={"Accept": "text/html"})
        assert response.status_code == status and starts_chinese(response.text), response.text


def test_preservation_alarms_read_chinese_first(fportal):
    from sd.archive.preservation import alarms

    alarm_id = alarms.raise_alarm(alarms.NOT_PRESERVED, "J001-WS·2023-Y-0009", "archive: disk full")
    again = alarms.raise_alarm(alarms.NOT_PRESERVED, "J001-WS·2023-Y-0009", "archive: disk full")
    alarm = next(a for a in alarms.open_alarms() if a["id"] == alarm_id)
    assert again == alarm_id and alarm["message"] == "长期保存包（AIP）未能写入: archive: disk full"
    other = alarms.raise_alarm("some-new-kind", "x", "odd failure")
    assert next(a for a in alarms.open_alarms() if a["id"] == other)["message"] == (
        "操作未完成: odd failure"
    )
    transaction.abort()


def test_rejections_read_chinese_first_old_and_new(fportal, admin):
    from persistent.mapping import PersistentMapping

    from sd.archive.browser.workbench import queues
    from sd.archive.intake import rejections

    new = rejections.add_rejection(
        fportal,
        actor="admin",
        kind="archive",
        fonds_code="J001",
        package_digest="00" * 32,
        record_id="OA-1",
        error={
            "type": "DetectionFailed",
            "message": "1 checks failed",
            "errors": [Problem("GD-1-1", "SM3 digest differs").as_dict()],
        },
    )
    assert new["message"] == "四性检测不通过: 1 checks failed"
    assert new["errors"][0]["message"].startswith("固化信息有效性（清单摘要值）未通过: ")
    tree = rejections._store(fportal)
    tree["old"] = PersistentMapping(  # kept by an earlier release, English only
        {
            **tree[new["id"]],
            "id": "old",
            "message": "2 checks failed",
            "errors": [{"code": "zip.crc", "message": "CRC mismatch", "object": "a.pdf"}],
        }
    )
    transaction.commit()
    body = admin.get(f"{fportal.absolute_url()}/@rejections/old").json()
    assert body["type"] == "DetectionFailed" and body["errors"][0]["code"] == "zip.crc"
    assert body["message"] == "四性检测不通过: 2 checks failed"
    assert body["errors"][0]["message"] == "信息包不可读或不安全: CRC mismatch"
    assert all(starts_chinese(r["message"]) for r in queues.rejections({"J001"})[1])
    assert tree["old"]["message"] == "2 checks failed"  # nothing written on a read


def test_ledger_discrepancy_reads_chinese_first(archived):
    from sd.archive.ledger.current import current_ledger
    from sd.archive.ledger.records import tamper_status

    archived.title = "背着系统改过的题名"  # behind the system: no event, no entry
    status = tamper_status(archived, current_ledger())
    messages = {p["code"]: p["message"] for p in status.problems}
    assert messages["LEDGER-TITLE"] == "题名与存证不一致: the title differs from the one logged"
    assert all(starts_chinese(m) for m in messages.values()), messages
    transaction.abort()


def test_rest_bodies_built_by_hand_read_chinese_first(archived, admin):
    response = admin.get(f"{archived.absolute_url()}/@detection?format=pdf&run=99")
    body = response.json()
    assert response.status_code == 404 and body["errors"][0]["code"] == "detection.run"
    assert_chinese_first(body)
    response = admin.get(f"{archived.__parent__.absolute_url()}/@arrangement-rules?which=x")
    assert response.status_code == 400 and starts_chinese(response.json()["message"])
