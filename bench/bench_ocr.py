"""OCR through the text queue against the plain ``tesseract`` command (OCR 性能, #30).

    .venv/bin/python bench/bench_ocr.py [--pages 10] [--per-record 2]

Makes ``--pages`` scanned A4 pages of Chinese text (rendered with the embedded CJK font,
rasterised at 300 dpi, wrapped as image-only PDFs of ``--per-record`` pages each), then, in
the same run:

1. baseline: the plain ``tesseract <page.png> stdout -l chi_sim+eng`` command on each page's
   300-dpi image, one after the other — once as Debian ships it (OpenMP threads as it likes)
   and once with ``OMP_THREAD_LIMIT=1``;
2. the queue path: one record per scanned PDF archived in a Plone site (functional test
   layer) with the after-archiving queue on (``SD_ARCHIVE_POSTPROCESS=queue``, as in
   production), its text taken from the text queue (``sd.archive.text.queue.take``: pdftotext
   finds no text layer, pdftoppm renders each page at 300 dpi beside tesseract reading the
   previous one, the text kept with the record, SearchableText reindexed) and committed, one
   record per transaction. Then, outside the clock, the after-archiving work the record gets
   with or without text (archiving seal, AIP v1 — holding the derived text): its time is
   printed apart.

Prints pages/min of each and the ratio queue / fastest baseline (goal ≥ 0.9), the CPU seconds
per page (this process and its tools: unlike the wall clock, not moved by other load on a shared
host) and the characters recognised (both read the same text).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("SD_ARCHIVE_LEDGER_DIR", tempfile.mkdtemp(prefix="bench-ocr-ledger-"))
os.environ.setdefault("SD_ARCHIVE_VAR", tempfile.mkdtemp(prefix="bench-ocr-var-"))
os.environ["SD_ARCHIVE_POSTPROCESS"] = "queue"
os.environ["SD_ARCHIVE_POSTPROCESS_WORKER"] = "off"

LINES = [
    "关于2023年度财务预算执行情况的报告",
    "山东省某某厅办公室",
    "各处室：根据省档案馆的要求，现将有关事项通知如下。",
    "一、认真做好固定资产清查和档案数字化工作。",
    "二、请于十月底前将电子文件归档，确保真实、完整、可用、安全。",
    "三、本通知自印发之日起施行。",
]


def page_lines(n: int) -> list[str]:
    return [f"第{n}页", *LINES]


def tesseract(image: pathlib.Path, one_thread: bool) -> str:
    env = {**os.environ, **({"OMP_THREAD_LIMIT": "1"} if one_thread else {})}
    if not one_thread:
        env.pop("OMP_THREAD_LIMIT", None)
    out = subprocess.run(
        ["tesseract", str(image), "stdout", "-l", "chi_sim+eng"],
        capture_output=True,
        check=True,
        env=env,
    )
    return out.stdout.decode()


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (load on the host does not move it)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--per-record", type=int, default=2)
    args = parser.parse_args()

    from sd.archive.core.text.render import page_images
    from sd.archive.core.text.render import scanned_pdf
    from sd.archive.core.text.render import text_pdf

    per = args.per_record
    groups = [list(range(i, min(i + per, args.pages))) for i in range(0, args.pages, per)]
    scans = [scanned_pdf([page_lines(n + 1) for n in group]) for group in groups]
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    images = []
    for i, group in enumerate(groups):
        folder = tmp / f"r{i}"
        folder.mkdir()
        images += page_images(text_pdf([page_lines(n + 1) for n in group]), folder)
    assert len(images) == args.pages

    import transaction
    from bench_ledger_intake import functional_fonds
    from bench_ledger_intake import tear_down
    from plone import api

    from sd.archive.numbering import assign_code
    from sd.archive.repository import ComponentData
    from sd.archive.repository import create_record
    from sd.archive.text import queue
    from sd.archive.text import record_text

    layers, fonds = functional_fonds()
    records = []
    for i, scan in enumerate(scans):
        record = create_record(
            fonds,
            {
                "title": f"扫描件（{i + 1}）",
                "record_kind": "电子公文",
                "electronic_record_id": f"OA-SCAN-{i:06d}",
                "fonds_code": fonds.fonds_code,
                "year": 2023,
                "retention_period": "Y",
            },
            [ComponentData("扫描件.pdf", scan, "正本", 1, content_type="application/pdf")],
        )
        assign_code(record, "WS", 2023, "Y", "BGS")
        api.content.transition(record, transition="archive")
        transaction.commit()
        records.append(record)

    # the same pages, alternating record by record so that all three meet the same machine
    labels = ("tesseract (Debian defaults)", "tesseract OMP_THREAD_LIMIT=1")
    results = {label: [0.0, 0, 0.0] for label in (*labels, "through the text queue")}
    for record, group in zip(records, groups, strict=True):
        pages = [images[n] for n in group]
        for label, one in zip(labels, (False, True), strict=True):
            start, cpu = time.perf_counter(), cpu_seconds()
            results[label][1] += sum(len("".join(tesseract(p, one).split())) for p in pages)
            results[label][0] += time.perf_counter() - start
            results[label][2] += cpu_seconds() - cpu
        start, cpu = time.perf_counter(), cpu_seconds()
        queue.take(record.UID())
        transaction.commit()
        results["through the text queue"][0] += time.perf_counter() - start
        results["through the text queue"][2] += cpu_seconds() - cpu
        results["through the text queue"][1] += len("".join(record_text(record).split()))
    elapsed = results["through the text queue"][0]
    from sd.archive.preservation import postprocess
    from sd.archive.preservation import store as aip_store

    start = time.perf_counter()
    postprocess.drain()
    after = time.perf_counter() - start
    transaction.begin()
    versions = [aip_store.last_version(r)["version"] for r in records]
    tear_down(layers)

    print(f"pages: {args.pages} (300 dpi, {per} per record), cores: {os.cpu_count()}")
    for label, (seconds, chars, cpu) in results.items():
        print(
            f"{label:32s} {args.pages / seconds * 60:7.1f} pages/min "
            f"({seconds:6.1f} s, CPU {cpu / args.pages:5.2f} s/page, {chars} chars)"
        )
    best = min(v[0] for k, v in results.items() if k.startswith("tesseract"))
    print(f"ratio queue / fastest plain tesseract: {best / elapsed:.2f}  (goal >= 0.9)")
    print(
        f"after-archiving work of the {len(records)} records (seal + AIP v{set(versions)} with "
        f"the text), not counted above: {after:.1f} s"
    )


if __name__ == "__main__":
    main()
