"""RFC 9162 Merkle log: CT reference vectors, a naive reference model, property tests."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.merkle import root_from_inclusion
from sd.archive.core.ledger.merkle import verify_consistency
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.core.ledger.stores import MemoryNodeStore
from sd.archive.core.ledger.stores import SQLiteNodeStore

# The published vectors of the Certificate Transparency reference implementation
# (merkle_tree_test: 8 leaf inputs, roots for sizes 0..8, inclusion and consistency proofs).
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (0-based leaf index, tree size, proof)
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (first size, second size, proof)
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


# -- a naive reference model: the RFC 9162 recursions written literally ------------------------


def H(data, alg="sha256"):
    return hashlib.new(alg, data).digest()


def mth(entries, alg="sha256"):
    n = len(entries)
    if n == 0:
        return H(b"", alg)
    if n == 1:
        return H(b"\x00" + entries[0], alg)
    k = 1 << ((n - 1).bit_length() - 1)
    return H(b"\x01" + mth(entries[:k], alg) + mth(entries[k:], alg), alg)


def path(m, entries, alg="sha256"):
    n = len(entries)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return path(m, entries[:k], alg) + [mth(entries[k:], alg)]
    return path(m - k, entries[k:], alg) + [mth(entries[:k], alg)]


def subproof(m, entries, whole, alg="sha256"):
    n = len(entries)
    if m == n:
        return [] if whole else [mth(entries, alg)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return subproof(m, entries[:k], whole, alg) + [mth(entries[k:], alg)]
    return subproof(m - k, entries[k:], False, alg) + [mth(entries[:k], alg)]


def ct_log(store=None):
    log = MerkleLog(store, algorithm="sha256")
    log.extend(CT_LEAVES)
    return log


def flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


# -- CT vectors -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_ct_roots(size):
    assert ct_log().root(size).hex() == CT_ROOTS[size]
    assert mth(CT_LEAVES[:size]).hex() == CT_ROOTS[size]


@pytest.mark.parametrize("index,size,proof", CT_INCLUSION)
def test_ct_inclusion(index, size, proof):
    expected = [bytes.fromhex(h) for h in proof]
    assert ct_log().inclusion_proof(index, size) == expected
    assert path(index, CT_LEAVES[:size]) == expected
    leaf = H(b"\x00" + CT_LEAVES[index])
    assert verify_inclusion(index, size, leaf, expected, bytes.fromhex(CT_ROOTS[size]), "sha256")


@pytest.mark.parametrize("first,second,proof", CT_CONSISTENCY)
def test_ct_consistency(first, second, proof):
    expected = [bytes.fromhex(h) for h in proof]
    assert ct_log().consistency_proof(first, second) == expected
    assert subproof(first, CT_LEAVES[:second], True) == expected
    roots = [bytes.fromhex(r) for r in CT_ROOTS]
    assert verify_consistency(first, second, roots[first], roots[second], expected, "sha256")


def test_sm3_is_default_and_differs():
    log = MerkleLog()
    log.extend(CT_LEAVES)
    assert log.algorithm == "sm3"
    assert log.root() == mth(CT_LEAVES, "sm3") != ct_log().root()
    assert MerkleLog().root() == hashlib.new("sm3", b"").digest()


# -- stores -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make_store", [MemoryNodeStore, lambda: SQLiteNodeStore(":memory:")])
def test_store_backends_agree_and_size_is_discovered(make_store):
    store = make_store()
    log = MerkleLog(store, "sha256")
    log.extend(bytes([i]) for i in range(37))
    reopened = MerkleLog(store, "sha256")
    assert reopened.size == 37
    assert reopened.root() == mth([bytes([i]) for i in range(37)])
    # two node writes per append on average: leaves + completed subtrees, never more
    assert len(store) == 37 + 36 - bin(37).count("1") + 1


def test_sqlite_store_persists(tmp_path):
    db = tmp_path / "ledger.sqlite"
    store = SQLiteNodeStore(db)
    log = MerkleLog(store, "sm3")
    log.extend([b"a", b"b", b"c"])
    store.commit()
    store.close()
    assert MerkleLog(SQLiteNodeStore(db), "sm3").root() == mth([b"a", b"b", b"c"], "sm3")


@pytest.mark.parametrize(
    "call",
    [
        lambda log: log.inclusion_proof(8, 8),
        lambda log: log.inclusion_proof(0, 9),
        lambda log: log.inclusion_proof(-1, 8),
        lambda log: log.consistency_proof(5, 4),
        lambda log: log.root(9),
        lambda log: log.append_leaf_hash(b"short"),
    ],
)
def test_out_of_range_requests_are_refused(call):
    with pytest.raises(LedgerError):
        call(ct_log())


def test_empty_consistency_edge_cases():
    roots = [bytes.fromhex(r) for r in CT_ROOTS]
    assert verify_consistency(0, 5, roots[0], roots[5], [], "sha256")
    assert not verify_consistency(0, 5, roots[1], roots[5], [], "sha256")
    assert not verify_consistency(3, 5, roots[3], roots[5], [], "sha256")
    assert not verify_consistency(5, 3, roots[5], roots[3], [], "sha256")
    assert not verify_consistency(4, 4, roots[4], roots[5], [], "sha256")


# -- properties -------------------------------------------------------------------------------

LOG = MerkleLog(algorithm="sha256")
LOG.extend(b"entry %d" % i for i in range(72))
ENTRIES = [b"entry %d" % i for i in range(72)]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_inclusion_proofs_verify_and_any_byte_change_fails(data):
    size = data.draw(st.integers(1, 70))
    index = data.draw(st.integers(0, size - 1))
    proof = LOG.inclusion_proof(index, size)
    root = LOG.root(size)
    leaf = LOG.leaf_hash(index)
    assert proof == path(index, ENTRIES[:size])
    assert root == mth(ENTRIES[:size])
    assert verify_inclusion(index, size, leaf, proof, root, "sha256")
    assert root_from_inclusion(index, size, leaf, proof, "sha256") == root
    byte = data.draw(st.integers(0, 31))
    assert not verify_inclusion(index, size, flip(leaf, byte), proof, root, "sha256")
    assert not verify_inclusion(index, size, leaf, proof, flip(root, byte), "sha256")
    for i in range(len(proof)):
        tampered = proof[:i] + [flip(proof[i], byte)] + proof[i + 1 :]
        assert not verify_inclusion(index, size, leaf, tampered, root, "sha256")
    # a proof for another position or size never passes
    if size > 1:
        other = (index + 1) % size
        assert not verify_inclusion(other, size, leaf, proof, root, "sha256")
    assert not verify_inclusion(index, size, leaf, proof + [root], root, "sha256")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_consistency_proofs_verify_and_any_byte_change_fails(data):
    second = data.draw(st.integers(1, 70))
    first = data.draw(st.integers(1, second))
    proof = LOG.consistency_proof(first, second)
    r1, r2 = LOG.root(first), LOG.root(second)
    assert proof == subproof(first, ENTRIES[:second], True)
    assert verify_consistency(first, second, r1, r2, proof, "sha256")
    byte = data.draw(st.integers(0, 31))
    assert not verify_consistency(first, second, flip(r1, byte), r2, proof, "sha256")
    assert not verify_consistency(first, second, r1, flip(r2, byte), proof, "sha256")
    for i in range(len(proof)):
        tampered = proof[:i] + [flip(proof[i], byte)] + proof[i + 1 :]
        assert not verify_consistency(first, second, r1, r2, tampered, "sha256")


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 40), st.data())
def test_rewritten_history_is_not_consistent(size, data):
    """A log that truncates and re-appends different entries cannot prove consistency."""
    cut = data.draw(st.integers(1, size - 1))
    forked = MerkleLog(algorithm="sha256")
    forked.extend(ENTRIES[:cut] + [b"forged %d" % i for i in range(size - cut)])
    later = forked.size
    proof = forked.consistency_proof(size, later)
    assert not verify_consistency(size, later, LOG.root(size), forked.root(later), proof, "sha256")
