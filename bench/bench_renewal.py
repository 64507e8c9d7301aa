"""Evidence renewal against a fixity run over the same holdings (#31 item 5, goal ≥ 0.8).

    .venv/bin/python bench/bench_renewal.py [RECORDS=5000] [FILE_KB=256]

RECORDS records, each a content file of FILE_KB and its AIP (the content plus metadata) in two
online copies, the SM3 entries of every record in a real SQLite ledger. In one process, on the
same files, alternating twice:

- **fixity** (the baseline): ``run_fixity`` of both locations, all cores, SM3 of every copy;
- **renewal**: what ``preservation.renewal`` does per record — the content file and the AIP
  re-hashed (SM3 checked against the entry, SHA-256 taken; ``digest_stream``, one read for
  both), the ``renew`` entry built and appended to the SQLite ledger with a signed checkpoint,
  a commit every 100 records — the files hashed ahead by one thread per core (hashing releases
  the GIL) while the entries are appended in order.

Prints records/s of both and the ratio (goal ≥ 0.8).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sd.archive.core.digests import digest_stream  # noqa: E402
from sd.archive.core.ledger.checkpoint import Checkpoint  # noqa: E402
from sd.archive.core.ledger.checkpoint import sign_checkpoint  # noqa: E402
from sd.archive.core.ledger.entry import canonical_json  # noqa: E402
from sd.archive.core.ledger.entry import make_entry  # noqa: E402
from sd.archive.core.ledger.hashing import leaf_hash  # noqa: E402
from sd.archive.core.ledger.keys import NodeKey  # noqa: E402
from sd.archive.core.ledger.merkle import MerkleLog  # noqa: E402
from sd.archive.core.ledger.renewal import renew_entry  # noqa: E402
from sd.archive.core.ledger.stores import SQLiteNodeStore  # noqa: E402
from sd.archive.core.preservation.fixity import run_fixity  # noqa: E402
from sd.archive.core.preservation.storage import StorageLocation  # noqa: E402
from sd.archive.core.preservation.storage import aip_relpath  # noqa: E402

ORIGIN = "ledger.bench/administrative"


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def make_holdings(root: Path, count: int, kb: int):
    locations = [StorageLocation(i, str(root / i)) for i in ("copy1", "copy2")]
    payload = os.urandom(kb * 1024)
    records, expected = [], {}
    for n in range(count):
        code = f"J001-WS·{2000 + n % 20}-Y-BGS-{n:05d}"
        content = payload[:-8] + b"%08d" % n
        blob = root / "blobs" / f"{n:06d}.pdf"
        blob.parent.mkdir(exist_ok=True)
        blob.write_bytes(content)
        aip = b"<EEP>" + code.encode() + b"</EEP>" + content
        rel = aip_relpath("J001", str(2000 + n % 20), code, 1)
        for loc in locations:
            target = Path(loc.path).joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(aip)
        expected[rel] = sm3(aip)
        entry = make_entry(
            "preserve",
            node=ORIGIN,
            actor="system",
            record=f"uid{n}",
            code=code,
            content={"正本.pdf": sm3(content)},
            package=sm3(aip),
        )
        records.append((entry, blob, Path(locations[0].path).joinpath(*rel.split("/"))))
    return locations, records, expected


def both(path: Path) -> dict:
    with open(path, "rb") as f:
        return digest_stream(f, ("SM3", "SHA-256"))[0]


def renew_all(records, db: Path, key: NodeKey, workers: int, batch: int = 100) -> None:
    conn = sqlite3.connect(db)
    log = MerkleLog(SQLiteNodeStore(conn), "sm3")
    indexes = [log.append(canonical_json(entry)) for entry, _b, _a in records]
    conn.commit()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # hashing runs ahead in the pool while the entries are appended in order (overlap)
        hashed = pool.map(lambda r: (both(r[1]), both(r[2])), records)
        for n, ((entry, _blob, _aip), index, (content, aip)) in enumerate(
            zip(records, indexes, hashed, strict=True), 1
        ):
            assert content["SM3"] == entry["content"]["正本.pdf"] and aip["SM3"] == entry["package"]
            renewed = renew_entry(
                entry,
                index,
                leaf_hash(canonical_json(entry)).hex(),
                node=ORIGIN,
                actor="system",
                content={"正本.pdf": content["SHA-256"]},
                package=aip["SHA-256"],
                title="关于档案工作的通知",
            )
            log.append(canonical_json(renewed))
            sign_checkpoint(Checkpoint(ORIGIN, log.size, log.root()), key)
            if n % batch == 0:
                conn.commit()
    conn.commit()
    conn.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    kb = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="bench-renewal-"))
    try:
        locations, records, expected = make_holdings(tmp, count, kb)
        key = NodeKey.generate(ORIGIN)
        for n in (1, 2):
            t = time.perf_counter()
            for loc in locations:
                run = run_fixity(loc, expected.get, tmp / "runs", workers=cores)
                assert run.ok
            fixity = time.perf_counter() - t
            t = time.perf_counter()
            renew_all(records, tmp / f"ledger{n}.sqlite", key, workers=cores)
            renewal = time.perf_counter() - t
            print(
                f"round {n}: fixity (2 copies) {count / fixity:7.1f} records/s {fixity:6.2f} s | "
                f"renewal {count / renewal:7.1f} records/s {renewal:6.2f} s | "
                f"ratio {fixity / renewal:.2f} (goal >= 0.8)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
