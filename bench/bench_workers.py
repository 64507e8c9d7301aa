"""Intake with 1 and 2 Zope workers on RelStorage behind HAProxy, same run (多实例接收性能, #31).

    .venv/bin/python bench/bench_workers.py --pg "host=127.0.0.1 port=5445 user=postgres" \
        [--records 180] [--block 30] [--clients 16] [--kb 300]

1. A fresh PostgreSQL database (on the server of ``--pg``, default the one ``make test`` starts:
   ``SD_ARCHIVE_PG_DSN`` without its dbname) and ``scripts/workers.py start --workers 2``
   (RelStorage history-free, blobs in PostgreSQL, one shared SD_ARCHIVE_VAR, HAProxy round robin);
   a second HAProxy on another port sends everything to worker 1 only. Fonds J001 and its service
   account as in ``bench_intake.py``.
2. ``--clients`` concurrent clients ``POST @archive`` packages (3 components of ``--kb`` KB, the
   packages of ``bench_intake.py``, built before each block's clock starts) through HAProxy:
   blocks of ``--block`` records alternate between the 1-worker and the 2-worker front, so both
   meet the same machine. The after-archiving thread is off in both (its seal and AIP work is
   measured in bench_intake.py); this measures the answered intake.
3. Prints records/s of each and the ratio (goal ≥ 1.5), and where the CPU time went per block
   kind: each Zope worker, PostgreSQL (all processes of the postgres user), HAProxy, this client.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "scripts")]

from bench_intake import SETUP  # noqa: E402
from bench_intake import package  # noqa: E402
from bench_intake import session  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, children: bool = False) -> float:
    """utime + stime of ``pid`` (and of its children that ended, with ``children``)."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ended = int(fields[13]) + int(fields[14]) if children else 0
    return (int(fields[11]) + int(fields[12]) + ended) / TICK


def pids_of_user(uid: int) -> list[int]:
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except FileNotFoundError:
                pass
    return found


def post_all(base: str, bodies: list[bytes], clients: int) -> tuple[float, list]:
    todo = list(bodies)
    lock = threading.Lock()
    failures = []

    def worker():
        svc = session("svc-j001", "svc-j001-bench")
        while True:
            with lock:
                if not todo:
                    return
                body = todo.pop()
            r = svc.post(f"{base}/@archive", data=body, headers={"Content-Type": "application/zip"})
            if r.status_code != 201:
                with lock:
                    failures.append((r.status_code, r.text[:300]))

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(clients)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - t0, failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=None, help="libpq DSN of the server, without dbname")
    parser.add_argument("--records", type=int, default=180, help="records per configuration")
    parser.add_argument("--block", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--dir", default=str(ROOT / "bench" / "var"))
    args = parser.parse_args(argv)
    pg = args.pg or " ".join(
        p for p in os.environ.get("SD_ARCHIVE_PG_DSN", "").split() if not p.startswith("dbname=")
    )
    if not pg:
        sys.exit("--pg or SD_ARCHIVE_PG_DSN: a PostgreSQL server (make pg-start)")
    parts = dict(p.split("=", 1) for p in pg.split())
    dbname = f"sdbench_workers_{os.getpid()}"
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "createdb", "-h", parts.get("host", "127.0.0.1"),
         "-p", parts.get("port", "5432"), dbname],
        check=True, cwd="/",
    )  # fmt: skip
    dsn = f"{pg} dbname={dbname}"
    base = pathlib.Path(args.dir) / f"workers-{os.getpid()}"
    import workers
    from bench_intake import free_port

    front2, front1, first = free_port(), free_port(), free_port()
    one = base / "one"
    try:
        subprocess.run(
            [BIN / "python", ROOT / "scripts/workers.py", "start", "--workers", "2",
             "--dsn", dsn, "--base", base, "--listen", f"localhost:{front2}",
             "--first-port", str(first), "--env", "SD_ARCHIVE_POSTPROCESS_WORKER=off"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        (one / "run").mkdir(parents=True, exist_ok=True)
        cfg = workers.haproxy_config(one, f"localhost:{front1}", [first], "archive")
        subprocess.run([workers.HAPROXY, "-D", "-f", cfg], check=True)
        setup = base / "setup.py"
        setup.write_text(SETUP)
        subprocess.run(
            [BIN / "zconsole", "run", base / "w1/etc/zope.conf", setup],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        workers.wait_http(f"http://localhost:{front1}/archive/ok")
        zope = [int((base / "run" / f"w{n}.pid").read_text()) for n in (1, 2)]
        proxies = [int((d / "run" / "haproxy.pid").read_text()) for d in (one, base)]
        pg_uid = int(subprocess.run(["id", "-u", "postgres"], capture_output=True).stdout)

        def usage():
            return {
                "zope w1": cpu_seconds(zope[0]),
                "zope w2": cpu_seconds(zope[1]),
                # live server processes, and the ended ones through the postmaster (parent 1)
                "postgresql": sum(cpu_seconds(p, children=True) for p in pids_of_user(pg_uid)),
                "haproxy": sum(cpu_seconds(p) for p in proxies),
                "client": time.process_time(),
            }

        fronts = {1: f"http://localhost:{front1}/archive", 2: f"http://localhost:{front2}/archive"}
        totals = {k: {"seconds": 0.0, "records": 0, "cpu": {}, "failures": []} for k in fronts}
        # warm both workers' caches (catalog, fonds) outside the clock
        n = 1
        for kind in (1, 2, 2):
            n += args.clients
            post_all(fronts[kind], [package(i, args.kb) for i in range(n - args.clients, n)], 16)
        done = 0
        while done < args.records:
            size = min(args.block, args.records - done)
            for kind in (1, 2) if (done // args.block) % 2 == 0 else (2, 1):
                bodies = [package(i, args.kb) for i in range(n, n + size)]
                n += size
                before = usage()
                seconds, failures = post_all(fronts[kind], bodies, args.clients)
                after = usage()
                total = totals[kind]
                total["seconds"] += seconds
                total["records"] += size
                total["failures"] += failures
                for key in after:
                    total["cpu"][key] = total["cpu"].get(key, 0.0) + after[key] - before[key]
                print(f"  {kind} worker(s): {size} records in {seconds:.1f} s", flush=True)
            done += size
        rates = {k: t["records"] / t["seconds"] for k, t in totals.items()}
        print(f"\nintake through HAProxy, {args.clients} clients, {args.kb} KB × 3 components:")
        for kind, total in totals.items():
            cpu = ", ".join(
                f"{key} {value / total['records'] * 1000:.0f} ms"
                for key, value in total["cpu"].items()
            )
            wall = total["seconds"] / total["records"] * 1000
            print(
                f"  {kind} worker(s): {rates[kind]:.2f} records/s ({total['records']} records, "
                f"{len(total['failures'])} failures); per record: wall {wall:.0f} ms, CPU {cpu}"
            )
            for failure in total["failures"][:3]:
                print("    failure:", failure)
        print(f"  ratio 2 workers / 1 worker: {rates[2] / rates[1]:.2f}× (goal ≥ 1.5×)")
    finally:
        for d in (one, base):
            pidfile = d / "run" / "haproxy.pid"
            if pidfile.exists():
                subprocess.run(["kill", pidfile.read_text().split()[0]], check=False)
        subprocess.run(
            [BIN / "python", ROOT / "scripts/workers.py", "stop", "--base", base],
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(2)
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "dropdb", "-h", parts.get("host", "127.0.0.1"),
             "-p", parts.get("port", "5432"), "--if-exists", dbname],
            check=False, cwd="/",
        )  # fmt: skip
        subprocess.run(["rm", "-rf", str(base)], check=False)


if __name__ == "__main__":
    main()
