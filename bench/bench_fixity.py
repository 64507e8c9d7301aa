"""Fixity throughput (固定性检测速率) against the raw OpenSSL SM3 rate of one core (#31).

    .venv/bin/python bench/bench_fixity.py [SIZE_MB=1024] [FILE_MB=8] [ROUNDS=3]

Makes SIZE_MB of AIP-like files in a temp dir (fonds/year/档号 layout). Then ROUNDS rounds,
each measuring one after the other (so that every side meets the same machine; this host is
shared):

- raw: OpenSSL SM3 of an in-memory buffer on one core (the baseline, 2 s);
- raw ×N: the same in N processes at once (N = cores): what the machine gives right now;
- fixity with N worker processes and with N threads (``run_fixity``) over all the files.

Prints, per round and as the median over the rounds, the figure of the issue: fixity MB/s per
core ÷ raw one-core MB/s (goal ≥ 0.9), and beside it fixity ÷ raw ×N (1.0 = fixity hashes as
fast as the bare hash function does on the same cores at that moment; the difference between
the two figures is the machine: other load, a clock that drops when both cores run). Also
the CPU cost: MB hashed per CPU second of fixity's workers ÷ raw MB per CPU second (1.0 = no
per-file overhead at all). The load average is printed with every round. Files are freshly
written, so reads come from the page cache: this measures the CPU side; a cold run on real
storage is bounded by the disk.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sd.archive.core.preservation.fixity import run_fixity  # noqa: E402
from sd.archive.core.preservation.storage import StorageLocation  # noqa: E402
from sd.archive.core.preservation.storage import aip_relpath  # noqa: E402

MB = 1024 * 1024
GOAL = 0.9


def raw_sm3_rate(seconds: float = 2.0) -> tuple[float, float]:
    """(MB/s wall, MB per CPU second) of SM3 over a 64 MB in-memory buffer."""
    buf = os.urandom(64 * MB)
    h = hashlib.new("sm3")
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        h.update(buf)
        done += len(buf)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return done / MB / wall, done / MB / cpu


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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fixity(loc, expected, runs: Path, workers: int, procs: bool, size_mb: float):
    """(MB/s wall, MB per CPU second of the workers) of one fixity run."""
    cpu0, own0 = children_cpu(), time.process_time()
    t = time.perf_counter()
    run = run_fixity(loc, expected.get, runs, workers=workers, use_processes=procs)
    secs = time.perf_counter() - t
    cpu = (children_cpu() - cpu0) if procs else (time.process_time() - own0)
    assert run.ok and len(run.passed) == len(expected)
    return size_mb / secs, size_mb / cpu if cpu > 0 else float("nan")


def main() -> None:
    total_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    file_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="bench-fixity-"))
    ratios: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> str:
        ratios.setdefault(name, []).append(value)
        return f"{value:.2f}"

    try:
        t = time.perf_counter()
        expected = make_files(tmp / "aips", total_mb, file_mb)
        size_mb = sum(p.stat().st_size for p in (tmp / "aips").rglob("*.eep")) / MB
        print(
            f"made {len(expected)} files of {file_mb} MB, {size_mb:.0f} MB in "
            f"{time.perf_counter() - t:.1f} s; {cores} cores; {rounds} rounds"
        )
        loc = StorageLocation("bench", str(tmp / "aips"))
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(cores) as pool:
            pool.map(abs, range(cores))  # started before the clocks
            for n in range(1, rounds + 1):
                load = os.getloadavg()[0]
                raw, raw_cpu = raw_sm3_rate()
                many = sum(r for r, _ in pool.map(raw_sm3_rate, [2.0] * cores))
                print(
                    f"round {n} (load {load:.1f}): raw one core {raw:6.1f} MB/s, "
                    f"raw ×{cores} at once {many:6.1f} MB/s ({many / cores / raw:.2f} per core)"
                )
                for label, procs in ((f"processes ×{cores}", True), (f"threads ×{cores}", False)):
                    rate, per_cpu = fixity(loc, expected, tmp / "runs", cores, procs, size_mb)
                    kind = "processes" if procs else "threads"
                    print(
                        f"  fixity {label:13s}: {rate:6.1f} MB/s  per core ÷ raw one core "
                        f"{keep(kind, rate / cores / raw)}  ÷ raw ×{cores} "
                        f"{keep(kind + ' vs many', rate / many)}  CPU cost "
                        f"{keep(kind + ' cpu', per_cpu / raw_cpu)}",
                        flush=True,
                    )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        for kind in ("processes", "threads"):
            median = statistics.median(ratios[kind])
            print(
                f"RATIO fixity {kind} per core ÷ raw one-core SM3: {median:.2f} (median of "
                f"{rounds}; goal ≥ {GOAL}) — ÷ raw on {cores} cores at once "
                f"{statistics.median(ratios[kind + ' vs many']):.2f}, CPU cost "
                f"{statistics.median(ratios[kind + ' cpu']):.2f}"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
