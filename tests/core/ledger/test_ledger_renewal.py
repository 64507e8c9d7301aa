"""Evidence renewal (证据续期): a renew entry re-states a record's files under SHA-256 and links
the SM3 entry it renews; a chain of bundles verifies, a broken link or a changed file does not."""

import hashlib

import pytest

from sd.archive.core.ledger.bundle import make_bundle
from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.entry import canonical_json
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.hashing import leaf_hash
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.renewal import renew_entry
from sd.archive.core.ledger.renewal import verify_chain

ORIGIN = "ledger.test/administrative"
FILES = {"正本/正本.pdf": b"%PDF-1.7 the main text", "附件/附件1.pdf": b"%PDF-1.7 an annex"}


@pytest.fixture(scope="module")
def key():
    return NodeKey.generate(ORIGIN)


def chain(key, link_index=None, alg="sha256"):
    log = MerkleLog({}, "sm3")
    original = make_entry(
        "archive",
        node=ORIGIN,
        actor="officer",
        record="uid1",
        code="J001-WS·2023-Y-BGS-0001",
        title="关于档案工作的通知",
        content={p: hashlib.new("sm3", d).hexdigest() for p, d in FILES.items()},
    )
    first = log.append(canonical_json(original))
    renewed = renew_entry(
        original,
        first if link_index is None else link_index,
        leaf_hash(canonical_json(original)).hex(),
        node=ORIGIN,
        actor="system",
        content={p: hashlib.new(alg, d).hexdigest() for p, d in FILES.items()},
        alg=alg,
    )
    second = log.append(canonical_json(renewed))
    note = sign_checkpoint(Checkpoint(ORIGIN, log.size, log.root()), key)
    return [make_bundle(original, log, first, note), make_bundle(renewed, log, second, note)]


def test_a_renewal_chain_verifies_the_files_under_the_new_algorithm(key):
    bundles = chain(key)
    assert bundles[1]["entry"]["alg"] == "sha256"
    assert bundles[1]["entry"]["links"][0] == {
        "origin": ORIGIN,
        "index": 0,
        "leaf_hash": bundles[0]["leaf_hash"],
    }
    result = verify_chain(bundles, FILES, [key.vkey], quorum=1)
    assert result.valid, result.problems
    assert result.matched == {p: p for p in FILES} and result.leaf_index == 1


def test_a_changed_file_a_broken_link_or_the_same_algorithm_fail(key):
    changed = {**FILES, "附件/附件1.pdf": b"%PDF-1.7 another annex"}
    codes = {p.code for p in verify_chain(chain(key), changed, [key.vkey], quorum=1).problems}
    assert codes == {"LEDGER-FILE-DIGEST"}
    broken = verify_chain(chain(key, link_index=5), FILES, [key.vkey], quorum=1)
    assert [p.code for p in broken.problems] == ["LEDGER-RENEW-LINK"]
    same = verify_chain(chain(key, alg="sm3"), FILES, [key.vkey], quorum=1)
    assert [p.code for p in same.problems] == ["LEDGER-RENEW-LINK"]
    stranger = NodeKey.generate(ORIGIN)
    assert not verify_chain(chain(key), FILES, [stranger.vkey], quorum=1).valid
    assert verify_chain([], FILES, [key.vkey]).problems[0].code == "LEDGER-RENEW-CHAIN"


def test_renewal_states_the_same_files_only(key):
    old = make_entry(
        "archive", node=ORIGIN, actor="a", record="u", code="c", content={"a.pdf": "0" * 64}
    )
    with pytest.raises(ValueError, match="extra"):
        renew_entry(
            old, 0, "0" * 64, node=ORIGIN, actor="s", content={"a.pdf": "1" * 64, "b": "2" * 64}
        )
