"""Reliability: kill -9 the Zope process while it receives a transfer package (断电恢复).

    .venv/bin/python bench/kill_transfer.py [--records 300] [--kill-at 0.4] [--kb 100] [--keep]

1. A throw-away FileStorage instance (``bench_intake.start``) receives a ``--records``
   transfer package in the background (``Prefer: respond-async``).
2. When ``--kill-at`` of the records are processed, the Zope process gets SIGKILL.
3. The instance is started again: the batch is still ``checking``, not running, with its
   cursor after the last committed record; ``POST {batch}/@resume`` finishes it.
4. The instance is stopped and ``scripts/check_holdings.py`` proves that holdings and ledger
   agree: every record is received exactly once, none half-stored, each with its entry.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench_intake  # noqa: E402
import bench_transfer  # noqa: E402


def progress(session, url):
    return session.get(f"{url}/@detection", params={"outcome": "failed"}).json()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--kb", type=int, default=100)
    parser.add_argument("--kill-at", type=float, default=0.4)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-kill-transfer-"))
    var, port = tmp / "var", bench_intake.free_port()
    base = f"http://localhost:{port}/archive"
    server = bench_intake.start(var, port)
    ok = False
    try:
        package = tmp / "transfer.zip"
        bench_transfer.write_package(package, args.records, args.kb)
        svc = bench_intake.session("svc-j001", "svc-j001-bench")
        with open(package, "rb") as body:
            r = svc.post(
                f"{base}/@transfer",
                data=body,
                headers={"Content-Type": "application/zip", "Prefer": "respond-async"},
            )
        assert r.status_code == 202, r.text[:1000]
        url = r.json()["@id"]
        target = int(args.records * args.kill_at)
        while (seen := progress(svc, url)["progress"]["processed"]) < target:
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)
        server.wait()
        print(f"killed -9 after {seen} of {args.records} records were reported processed")
        server = subprocess.Popen(
            [bench_intake.BIN / "runwsgi", var / "etc" / "zope.ini"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        admin = bench_intake.session("admin", "admin")
        for _ in range(120):
            try:
                after = progress(admin, url)
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        p = after["progress"]
        print(
            f"after restart: state {after['status']}, processed {p['processed']}, "
            f"running {p['running']}, finished {p['finished']}"
        )
        resumed = admin.post(f"{url}/@resume")
        print(f"resume: HTTP {resumed.status_code}")
        while not (done := progress(admin, url))["progress"]["finished"]:
            time.sleep(0.5)
        p = done["progress"]
        print(
            f"resumed to the end: state {done['status']}, received {p['received']},"
            f" failed {p['failed']}"
        )
        bench_transfer.stop(server)
        check = bench_transfer.check_holdings(var)
        print(
            f"check_holdings: agree={check.get('agree')} records={check.get('records')} "
            f"receive entries={check.get('receive_entries')}"
            f" problems={check.get('problems', [])[:5]}"
        )
        ok = bool(check.get("agree")) and p["received"] == args.records == check.get("records")
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if server.poll() is None:
            bench_transfer.stop(server)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
