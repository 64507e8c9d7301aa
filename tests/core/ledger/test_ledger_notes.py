"""Signed notes, vkeys, node keys and checkpoints (C2SP signed-note, tlog-checkpoint)."""

import base64
import hashlib
import os
import stat

import pytest

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.checkpoint import parse_checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.notes import Note
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.notes import sign_note
from sd.archive.core.ledger.notes import verify_note
from sd.archive.core.ledger.vkeys import Verifier
from sd.archive.core.ledger.vkeys import load_vkeys

ROOT = bytes(range(32))


def test_ed25519_key_id_and_vkey_follow_signed_note(ed_keys):
    key = ed_keys[0]
    expected_id = hashlib.sha256(key.name.encode() + b"\n" + b"\x01" + key.public_key).digest()[:4]
    name, hash_hex, encoded = key.vkey.split("+", 2)
    assert name == key.name
    assert hash_hex == expected_id.hex()
    assert base64.b64decode(encoded) == b"\x01" + key.public_key
    cosigner_id = hashlib.sha256(key.name.encode() + b"\n" + b"\x04" + key.public_key).digest()[:4]
    assert key.cosigner_vkey.split("+")[1] == cosigner_id.hex()


def test_note_wire_format(ed_keys):
    key = ed_keys[0]
    note = sign_note("hello\n\nworld\n", key)
    text = str(note)
    body, sigline = text.split("\n\n\u2014 ")
    assert body == "hello\n\nworld"
    name, encoded = sigline.rstrip("\n").split(" ")
    raw = base64.b64decode(encoded)
    assert name == key.name and raw[:4] == key.verifier().key_id and len(raw) == 4 + 64
    key.private_key.public_key().verify(raw[4:], b"hello\n\nworld\n")
    assert parse_note(text) == note  # the text may hold blank lines: split at the last one


def test_ed25519_note_from_the_go_reference_format():
    """A note built by hand with the cryptography primitives parses and verifies."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32))
    public = private.public_key().public_bytes_raw()
    name = "example.com/test"
    kid = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    encoded = base64.b64encode(b"\x01" + public).decode()
    vkey = f"{name}+{kid.hex()}+{encoded}"
    text = "example.com/test\n1\n" + base64.b64encode(ROOT).decode() + "\n"
    line = (
        "\u2014 " + name + " " + base64.b64encode(kid + private.sign(text.encode())).decode() + "\n"
    )
    checkpoint, _ = open_checkpoint(text + "\n" + line, [Verifier.from_vkey(vkey)])
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (name, 1, ROOT)


@pytest.mark.parametrize(
    "text",
    [
        "no blank line\n\u2014 a AAAAAAA=\n",
        "text\n\n",
        "text\n\n\u2014 a AAAAAAA=",
        "text\n\n- a AAAAAAA=\n",
        "text\n\n\u2014 a b c\n",
        "text\n\n\u2014 a !!!!\n",
        "text\n\n\u2014 a+b AAAAAAA=\n",
        "te\x07xt\n\n\u2014 a AAAAAAA=\n",
        "text\n\n\u2014 a AAA=\n",
        "\n\n\u2014 a AAAAAAA=\n",
    ],
)
def test_malformed_notes_are_refused(text):
    with pytest.raises(LedgerError):
        parse_note(text)


def test_unknown_signatures_are_ignored_and_bad_known_ones_reject(ed_keys):
    a, b, _ = ed_keys
    note = sign_note("body\n", a)
    stranger = NodeKey.generate(a.name)  # same name, other key: other key ID, ignored
    with_stranger = note.with_signature(sign_note("other\n", stranger).signatures[0])
    assert verify_note(with_stranger, [a.verifier()]) == [a.verifier()]
    with pytest.raises(LedgerError, match="no known key"):
        verify_note(note, [b.verifier()])
    forged = Note(
        note.text, [note.signatures[0].__class__(a.name, a.verifier().key_id, b"\x00" * 64)]
    )
    with pytest.raises(LedgerError, match="does not verify"):
        verify_note(forged, [a.verifier()])
    with pytest.raises(LedgerError, match="does not verify"):
        verify_note(Note("bodz\n", note.signatures), [a.verifier()])


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2"])
def test_key_save_load_mode_0600(tmp_path, algorithm):
    key = NodeKey.generate("ledger.example/n1", algorithm)
    path = tmp_path / "node.pem"
    key.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = NodeKey.load(path, key.name)
    assert loaded.algorithm == algorithm and loaded.vkey == key.vkey
    assert loaded.verifier().verify(b"m", key.sign(b"m"))
    key.save(tmp_path / "enc.pem", password=b"secret")
    assert NodeKey.load(tmp_path / "enc.pem", key.name, password=b"secret").vkey == key.vkey
    with pytest.raises(LedgerError):
        NodeKey.load(tmp_path / "enc.pem", key.name, password=b"wrong")


@pytest.mark.parametrize(
    "vkey",
    [
        "noplus",
        "a+b",
        "a b+00000000+AQ==",
        "a+zzzzzzzz+AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB",
        "a+00000000+AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB",  # hash does not match
        "a+00000000+BwEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB",  # unknown type 0x07
    ],
)
def test_bad_vkeys_are_refused(vkey):
    with pytest.raises(LedgerError):
        Verifier.from_vkey(vkey)


def test_vkey_round_trip_and_file(keys):
    text = "# admitted nodes\n" + "\n".join(k.vkey for k in keys) + "\n\n"
    assert [v.vkey for v in load_vkeys(text)] == [k.vkey for k in keys]
    assert Verifier.from_vkey(keys[0].cosigner_vkey).is_cosigner


def test_checkpoint_round_trip_and_signature(keys):
    key = keys[0]
    checkpoint = Checkpoint(key.name, 42, ROOT, ("ext one",))
    assert checkpoint.body() == f"{key.name}\n42\n{base64.b64encode(ROOT).decode()}\next one\n"
    note = sign_checkpoint(checkpoint, key)
    opened, _ = open_checkpoint(str(note), [Verifier.from_vkey(k.vkey) for k in keys])
    assert opened == checkpoint
    with pytest.raises(LedgerError, match="origin is not a known log"):
        open_checkpoint(str(note), [keys[1].verifier()])
    with pytest.raises(LedgerError):
        sign_checkpoint(checkpoint, keys[1])  # key name must be the origin


@pytest.mark.parametrize(
    "text",
    [
        "o\n1\n",
        "o\n01\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n1\n" + base64.b64encode(ROOT[:31]).decode() + "\n",
        "o\n1\n" + base64.b64encode(ROOT).decode(),
        "o\n1\n" + base64.b64encode(ROOT).decode() + "\n\n",
        "cosignature/v1\n1\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n\u0661\n" + base64.b64encode(ROOT).decode() + "\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(LedgerError):
        parse_checkpoint(text)
