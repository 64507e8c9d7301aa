"""The bad-input corpus adapted to transfer packages.

Package-level failures (unreadable, counts, control files, catalogue and folders that do not
correspond, duplicate 档号) refuse the whole package: 400/413/422, nothing stored but the
rejection record. Record-level failures (a wrong digest, bad XML, a virus …) are isolated:
the batch is created (201), the bad record is kept out with its codes, the others are received.
"""

import tempfile
from pathlib import Path

import pytest
import transaction
from build_corpus import CORPUS
from transfer_helpers import holdings
from transfer_helpers import post

from sd.archive.intake.rejections import count as rejection_count

CASES = [c for c in CORPUS if c.kind == "transfer"]
#: refused as a whole: the hand-over itself is wrong (说明文件, 目录文件, folders)
PACKAGE_LEVEL = {
    "transfer-description-missing",
    "transfer-catalogue-xxe",
    "transfer-count-mismatch",
    "transfer-folder-missing",
    "transfer-folder-not-catalogued",
    "transfer-duplicate-code",
    "transfer-description-incomplete",
}


def build(case) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.zip"
        case.build(str(path))
        return path.read_bytes()


def test_corpus_covers_the_transfer_rules():
    names = {c.name for c in CASES}
    assert names >= PACKAGE_LEVEL and len(CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_transfer_corpus_case(site, room, case):
    before = holdings(site)
    rejections = rejection_count(site)
    response = post(room, build(case))
    body = response.json()
    transaction.begin()
    if case.status == 201:
        assert response.status_code == 201, response.text[:2000]
        assert body["progress"]["received"] == 5
        assert holdings(site) == (5, {"received": 5})
        return
    if case.name in PACKAGE_LEVEL:
        assert response.status_code == case.status, response.text[:2000]
        found = {e["code"] for e in body["errors"]}
        assert set(case.codes) <= found, found
        assert all(e["message"] for e in body["errors"])
        assert holdings(site) == before  # nothing half-stored
        assert rejection_count(site) == rejections + (1 if case.status == 422 else 0)
        return
    # one bad record: isolated, the others received
    assert response.status_code == 201, response.text[:2000]
    failed = [r for r in body["records"] if r["outcome"] == "failed"]
    assert len(failed) == 1
    assert set(case.codes) <= set(failed[0]["codes"]), failed[0]["codes"]
    assert all(e["message"] for e in failed[0]["errors"])
    assert body["progress"] == {**body["progress"], "received": 4, "failed": 1}
    assert holdings(site) == (4, {"received": 4})
    report = room.get(body["@id"] + "/@detection", params={"outcome": "failed"}).json()
    assert [r["archival_code"] for r in report["records"]] == [failed[0]["archival_code"]]
    assert report["result"] == "failed"


def test_return_with_reasons_per_record(site, room):
    from transfer_helpers import unrestricted

    from sd.archive.ledger.current import current_ledger
    from sd.archive.transfer import actions

    case = next(c for c in CASES if c.name == "transfer-record-wrong-digest")
    body = post(room, build(case)).json()
    transaction.begin()
    from plone.app.testing import login

    login(site, "archivist")
    batch = unrestricted(body["UID"])
    with pytest.raises(Exception) as refused:
        actions.accept(batch)  # manual items are not signed off
    assert "manual" in str(refused.value.problems[0].code)
    returned = actions.return_batch(batch, {"J001-WS·2018-D30-BGS-0001": "请重新计算摘要值"})
    transaction.commit()
    assert [r["archival_code"] for r in returned] == ["J001-WS·2018-D30-BGS-0001"]
    assert returned[0]["reasons"][-1] == "请重新计算摘要值"
    assert any(r.startswith("YJ-2-7") for r in returned[0]["reasons"])
    report = room.get(body["@id"] + "/@detection").json()
    assert (
        report["status"] == "returned" and report["returns"][0]["reasons"] == returned[0]["reasons"]
    )
    assert [r["outcome"] for r in report["records"]].count("returned") == 1
    ledger = current_ledger(site)
    with ledger.log.reading() as conn:
        last = ledger.log.entry(conn, ledger.log.size(conn) - 1)[0]
    assert b'"event":"return"' in last and "J001-WS·2018-D30-BGS-0001".encode() in last


def test_a_returned_batch_takes_the_corrected_package(site, room):
    """重新移交: only the returned record is processed again; received ones are not stored twice."""
    from plone import api
    from plone.app.testing import login
    from transfer_helpers import SAMPLE
    from transfer_helpers import unrestricted

    from sd.archive.transfer import actions
    from sd.archive.transfer import batch as state
    from sd.archive.transfer import receipt as receipts

    case = next(c for c in CASES if c.name == "transfer-record-wrong-digest")
    body = post(room, build(case)).json()
    url = body["@id"]
    transaction.begin()
    login(site, "archivist")
    batch = unrestricted(body["UID"])
    actions.return_batch(batch, {"J001-WS·2018-D30-BGS-0001": "请重新计算摘要值"})
    transaction.commit()
    assert holdings(site) == (4, {"received": 4})
    # a corrected package that is broken as a whole: refused, the batch stays returned
    broken = next(c for c in CASES if c.name == "transfer-count-mismatch")
    refused = room.post(
        url + "/@resubmit", data=build(broken), headers={"Content-Type": "application/zip"}
    )
    assert refused.status_code == 422, refused.text[:1000]
    transaction.begin()
    assert api.content.get_state(batch) == "returned"
    # the corrected package: the whole hand-over again, now with the right digest
    corrected = SAMPLE.read_bytes()
    response = room.post(
        url + "/@resubmit", data=corrected, headers={"Content-Type": "application/zip"}
    )
    assert response.status_code == 201, response.text[:3000]
    again = response.json()
    assert again["progress"]["received"] == 5 and again["progress"]["failed"] == 0
    assert [r["outcome"] for r in again["records"]] == ["received"] * 5
    transaction.begin()
    assert api.content.get_state(batch) == "awaiting_acceptance"
    assert holdings(site) == (5, {"received": 5})  # 4 + the corrected one, none twice
    (round_1,) = batch.facts["rounds"]
    assert len(round_1["skipped_received"]) == 4
    assert "J001-WS·2018-D30-BGS-0001" not in round_1["skipped_received"]
    corrected_result = [
        r for r in state.results(batch) if r["archival_code"] == "J001-WS·2018-D30-BGS-0001"
    ][0]
    assert corrected_result["round"] == 1 and corrected_result["outcome"] == "received"
    # the same corrected package again: the batch, nothing new
    repeat = room.post(
        url + "/@resubmit", data=corrected, headers={"Content-Type": "application/zip"}
    )
    assert repeat.status_code == 200
    for item in state.manual_items(batch):
        state.sign_off(batch, item["code"], "passed", "完好", "archivist")
    receipt = actions.accept(batch, reviewer="archivist")
    transaction.commit()
    assert len(receipt["notes"]) == 2 and receipt["records"] == 5
    assert len(receipts.load(batch)["receiver_proofs"]) == 5
    late = room.post(
        url + "/@resubmit", data=build(broken), headers={"Content-Type": "application/zip"}
    )
    assert late.status_code == 409 and late.json()["errors"][0]["code"] == "transfer.not-returned"
