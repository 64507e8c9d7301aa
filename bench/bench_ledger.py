"""Benchmark of the evidence ledger core (证据账本基准).

Prints append rates (in-memory and SQLite node stores), inclusion/consistency proof times at
1,000,000 entries, checkpoint signing and witness cosigning times. Baseline measured in the
same run: the rate of bare leaf hashes (one SM3 over an entry), against which the append
rate is given as a ratio.

    .venv/bin/python bench/bench_ledger.py [--size 1000000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.checkpoint import sign_checkpoint
from sd.archive.core.ledger.cosign import witness
from sd.archive.core.ledger.entry import entry_bytes
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.hashing import leaf_hash
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.core.ledger.stores import SQLiteNodeStore

ENTRY = entry_bytes(
    make_entry(
        "archive",
        node="ledger.sd-archive.gov/lan",
        actor="officer",
        record="uid",
        code="J001-WS·2023-Y-BGS-0001",
        title="通知",
        content={"正本/正本.ofd": "ab" * 32},
        metadata="cd" * 32,
        package="ef" * 32,
        time="2024-05-06T10:11:12+08:00",
    )
)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def timed(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def bench_appends(n: int) -> None:
    start = time.perf_counter()
    for i in range(n):
        leaf_hash(ENTRY + str(i).encode())
    baseline = n / (time.perf_counter() - start)
    print(f"baseline: bare SM3 leaf hashes          {baseline:,.0f}/s")
    for algorithm in ("sm3", "sha256"):
        log = MerkleLog(algorithm=algorithm)
        start = time.perf_counter()
        for i in range(n):
            log.append(ENTRY + str(i).encode())
        seconds = time.perf_counter() - start
        print(
            f"append, memory store, {algorithm:6}          {rate(n, seconds):>12}  "
            f"(x{n / seconds / baseline:.2f} of baseline)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        for label, commit_every in (
            ("SQLite file, commit/1000", 1000),
            ("SQLite file, commit each", 1),
        ):
            count = n if commit_every > 1 else min(n, 2000)
            store = SQLiteNodeStore(Path(tmp) / f"nodes-{commit_every}.sqlite")
            log = MerkleLog(store)
            start = time.perf_counter()
            for i in range(count):
                log.append(ENTRY + str(i).encode())
                if (i + 1) % commit_every == 0:
                    store.commit()
            store.commit()
            seconds = time.perf_counter() - start
            print(f"append, {label:30} {rate(count, seconds):>12}")
            store.close()


def bench_proofs(size: int) -> None:
    log = MerkleLog()
    start = time.perf_counter()
    for i in range(size):
        log.append_leaf_hash(leaf_hash(i.to_bytes(8, "big")))
    print(f"built a {size:,}-entry memory log in {time.perf_counter() - start:.1f} s")
    index, root = size // 3 + 7, log.root()
    proof = log.inclusion_proof(index)
    print(f"root at {size:,}                           {timed(log.root, 2000) * 1e6:8.1f} µs")
    print(
        f"inclusion proof at {size:,}                "
        f"{timed(lambda: log.inclusion_proof(index), 2000) * 1e6:8.1f} µs"
        f"  ({len(proof)} hashes)"
    )
    leaf = log.leaf_hash(index)
    print(
        f"verify inclusion at {size:,}               "
        f"{timed(lambda: verify_inclusion(index, size, leaf, proof, root), 2000) * 1e6:8.1f} µs"
    )
    print(
        f"consistency proof {size // 2 + 3:,}->{size:,}      "
        f"{timed(lambda: log.consistency_proof(size // 2 + 3), 2000) * 1e6:8.1f} µs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        connection = sqlite3.connect(str(Path(tmp) / "big.sqlite"))
        store = SQLiteNodeStore(connection)
        connection.executemany(
            "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)",
            ((level, idx, value) for (level, idx), value in log.store.items()),
        )
        connection.commit()
        sql_log = MerkleLog(store)
        assert sql_log.size == size and sql_log.root() == root
        print(
            f"inclusion proof at {size:,}, SQLite file   "
            f"{timed(lambda: sql_log.inclusion_proof(index), 500) * 1e6:8.1f} µs"
        )
        connection.close()


def bench_signing(algorithm: str) -> None:
    log_key = NodeKey.generate("ledger.sd-archive.gov/public", algorithm)
    witness_key = NodeKey.generate("ledger.sd-archive.gov/lan", algorithm)
    nodes = [
        AdmittedNode(log_key.name, log_key.vkey),
        AdmittedNode(witness_key.name, witness_key.vkey),
    ]
    log = MerkleLog()
    log.extend(b"e%d" % i for i in range(1000))
    old = Checkpoint(log_key.name, 500, log.root(500))
    checkpoint = Checkpoint(log_key.name, log.size, log.root())
    note = str(sign_checkpoint(checkpoint, log_key))
    proof = log.consistency_proof(500)
    sign = timed(lambda: sign_checkpoint(checkpoint, log_key), 200)
    verify = timed(lambda: open_checkpoint(note, [log_key.verifier()]), 200)
    cosign = timed(lambda: witness(note, key=witness_key, peers=nodes, last=old, proof=proof), 200)
    print(
        f"{algorithm:8} sign checkpoint {sign * 1e3:6.3f} ms, verify {verify * 1e3:6.3f} ms, "
        f"witness (verify + consistency + cosign) {cosign * 1e3:6.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=50_000)
    args = parser.parse_args()
    bench_appends(args.appends)
    bench_proofs(args.size)
    bench_signing("ed25519")
    bench_signing("sm2")


if __name__ == "__main__":
    main()
