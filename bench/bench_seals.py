"""Benchmark: OFD seal verifications per second on the signed samples (验签速度).

Baseline measured in the same run: SM3 over the same package bytes (the floor any
verifier pays), so the printed ratio says how much the full verification costs above hashing.
Run: .venv/bin/python bench/bench_seals.py
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.verify import verify_ofd

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "ofd"
SIGNED = [
    "1.ofd",
    "signedFile.ofd",
    "v4signed.ofd",
    "SignScaleError.ofd",
    "allprotected.ofd",
    "SESV4SignDoc.ofd",
    "keyword.ofd",
    "发票示例.ofd",
]


def rate(func, seconds: float = 1.0) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        func()
        count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    print(
        f"{'sample':24} {'sigs':>4} {'verify/s':>10} {'sigs/s':>9} {'sm3 pkg/s':>10} {'ratio':>7}"
    )
    total_sigs, total_time = 0, 0.0
    for name in SIGNED:
        data = (SAMPLES / name).read_bytes()
        sigs = len(OfdPackage.open(data).signatures)
        per_s = rate(lambda d=data: verify_ofd(d))
        base = rate(lambda d=data: hashlib.new("sm3", d).digest(), 0.3)
        total_sigs += sigs
        total_time += 1 / per_s
        print(
            f"{name:24} {sigs:>4} {per_s:>10.1f} {per_s * sigs:>9.1f}"
            f" {base:>10.0f} {base / per_s:>7.0f}x"
        )
    print(f"all signed samples: {total_sigs / total_time:.1f} signatures/s (open + parse + verify)")


if __name__ == "__main__":
    main()
