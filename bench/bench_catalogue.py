"""归档文件目录 of N records (default 10,000) as XLSX and as PDF, from the pure layout code
(``sd.archive.core.catalogues``) on synthetic rows, with csv.writer of the same rows as the
baseline in the same run.

Goals (#24): XLSX ≤ 10 s and ≤ 200 MB extra memory; PDF ≤ 30 s. Memory is the peak RSS of
a child process that does only that output, minus the child's RSS before it starts.

``--per-volume 10`` (the default; 0 skips it) also lays out the volume-level outputs of the
same records arranged in volumes of that many (10,000 records: 1,000 volumes): 案卷目录 (XLSX,
PDF), 卷内目录 (XLSX, PDF: a page run per volume), 卷内备考表 (PDF, a page per volume) and the
归档章 of every record (PDF), each with its ratio to the 归档文件目录 of the same records in
the same format.

    .venv/bin/python bench/bench_catalogue.py [--records 10000] [--per-volume 10]
    .venv/bin/python bench/bench_catalogue.py --site [--records 10000]

``--site`` measures the whole path on a throw-away FileStorage instance instead
(scripts/write_instance.py + create_site.py): N description-only records with codes, then
``sd.archive.catalogues.item.render`` (catalog query, brains to rows, layout) as XLSX and PDF,
beside the same catalog rows written by csv.writer; memory is VmRSS growth of that process.
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


def synthetic_volumes(n: int, per_volume: int):
    """The same ``n`` records as :func:`synthetic`, in volumes of ``per_volume``."""
    from sd.archive.core.catalogues.volume_catalogue import Volume
    from sd.archive.core.catalogues.volume_catalogue import VolumeItem

    entries = synthetic(n)
    volumes = []
    for start in range(0, n, per_volume):
        number = start // per_volume + 1
        items = tuple(
            VolumeItem(k, e.document_number, e.author, e.title, e.date, e.pages, e.remarks)
            for k, e in enumerate(entries[start : start + per_volume], 1)
        )
        volumes.append(
            Volume(
                f"J001-WS·2023·Y-{number:04d}",
                f"2023年度办公室关于电子文件归档与移交工作的文件（第{number}卷）",
                items,
                "Y",
                "卷内文件齐全。" if number % 5 else "",
                "张三",
                "李四",
                "20240110",
            )
        )
    return volumes


def synthetic_stamps(n: int, per_volume: int):
    from sd.archive.core.catalogues.stamps import Stamp

    return [
        Stamp(
            e.archival_code,
            "J001",
            "2023",
            str(i % per_volume + 1),
            "BGS",
            "永久",
            str(e.pages),
            str(i // per_volume + 1),
        )
        for i, e in enumerate(synthetic(n))
    ]


#: the volume-level outputs and the item output each is compared with
VOLUME_KINDS = {
    "volumes-xlsx": "xlsx",
    "volumes-pdf": "pdf",
    "contents-xlsx": "xlsx",
    "contents-pdf": "pdf",
    "notes-pdf": "pdf",
    "stamps-pdf": "pdf",
}


def _volume_output(kind: str, n: int, per_volume: int, out) -> None:
    from sd.archive.core.catalogues import stamps
    from sd.archive.core.catalogues import volume_catalogue as v
    from sd.archive.core.catalogues.item_catalogue import Heading

    heading = Heading("J001", "山东省档案馆", "2023", "WS", "Y")
    if kind == "stamps-pdf":
        stamps.write_pdf(synthetic_stamps(n, per_volume), out, "J001", "山东省档案馆")
        return
    writer = {
        "volumes-xlsx": v.write_volumes_xlsx,
        "volumes-pdf": v.write_volumes_pdf,
        "contents-xlsx": v.write_contents_xlsx,
        "contents-pdf": v.write_contents_pdf,
        "notes-pdf": v.write_notes_pdf,
    }[kind]
    writer(synthetic_volumes(n, per_volume), out, heading)


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _run(kind: str, n: int, queue, per_volume: int = 10) -> None:
    from sd.archive.core.catalogues.item_catalogue import Heading
    from sd.archive.core.catalogues.item_catalogue import in_code_order
    from sd.archive.core.catalogues.item_catalogue import write_csv
    from sd.archive.core.catalogues.item_catalogue import write_pdf
    from sd.archive.core.catalogues.item_catalogue import write_xlsx
    from sd.archive.core.pdffonts import cjk_font

    heading = Heading("J001", "山东省档案馆", "2023", "BGS", "Y")
    if kind.endswith("pdf"):
        cjk_font()  # registered (the font file read) before the clock starts
    import openpyxl  # noqa: F401 - imported before the clock and the memory base
    import reportlab.platypus  # noqa: F401

    before = _rss_kb()
    started, cpu = time.perf_counter(), time.process_time()
    if kind in VOLUME_KINDS:
        out = io.BytesIO()
        _volume_output(kind, n, per_volume, out)
        size = len(out.getvalue())
    elif kind == "csv":
        entries = in_code_order(synthetic(n))
        out = io.StringIO()
        write_csv(entries, out)
        size = len(out.getvalue().encode())
    else:
        entries = in_code_order(synthetic(n))
        out = io.BytesIO()
        if kind == "xlsx":
            write_xlsx(entries, out, heading)
        else:
            write_pdf(entries, out, heading)
        size = len(out.getvalue())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put(
        {
            "kind": kind,
            "seconds": seconds,
            "cpu": cpu,  # CPU seconds: what the wall time is on a host no one else loads
            "bytes": size,
            "extra_mb": (peak - before) / 1024,
        }
    )


def measure(kind: str, n: int, per_volume: int = 10) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(kind, n, queue, per_volume))
    process.start()
    result = queue.get()
    process.join()
    return result


SITE_LOAD = r"""
import io, os, time
import transaction
from plone import api
from zope.component.hooks import setSite
from sd.archive.catalogues.item import CatalogueSelection, entries, render
from sd.archive.core.catalogues.item_catalogue import write_csv
from sd.archive.numbering import assign_code
from sd.archive.repository import create_record
from sd.archive.testing import make_fonds

def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024

N = int(os.environ["BENCH_RECORDS"])
site = app.archive
setSite(site)
with api.env.adopt_roles(["Manager"]):
    fonds = make_fonds(site, "bench", "B001")
    transaction.commit()
    t0 = time.perf_counter()
    for i in range(N):
        values = {"title": f"关于做好第{i}批电子文件归档工作的通知", "record_kind": "电子公文",
                  "electronic_record_id": f"B-{i:06d}", "fonds_code": "B001", "year": 2023,
                  "retention_period": "Y", "author": "办公室", "pages": i % 40 + 1,
                  "document_number": f"鲁档发〔2023〕{i}号"}
        record = create_record(fonds, values)
        # two series (件号 has four digits): permanent and 30 years, both listed for 2023
        assign_code(record, "WS", 2023, "Y" if i % 2 else "D30", "BGS")
        if i % 500 == 499:
            transaction.commit()
    transaction.commit()
    made = time.perf_counter() - t0
    site._p_jar.cacheMinimize()
selection = CatalogueSelection(year="2023")
# a real Manager (api.env.adopt_roles's user has no roles the catalog filter knows)
with api.env.adopt_user(username="admin"):
    out = {}
    for kind in ("csv", "xlsx", "pdf"):
        before, t0 = rss(), time.perf_counter()
        if kind == "csv":
            buffer = io.StringIO()
            write_csv(entries(fonds, selection), buffer)
            size = len(buffer.getvalue().encode())
        else:
            size = len(render(fonds, selection, kind)[0])
        out[kind] = (time.perf_counter() - t0, rss() - before, size)
    n = len(entries(fonds, selection))
print(f"RESULT made={N} in {made:.0f}s listed={n}")
for kind, (sec, mb, size) in out.items():
    ratio = sec / out["csv"][0]
    print(f"RESULT {kind} {sec:.2f}s +{mb:.1f}MB {size / 1e6:.2f}MB ratio={ratio:.1f}x")

# the same number of records in volumes of P (fonds B002): every kind of @catalogue on it,
# each against the 归档文件目录 of the same records in the same format
P = int(os.environ.get("BENCH_PER_VOLUME", "0"))
if P:
    from sd.archive.catalogues.outputs import render as render_kind
    with api.env.adopt_roles(["Manager"]):
        vfonds = make_fonds(site, "bench-volumes", "B002")
        transaction.commit()
        t0 = time.perf_counter()
        for v in range(1, N // P + 1):
            code = f"B002-WS·2023·Y-{v:03d}"
            dossier = api.content.create(
                container=vfonds, type="Dossier", id=f"v{v:04d}", title=f"2023年度文件（第{v}卷）"
            )
            for name, value in dict(archival_code=code, dossier_number=str(v), year=2023,
                                    category="WS", retention_period="Y", compiler="张三",
                                    checker="李四").items():
                setattr(dossier, name, value)
            dossier.reindexObject()
            for k in range(1, P + 1):
                record = create_record(dossier, {
                    "title": f"关于做好第{v}卷第{k}件电子文件归档工作的通知",
                    "record_kind": "电子公文",
                    "electronic_record_id": f"V-{v:05d}-{k:03d}", "fonds_code": "B002",
                    "year": 2023, "retention_period": "Y", "author": "办公室",
                    "pages": k % 40 + 1, "document_number": f"鲁档发〔2023〕{v * 100 + k}号"})
                record.archival_code, record.item_number = f"{code}-{k:03d}", k
                record.volume_number, record.category_code = str(v), "WS"
                record.reindexObject()
            if v % 50 == 0:
                transaction.commit()
        transaction.commit()
        made = time.perf_counter() - t0
        site._p_jar.cacheMinimize()
    with api.env.adopt_user(username="admin"):
        times = {}
        for kind, fmt in (("items", "xlsx"), ("items", "pdf"), ("volumes", "xlsx"),
                          ("volumes", "pdf"), ("contents", "xlsx"), ("contents", "pdf"),
                          ("notes", "xlsx"), ("notes", "pdf"), ("stamps", "pdf")):
            site._p_jar.cacheMinimize()
            before, t0 = rss(), time.perf_counter()
            size = len(render_kind(vfonds, {"kind": kind, "format": fmt})[0])
            times[kind, fmt] = sec = time.perf_counter() - t0
            ratio = sec / times["items", fmt]
            print(f"RESULT volumes={N // P}x{P} (made in {made:.0f}s) {kind}-{fmt} {sec:.2f}s "
                  f"+{rss() - before:.1f}MB {size / 1e6:.2f}MB ratio_to_items_{fmt}={ratio:.2f}x")
"""


def site_run(n: int, per_volume: int = 0) -> None:
    """The whole path on a throw-away instance and site (bench/fresh_site.py)."""
    import fresh_site

    env = {"BENCH_RECORDS": str(n), "BENCH_PER_VOLUME": str(per_volume)}
    print("\n".join(fresh_site.results(SITE_LOAD, env)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--site", action="store_true", help="the whole path on a site")
    parser.add_argument("--per-volume", type=int, default=10, help="records a volume; 0: skip")
    args = parser.parse_args()
    if args.site:
        site_run(args.records, args.per_volume)
        return
    results = {kind: measure(kind, args.records) for kind in ("csv", "xlsx", "pdf")}
    base = results["csv"]["seconds"]
    for kind, goal in (("csv", None), ("xlsx", 10), ("pdf", 30)):
        r = results[kind]
        verdict = "" if goal is None else ("  ok" if r["seconds"] <= goal else "  OVER GOAL")
        print(
            f"{kind:5} {args.records} records: {r['seconds']:7.2f} s (cpu {r['cpu']:6.2f} s)  "
            f"{r['bytes'] / 1e6:6.2f} MB out  +{r['extra_mb']:6.1f} MB RSS  "
            f"ratio to csv {r['seconds'] / base:7.1f}x{verdict}"
        )
    if args.per_volume > 0:
        volumes = -(-args.records // args.per_volume)
        print(f"volume outputs: {volumes} volumes x {args.per_volume} records")
        for kind, like in VOLUME_KINDS.items():
            r = results[kind] = measure(kind, args.records, args.per_volume)
            item = results[like]["seconds"]
            print(
                f"{kind:13} {r['seconds']:7.2f} s (cpu {r['cpu']:6.2f} s)  "
                f"{r['bytes'] / 1e6:6.2f} MB out  "
                f"+{r['extra_mb']:6.1f} MB RSS  ratio to item {like} {r['seconds'] / item:5.2f}x"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
