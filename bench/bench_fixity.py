"""Fixity throughput (固定性检测速率) against the raw OpenSSL SM3 rate of one core.

    .venv/bin/python bench/bench_fixity.py [SIZE_MB=2048] [FILE_MB=8]

Makes SIZE_MB of AIP-like files in a temp dir (fonds/year/档号 layout), measures the SM3 rate
of one core on an in-memory buffer (baseline), then fixity runs with threads and processes,
and prints MB/s and the ratio per core (1.0 = every core hashing at the raw rate).
Files are freshly written, so reads come mostly from the page cache: this measures the CPU
side; a cold run on real storage is bounded by the disk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sd.archive.core.preservation.fixity import run_fixity  # noqa: E402
from sd.archive.core.preservation.storage import StorageLocation  # noqa: E402
from sd.archive.core.preservation.storage import aip_relpath  # noqa: E402

MB = 1024 * 1024


def raw_sm3_rate(seconds: float = 2.0) -> float:
    buf = os.urandom(64 * MB)
    h = hashlib.new("sm3")
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        h.update(buf)
        done += len(buf)
    return done / MB / (time.perf_counter() - start)


def make_files(root: Path, total_mb: int, file_mb: int) -> dict[str, str]:
    block = os.urandom(file_mb * MB)
    expected = {}
    for i in range(max(1, total_mb // file_mb)):
        code = f"J001-WS·{2000 + i % 20}-Y-BGS-{i:05d}"
        rel = aip_relpath("J001", str(2000 + i % 20), code, 1)
        path = root.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = i.to_bytes(8, "big") + block[8:]
        path.write_bytes(data)
        expected[rel] = hashlib.new("sm3", data).hexdigest()
    return expected


def main() -> None:
    total_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
    file_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="bench-fixity-"))
    try:
        t = time.perf_counter()
        expected = make_files(tmp / "aips", total_mb, file_mb)
        size_mb = sum(p.stat().st_size for p in (tmp / "aips").rglob("*.eep")) / MB
        print(
            f"made {len(expected)} files, {size_mb:.0f} MB in {time.perf_counter() - t:.1f} s;"
            f" {cores} cores"
        )
        raw = raw_sm3_rate()
        print(f"raw OpenSSL SM3, one core, in memory : {raw:8.1f} MB/s  (baseline)")
        loc = StorageLocation("bench", str(tmp / "aips"))
        for label, workers, procs in [
            ("threads x1", 1, False),
            (f"threads x{cores}", cores, False),
            (f"processes x{cores}", cores, True),
        ]:
            t = time.perf_counter()
            run = run_fixity(loc, expected.get, tmp / "runs", workers=workers, use_processes=procs)
            secs = time.perf_counter() - t
            assert run.ok and len(run.passed) == len(expected)
            rate = size_mb / secs
            print(
                f"fixity {label:14s}: {rate:8.1f} MB/s  {secs:6.2f} s  ratio per core vs raw "
                f"{rate / (workers * raw):.2f}  speed-up vs raw one core {rate / raw:.2f}x"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
