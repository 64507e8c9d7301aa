"""Online transfer between two sd.archive nodes, each its own Zope process on loopback: the
records room builds and delivers the package (POST {fonds}/@transfer-out), the archives checks
every record against the room's ledger, the archivist accepts over REST, and the countersigned
receipt travels back to the room's outgoing batch, which then shows it received."""

import json
import urllib.error
import urllib.request

import pytest

from sd.archive.testing import free_ports
from sd.archive.testing import ledger_nodes_script

pytestmark = pytest.mark.slow


def post(node, path, body):
    return node.post(path, body)


def get(node, url):
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    request.add_header("Authorization", "Basic YWRtaW46YWRtaW4=")  # admin:admin
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode())


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory):
    nodes_module = ledger_nodes_script("ledger_nodes_for_transfer")
    base = tmp_path_factory.mktemp("transfer-nodes")
    room_port, archives_port = free_ports(2)
    room = nodes_module.Node(base, 1, room_port)
    archives = nodes_module.Node(base, 2, archives_port)
    room.setup(records=3, year=2018)  # kept more than 5 years: eligible for transfer
    archives.setup(records=0)
    try:
        nodes_module.start_and_admit([room, archives])
        yield room, archives
    finally:
        room.stop()
        archives.stop()


def test_deliver_accept_and_receipt_back(two_nodes):
    room, archives = two_nodes
    sent = post(
        room,
        "j001/@transfer-out",
        {
            "description": "2018年度文书档案",
            "deliver": {"url": archives.url, "user": "admin", "password": "admin"},
        },
    )
    assert "errors" not in sent, sent
    assert sent["status"] == "submitted"
    assert sent["direction"] == "outgoing" and sent["record_count"] == 3
    assert sent["delivery"]["status"] == 201, sent["delivery"]
    # the archives checked every record against the room's ledger (an admitted node)
    incoming = get(archives, sent["delivery"]["batch"] + "/@detection")
    assert incoming["status"] == "awaiting_acceptance"
    assert [r["outcome"] for r in incoming["records"]] == ["received"] * 3, [
        (r["archival_code"], r["codes"], r["errors"][:2]) for r in incoming["records"]
    ]
    assert {r["sender_ledger"]["status"] for r in incoming["records"]} == {"verified"}
    # the archivist signs off the manual items and accepts over REST
    manual = {
        m["code"]: {"outcome": "passed", "note": "在线移交，无载体"}
        for m in incoming["manual_items"]
    }
    accepted = post(
        archives, incoming["batch"].split("/archive/", 1)[1] + "/@accept", {"manual": manual}
    )
    assert accepted["status"] == "received", accepted
    assert accepted["receipt"]["sender_signed_by"] == [room.origin]
    assert accepted["receipt"]["sent_back"]["sent"] is True, accepted["receipt"]["sent_back"]
    # the room's outgoing batch took the countersigned receipt
    outgoing = get(room, sent["@id"] + "/@detection")
    assert outgoing["status"] == "received"
    assert outgoing["receipt"]["countersigned_by"] == [archives.origin]
    assert outgoing["receipt"]["receiver_proofs"] == 3
    # a receipt that is not countersigned by an admitted node is refused
    forged = urllib.request.Request(
        f"{room.url}/@transfer-receipt/{sent['UID']}",
        method="POST",
        data=json.dumps({"note": "sd-archive-transfer-receipt/v1\n"}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        urllib.request.urlopen(forged, timeout=30)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 200  # the batch already holds its receipt: the same answer, nothing new


def test_nothing_eligible_is_422(two_nodes):
    room, _archives = two_nodes
    answer = post(room, "j001/@transfer-out", {"year": 1990})
    assert answer["status"] == 422
    assert answer["errors"][0]["code"] == "transfer.nothing-eligible"
