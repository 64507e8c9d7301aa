"""The one-way ferry (单向摆渡): bundles written by a domain node, checked and imported by the
LAN node — idempotent, resumable after a kill, tampered/truncated/replayed bundles refused —
and the signed receipt carried back."""

import hashlib
import json
import zipfile

import pytest

from sd.archive.core.ferry.bundles import Outgoing
from sd.archive.core.ferry.bundles import check_bundle
from sd.archive.core.ferry.bundles import write_bundle
from sd.archive.core.ferry.inbox import DUPLICATE
from sd.archive.core.ferry.inbox import IMPORTED
from sd.archive.core.ferry.inbox import REFUSED
from sd.archive.core.ferry.inbox import check_receipt
from sd.archive.core.ferry.inbox import import_bundle
from sd.archive.core.ferry.inbox import make_receipt
from sd.archive.core.ledger.bundle import make_bundle
from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.entry import canonical_json
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.merkle import MerkleLog

ORIGIN, LAN = "ledger.test/public-service", "ledger.test/archives"


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


@pytest.fixture(scope="module")
def keys():
    return NodeKey.generate(ORIGIN), NodeKey.generate(LAN)


def outgoing(tmp_path, key, count=5):
    """``count`` AIP files with their ``preserve`` entries in a real Merkle log."""
    log, entries, items = MerkleLog({}, "sm3"), [], []
    for n in range(count):
        code = f"J002-ZW·2023-Y-0{n:03d}"
        aip = f"<EEP>{code}</EEP>".encode() * 50
        path = tmp_path / "aips" / f"{n}.eep"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(aip)
        entry = make_entry(
            "preserve",
            node=ORIGIN,
            actor="system",
            record=f"uid{n}",
            code=code,
            content={"正本.pdf": sm3(b"pdf%d" % n)},
            package=sm3(aip),
        )
        log.append(canonical_json(entry))
        entries.append((entry, path, aip, code))
    note = sign_checkpoint(Checkpoint(ORIGIN, log.size, log.root()), key)
    for index, (entry, path, aip, code) in enumerate(entries):
        evidence = make_bundle(entry, log, index, note)
        relpath = f"J002/2023/{code}/{code}.v1.eep"
        items.append(
            Outgoing(entry["record"], code, relpath, sm3(aip), len(aip), str(path), evidence)
        )
    return items


class Node:
    """The LAN node's side in memory: what is committed survives a kill, the rest does not."""

    def __init__(self, die_after=None):
        self.files, self.index, self.bundles, self.ledger = {}, {}, {}, []
        self.pending: list = []
        self.die_after = die_after

    def seen(self, origin, sequence):
        return self.bundles.get((origin, sequence))

    def held(self, relpath):
        return self.index.get(relpath)

    def write(self, relpath, source):
        if self.die_after is not None and len(self.files) >= self.die_after:
            raise KeyboardInterrupt("killed")
        data = source.read()
        self.files[relpath] = data  # a file written but not registered is no holding
        return sm3(data)

    def register(self, row, origin):
        def keep():
            self.index[row["relpath"]] = row["sm3"]
            self.ledger.append(("receive", row["relpath"], row["sm3"], origin))

        self.pending.append(keep)

    def commit(self):
        for keep in self.pending:
            keep()
        self.pending.clear()

    def abort(self):
        self.pending.clear()

    def done(self, bundle, stored):
        self.pending.append(
            lambda: self.bundles.update({(bundle.origin, bundle.sequence): bundle.sm3})
        )

    def vkeys(self, keys):
        return [keys[0].vkey]


def test_a_bundle_is_imported_once_and_answered_with_a_signed_receipt(tmp_path, keys):
    sender, lan = keys
    path = write_bundle(tmp_path / "outbox", ORIGIN, 1, outgoing(tmp_path, sender), sender)
    checked = check_bundle(path, [sender.vkey])
    assert checked.ok, checked.problems
    node = Node()
    outcome = import_bundle(checked, node, batch=2)
    assert outcome.status == IMPORTED and len(outcome.stored) == 5
    assert len(node.index) == 5 and all(node.index[r] == sm3(node.files[r]) for r in node.index)
    again = import_bundle(check_bundle(path, [sender.vkey]), node)
    assert again.status == DUPLICATE and again.stored == []  # nothing stored twice
    receipt = make_receipt(outcome, LAN, lan)
    body, problems = check_receipt(json.loads(json.dumps(receipt)), [lan.vkey])
    assert problems == [] and body["status"] == IMPORTED and body["sequence"] == 1
    receipt["receipt"]["stored"] = 99
    assert check_receipt(receipt, [lan.vkey])[1][0].code == "FERRY-RECEIPT"
    assert (
        check_receipt(make_receipt(outcome, LAN, lan), [sender.vkey])[1][0].code == "FERRY-SENDER"
    )


def test_a_kill_half_way_leaves_nothing_half_stored_and_the_rerun_finishes(tmp_path, keys):
    sender, _lan = keys
    path = write_bundle(tmp_path / "outbox", ORIGIN, 1, outgoing(tmp_path, sender), sender)
    node = Node(die_after=3)
    with pytest.raises(KeyboardInterrupt):
        import_bundle(check_bundle(path, [sender.vkey]), node, batch=2)
    node.abort()
    assert len(node.index) == 2 and node.bundles == {}  # the first batch only
    node.die_after = None
    outcome = import_bundle(check_bundle(path, [sender.vkey]), node, batch=2)
    assert outcome.status == IMPORTED and len(outcome.held) == 2 and len(outcome.stored) == 3
    assert len(node.index) == 5 and len({e[1] for e in node.ledger}) == 5


def rewrite(path, target, change):
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info.filename)))
    return target


def test_tampered_truncated_unsigned_and_replayed_bundles_are_refused(tmp_path, keys):
    sender, lan = keys
    items = outgoing(tmp_path, sender)
    path = write_bundle(tmp_path / "outbox", ORIGIN, 1, items, sender)
    trusted = [sender.vkey]

    def codes(bundle):
        outcome = import_bundle(check_bundle(bundle, trusted), node)
        assert outcome.status == REFUSED
        return {p.code for p in outcome.problems}

    node = Node()
    flipped = rewrite(
        path, tmp_path / "a.zip", lambda n, d: d[:-1] + b"!" if n.endswith("2.eep") else d
    )
    assert codes(flipped) == {"FERRY-DIGEST"}
    manifest = rewrite(
        path,
        tmp_path / "b.zip",
        lambda n, d: d.replace(b'"sequence": 1', b'"sequence": 7') if n == "manifest.json" else d,
    )
    assert codes(manifest) == {"FERRY-MANIFEST"}
    data = path.read_bytes()
    (tmp_path / "c.zip").write_bytes(data[: len(data) // 2])
    assert codes(tmp_path / "c.zip") == {"FERRY-UNREADABLE"}
    stranger = NodeKey.generate(ORIGIN)  # the sender's name, another key
    forged = write_bundle(tmp_path / "forged", ORIGIN, 1, items, stranger)
    assert codes(forged) == {"FERRY-SIGNATURE"}
    assert codes(write_bundle(tmp_path / "lan", LAN, 1, items, lan)) == {"FERRY-SENDER"}
    assert node.index == {}  # nothing of the refused bundles stored
    assert import_bundle(check_bundle(path, trusted), node).status == IMPORTED
    other = write_bundle(tmp_path / "again", ORIGIN, 1, items[:2], sender)  # sequence 1 reused
    assert codes(other) == {"FERRY-REPLAY"}


def test_an_entry_that_is_not_the_aips_is_refused(tmp_path, keys):
    sender, _lan = keys
    items = outgoing(tmp_path, sender, count=2)
    items[0].evidence, items[1].evidence = items[1].evidence, items[0].evidence
    path = write_bundle(tmp_path / "outbox", ORIGIN, 3, items, sender)
    checked = check_bundle(path, [sender.vkey])
    assert {p.code for p in checked.problems} == {"FERRY-EVIDENCE"}
