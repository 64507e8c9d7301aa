"""Bytes on disk per byte received (存储开销), #31 item 6.

    .venv/bin/python bench/bench_storage.py [--records 200] [--kb 300]
                                            [--layouts whole,shared] [--dir bench/var] [--keep]

For each package layout of ``--layouts`` (``SD_ARCHIVE_PACKAGE_LAYOUT``: ``whole`` stores the
package as received (原始包) as a blob of its own beside the components, as before #31 item 6;
``shared`` keeps only what of it is not a component's bytes and reads the rest from the
components, see docs/preservation.md), in the same run:

1. a throw-away instance (``bench_intake.start``: FileStorage, the default storage settings,
   two online AIP locations ``aip/copy1`` and ``aip/copy2``);
2. ``--records`` archive packages of bench_intake (3 components of ``--kb`` KB, ZIP stored)
   posted to ``@archive``, the after-archiving queue (archiving seal, AIP × 2) drained;
3. the instance stopped, every blob file classified by what owns it (the package as received,
   a component, a derived component, nothing of a record), and the growth of Data.fs, of each
   AIP location and of the other files of the var directory measured. Data.fs is measured as
   written (FileStorage keeps every transaction's old object revisions) and packed (the
   database packed over HTTP before the ingest and after the drain: what a history-free
   RelStorage, the configuration of several workers, keeps).

``--warmup`` packages (default 1, of another year's series) are posted and drained before
the first measure: what the first intake of an instance makes once whatever follows (its first
blobs' directories, FileStorage's commit buffer ``Data.fs.tmp``, caches) then counts as the
instance, not as bytes per byte received. The warm-up record's own blobs are "other" blobs
before and components after, so those two lines move by its size (their sum does not). The
"other var files" are listed file by file: in a 200-record run they are mostly the SQLite WAL
files of the ledger and the audit trail, which grow to their checkpoint size and stay there.

Prints each category divided by the bytes received, the total against the goal (≤ 4×) and
against the floor (one working copy and two Base64 EEP copies: 1 + 2 × 4/3 ≈ 3.67×), and the
ratio of the layouts' totals.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import bench_intake  # noqa: E402

ROOT = bench_intake.ROOT
BIN = bench_intake.BIN
FLOOR = 1 + 2 * 4 / 3
GOAL = 4.0
DATA_FS = "ZODB Data.fs"

CLASSIFY = r"""
import json, sys
from plone import api
from zope.component.hooks import setSite
site = app.archive
setSite(site)
out = []
catalog = api.portal.get_tool("portal_catalog")
for brain in catalog.unrestrictedSearchResults(portal_type="Record"):
    record = brain._unrestrictedGetObject()
    for c in record.objectValues():
        if getattr(c, "portal_type", "") != "Component" or getattr(c, "file", None) is None:
            continue
        blob = c.file._blob
        if blob._p_blob_committed is None and blob._p_oid is not None:
            blob._p_activate()
        path = blob.committed()
        kind = "derived" if getattr(c, "version_of", None) else "component"
        kind = "package" if c.role == "原始包" else kind
        out.append({"path": path, "kind": kind})
print("CLASSIFIED " + json.dumps(out))
"""


def tree_sizes(root: pathlib.Path) -> dict[str, int]:
    """{path: bytes} of every regular file under ``root``."""
    found = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with contextlib.suppress(FileNotFoundError):
                found[path] = os.lstat(path).st_size
    return found


def measure(var: pathlib.Path, classified: list[dict] | None = None) -> dict[str, int]:
    """Bytes per category under the instance's var directory."""
    files = tree_sizes(var)
    blobs_root = str(var / "blobstorage")
    aip_root = str(var / "aip")
    kinds = {os.path.realpath(c["path"]): c["kind"] for c in classified or ()}
    sizes: dict[str, int] = {}

    def add(key, n):
        sizes[key] = sizes.get(key, 0) + n

    for path, size in files.items():
        if path.startswith(blobs_root + os.sep):
            kind = kinds.get(os.path.realpath(path), "other")
            add(f"blobs: {kind}", size)
        elif path.startswith(aip_root + os.sep):
            location = pathlib.Path(path).relative_to(aip_root).parts[0]
            add(f"AIP location {location}", size)
        elif os.path.basename(path).startswith("Data.fs"):
            add(DATA_FS, size)
        else:
            add("other var files", size)
            add(f"~{os.path.relpath(path, var)}", size)  # each, for the report's detail
    return sizes


def classify(var: pathlib.Path) -> list[dict]:
    script = var / "classify_storage.py"
    script.write_text(CLASSIFY)
    out = subprocess.run(
        [BIN / "zconsole", "run", var / "etc" / "zope.conf", script],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in out.stdout.splitlines():
        if line.startswith("CLASSIFIED "):
            return json.loads(line.split(" ", 1)[1])
    raise SystemExit(f"classification failed: {out.stderr[-2000:]}")


class _PatientRequests:
    """``requests`` for ``bench_intake.start``'s polling: one request at a time, waited for
    up to a minute (on a loaded host its 2-second timeouts left a queue of unanswered
    ``@openapi`` requests behind), and a timeout counts as not up yet."""

    def __getattr__(self, name):
        return getattr(requests, name)

    @staticmethod
    def get(*args, **kwargs):
        kwargs["timeout"] = 60
        try:
            return requests.get(*args, **kwargs)  # noqa: S113 - set above
        except requests.Timeout as error:
            raise requests.ConnectionError(str(error)) from error


def run_layout(
    layout: str, records: int, kb: int, where: pathlib.Path, keep: bool, warmup: int = 1
) -> dict:
    os.environ["SD_ARCHIVE_PACKAGE_LAYOUT"] = layout
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=f"sd-bench-storage-{layout}-", dir=where))
    var = tmp / "var"
    port = bench_intake.free_port()
    bench_intake.requests = _PatientRequests()
    try:
        server = bench_intake.start(var, port)
    finally:
        bench_intake.requests = requests
    base = f"http://localhost:{port}/archive"
    try:
        if warmup:  # first-use files made once per var directory, not per record (see main)
            bench_intake.post_packages(
                base, [bench_intake.package(i, kb, year=2022) for i in range(1, warmup + 1)]
            )
            bench_intake.wait_for_queue(base)
            wait_for_findings(base)
        packed_before = pack(base, var)
        before = measure(var)
        bodies = [bench_intake.package(i, kb) for i in range(1, records + 1)]
        received = sum(len(b) for b in bodies)
        t0 = time.perf_counter()
        bench_intake.post_packages(base, bodies)
        bench_intake.wait_for_queue(base)
        wait_for_findings(base)  # the worker's spare-time work writes too (#31)
        elapsed = time.perf_counter() - t0
        written = measure(var)  # Data.fs as written, history included
        packed_after = pack(base, var)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    try:
        after = measure(var, classify(var))
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")
    after[DATA_FS] = written.get(DATA_FS, 0)
    growth = {k: after.get(k, 0) - before.get(k, 0) for k in sorted(set(after) | set(before))}
    packed = None
    if packed_before is not None and packed_after is not None:
        packed = packed_after - packed_before
    return {
        "layout": layout,
        "received": received,
        "growth": growth,
        "packed": packed,
        "seconds": elapsed,
        "records": records,
    }


def wait_for_findings(base: str, timeout: float = 3600) -> None:
    """Until the findings queue of ``GET @preservation`` is empty (made after the seal and the
    AIP, in the worker's spare time)."""
    admin = bench_intake.session("admin", "admin")
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        state = admin.get(f"{base}/@preservation").json()
        if state.get("findings", {}).get("pending", 0) + state["queue"]["pending"] == 0:
            return
        time.sleep(0.2)
    raise SystemExit("the findings queue did not drain")


def pack(base: str, var: pathlib.Path) -> int | None:
    """Pack the database over HTTP (history removed, as a history-free RelStorage keeps it)
    and return the size of Data.fs; None when the pack failed."""
    root = base.rsplit("/", 1)[0]
    try:
        response = requests.post(
            f"{root}/Control_Panel/Database/main/manage_pack",
            data={"days:float": "0"},
            auth=("admin", "admin"),
            timeout=1800,
        )
    except requests.RequestException as error:
        print(f"pack failed: {error}")
        return None
    if response.status_code >= 400:
        print(f"pack failed: HTTP {response.status_code}")
        return None
    old = var / "filestorage" / "Data.fs.old"
    old.unlink(missing_ok=True)  # the pack's copy of the file before
    return (var / "filestorage" / "Data.fs").stat().st_size


def report(result: dict) -> float:
    received = result["received"]
    total = sum(result["growth"].values())
    print(
        f"\nlayout {result['layout']}: {result['records']} records, {received / 1e6:.1f} MB "
        f"received, intake + drain {result['seconds']:.1f} s"
    )
    detail = {k: v for k, v in result["growth"].items() if k.startswith("~")}
    total -= sum(detail.values())
    for key, value in result["growth"].items():
        if key.startswith("~"):
            continue
        print(f"  {key:<28} {value / 1e6:9.2f} MB  {value / received:6.3f}×")
        if key == "other var files":
            for name, grew in sorted(detail.items(), key=lambda kv: -abs(kv[1]))[:6]:
                if grew:
                    print(f"      {name[1:]:<40} {grew / 1e6:9.2f} MB")
    ratio = total / received
    print(
        f"  {'total':<28} {total / 1e6:9.2f} MB  {ratio:6.3f}× received "
        f"(goal ≤ {GOAL:.1f}×: {'met' if ratio <= GOAL else 'NOT met'}; "
        f"{ratio / FLOOR:.3f}× the floor {FLOOR:.2f}×)"
    )
    if result["packed"] is not None:
        packed = total - result["growth"].get(DATA_FS, 0) + result["packed"]
        ratio = packed / received
        print(
            f"  {'ZODB Data.fs packed':<28} {result['packed'] / 1e6:9.2f} MB  "
            f"{result['packed'] / received:6.3f}× (history removed: what a history-free "
            f"RelStorage keeps)"
        )
        print(
            f"  {'total, ZODB packed':<28} {packed / 1e6:9.2f} MB  {ratio:6.3f}× received "
            f"(goal ≤ {GOAL:.1f}×: {'met' if ratio <= GOAL else 'NOT met'}; "
            f"{ratio / FLOOR:.3f}× the floor {FLOOR:.2f}×)"
        )
    return ratio


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--layouts", default="whole,shared")
    parser.add_argument("--dir", default=str(ROOT / "bench" / "var"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="packages posted before the first measure (another year's series), 0: none",
    )
    args = parser.parse_args(argv)
    where = pathlib.Path(args.dir)
    where.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ratios = {}
    for layout in args.layouts.split(","):
        result = run_layout(layout, args.records, args.kb, where, args.keep, args.warmup)
        ratios[layout] = report(result)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    layouts = list(ratios)
    if len(layouts) >= 2:
        first, last = layouts[0], layouts[-1]
        print(
            f"{last} / {first}: {ratios[last]:.3f}× / {ratios[first]:.3f}× = "
            f"{ratios[last] / ratios[first]:.3f} of the bytes on disk"
        )
    return 0 if all(r <= GOAL for r in list(ratios.values())[-1:]) else 1


if __name__ == "__main__":
    sys.exit(main())
