"""归档文件目录 of N records (default 10,000) as XLSX and as PDF, from the pure layout code
(``sd.archive.core.catalogues``) on synthetic rows, with csv.writer of the same rows as the
baseline in the same run.

Goals (#24): XLSX ≤ 10 s and ≤ 200 MB extra memory; PDF ≤ 30 s. Memory is the peak RSS of
a child process that does only that output, minus the child's RSS before it starts.

    .venv/bin/python bench/bench_catalogue.py [--records 10000]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import resource
import time


def synthetic(n: int):
    from sd.archive.core.catalogues.item_catalogue import CatalogueEntry

    units = ("办公室", "人事处", "财务处", "政策法规处", "综合规划处")
    return [
        CatalogueEntry(
            f"J001·2023·Y·BGS·{i}",
            f"鲁档发〔2023〕{i}号",
            units[i % len(units)],
            f"关于做好2023年度第{i}批电子文件归档与移交工作的通知" + ("（附件）" * (i % 3)),
            f"2023{(i % 12) + 1:02d}{(i % 28) + 1:02d}",
            "" if i % 7 else "内部",
            (i % 40) + 1,
            "" if i % 11 else "有附件",
        )
        for i in range(1, n + 1)
    ]


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _run(kind: str, n: int, queue) -> None:
    from sd.archive.core.catalogues.item_catalogue import Heading
    from sd.archive.core.catalogues.item_catalogue import in_code_order
    from sd.archive.core.catalogues.item_catalogue import write_csv
    from sd.archive.core.catalogues.item_catalogue import write_pdf
    from sd.archive.core.catalogues.item_catalogue import write_xlsx
    from sd.archive.core.pdffonts import cjk_font

    heading = Heading("J001", "山东省档案馆", "2023", "BGS", "Y")
    if kind == "pdf":
        cjk_font()  # registered (the font file read) before the clock starts
    import openpyxl  # noqa: F401 - imported before the clock and the memory base
    import reportlab.platypus  # noqa: F401

    before = _rss_kb()
    started = time.perf_counter()
    entries = in_code_order(synthetic(n))
    if kind == "csv":
        out = io.StringIO()
        write_csv(entries, out)
        size = len(out.getvalue().encode())
    else:
        out = io.BytesIO()
        if kind == "xlsx":
            write_xlsx(entries, out, heading)
        else:
            write_pdf(entries, out, heading)
        size = len(out.getvalue())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"kind": kind, "seconds": seconds, "bytes": size, "extra_mb": (peak - before) / 1024})


def measure(kind: str, n: int) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(kind, n, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    results = {kind: measure(kind, args.records) for kind in ("csv", "xlsx", "pdf")}
    base = results["csv"]["seconds"]
    for kind, goal in (("csv", None), ("xlsx", 10), ("pdf", 30)):
        r = results[kind]
        verdict = "" if goal is None else ("  ok" if r["seconds"] <= goal else "  OVER GOAL")
        print(
            f"{kind:5} {args.records} records: {r['seconds']:7.2f} s  "
            f"{r['bytes'] / 1e6:6.2f} MB out  +{r['extra_mb']:6.1f} MB RSS  "
            f"ratio to csv {r['seconds'] / base:7.1f}x{verdict}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
