"""AIP write/read rates and 组盘 planning time.

    .venv/bin/python bench/bench_aip.py [RECORDS=200] [CONTENT_KB=1024] [PLAN_AIPS=100000]

Baselines measured in the same run: a plain file copy of the same content (write side) and the
raw SM3 rate; AIPs cost Base64 (+33 %), SM3 of content and package, and the XML around it.
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

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from sd.archive.core.preservation.aip import read_aip_file  # noqa: E402
from sd.archive.core.preservation.aip_model import AIPRecord  # noqa: E402
from sd.archive.core.preservation.aip_model import PackageSigner  # noqa: E402
from sd.archive.core.preservation.discs import DiscFile  # noqa: E402
from sd.archive.core.preservation.discs import plan_two_sets  # noqa: E402
from sd.archive.core.preservation.storage import StorageLocation  # noqa: E402
from sd.archive.core.preservation.storage import write_aip  # noqa: E402

MB = 1024 * 1024


def record(i: int, content_path: Path, digest: str) -> AIPRecord:
    code = f"J001-WS·2023-Y-BGS-{i:05d}"
    md = {
        "立档单位名称": "山东省某某厅",
        "全宗号": "J001",
        "电子文件号": f"OA-{i}",
        "年度": "2023",
        "保管期限": "Y",
        "室编件号": str(i),
        "题名": f"测试文件{i}",
        "责任者": "山东省某某厅",
        "日期": "2023-05-12",
        "密级": "公开",
    }
    return AIPRecord(
        f"uid-{i}",
        code,
        1,
        md,
        [("正本/正本.pdf", "正本", "PDF", str(content_path), digest)],
        [("2023-06-01T09:00:00+08:00", "归档", "李四", "")],
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    kb = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    plan_n = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    key = Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signer = PackageSigner(key.sign, "bench", "Ed25519", pub)
    tmp = Path(tempfile.mkdtemp(prefix="bench-aip-"))
    try:
        content = tmp / "content.pdf"
        content.write_bytes(os.urandom(kb * 1024))
        digest = hashlib.new("sm3", content.read_bytes()).hexdigest()
        content_mb = n * kb / 1024

        t = time.perf_counter()
        for i in range(n):
            shutil.copyfile(content, tmp / f"copy-{i}.bin")
        copy_s = time.perf_counter() - t

        loc = [StorageLocation("a", str(tmp / "a"))]
        t = time.perf_counter()
        stored = [write_aip(loc, record(i, content, digest), signer) for i in range(n)]
        write_s = time.perf_counter() - t
        t = time.perf_counter()
        for s in stored:
            read_aip_file(Path(loc[0].path) / s.relpath)
        read_s = time.perf_counter() - t
        print(f"{n} AIPs of {kb} KB content, one location")
        print(
            f"  plain copy (baseline) : {n / copy_s:8.1f} files/s {content_mb / copy_s:7.1f} MB/s"
        )
        print(
            f"  AIP write (sign+fsync): {n / write_s:8.1f} AIPs/s"
            f"  {content_mb / write_s:7.1f} MB/s content"
            f"  ratio vs copy {copy_s / write_s:.2f}"
        )
        print(
            f"  AIP strict read       : {n / read_s:8.1f} AIPs/s"
            f"  {content_mb / read_s:7.1f} MB/s content"
        )

        files = []
        for i in range(plan_n):
            year = str(2000 + i % 24)
            code = f"J{i % 7:03d}-WS·{year}-Y-BGS-{i:06d}"
            size = 200_000 + (i * 7919) % 30_000_000
            files.append(
                DiscFile(
                    f"J{i % 7:03d}/{year}/{code}/{code}.v1.eep",
                    size,
                    "0" * 64,
                    f"J{i % 7:03d}",
                    year,
                    code,
                )
            )
        t = time.perf_counter()
        a, b = plan_two_sets(files, batch_a="B1", batch_b="B2", carrier_type="BD-R 100GB")
        plan_s = time.perf_counter() - t
        t = time.perf_counter()
        sorted(files, key=lambda f: (f.fonds, f.year, f.archival_code, f.relpath))
        sort_s = time.perf_counter() - t
        print(
            f"组盘 planning of {plan_n} AIPs into 2 x {len(a.discs)} BD-R 100GB discs:"
            f" {plan_s:.2f} s"
            f"  (ratio vs the bare sort {plan_s / sort_s:.1f}x)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
