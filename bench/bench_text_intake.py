"""Intake with and without the text step (全文提取对接收的影响, #30).

    .venv/bin/python bench/bench_text_intake.py [--records 200] [--batch 20]

Records with two components (PDFs with a Chinese text layer) are created, given an archival
code and archived, one committed transaction each, in a Plone site of the functional test
layer with the after-archiving queue on (``SD_ARCHIVE_POSTPROCESS=queue``, as in production):
what the intake request does. Batches alternate between the text step on (archiving queues
the record in the text queue) and off (``sd.archive.text.queue.enqueue`` replaced by a no-op),
so both meet the same machine. Prints records/s of both and the ratio (goal: the text step
costs intake at most 10 %, ratio ≥ 0.90). Extraction itself runs behind, in the worker.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
os.environ.setdefault("SD_ARCHIVE_LEDGER_DIR", tempfile.mkdtemp(prefix="bench-text-ledger-"))
os.environ.setdefault("SD_ARCHIVE_VAR", tempfile.mkdtemp(prefix="bench-text-var-"))
os.environ["SD_ARCHIVE_POSTPROCESS"] = "queue"
os.environ["SD_ARCHIVE_POSTPROCESS_WORKER"] = "off"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()

    import transaction
    from bench_ledger_intake import alternate
    from bench_ledger_intake import functional_fonds
    from bench_ledger_intake import tear_down
    from plone import api

    from sd.archive.core.text.render import text_pdf
    from sd.archive.numbering import assign_code
    from sd.archive.repository import ComponentData
    from sd.archive.repository import create_record
    from sd.archive.text import queue

    body = text_pdf([["关于2023年度财务预算执行情况的报告", "山东省某某厅办公室"]])
    layers, fonds = functional_fonds()
    enqueue = queue.enqueue
    timings: dict[bool, list[float]] = {False: [], True: []}
    number = 0

    def batch(text_on: bool):
        nonlocal number
        queue.enqueue = enqueue if text_on else (lambda record, site=None: None)
        for _ in range(args.batch):
            number += 1
            start = time.perf_counter()
            record = create_record(
                fonds,
                {
                    "title": f"关于性能测试第{number}号的通知",
                    "record_kind": "电子公文",
                    "electronic_record_id": f"OA-BENCH-{number:06d}",
                    "fonds_code": "J001",
                    "year": 2023,
                    "retention_period": "Y",
                },
                [
                    ComponentData("正本.pdf", body, "正本", 1, content_type="application/pdf"),
                    ComponentData("附件.pdf", body + b"%2", "附件", 2),
                ],
            )
            assign_code(record, "WS", 2023, "Y", "BGS")
            api.content.transition(record, transition="archive")
            transaction.commit()
            timings[text_on].append(time.perf_counter() - start)

    alternate(batch, args.records, args.batch, lambda: [t.clear() for t in timings.values()])
    queue.enqueue = enqueue
    queued = queue.pending()
    off, on = statistics.median(timings[False]), statistics.median(timings[True])
    print(f"records per variant: {len(timings[False])} (text queue holds {queued})")
    print(f"archive, text step off: {1 / off:7.1f} records/s ({off * 1000:6.1f} ms median)")
    print(f"archive, text step on:  {1 / on:7.1f} records/s ({on * 1000:6.1f} ms median)")
    print(f"ratio on/off (records/s): {off / on:.3f}  (goal >= 0.90)")
    tear_down(layers)


if __name__ == "__main__":
    main()
