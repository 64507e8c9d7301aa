"""Three ledger nodes as separate Zope processes on loopback: each logs, they cosign each
other, checkpoints reach quorum, and a node that rewrites its history is refused."""

import json

import pytest

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.entry import entry_bytes
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.stores import SQLiteNodeStore
from sd.archive.ledger.store import connect
from sd.archive.testing import PACKAGE_SAMPLES
from sd.archive.testing import free_ports
from sd.archive.testing import ledger_nodes_script

pytestmark = pytest.mark.slow

#: the province's three nodes (make start-nodes): one codebase, a domain each
DOMAINS = ("public-service", "administrative", "archives")
GONGWEN = PACKAGE_SAMPLES / "archive-gongwen.zip"


def load_orchestrator():
    return ledger_nodes_script()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    orchestrator = load_orchestrator()
    nodes = orchestrator.make_nodes(tmp_path_factory.mktemp("nodes"), free_ports(3), list(DOMAINS))
    try:
        orchestrator.start_and_admit(nodes)
        yield nodes, orchestrator
    finally:
        for node in nodes:
            node.stop()


def rewrite_history(node, keep: int, new_entries: int) -> int:
    """Truncate the node's log to ``keep`` entries and append different ones, signed with the
    node's own key (what a node that rewrites its history would publish)."""
    directory = node.var / "ledger" / node.site
    key = NodeKey.load(directory / "node.key", node.origin)
    conn = connect(directory / "ledger.sqlite")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM entries WHERE idx >= ?", (keep,))
    conn.execute("DELETE FROM merkle_nodes WHERE ((idx + 1) << level) > ?", (keep,))
    conn.execute("DELETE FROM checkpoints WHERE size > ?", (keep,))
    log = MerkleLog(SQLiteNodeStore(conn), "sm3", size=keep)
    for n in range(new_entries):
        data = entry_bytes(
            make_entry("audit", node=node.origin, actor="forger", code=f"forged-{n}")
        )
        index = log.append(data)
        conn.execute(
            "INSERT INTO entries (idx, leaf, entry, event, record) VALUES (?,?,?,?,?)",
            (index, log.leaf_hash(index), data, "audit", ""),
        )
    note = sign_checkpoint(Checkpoint(node.origin, log.size, log.root()), key)
    conn.execute("INSERT INTO checkpoints (size, note) VALUES (?, ?)", (log.size, str(note)))
    conn.execute("COMMIT")
    conn.close()
    return log.size


def test_nodes_log_cosign_reach_quorum_and_refuse_rewritten_history(nodes):
    nodes, orchestrator = nodes
    first, second, third = nodes
    # each node logged its records and the admissions of the others
    for node in nodes:
        state = node.get("@ledger")
        assert state["origin"] == node.origin and state["tree_size"] >= 4
        assert state["quorum"] == 2 and state["confirmed"] is False  # nobody cosigned yet

    results = orchestrator.cosign_round(nodes)
    for answer in results.values():
        assert {r["status"] for r in answer["results"]} == {"cosigned"}, answer
    for node in nodes:
        state = node.get("@ledger")
        assert state["confirmed"] is True and len(state["confirmed_by"]) >= 2, state

    # the first node logs more (a workflow transition over REST); the others cosign again,
    # this time from a consistency proof between the two checkpoints
    record = first.info["records"][0]
    assert first.post(f"{record}/@workflow/appraise").get("review_state") == "appraisal"
    size = first.get("@ledger")["tree_size"]
    for witness in (second, third):
        answer = witness.cosign()
        mine = next(r for r in answer["results"] if r["origin"] == first.origin)
        assert mine["status"] == "cosigned" and mine["tree_size"] == size
    state = first.get("@ledger")
    assert state["tree_size"] == size and set(state["confirmed_by"]) == {
        first.origin,
        second.origin,
        third.origin,
    }
    # the witnesses keep a replica of the first node's entries
    replica = connect(second.var / "ledger" / second.site / "witness.sqlite")
    count = replica.execute(
        "SELECT COUNT(*) FROM replica_entries WHERE origin = ?", (first.origin,)
    ).fetchone()[0]
    replica.close()
    assert count == size

    # the third node truncates its log and re-appends other entries: refused by both others
    old = third.get("@ledger")["tree_size"]
    forged = rewrite_history(third, keep=old - 2, new_entries=3)
    assert third.get("@ledger")["tree_size"] == forged == old + 1
    for witness in (first, second):
        answer = witness.cosign()
        verdict = next(r for r in answer["results"] if r["origin"] == third.origin)
        assert verdict["status"] == "refused", verdict
        assert verdict["errors"][0]["code"] == "LEDGER-COSIGN-INCONSISTENT"
    state = third.get("@ledger")
    assert state["confirmed_by"] == [third.origin] and state["confirmed"] is False
    print(json.dumps({n.origin: n.get("@ledger")["tree_size"] for n in nodes}))


def post_package(node, endpoint: str, path) -> tuple[int, dict]:
    import base64
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{node.url}/{endpoint}",
        data=path.read_bytes(),
        method="POST",
        headers={"Content-Type": "application/zip", "Accept": "application/json"},
    )
    request.add_header("Authorization", "Basic " + base64.b64encode(b"admin:admin").decode())
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_each_node_takes_in_what_its_domain_allows(nodes):
    """#31 item 1: one checkout, three domains; an official document sent to the public-service
    node and any business package sent to the archives LAN are refused with the reason."""
    nodes, _orchestrator = nodes
    by_domain = {node.domain: node for node in nodes}
    for node in nodes:
        settings = node._request("GET", "@controlpanels/sd-archive-settings", auth=True)
        assert settings["data"]["network_domain"]["token"] == node.domain
    status, body = post_package(by_domain["public-service"], "@archive", GONGWEN)
    assert status == 422 and body["type"] == "DomainRefused"
    assert "domain.record-kind" in {e["code"] for e in body["errors"]}
    status, body = post_package(by_domain["archives"], "@archive", GONGWEN)
    assert status == 422 and [e["code"] for e in body["errors"]] == ["domain.interface"]
    status, body = post_package(by_domain["administrative"], "@archive", GONGWEN)
    assert status in (201, 403, 422), body  # past the domain check: J001 of the sample
    assert body.get("type") != "DomainRefused"
