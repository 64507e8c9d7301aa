"""GET @ledger, /proof, /consistency, /entries over HTTP, checked with the core verifiers."""

import base64

import pytest
import transaction

from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.hashing import leaf_hash
from sd.archive.core.ledger.merkle import verify_consistency
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.core.ledger.vkeys import Verifier


def test_ledger_publishes_signed_checkpoint(anonymous, ffonds, archive):
    archive(ffonds, 1)
    transaction.commit()
    state = anonymous.get("@ledger").json()
    verifier = Verifier.from_vkey(state["vkey"])
    checkpoint, _ = open_checkpoint(state["checkpoint"], [verifier])
    assert checkpoint.origin == state["origin"] and checkpoint.size == state["tree_size"] >= 1
    assert state["quorum"] == 1 and state["confirmed"] is True  # a single node is its majority


def test_inclusion_and_consistency_proofs_verify(anonymous, admin, ffonds, archive):
    first = anonymous.get("@ledger").json()
    record = archive(ffonds, 2)
    transaction.commit()
    state = anonymous.get("@ledger").json()
    alg, size = state["hash_alg"], state["tree_size"]
    root = base64.b64decode(state["checkpoint"].split("\n")[2])
    proof = anonymous.get("@ledger/proof", params={"index": record.ledger_index}).json()
    entry = admin.get(
        "@ledger/entries", params={"start": record.ledger_index, "end": record.ledger_index + 1}
    ).json()
    leaf = leaf_hash(entry["entries"][0].encode("utf-8"), alg)
    assert leaf.hex() == proof["leaf_hash"] == record.leaf_hash
    assert verify_inclusion(
        record.ledger_index, size, leaf, [bytes.fromhex(p) for p in proof["proof"]], root, alg
    )
    cons = anonymous.get(
        "@ledger/consistency", params={"first": first["tree_size"], "second": size}
    ).json()
    assert verify_consistency(
        first["tree_size"],
        size,
        bytes.fromhex(first["root"]),
        root,
        [bytes.fromhex(p) for p in cons["proof"]],
        alg,
    )


@pytest.mark.parametrize(
    "path,params,code",
    [
        ("@ledger/proof", {}, "LEDGER-PARAMETER"),
        ("@ledger/proof", {"index": "x"}, "LEDGER-PARAMETER"),
        ("@ledger/proof", {"index": 10**9}, "LEDGER-INDEX"),
        ("@ledger/consistency", {"first": 10**9}, "LEDGER-PROOF-RANGE"),
        ("@ledger/nothing", {}, "LEDGER-RESOURCE"),
    ],
)
def test_bad_parameters_are_structured_errors(anonymous, path, params, code):
    response = anonymous.get(path, params=params)
    assert response.status_code in (400, 422)
    body = response.json()
    assert body["errors"][0]["code"] == code and body["type"] and body["message"]


def test_entries_paging(anonymous, ffonds, archive):
    for n in range(3):
        archive(ffonds, 10 + n)
    transaction.commit()
    size = anonymous.get("@ledger").json()["tree_size"]
    page = anonymous.get("@ledger/entries", params={"start": size - 3}).json()
    assert page["end"] == size and len(page["entries"]) == 3


def test_node_admin_needs_permission(anonymous, admin):
    assert anonymous.post("@ledger/nodes", json={"remove": "x"}).status_code == 401
    response = admin.post("@ledger/nodes", json={"origin": "a", "vkey": "not-a-vkey"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "LEDGER-VKEY"
