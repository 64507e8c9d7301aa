"""Intake through the REST API of a real instance on FileStorage (接收性能).

    .venv/bin/python bench/bench_intake.py [--records 1000] [--kb 300] [--clients 8]
                                           [--concurrent 200] [--block 100] [--keep]

1. Makes a throw-away instance in a temp var dir (scripts/write_instance.py +
   scripts/create_site.py) on a free localhost port, with fonds J001 and its service account.
2. Baseline: plain plone.restapi ``File`` POSTs of the same bytes, one POST per component
   (3 per record), into a folder, as a manager. Baseline and intake (3.) run in alternating
   blocks of ``--block`` records, so that both meet the same machine.
   Both clients build the request bodies of a block before its clock starts (a business
   system sends packages it already has; on this 2-core host a client building ZIPs or base64
   while it sends would take a core from the server): the figures measure the server.
3. ``POST @archive``: ``--records`` archive packages (3 components of ``--kb`` KB each) by
   the service account, one after the other. Prints records/s of both and the ratio, and how
   long the after-archiving queue (archiving seal + AIP, written by the worker thread behind
   the answers) needs to empty after the last answer, with the rate including that drain.
4. ``--clients`` concurrent clients post ``--concurrent`` pre-archive packages that the
   schedule arranges into one item-number series: no request may fail (no ConflictError,
   no 5xx) and the item numbers must run 1..N without duplicates or gaps.
5. Prints the RSS of the Zope process after the ingest.

The instance lives in ``--dir`` (default ``bench/var``: the filesystem of the checkout, where
``make start`` keeps ``instance/var``; ``--dir /tmp`` to compare — on the 2026-12-04 host it
made no measurable difference, see bench/RESULTS.md). Disk: every
record leaves its blobs and two AIP copies there (about 6 MB per record): ``--records
10000`` needs about 60 GB free there.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import pathlib
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from base64 import b64encode

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent

SETUP = r"""
import transaction
from plone import api
from zope.component.hooks import setSite
from sd.archive.testing import make_fonds
site = app.archive
setSite(site)
with api.env.adopt_roles(["Manager"]):
    if "j001" not in site:
        fonds = make_fonds(site, "j001", "J001", "DA/T 22-2015")
        api.content.create(container=site, type="Folder", id="files", title="files")
        api.user.create(email="svc@example.org", username="svc-j001", password="svc-j001-bench")
        api.user.grant_roles(username="svc-j001", obj=fonds, roles=["Submitter"])
transaction.commit()
"""

METADATA = """<?xml version="1.0" encoding="UTF-8"?>
<电子文件 类型="电子公文" 版本="1.0">
  <聚合层次>文件</聚合层次>
  <来源><立档单位名称>山东省示例厅</立档单位名称><全宗号>J001</全宗号></来源>
  <电子文件号>{rid}</电子文件号>
{arranged}  <年度>{year}</年度>
  <题名>关于性能测试第{n}号的通知</题名>
  <责任者>山东省示例厅</责任者>
  <日期>{year}-05-12</日期>
  <文种>通知</文种>
  <密级>公开</密级>
  <页数>1</页数>
  <组件>
{components}  </组件>
  <办理过程>
    <业务 序号="1"><业务行为>拟稿</业务行为>\
<行为时间>{year}-05-01T10:00:00+08:00</行为时间>\
<机构人员>张三</机构人员><所在部门>办公室</所在部门></业务>
    <业务 序号="2"><业务行为>签发</业务行为>\
<行为时间>{year}-05-03T10:00:00+08:00</行为时间>\
<机构人员>李四</机构人员><所在部门>办公室</所在部门></业务>
  </办理过程>
</电子文件>
"""
ROLES = (("正本", "正本/正本.pdf"), ("处理单", "处理单/处理单.pdf"), ("附件", "附件/附件1.pdf"))


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def payloads(n: int, kb: int) -> list[bytes]:
    rnd = random.Random(n)
    return [b"%PDF-1.4\n" + rnd.randbytes(kb * 1024) + b"\n%%EOF\n" for _ in range(3)]


def series_place(n: int, first_year: int = 2023) -> tuple[int, int]:
    """(年度, 件号) of the n-th archive package: 件号 has 4 digits, so every 9,999 records
    continue in the next year's series."""
    return first_year + (n - 1) // 9999, (n - 1) % 9999 + 1


def package(n: int, kb: int, kind: str = "archive", year: int | None = None) -> bytes:
    """A valid archive (or pre-archive) package of record n."""
    year, number = (year, n) if year is not None else series_place(n)
    files = dict(zip((p for _, p in ROLES), payloads(n, kb), strict=False))
    components = "".join(
        f'    <文档 序号="{i}" 角色="{role}"><计算机文件名>{path}</计算机文件名>'
        f"<计算机文件大小>{len(files[path])}</计算机文件大小><格式信息>PDF</格式信息>"
        f'<摘要值 算法="SM3">{sm3(files[path])}</摘要值></文档>\n'
        for i, (role, path) in enumerate(ROLES, 1)
    )
    arranged = ""
    if kind == "archive":
        arranged = (
            f"  <档号>J001-WS·{year}-D30-BGS-{number:04d}</档号>\n  <门类代码>WS</门类代码>\n"
            f"  <保管期限>D30</保管期限>\n  <机构或问题>BGS</机构或问题>\n  <件号>{number}</件号>\n"
        )
    rid = f"BENCH-{kind}-{year}-{n:06d}"
    files["元数据.xml"] = METADATA.format(
        rid=rid, arranged=arranged, year=year, n=n, components=components
    ).encode("utf-8")
    files["manifest-sm3.txt"] = "".join(f"{sm3(d)}  {p}\n" for p, d in files.items()).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for path, data in files.items():
            z.writestr(path, data)
    return buf.getvalue()


#: listening ports are picked below Linux's ephemeral range (32768-60999), where no client
#: connection (to PostgreSQL, between the workers, ...) can hold the port when the server binds it
LISTEN_PORTS = (20000, 32000)


def free_ports(count: int = 1) -> list[int]:
    """``count`` consecutive ports free on localhost now, held together while they are tried."""
    while True:
        first = random.randrange(LISTEN_PORTS[0], LISTEN_PORTS[1] - count)
        held = []
        try:
            for port in range(first, first + count):
                s = socket.socket()
                held.append(s)
                s.bind(("localhost", port))
            return list(range(first, first + count))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()


def free_port() -> int:
    return free_ports(1)[0]


def rss_kb(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def zope_pid(server: subprocess.Popen) -> int:
    return server.pid


def start(var: pathlib.Path, port: int) -> subprocess.Popen:
    """Write the instance in ``var``, make the site with fonds J001 and its service account,
    and serve it on ``port`` (see ``prepare`` and ``serve``)."""
    prepare(var, port)
    return serve(var, port)


def prepare(var: pathlib.Path, port: int) -> pathlib.Path:
    """The instance in ``var`` (FileStorage, listening on ``port``) with the site, fonds J001
    and its service account; the path of its zope.conf."""
    subprocess.run(
        [
            BIN / "python",
            ROOT / "scripts/write_instance.py",
            "--storage",
            "filestorage",
            "--var",
            str(var),
            "--listen",
            f"localhost:{port}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    conf = var / "etc" / "zope.conf"
    subprocess.run(
        [BIN / "zconsole", "run", conf, ROOT / "scripts/create_site.py", "--site", "archive"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    script = var / "setup_bench.py"
    script.write_text(SETUP)
    subprocess.run(
        [BIN / "zconsole", "run", conf, script],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return conf


def serve(var: pathlib.Path, port: int) -> subprocess.Popen:
    """Start the instance ``prepare`` wrote and wait until it answers."""
    server = subprocess.Popen(
        [BIN / "runwsgi", var / "etc" / "zope.ini"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://localhost:{port}/archive"
    for _ in range(600):  # up to 5 minutes: a start takes over a minute on a busy host
        try:
            if requests.get(
                f"{base}/@openapi", headers={"Accept": "application/json"}, timeout=2
            ).ok:
                return server
        except requests.RequestException:  # not listening yet, or too busy starting
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the instance did not start")


def session(user: str, password: str) -> requests.Session:
    s = requests.Session()
    s.auth = (user, password)
    s.headers["Accept"] = "application/json"
    return s


def ahead(items, depth: int = 8):
    """Yield ``items`` computed by a thread of their own, up to ``depth`` ahead."""
    import queue

    done = object()
    buffer: queue.Queue = queue.Queue(maxsize=depth)

    def fill():
        for item in items:
            buffer.put(item)
        buffer.put(done)

    threading.Thread(target=fill, daemon=True).start()
    while (item := buffer.get()) is not done:
        yield item


def file_bodies(i: int, kb: int) -> list[bytes]:
    """The 3 JSON bodies of record ``i``'s File POSTs."""
    import json

    return [
        json.dumps(
            {
                "@type": "File",
                "id": f"f{i}-{j}",
                "title": f"file {i}-{j}",
                "file": {
                    "data": b64encode(data).decode("ascii"),
                    "encoding": "base64",
                    "filename": f"f{i}-{j}.pdf",
                    "content-type": "application/pdf",
                },
            }
        ).encode()
        for j, data in enumerate(payloads(i, kb))
    ]


def baseline(base: str, n: int, kb: int, start_at: int = 1, prepared: bool = False) -> float:
    """records/s of plain restapi File POSTs, 3 per record, the same bytes (``prepared``:
    all bodies built before the clock starts, else a few records ahead)."""
    admin = session("admin", "admin")
    admin.headers["Content-Type"] = "application/json"
    records = (file_bodies(i, kb) for i in range(start_at, start_at + n))
    records = list(records) if prepared else ahead(records)
    t0 = time.perf_counter()
    for bodies in records:
        for body in bodies:
            r = admin.post(f"{base}/files", data=body)
            assert r.status_code == 201, r.text[:300]
    return n / (time.perf_counter() - t0)


def post_packages(base: str, bodies) -> float:
    """Seconds to ``POST @archive`` each package of ``bodies`` as the service account (201)."""
    svc = session("svc-j001", "svc-j001-bench")
    t0 = time.perf_counter()
    for body in bodies:
        r = svc.post(f"{base}/@archive", data=body, headers={"Content-Type": "application/zip"})
        assert r.status_code == 201, r.text[:1000]
    return time.perf_counter() - t0


def intake(base: str, n: int, kb: int, start_at: int = 1) -> tuple[float, float, float]:
    """records/s answered 201; seconds until the after-archiving queue (seal + AIP) is empty
    after the last answer; records/s including that drain."""
    answered = post_packages(base, ahead(package(i, kb) for i in range(start_at, start_at + n)))
    drained = wait_for_queue(base)
    return n / answered, drained, n / (answered + drained)


def interleaved(base: str, n_base: int, n_intake: int, kb: int, block: int):
    """Baseline and intake in alternating blocks of ``block`` records (bodies built before
    each block's clock starts), so that both meet the same machine (this host is shared; its
    speed drifts within a run). The after-archiving queue is emptied before each baseline
    block (its work is not done at the baseline's expense); that drain time counts for intake
    in the "including the drain" rate.

    Returns (baseline records/s, intake records/s answered, drain seconds in all,
    intake records/s including the drain)."""
    base_s = intake_s = drain_s = 0.0
    done_base = done_intake = 0
    while done_base < n_base or done_intake < n_intake:
        if done_base < n_base:
            drain_s += wait_for_queue(base)
            k = min(block, n_base - done_base)
            base_s += k / baseline(base, k, kb, start_at=done_base + 1, prepared=True)
            done_base += k
        if done_intake < n_intake:
            k = min(block, n_intake - done_intake)
            intake_s += post_packages(
                base, [package(i, kb) for i in range(done_intake + 1, done_intake + k + 1)]
            )
            done_intake += k
    drain_s += wait_for_queue(base)
    return (n_base / base_s, n_intake / intake_s, drain_s, n_intake / (intake_s + drain_s))


def wait_for_queue(base: str, timeout: float = 3600) -> float:
    """Seconds until ``GET @preservation`` reports an empty after-archiving queue."""
    admin = session("admin", "admin")
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if admin.get(f"{base}/@preservation").json()["queue"]["pending"] == 0:
            return time.perf_counter() - t0
        time.sleep(0.2)
    raise SystemExit("the after-archiving queue did not drain")


def concurrent(base: str, clients: int, total: int, kb: int) -> dict:
    """``clients`` threads post pre-archive packages arranged into one series (2022/D30/BGS)."""
    todo = list(range(1, total + 1))
    lock = threading.Lock()
    codes, failures = [], []

    def worker():
        svc = session("svc-j001", "svc-j001-bench")
        while True:
            with lock:
                if not todo:
                    return
                n = todo.pop()
            r = svc.post(
                f"{base}/@pre-archive",
                data=package(n, kb, "pre-archive", 2022),
                headers={"Content-Type": "application/zip"},
            )
            with lock:
                if r.status_code == 201:
                    codes.append(r.json()["archival_code"])
                else:
                    failures.append((r.status_code, r.text[:300]))

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(clients)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    return {
        "records/s": total / elapsed,
        "failures": failures,
        "conflict_errors": sum("ConflictError" in text for _, text in failures),
        "duplicates": len(numbers) - len(set(numbers)),
        "missing": sorted(set(range(1, total + 1)) - set(numbers)),
        "arranged": len(codes),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument(
        "--baseline",
        type=int,
        default=None,
        help="records for the File baseline (default: --records, at most 1000)",
    )
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument(
        "--block",
        type=int,
        default=100,
        help="records per block; baseline and intake blocks alternate",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp var dir")
    parser.add_argument(
        "--dir",
        default=str(ROOT / "bench" / "var"),
        help="where the throw-away instance lives (default: bench/var, on the "
        "checkout's filesystem like instance/var; pass /tmp to compare)",
    )
    args = parser.parse_args(argv)
    pathlib.Path(args.dir).mkdir(parents=True, exist_ok=True)
    var = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-intake-", dir=args.dir))
    port = free_port()
    server = start(var / "var", port)
    base = f"http://localhost:{port}/archive"
    try:
        n_base = args.baseline or min(args.records, 1000)
        print(f"instance: {base} (FileStorage in {var}); {args.kb} KB × 3 components per record")
        print(f"baseline and intake in alternating blocks of {args.block} records")
        files_rate, intake_rate, drain_s, sustained = interleaved(
            base, n_base, args.records, args.kb, args.block
        )
        print(
            f"baseline  plone.restapi File POSTs: {n_base} records ({3 * n_base} POSTs): "
            f"{files_rate:.2f} records/s"
        )
        print(
            f"intake    POST @archive:            {args.records} records: "
            f"{intake_rate:.2f} records/s answered (201)"
        )
        print(
            f"          after-archiving queue (archiving seal + AIP × 2 copies): "
            f"{drain_s:.1f} s of draining in all → {sustained:.2f} records/s "
            f"including the drain"
        )
        print(
            f"ratio intake / baseline: {intake_rate / files_rate:.2f}× answered, "
            f"{sustained / files_rate:.2f}× including the drain (goal ≥ 3×)"
        )
        print(f"Zope RSS after {args.records} records: {rss_kb(server.pid) / 1024:.0f} MB")
        result = concurrent(base, args.clients, args.concurrent, args.kb)
        print(
            f"concurrent {args.clients} clients, {args.concurrent} pre-archive packages: "
            f"{result['records/s']:.2f} records/s, arranged {result['arranged']}, "
            f"failures {len(result['failures'])} (ConflictError {result['conflict_errors']}), "
            f"duplicate item numbers {result['duplicates']}, missing {len(result['missing'])}"
        )
        for failure in result["failures"][:5]:
            print("  failure:", failure)
        print(f"Zope RSS at the end: {rss_kb(server.pid) / 1024:.0f} MB")
        ok = not result["failures"] and not result["duplicates"] and not result["missing"]
        return 0 if ok else 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            import shutil

            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
