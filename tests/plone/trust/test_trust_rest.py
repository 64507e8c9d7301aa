"""An archived record changes only through a recorded action with a reason (#22.1–3), over REST."""

import pytest
import transaction

from sd.archive.core.ledger.entry import parse_entry
from sd.archive.ledger.current import current_ledger
from sd.archive.ledger.records import state_digest
from sd.archive.ledger.records import tamper_status

SERVER_FIELDS = {
    "code_frozen": False,
    "archival_code": "随便-改的-档号",
    "item_number": 99,
    "correction_log": [],
    "seal_findings": [{"kind": "seal", "valid": True, "summary": "伪造的有效"}],
    "archiving_seal": "伪造的归档章",
    "disposition_state": "destroyed",
    "ledger_index": 1,
    "leaf_hash": "00" * 32,
    "retention_expiry": "2999-12-31",
    # 冻结: placed and lifted only through @holds (reason, log, audit trail), never a plain PATCH
    "holds": ["绕过登记的冻结"],
    # 开放状态: only the open-access review (its approval) or the open/control transition (#25)
    "open_status": "开放",
    "open_next_review": "2999-12-31",
}


@pytest.mark.parametrize("who", ["officer", "admin"])
@pytest.mark.parametrize("name,value", list(SERVER_FIELDS.items()))
def test_server_fields_are_read_only_for_everyone(request, frecord, who, name, value):
    session = request.getfixturevalue(who)
    before = getattr(frecord, name, None)
    response = session.patch(frecord.absolute_url(), json={name: value})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "ReadOnlyField"
    assert body["errors"][0]["property"] == name
    transaction.begin()
    assert getattr(frecord, name, None) == before


@pytest.mark.parametrize(
    "name,value",
    [
        ("title", "改过的题名"),
        ("electronic_record_id", "OA-DUP-1"),
        ("category_code", "KJ"),
        ("year", 1999),
    ],
)
def test_plain_patch_of_an_archived_record_is_refused(frecord, officer, admin, name, value):
    for session in (officer, admin):
        response = session.patch(frecord.absolute_url(), json={name: value})
        assert response.status_code == 409, response.text
        assert response.json()["type"] == "RecordProtected"
    transaction.begin()
    assert getattr(frecord, name) != value
    assert not frecord.correction_log


@pytest.mark.parametrize(
    "name,value", [("title", "x"), ("path", "正本/换了.pdf"), ("role", "附件"), ("sequence", 7)]
)
def test_components_of_an_archived_record_do_not_change(frecord, officer, admin, name, value):
    component = frecord.objectValues()[0]
    before = getattr(component, name)
    for session in (officer, admin):
        response = session.patch(component.absolute_url(), json={name: value})
        assert response.status_code in (400, 401, 403, 409), response.text
    transaction.begin()
    assert getattr(component, name) == before


def test_a_pre_archived_record_is_edited_directly(fportal, frecord, officer):
    from sd.archive.testing import make_record

    draft = make_record(frecord.__parent__, 2)
    transaction.commit()
    response = officer.patch(draft.absolute_url(), json={"title": "预归档时修改的题名"})
    assert response.status_code == 204, response.text
    response = officer.patch(draft.absolute_url(), json={"archival_code": "J001-WS-2023-Y-0001"})
    assert response.status_code == 400


def test_correction_needs_a_reason_and_a_correctable_field(frecord, officer):
    url = f"{frecord.absolute_url()}/@correct"
    response = officer.post(url, json={"changes": {"title": "新题名"}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["property"] == "reason"
    response = officer.post(url, json={"changes": {"archival_code": "X"}, "reason": "r"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "CORRECTION-FIELD"
    response = officer.post(url, json={"changes": {"document_date": "not a date"}, "reason": "r"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["property"] == "document_date"
    response = officer.post(url, data=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    transaction.begin()
    assert not frecord.correction_log


def test_correction_is_logged_with_reason_and_in_the_ledger(frecord, officer):
    index_before = frecord.ledger_index
    response = officer.post(
        f"{frecord.absolute_url()}/@correct",
        json={
            "changes": {"title": "更正后的题名", "document_date": "2023-05-01"},
            "reason": "题名与原件不符",
        },
    )
    assert response.status_code == 200, response.text
    entry = response.json()["entry"]
    transaction.begin()
    assert frecord.Title() == "更正后的题名"
    log = frecord.correction_log
    assert len(log) == 1 and log[0] == entry
    assert log[0]["actor"] == "officer" and log[0]["reason"] == "题名与原件不符"
    assert {c["field"] for c in log[0]["changes"]} == {"title", "document_date"}
    index = log[0]["ledger_index"]
    assert index > index_before
    ledger = current_ledger()
    with ledger.log.reading() as conn:
        data, _leaf, state = ledger.log.entry(conn, index)
        assert index in ledger.log.record_indexes(conn, frecord.UID())
    assert parse_entry(data)["actor"] == "officer"
    assert state == state_digest(frecord)
    assert tamper_status(frecord, ledger).intact


def test_code_correction_renumbers_and_logs(frecord, officer):
    old = frecord.archival_code
    url = f"{frecord.absolute_url()}/@correct-code"
    assert officer.post(url, json={"year": 2022}).status_code == 400  # no reason
    response = officer.post(url, json={"year": 2022, "reason": "年度著录错误"})
    assert response.status_code == 200, response.text
    transaction.begin()
    assert frecord.archival_code != old and "2022" in frecord.archival_code
    assert frecord.code_log[-1]["reason"] == "年度著录错误"
    assert frecord.code_log[-1]["old"] == old
    assert frecord.code_log[-1]["ledger_index"] > 0
    assert tamper_status(frecord, current_ledger()).intact
    response = officer.post(url, json={"item_number": 1, "reason": "x"})
    assert response.status_code == 400


def test_a_change_behind_the_system_is_not_laundered(frecord, admin):
    """A later action refuses to write a new entry over a changed state (#22.3)."""
    ledger = current_ledger()
    with ledger.log.reading() as conn:
        before = ledger.log.record_indexes(conn, frecord.UID())
    frecord.title = "背着系统改的题名"  # no event: straight into the ZODB
    transaction.commit()
    response = admin.post(f"{frecord.absolute_url()}/@workflow/request_transfer")
    assert response.status_code == 409, response.text
    assert response.json()["type"] == "LedgerDiscrepancy"
    transaction.begin()
    with ledger.log.reading() as conn:
        assert ledger.log.record_indexes(conn, frecord.UID()) == before
    assert not tamper_status(frecord, ledger).intact
    response = admin.post(
        f"{frecord.absolute_url()}/@correct", json={"changes": {"title": "又改"}, "reason": "掩盖"}
    )
    assert response.status_code == 409
