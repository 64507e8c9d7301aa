"""Receiving a transfer package on a real FileStorage instance (移交接收性能).

    .venv/bin/python bench/bench_transfer.py [--records 1000] [--kb 100] [--intake 100] [--keep]

1. A throw-away instance (scripts/write_instance.py + scripts/create_site.py, own port) with
   fonds J001 and its service account (``bench_intake.start``).
2. Baseline in the same run: ``--intake`` archive packages through ``POST @archive``, one
   after the other (the archive interface's records/s).
3. A DA/T 93 package of ``--records`` records (3 components of ``--kb`` KB each) is written
   to disk and posted to ``@transfer`` (``Prefer: respond-async``); the batch is polled on
   ``{batch}/@detection`` until it is checked. Wall time from the POST to the end includes
   spooling, package checks, per-record YJ detection, storage, ``receive`` (ledger); the AIPs
   are written by the after-archiving queue behind it, and the time until the queue is empty
   is printed too.
4. The instance is stopped and ``scripts/check_holdings.py`` proves holdings and ledger agree.
Goal: ≤ 60 s for 1,000 records on the 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench_intake  # noqa: E402 - the same instance and package helpers

ROOT = bench_intake.ROOT
BIN = bench_intake.BIN
YEAR = 2018
FIRST = 1  # the first 件号 of a package (a caller sending several packages of one 年度 moves it on)


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def record_files(n: int, kb: int) -> dict[str, bytes]:
    """One record's folder content: 元数据.xml (arranged, 档号 of item n) and 3 PDFs."""
    files = dict(
        zip((p for _, p in bench_intake.ROLES), bench_intake.payloads(n, kb), strict=False)
    )
    components = "".join(
        f'    <文档 序号="{i}" 角色="{role}"><计算机文件名>{path}</计算机文件名>'
        f"<计算机文件大小>{len(files[path])}</计算机文件大小><格式信息>PDF</格式信息>"
        f'<摘要值 算法="SM3">{sm3(files[path])}</摘要值></文档>\n'
        for i, (role, path) in enumerate(bench_intake.ROLES, 1)
    )
    arranged = (
        f"  <档号>{code(n)}</档号>\n  <门类代码>WS</门类代码>\n"
        f"  <保管期限>D30</保管期限>\n  <机构或问题>BGS</机构或问题>\n  <件号>{n}</件号>\n"
    )
    files["元数据.xml"] = bench_intake.METADATA.format(
        rid=f"BENCH-transfer-{YEAR}-{n:06d}",
        arranged=arranged,
        year=YEAR,
        n=n,
        components=components,
    ).encode("utf-8")
    return files


def code(n: int) -> str:
    return f"J001-WS·{YEAR}-D30-BGS-{n:04d}"


def write_package(path: pathlib.Path, records: int, kb: int) -> None:
    """The DA/T 93 package, written record by record (stored: the PDFs are random bytes)."""
    manifest, rows = [], []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        for n in range(FIRST, FIRST + records):
            folder = f"J001/WS/{YEAR}/{code(n)}"
            for name, data in record_files(n, kb).items():
                z.writestr(f"{folder}/{name}", data)
                manifest.append(f"{sm3(data)}  {folder}/{name}\n")
            rows.append(
                f"<文件><顺序号>{n}</顺序号><档号>{code(n)}</档号><责任者>山东省示例厅</责任者>"
                f"<题名>关于性能测试第{n}号的通知</题名><日期>{YEAR}-05-12</日期>"
                f"<保管期限>D30</保管期限><密级>公开</密级><页数>1</页数><备注/></文件>"
            )
        control = {
            "说明文件.TXT": (
                f"移交单位：山东省示例厅\r\n内容描述：{YEAR}年度文书档案\r\n"
                f"起止档号：{code(FIRST)}至{code(FIRST + records - 1)}\r\n档案数量：{records}\r\n"
                "软硬件环境：Linux; bench\r\n"
            ).encode(),
            "目录文件.XML": (
                '<?xml version="1.0" encoding="UTF-8"?><文件目录>' + "".join(rows) + "</文件目录>"
            ).encode("utf-8"),
        }
        for name, data in control.items():
            z.writestr(name, data)
            manifest.append(f"{sm3(data)}  {name}\n")
        z.writestr("manifest-sm3.txt", "".join(manifest).encode("utf-8"))


def receive(base: str, package: pathlib.Path, timeout: float = 1800) -> tuple[float, dict]:
    svc = bench_intake.session("svc-j001", "svc-j001-bench")
    t0 = time.perf_counter()
    with open(package, "rb") as body:
        r = svc.post(
            f"{base}/@transfer",
            data=body,
            headers={"Content-Type": "application/zip", "Prefer": "respond-async"},
        )
    assert r.status_code in (201, 202), r.text[:2000]
    url = r.json()["@id"]
    while True:
        report = svc.get(f"{url}/@detection").json()
        if report["progress"]["finished"]:
            return time.perf_counter() - t0, report
        if time.perf_counter() - t0 > timeout:
            raise SystemExit(f"not finished after {timeout} s: {report['progress']}")
        time.sleep(0.5)


def check_holdings(var: pathlib.Path) -> dict:
    import json

    out = subprocess.run(
        [
            BIN / "zconsole",
            "run",
            var / "etc" / "zope.conf",
            ROOT / "scripts/check_holdings.py",
            "--site",
            "archive",
            "--resume",
        ],
        capture_output=True,
        text=True,
    )
    start = out.stdout.find("{")
    return (
        json.loads(out.stdout[start:])
        if start >= 0
        else {"agree": False, "error": out.stderr[-2000:]}
    )


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=100, help="KB per component (3 per record)")
    parser.add_argument("--intake", type=int, default=100, help="archive packages for the baseline")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-transfer-"))
    var = tmp / "var"
    port = bench_intake.free_port()
    server = bench_intake.start(var, port)
    base = f"http://localhost:{port}/archive"
    try:
        package = tmp / "transfer.zip"
        t0 = time.perf_counter()
        write_package(package, args.records, args.kb)
        size = package.stat().st_size
        print(
            f"instance {base}; package: {args.records} records × 3 × {args.kb} KB = "
            f"{size / 2**20:.0f} MiB, written in {time.perf_counter() - t0:.1f} s"
        )
        # 件号 of the intake baseline must not collide with the transfer's: another year
        rate = bench_intake.intake(base, args.intake, args.kb)[0] if args.intake else 0.0
        print(f"baseline  POST @archive: {args.intake} records: {rate:.2f} records/s")
        wall, report = receive(base, package)
        progress = report["progress"]
        print(
            f"transfer  POST @transfer: {progress['received']} received,"
            f" {progress['failed']} failed "
            f"in {wall:.1f} s wall: {args.records / wall:.2f} records/s "
            f"({'within' if wall <= 60 else 'over'} the 60 s goal; detection, storage, ledger)"
        )
        drained = bench_intake.wait_for_queue(base)
        print(
            f"          AIPs of the received records (after-archiving queue) all written "
            f"{drained:.1f} s later: {args.records / (wall + drained):.2f} records/s "
            f"including them ({wall + drained:.1f} s)"
        )
        if rate:
            print(f"ratio transfer / archive interface: {args.records / wall / rate:.2f}×")
        print(f"Zope RSS: {bench_intake.rss_kb(server.pid) / 1024:.0f} MB")
        failed = [r for r in report["records"] if r["outcome"] != "received"][:3]
        for r in failed:
            print("  failed:", r["archival_code"], r["codes"], r["errors"][:2])
        stop(server)
        check = check_holdings(var)
        print(
            f"check_holdings: agree={check.get('agree')} records={check.get('records')} "
            f"receive entries={check.get('receive_entries')}"
            f" problems={len(check.get('problems', []))}"
        )
        return 0 if check.get("agree") and progress["received"] == args.records else 1
    finally:
        if server.poll() is None:
            stop(server)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
