"""The sample transfer package received end to end over REST into fonds J001."""

import transaction
from transfer_helpers import SAMPLE
from transfer_helpers import holdings
from transfer_helpers import post
from transfer_helpers import unrestricted

from sd.archive.ledger.current import current_ledger


def test_sample_received_end_to_end(site, room):
    response = post(room, SAMPLE.read_bytes())
    assert response.status_code == 201, response.text[:3000]
    body = response.json()
    assert response.headers["Location"] == body["@id"]
    assert body["status"] == "awaiting_acceptance"
    assert body["progress"]["received"] == 5 and body["progress"]["failed"] == 0
    assert [r["outcome"] for r in body["records"]] == ["received"] * 5
    assert body["records"][0]["archival_code"] == "J001-WS·2018-D30-BGS-0001"
    assert {m["code"] for m in body["manual_items"]} >= {"YJ-4-3", "HANDOVER"}
    assert all(m["outcome"] == "manual" for m in body["manual_items"])
    assert holdings(site) == (5, {"received": 5})
    transaction.begin()
    record = unrestricted(body["records"][0]["uid"])
    assert record.archival_code == "J001-WS·2018-D30-BGS-0001"
    assert {c.path for c in record.objectValues()} == {
        "正本/正本.pdf",
        "处理单/处理单.pdf",
        "附件/附件1.pdf",
    }
    history = [h["action"] for h in record.workflow_history["sd_record_workflow"]]
    assert history[-2:] == ["transfer-in", "receive"]
    # the ledger holds a receive entry for every received record
    ledger = current_ledger(site)
    with ledger.log.reading() as conn:
        events = [
            ledger.log.entry(conn, i)[0] for i in ledger.log.record_indexes(conn, record.UID())
        ]
    assert any(b'"event":"receive"' in e for e in events)
    # GET {batch} (plone.restapi) and GET {batch}/@detection
    batch = room.get(body["@id"]).json()
    assert batch["@type"] == "TransferBatch" and batch["transfer"]["progress"]["received"] == 5
    report = room.get(body["@id"] + "/@detection").json()
    assert report["result"] == "passed" and len(report["records"]) == 5
    # the same package again: the same batch, nothing stored twice
    again = post(room, SAMPLE.read_bytes())
    assert again.status_code == 200 and again.json()["@id"] == body["@id"]
    assert holdings(site) == (5, {"received": 5})


def test_anonymous_and_other_fonds(site, room):
    from transfer_helpers import session_for

    anonymous = session_for(site)
    assert post(anonymous, SAMPLE.read_bytes()).status_code == 401
    other = session_for(site, "room-j002")
    response = post(other, SAMPLE.read_bytes())
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "fonds.mismatch"
    assert post(room, b"x", "text/plain").status_code == 415
    assert holdings(site) == (0, {})


def test_holdings_and_ledger_agree_and_tampering_shows(site, room):
    from sd.archive.transfer.holdings import check

    body = post(room, SAMPLE.read_bytes()).json()
    transaction.begin()
    report = check(site)
    assert report["agree"], report["problems"]
    assert report["records"] == 5 and report["receive_entries"] == 5 and report["unfinished"] == []
    record = unrestricted(body["records"][1]["uid"])
    record.title = "改过的题名"  # behind the API: no event, no ledger entry
    transaction.commit()
    report = check(site)
    assert not report["agree"]
    assert {p["code"] for p in report["problems"]} == {"LEDGER-TITLE", "LEDGER-METADATA"}


def test_classic_ui_pages(site, room, archivist):
    body = post(room, SAMPLE.read_bytes()).json()
    page = archivist.get(body["@id"] + "/@@transfer-batch", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "J001-WS·2018-D30-BGS-0005" in page.text and 'id="transfer-manual"' in page.text
    holdings_page = archivist.get("@@transfer-holdings", headers={"Accept": "text/html"})
    assert holdings_page.status_code == 200 and 'id="holdings-tree"' in holdings_page.text
    assert "J001" in holdings_page.text
    form_xml = archivist.get(body["@id"] + "/@@transfer-download?what=form.xml")
    assert form_xml.status_code == 200 and "<接收单位>" in form_xml.text
    assert "<载体外观检验>待检</载体外观检验>" in form_xml.text  # not signed off yet
    pdf = archivist.get(body["@id"] + "/@@transfer-download?what=form.pdf")
    assert pdf.content.startswith(b"%PDF")
    refused = room.get("@@transfer-holdings", headers={"Accept": "text/html"})
    assert 'id="holdings-tree"' not in refused.text  # the login form, not the page


def test_groups_isolate_a_record_that_cannot_be_stored(site, room, monkeypatch):
    """Records are stored in groups; one that fails to store sends its group back to one
    record per transaction: it alone fails, the others are read again and received."""
    from ZODB.POSException import ConflictError

    from sd.archive.transfer import records

    monkeypatch.setenv("SD_ARCHIVE_TRANSFER_GROUP", "3")
    real = records.store_record
    calls = {"conflicts": 0}

    def flaky(batch, fonds, record, report):
        if record.archival_code.endswith("0002"):
            raise RuntimeError("disk full")
        if record.archival_code.endswith("0004") and not calls["conflicts"]:
            calls["conflicts"] += 1
            raise ConflictError("a concurrent writer")
        return real(batch, fonds, record, report)

    monkeypatch.setattr(records, "store_record", flaky)
    body = post(room, SAMPLE.read_bytes()).json()
    outcomes = {r["archival_code"][-4:]: r["outcome"] for r in body["records"]}
    assert outcomes == {
        "0001": "received",
        "0002": "failed",
        "0003": "received",
        "0004": "received",
        "0005": "received",
    }
    failed = [r for r in body["records"] if r["outcome"] == "failed"][0]
    assert (
        failed["codes"] == ["transfer.store-failed"]
        and "disk full" in failed["errors"][0]["message"]
    )
    assert calls["conflicts"] == 1
    assert holdings(site) == (4, {"received": 4})
    assert body["progress"]["received"] == 4 and body["progress"]["failed"] == 1
    transaction.begin()
    ledger = current_ledger(site)
    with ledger.log.reading() as conn:
        receives = [ledger.log.entry(conn, i)[0] for i in range(ledger.log.size(conn))]
    assert sum(b'"event":"receive"' in e for e in receives) == 4  # nothing of the failed one
