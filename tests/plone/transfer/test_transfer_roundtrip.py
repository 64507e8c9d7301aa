"""Records room → package → archives: the outgoing package re-read by the core reader, received
with the sender's ledger checked, accepted with a two-sided receipt and the registration form."""

import base64
import zipfile

import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import setRoles
from transfer_helpers import SAMPLE
from transfer_helpers import holdings
from transfer_helpers import post
from transfer_helpers import unrestricted

from sd.archive.core.detection.engine import run_transfer_detection
from sd.archive.core.ledger.bundle import verify_bundle
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.vkeys import Verifier
from sd.archive.core.packages.reader import read_package
from sd.archive.ledger import node as nodes
from sd.archive.ledger.current import current_ledger
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.transfer import actions
from sd.archive.transfer import batch as state
from sd.archive.transfer import outgoing
from sd.archive.transfer import spool

FOLDER = "J001/WS/2018/J001-WS·2018-D30-BGS-0001/"


def sample_files():
    with zipfile.ZipFile(SAMPLE) as z:
        return {name: z.read(FOLDER + name) for name in ("正本/正本.pdf", "处理单/处理单.pdf")}


def room_records(fonds, count=3):
    files = sample_files()
    made = []
    for n in range(1, count + 1):
        record = create_record(
            fonds,
            {
                "title": f"关于移交测试第{n}号的通知",
                "record_kind": "电子公文",
                "electronic_record_id": f"OA-ROOM-{n:04d}",
                "aggregation_level": "文件",
                "agency_name": "山东省示例厅",
                "author": "山东省示例厅",
                "fonds_code": "J001",
                "year": 2018,
                "security_level": "公开",
                "pages": 1,
                "document_type": "通知",
                "document_date": __import__("datetime").date(2018, 5, 12),
                "process_history": [
                    {
                        "sequence": 1,
                        "activity": "拟稿",
                        "time": "2018-05-01T10:00:00+08:00",
                        "agent": "张三",
                        "department": "办公室",
                        "description": "",
                    }
                ],
            },
            [
                ComponentData(
                    filename=path.split("/")[-1],
                    data=data,
                    role=path.split("/")[0],
                    sequence=i,
                    path=path,
                    format_name="PDF",
                    content_type="application/pdf",
                )
                for i, (path, data) in enumerate(files.items(), 1)
            ],
        )
        assign_code(record, "WS", 2018, "D30", "BGS")
        api.content.transition(obj=record, transition="archive")
        made.append(record)
    return made


def test_outgoing_package_received_with_two_sided_receipt(site, room, archivist):
    portal = site
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    api.portal.set_registry_record("sd.archive.ledger.quorum", 1)
    room_key = NodeKey.generate("records-room.example/j001")
    nodes.set_admitted_nodes(
        [AdmittedNode(origin=room_key.name, vkey=room_key.vkey, hash_alg="sm3")]
    )
    fonds = portal["j001"]
    records = room_records(fonds)
    transaction.commit()
    assert len(outgoing.eligible(fonds, years=5)) == 3
    assert outgoing.eligible(fonds, years=50) == []
    batch = outgoing.prepare_transfer(
        fonds,
        outgoing.eligible(fonds),
        unit="山东省示例厅",
        description="2018年度文书档案",
        key=room_key,
    )
    transaction.commit()
    assert {api.content.get_state(r) for r in records} == {"transferred"}
    ledger = current_ledger(portal)
    with ledger.log.reading() as conn:
        last = ledger.log.entry(conn, records[0].ledger_index)[0]
    assert b'"event":"transfer-out"' in last
    path = spool.package_path(batch.token)
    # the outgoing package re-read by the core reader and checked at the transfer stage
    with read_package(str(path), "transfer") as package:
        assert package.description["档案数量"] == "3" and len(package.catalogue) == 3
        report, per_record = run_transfer_detection(package)
        assert report.result != "failed", report.failed_codes()
        for record, record_report in per_record:
            assert record_report.failed_codes() == [], (
                record.archival_code,
                record_report.problems(),
            )
    data = path.read_bytes()
    note = batch.facts["sender_receipt"]
    # the archives: same node here, so the room's records leave the site first
    for r in records:
        fonds._delObject(r.getId())
    transaction.commit()
    response = post(
        room,
        data,
        **{
            "X-Sender-Node": ledger.origin,
            "X-Sender-Receipt": base64.b64encode(note.encode()).decode(),
        },
    )
    assert response.status_code == 201, response.text[:3000]
    body = response.json()
    assert [r["outcome"] for r in body["records"]] == ["received"] * 3
    assert {r["sender_ledger"]["status"] for r in body["records"]} == {"verified"}
    transaction.begin()
    incoming = unrestricted(body["UID"])
    for item in state.manual_items(incoming):
        state.sign_off(incoming, item["code"], "passed", "外观完好", "archivist")
    receipt = actions.accept(incoming, reviewer="archivist")
    transaction.commit()
    assert api.content.get_state(incoming) == "received"
    assert receipt["problems"] == [] and receipt["sender_signed_by"] == [room_key.name]
    signed = parse_note(receipt["note"])
    verifiers = [Verifier.from_vkey(room_key.vkey), Verifier.from_vkey(ledger.vkey)]
    assert len(signed.signatures) == 2
    for verifier, signature in zip(verifiers, signed.signatures, strict=False):
        assert verifier.verify(signed.text.encode(), signature.signature)
    assert f"manifest-sm3 {batch.facts['manifest_sm3']}" in signed.text
    full = __import__("sd.archive.transfer.receipt", fromlist=["load"]).load(incoming)
    trusted = [ledger.vkey, room_key.vkey]
    for side in ("sender_proofs", "receiver_proofs"):
        assert len(full[side]) == 3
        for bundle in full[side].values():
            assert verify_bundle(bundle, {}, trusted, 1).valid
    assert {b["entry"]["event"] for b in full["sender_proofs"].values()} == {"transfer-out"}
    assert {b["entry"]["event"] for b in full["receiver_proofs"].values()} == {"receive"}
    # the registration form, both sides
    xml = incoming.registration_xml.decode("utf-8")
    assert "<移交单位>" in xml and "<接收单位>" in xml and "<移交电子档案数量>3<" in xml
    assert xml.count("<完整性检验>合格</完整性检验>") == 2
    assert "<载体外观检验>合格</载体外观检验>" in xml
    from sd.archive.transfer.form import registration_pdf

    pdf = registration_pdf(incoming.registration_xml)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" not in pdf
    assert holdings(portal) == (3, {"received": 3})


def test_the_sender_refuses_receipts_that_do_not_prove_receipt(site, room):
    """POST @transfer-receipt/<uid> is open to anyone: only the signatures decide."""
    from plone.restapi.testing import RelativeSession

    from sd.archive.core.ledger.notes import sign_note
    from sd.archive.transfer.receipt import receipt_text

    portal = site
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    fonds = portal["j001"]
    room_records(fonds, count=1)
    transaction.commit()
    batch = outgoing.prepare_transfer(fonds, outgoing.eligible(fonds), unit="山东省示例厅")
    transaction.commit()
    anyone = RelativeSession(portal.absolute_url(), test=None)
    anyone.headers.update({"Accept": "application/json"})
    url = f"@transfer-receipt/{batch.UID()}"
    own_only = batch.facts["sender_receipt"]  # signed by this node, countersigned by nobody
    stranger = NodeKey.generate("stranger.example/x")
    other_text = str(sign_note(receipt_text("00" * 32, 1, "J001"), stranger))
    cases = [
        ("not json", 400, "receipt.not-json"),
        (json_body({"note": own_only}), 422, "receipt.not-countersigned"),
        (json_body({"notes": [other_text]}), 422, "receipt.other-package"),
    ]
    for body, status, code in cases:
        answer = anyone.post(url, data=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == status, answer.text
        assert answer.json()["errors"][0]["code"] == code
    assert anyone.post("@transfer-receipt/no-such-uid", data="{}").status_code == 404
    transaction.begin()
    assert api.content.get_state(batch) == "submitted" and not getattr(batch, "receipt", None)


def json_body(value) -> str:
    import json

    return json.dumps(value)
