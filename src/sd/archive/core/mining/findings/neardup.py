"""Near-duplicate text (近似重复): MinHash signatures and a banding LSH index.

The same document archived twice with small differences (a retyped date, a corrected
sentence, another cover page) has nearly the same set of *shingles* — here the overlapping
runs of :data:`SHINGLE` characters of the text with spaces and punctuation removed. The
Jaccard similarity of two such sets is estimated from their MinHash signatures
(:data:`NUM_PERM` values, universal hashing ``(a·x + b) mod p`` over a stable CRC-32 of each
shingle, so a signature made today matches one made next year in another process). The
index cuts each signature into :data:`BANDS` bands of :data:`ROWS` values; two texts sharing
a whole band are candidates, and a candidate is a near-duplicate when the signatures agree on
at least :data:`THRESHOLD` of their values.

With 20 bands of 6, a pair of Jaccard 0.8 is a candidate with probability 0.999, 0.7 with
0.92, 0.6 with 0.62, a pair of 0.3 (two notices of one template sharing their opening and
closing) with 0.015. The threshold 0.6 was chosen on the generated corpus of
``bench/bench_mining_findings.py`` (20,000 records: recall 0.92 at 0.7, 0.97 at 0.6, no hard
negative above 0.3 either way; 30 bands cost 80 times more candidates for +0.01 recall); a
person decides every pair, so a lower threshold costs a click, a missed pair is never seen.

A text shorter than :data:`MIN_CHARS` gets no signature: two short notes alike are not evidence
of one document archived twice. A short text needs more: the form-like files of a government
service (办件 of 130 characters whose only differences are a number and a date) share 60–73 %
of their shingles, so the similarity required rises from :data:`THRESHOLD` for texts of
:data:`LONG_CHARS` characters or more to :data:`SHORT_THRESHOLD` at :data:`SHORT_CHARS` and below
(:func:`required`, on the shorter text of the two).
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .text import prepare

SHINGLE = 5
NUM_PERM = 120
BANDS = 20
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.6
MIN_CHARS = 60
#: a text this long (characters without spaces and punctuation) needs THRESHOLD …
LONG_CHARS = 400
#: … and one this short or shorter SHORT_THRESHOLD (linear in between)
SHORT_CHARS = 200
SHORT_THRESHOLD = 0.8
#: shingles read from one text at most (a huge text: its first part)
MAX_SHINGLES = 20_000
_PRIME = np.uint64(4294967311)  # the first prime above 2**32
_SEED = 20_281
_rng = np.random.RandomState(_SEED)
_A = _rng.randint(1, 2**32 - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.randint(0, 2**32 - 1, size=NUM_PERM, dtype=np.uint64)
_DROP = re.compile(r"[\W_]+", re.UNICODE)


def squeeze(text) -> str:
    """The text the shingles are taken from: normalised, lower case, no spaces or
    punctuation (so re-flowed lines and a changed comma do not count)."""
    return _DROP.sub("", prepare(text).lower())


def shingles(text) -> set[str]:
    """The set of :data:`SHINGLE`-character runs of ``text`` (empty for a short text)."""
    s = squeeze(text)
    if len(s) < MIN_CHARS:
        return set()
    end = min(len(s) - SHINGLE + 1, MAX_SHINGLES)
    return {s[i : i + SHINGLE] for i in range(end)}


def size(text) -> int:
    """The length the required similarity depends on: characters without spaces and
    punctuation."""
    return len(squeeze(text))


def required(chars: int, threshold: float = THRESHOLD) -> float:
    """The similarity two texts need when the shorter has ``chars`` characters."""
    if chars >= LONG_CHARS:
        return threshold
    if chars <= SHORT_CHARS:
        return max(threshold, SHORT_THRESHOLD)
    share = (LONG_CHARS - chars) / (LONG_CHARS - SHORT_CHARS)
    return threshold + (max(threshold, SHORT_THRESHOLD) - threshold) * share


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def signature(text) -> np.ndarray | None:
    """The MinHash signature of ``text`` (:data:`NUM_PERM` uint32 values), None when the text
    is too short to judge."""
    found = shingles(text)
    if not found:
        return None
    hashes = np.fromiter(
        (zlib.crc32(s.encode("utf-8")) for s in found), dtype=np.uint64, count=len(found)
    )
    # (a·x + b) stays below 2**64 for 32-bit a, b and x: no overflow before the modulus
    values = (np.outer(hashes, _A) + _B) % _PRIME
    return values.min(axis=0).astype(np.uint32)


def similarity(a, b) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values)."""
    if a is None or b is None:
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / NUM_PERM


def to_bytes(sig) -> bytes:
    """A signature as kept with a record (480 bytes)."""
    return np.asarray(sig, dtype=np.uint32).tobytes()


def from_bytes(data) -> np.ndarray | None:
    if not data or len(data) != NUM_PERM * 4:
        return None
    return np.frombuffer(data, dtype=np.uint32)


def band_keys(sig) -> list[str]:
    """The index keys of a signature: one per band (``"<band>:<hex of its values>"``)."""
    raw = np.asarray(sig, dtype=np.uint32)
    return [
        f"{band}:{zlib.crc32(raw[band * ROWS : (band + 1) * ROWS].tobytes()):08x}"
        f"{zlib.adler32(raw[band * ROWS : (band + 1) * ROWS].tobytes()):08x}"
        for band in range(BANDS)
    ]


@dataclass(frozen=True)
class Pair:
    """A near-duplicate pair (近似重复对): two keys and their estimated similarity."""

    a: str
    b: str
    similarity: float


class LshIndex:
    """An in-memory banding index (局部敏感哈希索引) of signatures by key.

    The Plone side keeps the same band keys in a BTree (one per site); this class is what
    the benchmark and the tests use, and what a rebuild runs over all records."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self.buckets: dict[str, list[str]] = defaultdict(list)
        self.signatures: dict[str, np.ndarray] = {}
        self.sizes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.signatures)

    def candidates(self, sig) -> set[str]:
        found: set[str] = set()
        for key in band_keys(sig):
            found.update(self.buckets.get(key, ()))
        return found

    def query(self, sig, exclude: str = "", chars: int = LONG_CHARS) -> list[tuple[str, float]]:
        """Keys whose signature agrees with ``sig`` (of a text of ``chars`` characters) on at
        least the similarity :func:`required` for the shorter text, best first."""
        if sig is None:
            return []
        out = []
        for key in self.candidates(sig):
            if key == exclude:
                continue
            sim = similarity(sig, self.signatures[key])
            if sim >= required(min(chars, self.sizes.get(key, LONG_CHARS)), self.threshold):
                out.append((key, sim))
        out.sort(key=lambda ks: (-ks[1], ks[0]))
        return out

    def add(self, key: str, sig, chars: int = LONG_CHARS) -> list[tuple[str, float]]:
        """Index ``sig`` under ``key``; returns the near-duplicates already indexed."""
        if sig is None:
            return []
        found = self.query(sig, exclude=key, chars=chars)
        self.signatures[key] = sig
        self.sizes[key] = chars
        for band in band_keys(sig):
            self.buckets[band].append(key)
        return found


def near_duplicates(items, threshold: float = THRESHOLD) -> list[Pair]:
    """Every near-duplicate pair among ``items`` (an iterable of (key, text)), each once."""
    index = LshIndex(threshold)
    pairs = []
    for key, text in items:
        for other, sim in index.add(key, signature(text), size(text)):
            a, b = sorted((key, other))
            pairs.append(Pair(a, b, sim))
    return pairs
