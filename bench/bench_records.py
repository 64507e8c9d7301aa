"""Create 1,000 records (3 components each) through the Python API, beside plain
plone.app.contenttypes File creation of the same bytes, in the same run, on FileStorage.

    .venv/bin/python bench/bench_records.py [--records 1000] [--kb 100]

Makes a throw-away instance in a temp dir (scripts/write_instance.py + scripts/create_site.py),
runs both loads in one Zope process, prints records/s, files/s and the ratio.
"""

import argparse

import fresh_site

LOAD = r"""
import os, sys, time
import transaction
from plone import api
from plone.namedfile.file import NamedBlobFile
from zope.component.hooks import setSite
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData, create_record
from sd.archive.testing import make_fonds

N = int(os.environ["BENCH_RECORDS"]); KB = int(os.environ["BENCH_KB"])
site = app.archive
setSite(site)
payloads = [b"%PDF-1.4\n" + os.urandom(KB * 1024) + b"\n%%EOF\n" for _ in range(3 * N)]
with api.env.adopt_roles(["Manager"]):
    fonds = make_fonds(site, "bench", "B001")
    folder = api.content.create(container=site, type="Folder", id="files", title="files")
    transaction.commit()

    t0 = time.perf_counter()
    for i in range(N):
        comps = [ComponentData(filename=f"c{j}.pdf", data=payloads[3 * i + j], role=r,
                               sequence=j + 1, content_type="application/pdf",
                               format_name="PDF")
                 for j, r in enumerate(("正本", "定稿", "处理单"))]
        record = create_record(fonds, {"title": f"记录 {i}", "record_kind": "电子公文",
                                       "electronic_record_id": f"B-{i:06d}", "fonds_code": "B001",
                                       "year": 2023, "retention_period": "Y"}, comps)
        assign_code(record, "WS", 2023, "Y", "BGS")
        if i % 100 == 99:
            transaction.commit()
    transaction.commit()
    records_s = N / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    for i in range(3 * N):
        api.content.create(container=folder, type="File", id=f"f{i}", title=f"file {i}",
                           file=NamedBlobFile(data=payloads[i], filename=f"f{i}.pdf",
                                              contentType="application/pdf"))
        if i % 300 == 299:
            transaction.commit()
    transaction.commit()
    files_s = 3 * N / (time.perf_counter() - t0)
print(f"RESULT records/s={records_s:.1f} files/s={files_s:.1f} "
      f"baseline records/s (3 Files each)={files_s / 3:.1f} ratio={records_s / (files_s / 3):.2f}")
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=100)
    args = parser.parse_args()
    env = {
        "BENCH_RECORDS": str(args.records),
        "BENCH_KB": str(args.kb),
        "PATH": "/usr/bin:/bin",
    }
    lines = fresh_site.results(LOAD, env)
    print(f"{args.records} records x 3 components of {args.kb} KB on FileStorage:")
    print(lines[0])


if __name__ == "__main__":
    main()
