"""Offline evidence bundles: a genuine bundle verifies, every single change is rejected."""

import copy
import hashlib
import io
import json

import pytest

from sd.archive.core.ledger.bundle import make_bundle
from sd.archive.core.ledger.bundle import verify_bundle
from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.cli import main
from sd.archive.core.ledger.cosign import witness
from sd.archive.core.ledger.entry import entry_bytes
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.nodes import AdmittedNode

FILES = {"正本/正本.ofd": b"%OFD main text", "附件/附件1.pdf": b"%PDF attachment"}


def sm3(data):
    return hashlib.new("sm3", data).hexdigest()


def build(keys, index=5, size=9):
    """A log of ``size`` entries by keys[0], cosigned by keys[1]; the bundle of entry ``index``."""
    log_key, witness_key = keys[0], keys[1]
    nodes = [AdmittedNode(k.name, k.vkey) for k in keys[:2]]
    log = MerkleLog()
    entries = []
    for i in range(size):
        entry = make_entry(
            "archive",
            node=log_key.name,
            actor="officer",
            record=f"uid-{i}",
            code=f"J001-WS·2023-Y-BGS-{i:04d}",
            title="通知",
            content={p: sm3(d + bytes([i])) for p, d in FILES.items()}
            if i != index
            else {p: sm3(d) for p, d in FILES.items()},
            metadata=sm3(b"meta"),
            package=sm3(b"zip"),
            time="2024-05-06T10:11:12+08:00",
        )
        entries.append(entry)
        log.append(entry_bytes(entry))
    note = sign_checkpoint(Checkpoint(log_key.name, log.size, log.root()), log_key)
    cosigned = witness(note, key=witness_key, peers=nodes, last=None, timestamp=1_700_000_000).note
    return make_bundle(entries[index], log, index, cosigned), [k.vkey for k in keys[:2]]


def test_genuine_bundle_verifies(keys):
    bundle, vkeys = build(keys)
    result = verify_bundle(json.loads(json.dumps(bundle)), FILES, vkeys)
    assert result.valid, result.problems
    assert result.matched == {p: p for p in FILES}
    assert result.confirmed_by == [keys[0].name, keys[1].name]
    assert result.leaf_index == 5 and result.tree_size == 9
    # streams, bare names and renamed files are matched by digest
    streams = {
        "正本.ofd": io.BytesIO(FILES["正本/正本.ofd"]),
        "copy.pdf": io.BytesIO(FILES["附件/附件1.pdf"]),
    }
    assert verify_bundle(bundle, streams, vkeys).matched == {
        "正本.ofd": "正本/正本.ofd",
        "copy.pdf": "附件/附件1.pdf",
    }


@pytest.mark.parametrize(
    "files,code",
    [
        ({"正本/正本.ofd": b"%OFD main texT"}, "LEDGER-FILE-DIGEST"),
        ({"other.bin": b"unrelated"}, "LEDGER-FILE-UNKNOWN"),
    ],
)
def test_wrong_files_are_rejected(ed_keys, files, code):
    bundle, vkeys = build(ed_keys)
    result = verify_bundle(bundle, files, vkeys)
    assert [p.code for p in result.problems] == [code]


def test_quorum_and_trust(ed_keys):
    bundle, vkeys = build(ed_keys)
    third = ed_keys[2].vkey
    # three trusted nodes: log + one witness is still a majority
    assert verify_bundle(bundle, FILES, vkeys + [third]).valid
    assert not verify_bundle(bundle, FILES, vkeys + [third], quorum=3).valid
    # only the witness trusted: the log is unknown
    assert not verify_bundle(bundle, FILES, vkeys[1:]).valid
    # a stranger's key under the log's name
    from sd.archive.core.ledger.keys import NodeKey

    impostor = NodeKey.generate(ed_keys[0].name).vkey
    assert not verify_bundle(bundle, FILES, [impostor, vkeys[1]]).valid


def mutations(value, path=()):
    """Every single change of a JSON value: each scalar changed, each dict key renamed or
    removed, each list element removed, each string changed at every position."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,), "drop", None
            yield path + (key,), "rename", key + "x"
            yield from mutations(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield path + (i,), "drop", None
            yield from mutations(item, path + (i,))
    elif isinstance(value, bool):
        yield path, "set", not value
    elif isinstance(value, int):
        yield path, "set", value + 1
        yield path, "set", value - 1
        yield path, "set", str(value)
    elif isinstance(value, str):
        for i, char in enumerate(value):
            yield path, "set", value[:i] + _other(char) + value[i + 1 :]
        yield path, "set", value + "0"
        yield path, "set", 0


def _other(char):
    if char.isdigit():
        return str((int(char) + 1) % 10)
    if "a" <= char.lower() <= "z":
        return (
            chr((ord(char.lower()) - 96) % 26 + 97)
            if char.islower()
            else chr((ord(char) - 64) % 26 + 65)
        )
    return "x" if char != "x" else "y"


def apply(bundle, path, action, new):
    changed = copy.deepcopy(bundle)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1] if path else None
    if action == "drop":
        del parent[last]
    elif action == "rename":
        parent[new] = parent.pop(last)
    else:
        parent[last] = new
    return changed


def test_every_single_field_change_is_rejected(ed_keys):
    bundle, vkeys = build(ed_keys)
    assert verify_bundle(bundle, FILES, vkeys).valid
    count = 0
    for path, action, new in mutations(bundle):
        changed = apply(bundle, path, action, new)
        result = verify_bundle(changed, FILES, vkeys)
        assert not result.valid, (path, action, new)
        count += 1
    assert count > 1000


def test_sm2_bundle_changes_are_rejected(sm2_keys):
    bundle, vkeys = build(sm2_keys)
    assert verify_bundle(bundle, FILES, vkeys).valid
    note = bundle["checkpoint"]
    for i in range(0, len(note), 7):
        changed = dict(bundle, checkpoint=note[:i] + _other(note[i]) + note[i + 1 :])
        assert not verify_bundle(changed, FILES, vkeys).valid, i


def test_cli(tmp_path, ed_keys, capsys):
    bundle, vkeys = build(ed_keys)
    (tmp_path / "proof.json").write_text(json.dumps(bundle, ensure_ascii=False), "utf-8")
    (tmp_path / "nodes.vkey").write_text("\n".join(vkeys) + "\n", "utf-8")
    (tmp_path / "正本.ofd").write_bytes(FILES["正本/正本.ofd"])
    (tmp_path / "bad.ofd").write_bytes(b"tampered")
    common = ["--bundle", str(tmp_path / "proof.json"), "--key", str(tmp_path / "nodes.vkey")]
    assert main(common + [str(tmp_path / "正本.ofd")]) == 0
    assert "VALID" in capsys.readouterr().out
    assert main(common + [str(tmp_path / "bad.ofd")]) == 1
    assert "LEDGER-FILE-UNKNOWN" in capsys.readouterr().out
    assert (
        main(
            [
                "--bundle",
                str(tmp_path / "proof.json"),
                "--key",
                vkeys[0],
                "--key",
                vkeys[1],
                str(tmp_path / "正本.ofd"),
            ]
        )
        == 0
    )
    assert main(common + ["--quorum", "3", str(tmp_path / "正本.ofd")]) == 1
    assert main(common + [str(tmp_path / "missing.ofd")]) == 1
    (tmp_path / "proof.json").write_text("{not json", "utf-8")
    assert main(common + [str(tmp_path / "正本.ofd")]) == 1
