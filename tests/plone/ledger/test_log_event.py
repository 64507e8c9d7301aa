"""log_event: entries, receipts, the record's notarization fields, transactions."""

import base64

import pytest
import transaction
from plone import api

from sd.archive.appraisal.execution import sanctioned
from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.hashing import leaf_hash
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.ledger import log_event
from sd.archive.ledger import node as nodes
from sd.archive.testing import make_record


def test_node_key_made_at_install(portal, ledger):
    key_file = ledger.node.directory / "node.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert ledger.origin == api.portal.get_registry_record("sd.archive.settings.ledger_origin")
    assert ledger.origin in {n.origin for n in nodes.admitted_nodes()}
    assert not any("PRIVATE" in repr(v) for v in portal.__dict__.values())


def test_receipt_proves_inclusion(fonds, ledger):
    record = make_record(fonds)
    receipt = log_event("pre-archive", record, package_digest="ab" * 32)
    checkpoint, _note = open_checkpoint(receipt["checkpoint"], [ledger.node.key.verifier()])
    assert checkpoint.size == receipt["ledger_index"] + 1
    leaf = bytes.fromhex(receipt["leaf_hash"])
    proof = [bytes.fromhex(p) for p in receipt["inclusion_proof"]]
    assert verify_inclusion(
        receipt["ledger_index"], checkpoint.size, leaf, proof, checkpoint.root, ledger.node.hash_alg
    )
    assert receipt["package_digest"] == {"SM3": "ab" * 32}
    assert (record.ledger_index, record.leaf_hash, record.checkpoint) == (
        receipt["ledger_index"],
        receipt["leaf_hash"],
        receipt["checkpoint"],
    )


def test_entry_holds_digests_only(ffonds, fledger):
    ledger, record = fledger, make_record(ffonds)
    receipt = log_event("pre-archive", record)
    transaction.commit()
    with ledger.log.reading() as conn:
        data, leaf, _state = ledger.log.entry(conn, receipt["ledger_index"])
    entry = parse_entry(data)
    assert leaf == leaf_hash(data, ledger.node.hash_alg)
    assert entry["record"] == record.UID() and entry["node"] == ledger.origin
    assert entry["content"] == {"正本.pdf": record["c001"].sm3, "处理单.pdf": record["c002"].sm3}
    assert b"%PDF" not in data and base64.b64encode(b"%PDF") not in data


def test_abort_leaves_no_entry(ffonds, fledger, size_of):
    fonds, ledger = ffonds, fledger
    transaction.commit()
    before = size_of(ledger)
    record = make_record(fonds, 7)
    log_event("pre-archive", record)
    transaction.abort()
    assert size_of(ledger) == before
    record = make_record(fonds, 8)
    receipt = log_event("pre-archive", record)
    transaction.commit()
    assert size_of(ledger) == before + 1 == receipt["ledger_index"] + 1


def test_unknown_event_refused(fonds):
    with pytest.raises(LedgerError):
        log_event("approve", make_record(fonds))


@pytest.mark.parametrize(
    "path,event",
    [
        (["archive"], "archive"),
        (["archive", "request_transfer", "transfer"], "transfer-out"),
        (["archive", "request_transfer", "transfer", "receive"], "receive"),
        (["archive", "appraise", "destroy"], "destroy"),
        (["reject"], "return"),
    ],
)
def test_lifecycle_events_logged(ffonds, fledger, path, event):
    fonds, ledger = ffonds, fledger
    record = make_record(fonds)
    if path != ["reject"]:
        from sd.archive.numbering import assign_code

        # a destroyed record is an expired one (#25); the others keep the permanent period
        expired = "destroy" in path
        assign_code(record, "WS", 2013 if expired else 2023, "D10" if expired else "Y", "BGS")
    with sanctioned(record, "test"):  # a destruction as an executed appraisal batch does (#25)
        for transition in path:
            api.content.transition(record, transition=transition)
    transaction.commit()
    with ledger.log.reading() as conn:
        indexes = ledger.log.record_indexes(conn, record.UID())
        events = [parse_entry(ledger.log.entry(conn, i)[0]) for i in indexes]
    # archiving and receiving also write an AIP, logged after them as 'preserve'
    lifecycle = [e for e in events if e["event"] != "preserve"]
    assert lifecycle[-1]["event"] == event
    assert lifecycle[-1]["content"]  # a destroyed record's entry restates the destroyed digests
    if event in ("archive", "receive"):
        assert events[-1]["event"] == "preserve" and events[-1]["package"]
    assert record.ledger_index == indexes[-1]


def test_metadata_correction_logged_as_audit(fonds, ledger, archive):
    from sd.archive.corrections import correct_description

    record = archive(fonds)
    first = record.ledger_index
    correct_description(record, {"title": "更正后的题名"}, "错字")
    assert record.ledger_index == first + 1


def test_node_admission_logged(fledger, size_of):
    ledger = fledger
    from sd.archive.core.ledger.keys import NodeKey
    from sd.archive.core.ledger.nodes import AdmittedNode

    transaction.commit()
    before = size_of(ledger)
    peer = NodeKey.generate("ledger.sd-archive.gov/public")
    nodes.admit(AdmittedNode(peer.name, peer.vkey, url="http://localhost:9/archive", role="log"))
    nodes.remove(peer.name)
    transaction.commit()
    with ledger.log.reading() as conn:
        entries = [parse_entry(e) for e in ledger.log.entries(conn, before, before + 2)]
    assert [(e["event"], e["code"]) for e in entries] == [
        ("node-admit", peer.name),
        ("node-remove", peer.name),
    ]
