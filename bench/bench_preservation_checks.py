"""Preservation-stage run (长期保存检测, BC-…) against a fixity run over the same holdings.

    .venv/bin/python bench/bench_preservation_checks.py [RECORDS=10000] [FILE_KB=256]

Makes RECORDS records, each with one PDF content file (a valid PDF whose page carries a
FILE_KB stream) and its AIP (the content plus metadata) written to two online locations
(copy1, copy2), as the site keeps them. Then, in the same process and on the same files:

- the fixity run over the holdings: ``core.preservation.fixity.run_fixity`` of each location,
  all cores (the baseline: what ``preservation/fixity.py`` runs);
- the preservation-stage run: ``preservation.checks.check_facts`` of every record in a pool of
  twice that size (``checks.check_workers``: the structure readers hold the GIL) — every
  AIP version measured in both copies against the ledger digest
  (BC-1-1), the copy count (BC-2-1), the PDF opened with pyHanko (BC-3-1), the watch list
  (BC-3-2); clamd off (BC-4-x manual).

Prints records/s of both and the ratio (goal ≥ 0.8). Storing the reports on the records (one
ZODB write per record) is not in either figure: the database side is measured elsewhere.
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

from sd.archive.core.detection.context import DetectionContext  # noqa: E402
from sd.archive.core.preservation.fixity import run_fixity  # noqa: E402
from sd.archive.core.preservation.stage import RecordFacts  # noqa: E402
from sd.archive.core.preservation.stage import check_many  # noqa: E402
from sd.archive.core.preservation.storage import StorageLocation  # noqa: E402
from sd.archive.core.preservation.storage import aip_relpath  # noqa: E402


def pdf_bytes(payload: bytes) -> bytes:
    """A small valid PDF: catalogue, page tree, one page whose content stream is ``payload``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def make_holdings(root: Path, count: int, file_kb: int):
    payload = b"% " + os.urandom(file_kb * 1024 // 2).hex().encode()[: file_kb * 1024]
    locations = [StorageLocation(i, str(root / i)) for i in ("copy1", "copy2")]
    facts, expected = [], {}
    for i in range(count):
        code = f"J001-WS·{2000 + i % 20}-Y-BGS-{i:05d}"
        content = pdf_bytes(payload[:-12] + b"%d" % i)  # every file differs
        path = root / "blobs" / f"{i:06d}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        aip = b"<EEP>" + code.encode() + b"</EEP>" + content
        rel = aip_relpath("J001", str(2000 + i % 20), code, 1)
        for loc in locations:
            target = Path(loc.path).joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(aip)
        expected[rel] = sm3(aip)
        facts.append(
            RecordFacts(
                f"uid{i}",
                code,
                {"正本.pdf": (str(path), sm3(content), len(content))},
                {rel: expected[rel]},
            )
        )
    return locations, facts, expected


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    file_kb = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    cores = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="bench-bc-"))
    try:
        t = time.perf_counter()
        locations, facts, expected = make_holdings(tmp, count, file_kb)
        print(
            f"made {count} records ({file_kb} KB PDF, AIP in 2 copies) in "
            f"{time.perf_counter() - t:.1f} s; {cores} cores"
        )
        ctx = DetectionContext(format_watch_list=("DOC", "WPS", "TIFF"), min_copies=2)
        ctx.use_clamav = False
        rounds = []
        for _ in range(2):  # twice, alternating, so that neither profits from a warmer cache
            t = time.perf_counter()
            for loc in locations:
                run = run_fixity(loc, expected.get, tmp / "runs", workers=cores)
                assert run.ok and len(run.passed) == count
            fixity_secs = time.perf_counter() - t
            t = time.perf_counter()
            reports = [r for _f, r in check_many(facts, locations, ctx, workers=cores)]
            check_secs = time.perf_counter() - t
            failed = [r for r in reports if r["result"] == "failed"]
            assert not failed, failed[0]
            rounds.append((fixity_secs, check_secs))
        for n, (fixity_secs, check_secs) in enumerate(rounds, 1):
            print(
                f"round {n}: fixity (2 locations) {count / fixity_secs:8.1f} records/s "
                f"{fixity_secs:6.2f} s | preservation stage {count / check_secs:8.1f} records/s "
                f"{check_secs:6.2f} s | ratio {fixity_secs / check_secs:.2f}"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
