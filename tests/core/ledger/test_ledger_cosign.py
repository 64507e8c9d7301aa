"""Witness cosigning, refusal of forks and rollbacks, quorum."""

import base64
import hashlib

import pytest

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.cosign import confirmations
from sd.archive.core.ledger.cosign import cosign_body
from sd.archive.core.ledger.cosign import cosignature_message
from sd.archive.core.ledger.cosign import is_confirmed
from sd.archive.core.ledger.cosign import witness
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.core.ledger.notes import Note
from sd.archive.core.ledger.notes import NoteSignature
from sd.archive.core.ledger.notes import parse_note


def admitted(keys):
    return [AdmittedNode(k.name, k.vkey) for k in keys]


def grow(log, n, tag=b"e"):
    log.extend(tag + b"%d" % i for i in range(log.size, log.size + n))
    return log


def signed(log, key):
    return sign_checkpoint(Checkpoint(key.name, log.size, log.root()), key)


def test_cosignature_v1_wire_format(ed_keys):
    log_key, witness_key, _ = ed_keys
    log = grow(MerkleLog(), 5)
    result = witness(
        str(signed(log, log_key)),
        key=witness_key,
        peers=admitted(ed_keys),
        last=None,
        timestamp=1679315147,
    )
    raw = base64.b64decode(result.line.rstrip("\n").split(" ")[2])
    kid = hashlib.sha256(witness_key.name.encode() + b"\n\x04" + witness_key.public_key).digest()[
        :4
    ]
    assert raw[:4] == kid and len(raw) == 4 + 8 + 64
    assert int.from_bytes(raw[4:12], "big") == 1679315147
    message = b"cosignature/v1\ntime 1679315147\n" + result.note.text.encode()
    assert message == cosignature_message(result.note.text, 1679315147)
    witness_key.private_key.public_key().verify(raw[12:], message)
    assert str(result.note).endswith(result.line)


def test_witness_follows_a_growing_log_and_quorum(keys):
    log_key, w1, w2 = keys
    nodes = admitted(keys)
    log = grow(MerkleLog(), 3)
    first = witness(str(signed(log, log_key)), key=w1, peers=nodes, last=None)
    assert not is_confirmed(str(signed(log, log_key)), nodes)  # the log alone: 1 of 3
    assert is_confirmed(str(first.note), nodes)  # log + one witness: 2 of 3
    assert not is_confirmed(str(first.note), nodes, quorum=3)
    old = first.checkpoint
    grow(log, 10)
    second = witness(
        str(signed(log, log_key)),
        key=w1,
        peers=nodes,
        last=old,
        proof=log.consistency_proof(old.size, log.size),
    )
    both = witness(second.note, key=w2, peers=nodes, last=None)
    assert confirmations(both.note, nodes) == [log_key.name, w1.name, w2.name]
    assert is_confirmed(both.note, nodes, quorum=3)
    # the same checkpoint again is cosigned again (same size, same root, empty proof)
    assert (
        witness(second.note, key=w1, peers=nodes, last=second.checkpoint).checkpoint
        == second.checkpoint
    )


def test_truncate_and_reappend_is_refused(keys):
    log_key, w1, _ = keys
    nodes = admitted(keys)
    honest = grow(MerkleLog(), 8)
    seen = witness(signed(honest, log_key), key=w1, peers=nodes, last=None).checkpoint
    forked = grow(MerkleLog(), 5)
    grow(forked, 6, b"forged")  # same origin, size 11, history rewritten after entry 5
    with pytest.raises(LedgerError) as info:
        witness(
            signed(forked, log_key),
            key=w1,
            peers=nodes,
            last=seen,
            proof=forked.consistency_proof(8, forked.size),
        )
    assert info.value.problems[0].code == "LEDGER-COSIGN-INCONSISTENT"
    # a proof of the honest log does not help either
    grow(honest, 3)
    with pytest.raises(LedgerError):
        witness(
            signed(forked, log_key),
            key=w1,
            peers=nodes,
            last=seen,
            proof=honest.consistency_proof(8, 11),
        )


@pytest.mark.parametrize(
    "case,code",
    [
        ("rollback", "LEDGER-COSIGN-ROLLBACK"),
        ("same size other root", "LEDGER-COSIGN-INCONSISTENT"),
        ("no proof", "LEDGER-COSIGN-INCONSISTENT"),
        ("unknown origin", "LEDGER-ORIGIN-UNKNOWN"),
        ("bad signature", "LEDGER-NOTE-BADSIG"),
        ("signed by another key", "LEDGER-NOTE-UNSIGNED"),
        ("own log", "LEDGER-COSIGN-SELF"),
    ],
)
def test_witness_refusals(ed_keys, case, code):
    log_key, w1, w2 = ed_keys
    nodes = admitted(ed_keys)
    log = grow(MerkleLog(), 6)
    last = Checkpoint(log_key.name, 6, log.root())
    note, proof, key, peers = str(signed(log, log_key)), [], w1, nodes
    if case == "rollback":
        note = str(sign_checkpoint(Checkpoint(log_key.name, 4, log.root(4)), log_key))
    elif case == "same size other root":
        note = str(sign_checkpoint(Checkpoint(log_key.name, 6, log.root(5)), log_key))
    elif case == "no proof":
        grow(log, 2)
        note = str(signed(log, log_key))
    elif case == "unknown origin":
        peers = nodes[1:]
    elif case == "bad signature":
        parsed = parse_note(note)
        sig = parsed.signatures[0]
        note = Note(parsed.text, [NoteSignature(sig.name, sig.key_id, bytes(64))])
    elif case == "signed by another key":
        note = str(
            Note(
                parse_note(note).text,
                [sign_checkpoint(Checkpoint(w2.name, 6, log.root()), w2).signatures[0]],
            )
        )
    elif case == "own log":
        key = log_key
    with pytest.raises(LedgerError) as info:
        witness(note, key=key, peers=peers, last=last, proof=proof)
    assert info.value.problems[0].code == code


def test_a_bad_cosignature_of_a_known_node_rejects_the_note(ed_keys):
    log_key, w1, w2 = ed_keys
    nodes = admitted(ed_keys)
    log = grow(MerkleLog(), 2)
    note = signed(log, log_key)
    good = cosign_body(note.text, w1, 100)
    forged = NoteSignature(good.name, good.key_id, (101).to_bytes(8, "big") + good.signature[8:])
    assert is_confirmed(note.with_signature(good), nodes)
    assert not is_confirmed(note.with_signature(forged), nodes)
    with pytest.raises(LedgerError):
        confirmations(note.with_signature(forged), nodes)
    # a cosignature from a key that is not admitted does not count
    stranger = cosign_body(note.text, w2, 100)
    assert not is_confirmed(note.with_signature(stranger), nodes[:2])
    assert is_confirmed(note.with_signature(stranger), nodes)
