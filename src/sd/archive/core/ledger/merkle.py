"""RFC 9162 §2.1 Merkle tree log (默克尔树日志) with inclusion and consistency proofs.

The log keeps the hash of every *perfect* subtree in a node store, a
``MutableMapping[(level, index)] -> bytes``: ``(0, i)`` is the leaf hash of entry ``i`` and
``(level, index)`` the hash of the perfect subtree over leaves
``[index * 2**level, (index + 1) * 2**level)``. An append writes the leaf and every perfect
subtree it completes (two writes on average); a root or a proof reads O(log n) stored nodes
and hashes at most O(log n) more for the ragged right edge. The Plone side may back the store
with an OOBTree or an SQL table; ``stores`` provides an in-memory and an SQLite one.

Entries themselves are not stored here, only their leaf hashes.

The verification functions at module level follow the algorithms of RFC 9162 §2.1.3.2
(inclusion) and §2.1.4.2 (consistency) and need nothing but hashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import MutableMapping
from collections.abc import Sequence

from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.hashing import DEFAULT_ALGORITHM
from sd.archive.core.ledger.hashing import DIGEST_SIZE
from sd.archive.core.ledger.hashing import check_algorithm
from sd.archive.core.ledger.hashing import empty_root
from sd.archive.core.ledger.hashing import leaf_hash
from sd.archive.core.ledger.hashing import node_hash

NodeStore = MutableMapping[tuple[int, int], bytes]


def _largest_power_of_two_below(n: int) -> int:
    """k = the largest power of two with k < n (n >= 2), RFC 9162 §2.1.1."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleLog:
    """An append-only Merkle tree log (只增日志) over a node store.

    ``size`` may be given when the caller keeps it (e.g. next to the store in the same
    transaction); otherwise it is found by an O(log n) search of the stored leaves.
    """

    def __init__(
        self,
        store: NodeStore | None = None,
        algorithm: str = DEFAULT_ALGORITHM,
        size: int | None = None,
    ):
        self.store: NodeStore = {} if store is None else store
        self.algorithm = check_algorithm(algorithm)
        self._size = self._discover_size() if size is None else size

    # -- writing ---------------------------------------------------------------------------

    def append(self, entry: bytes) -> int:
        """Append one entry (its canonical bytes); return its leaf index."""
        return self.append_leaf_hash(leaf_hash(entry, self.algorithm))

    def extend(self, entries: Iterable[bytes]) -> list[int]:
        """Append entries in order; return their leaf indexes."""
        return [self.append(entry) for entry in entries]

    def append_leaf_hash(self, leaf: bytes) -> int:
        """Append a precomputed leaf hash HASH(0x00 || entry); return its leaf index."""
        if len(leaf) != DIGEST_SIZE:
            raise refuse(
                "LEDGER-LEAF-SIZE", f"a leaf hash has {DIGEST_SIZE} bytes, not {len(leaf)}"
            )
        store, algorithm = self.store, self.algorithm
        index = self._size
        store[(0, index)] = leaf
        level, current = 0, leaf
        while index & 1:
            current = node_hash(store[(level, index - 1)], current, algorithm)
            level, index = level + 1, index >> 1
            store[(level, index)] = current
        self._size += 1
        return self._size - 1

    # -- reading ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """The number of entries (树大小)."""
        return self._size

    def leaf_hash(self, index: int) -> bytes:
        """The stored leaf hash of entry ``index``."""
        self._check_index(index, self._size)
        return self.store[(0, index)]

    def root(self, size: int | None = None) -> bytes:
        """MTH(D[0:size]) — the root hash (根哈希) of the tree at ``size`` (default: now)."""
        size = self._size if size is None else size
        self._check_size(size)
        if size == 0:
            return empty_root(self.algorithm)
        return self._range_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) — RFC 9162 §2.1.3.1 inclusion proof (包含性证明)."""
        size = self._size if size is None else size
        self._check_size(size)
        self._check_index(index, size)
        proof: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _largest_power_of_two_below(end - start)
            if index - start < k:
                proof.append(self._range_hash(start + k, end))
                end = start + k
            else:
                proof.append(self._range_hash(start, start + k))
                start += k
        proof.reverse()
        return proof

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(first, D[0:second]) — RFC 9162 §2.1.4.1 consistency proof (一致性证明)."""
        second = self._size if second is None else second
        self._check_size(second)
        if not 0 <= first <= second:
            raise refuse(
                "LEDGER-PROOF-RANGE", f"no consistency proof from size {first} to {second}"
            )
        if first == 0 or first == second:
            return []
        proof: list[bytes] = []
        start, end, whole = 0, second, True
        m = first
        while m != end - start:
            k = _largest_power_of_two_below(end - start)
            if m <= k:
                proof.append(self._range_hash(start + k, end))
                end = start + k
            else:
                proof.append(self._range_hash(start, start + k))
                start, m, whole = start + k, m - k, False
        if not whole:
            proof.append(self._range_hash(start, end))
        proof.reverse()
        return proof

    # -- internals -------------------------------------------------------------------------

    def _range_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) where ``start`` is aligned on a power of two >= end - start.

        Such a range splits into perfect subtrees by the bits of its width, largest first;
        their stored hashes are folded from the right, as the RFC recursion does.
        """
        store, algorithm = self.store, self.algorithm
        width = end - start
        parts: list[bytes] = []
        offset = start
        for level in range(width.bit_length() - 1, -1, -1):
            if width >> level & 1:
                parts.append(store[(level, offset >> level)])
                offset += 1 << level
        result = parts.pop()
        while parts:
            result = node_hash(parts.pop(), result, algorithm)
        return result

    def _discover_size(self) -> int:
        """Find the number of stored leaves with O(log n) membership tests."""
        store = self.store
        if (0, 0) not in store:
            return 0
        high = 1
        while (0, high) in store:
            high <<= 1
        low = high >> 1  # (0, low) present, (0, high) absent
        while high - low > 1:
            middle = (low + high) // 2
            if (0, middle) in store:
                low = middle
            else:
                high = middle
        return high

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self._size:
            raise refuse("LEDGER-SIZE", f"tree size {size} is outside 0..{self._size}")

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise refuse("LEDGER-INDEX", f"leaf index {index} is outside 0..{size - 1}")


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------


def root_from_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], algorithm: str = DEFAULT_ALGORITHM
) -> bytes | None:
    """The root that ``proof`` implies for ``leaf`` at ``index`` in a tree of ``size``.

    None when the proof does not have the shape of such a proof (too long or too short).
    """
    if not 0 <= index < size or len(leaf) != DIGEST_SIZE:
        return None
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0 or len(p) != DIGEST_SIZE:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r, algorithm)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p, algorithm)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    index: int,
    size: int,
    leaf: bytes,
    proof: Sequence[bytes],
    root: bytes,
    algorithm: str = DEFAULT_ALGORITHM,
) -> bool:
    """True when ``proof`` shows that ``leaf`` is entry ``index`` of the tree with ``root``."""
    return root_from_inclusion(index, size, leaf, proof, algorithm) == root


def verify_consistency(
    first: int,
    second: int,
    first_root: bytes,
    second_root: bytes,
    proof: Sequence[bytes],
    algorithm: str = DEFAULT_ALGORITHM,
) -> bool:
    """True when ``proof`` shows the tree (second, second_root) extends (first, first_root)."""
    if not 0 <= first <= second:
        return False
    if any(len(p) != DIGEST_SIZE for p in proof):
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == empty_root(algorithm)
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # first is an exact power of two
        path.insert(0, first_root)
    return _consistency_roots(first, second, path, algorithm) == (first_root, second_root)


def _consistency_roots(
    first: int, second: int, path: list[bytes], algorithm: str
) -> tuple[bytes, bytes] | None:
    """The (first, second) roots a consistency path leads to; None when its length is wrong."""
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr, algorithm)
            sr = node_hash(c, sr, algorithm)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c, algorithm)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return fr, sr
