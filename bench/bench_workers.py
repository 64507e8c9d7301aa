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
4. Prints the ConflictErrors the workers met (``sd.archive.workers.conflict_logged`` lines of
   their event logs: retried, or reaching a client) by type and class, and names the objects
   behind the most frequent oids (``bench/conflict_map.py``).

5. With the text indexes deferred (``--env SD_ARCHIVE_TEXT_INDEXING=deferred``: written after
   intake, in batches, search/deferred.py), prints how many records still wait for them when
   the last answer came and how long the workers' text thread took to write them all (the
   search's lag behind intake).

``--env KEY=VALUE`` is handed to the workers (``SD_ARCHIVE_TEXT_INDEXING=deferred``;
``SD_ARCHIVE_INTAKE_WRITE=parallel``: first attempts write beside each other, intake/writelock.py).

``--fonds N`` spreads the records over N fonds (J001, J002, …, each its own item-number series,
as agencies send to many fonds); the default is one fonds and one series, the worst case.
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "scripts")]

from bench_intake import SETUP  # noqa: E402
from bench_intake import package  # noqa: E402
from bench_intake import session  # noqa: E402
from bench_intake import sm3  # noqa: E402

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


def fonds_code(n: int, fonds: int) -> str:
    return f"J{1 + n % fonds:03d}"


def fonds_package(n: int, kb: int, fonds: int) -> bytes:
    """Record ``n``'s package of bench_intake.py, sent to fonds J001…J00<fonds> in turn."""
    body = package(n, kb)
    code = fonds_code(n, fonds)
    if code == "J001":
        return body
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        files = {name: z.read(name) for name in z.namelist()}
    files["元数据.xml"] = files["元数据.xml"].replace(b"J001", code.encode())
    files.pop("manifest-sm3.txt")
    files["manifest-sm3.txt"] = "".join(f"{sm3(d)}  {p}\n" for p, d in files.items()).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def more_fonds(fonds: int) -> str:
    """A zconsole script: fonds J002…J00<fonds> for the service account of bench_intake.py."""
    return f"""
import transaction
from plone import api
from zope.component.hooks import setSite
from sd.archive.testing import make_fonds
site = app.archive
setSite(site)
with api.env.adopt_roles(["Manager"]):
    for k in range(2, {fonds} + 1):
        if f"j{{k:03d}}" not in site:
            fonds = make_fonds(site, f"j{{k:03d}}", f"J{{k:03d}}", "DA/T 22-2015")
            api.user.grant_roles(username="svc-j001", obj=fonds, roles=["Submitter"])
transaction.commit()
"""


CONFLICT = re.compile(r"conflict (\w+) oid=(\S+) class=(\S+) retry=(\w+)")


def new_lines(base: pathlib.Path, offsets: dict) -> list[str]:
    """What the workers' event logs got since ``offsets`` (log path → size)."""
    texts = []
    for log in sorted(base.glob("w*/log/event.log")):
        with open(log, "rb") as f:
            f.seek(offsets.get(log, 0))
            texts.append(f.read().decode(errors="replace"))
    return texts


def lock_times(texts: list[str]) -> None:
    """How long the intakes waited for and held the write lock, and the steps inside it."""
    held = [
        tuple(map(float, m))
        for text in texts
        for m in re.findall(r"waited (\d+) ms, held (\d+) ms", text)
    ]
    cpu = [float(m) for text in texts for m in re.findall(r"thread CPU (\d+) ms", text)]
    if held:
        waited, kept = sorted(w for w, _ in held), sorted(h for _, h in held)
        print(
            f"\nintake write lock ({len(held)} intakes): held p50 {kept[len(kept) // 2]:.0f} ms, "
            f"mean {sum(kept) / len(kept):.0f} ms; waited p50 {waited[len(waited) // 2]:.0f} ms"
            + (f"; the holder's thread CPU mean {sum(cpu) / len(cpu):.0f} ms" if cpu else "")
        )
        turns = collections.Counter(
            int(m) for text in texts for m in re.findall(r", turn (\d+)$", text, re.M)
        )
        if turns:  # 1: the lock came from the other worker (or anew); 2+: kept in the worker
            print(
                "  turn in a row under the lock across workers: "
                + ", ".join(f"{k}: {v}" for k, v in sorted(turns.items()))
            )
        for n, text in enumerate(texts, 1):  # the steps inside the lock, per worker
            steps = collections.defaultdict(list)
            for inside in re.findall(r"held \d+ ms \(([^)]*)\)", text):
                for step, ms in (part.rsplit(" ", 1) for part in inside.split(", ")):
                    steps[step].append(float(ms))
            if steps:
                means = ", ".join(f"{k} {sum(v) / len(v):.0f}" for k, v in steps.items())
                print(f"  worker {n}, mean ms inside the lock: {means}")


def conflicts(base: pathlib.Path, conf: pathlib.Path, offsets: dict, top: int = 12) -> None:
    """The ConflictErrors of the workers' event logs, by kind, and the objects behind them."""
    seen = collections.Counter()
    oids = collections.Counter()
    texts = new_lines(base, offsets)
    for text in texts:
        for match in CONFLICT.finditer(text):
            kind, oid, klass, retry = match.groups()
            seen[(kind, klass, "retried" if retry == "True" else "REACHED CLIENT")] += 1
            if oid != "-":
                oids[oid] += 1
    lock_times(texts)
    print(f"\nConflictErrors in the workers' event logs: {sum(seen.values())}")
    for (kind, klass, fate), count in seen.most_common():
        print(f"  {count:4d}  {kind} {klass} ({fate})")
    if oids:
        print("  the most frequent oids:")
        names = subprocess.run(
            [BIN / "zconsole", "run", conf, ROOT / "bench/conflict_map.py",
             *(oid for oid, _ in oids.most_common(top))],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        by_oid = {line.split()[0]: line for line in names.stdout.splitlines() if line.strip()}
        for oid, count in oids.most_common(top):
            print(f"  {count:4d}  {by_oid.get(oid, oid)}")
        if names.returncode:
            print("  (conflict_map failed:", names.stderr.strip().splitlines()[-1:], ")")


def text_lag(dsn: str, limit: float = 300) -> None:
    """How many records wait for their text indexes (search/deferred.py) at the end of a run,
    and how long until the worker's text thread has written them all (检索时效)."""
    import psycopg2

    t0 = time.perf_counter()
    first = None
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        while True:
            with conn.cursor() as cur:
                try:
                    cur.execute("SELECT count(*) FROM sd_text_pending")
                except psycopg2.errors.UndefinedTable:
                    print("text indexes: written in the intake's transaction (no queue)")
                    return
                left = cur.fetchone()[0]
            first = left if first is None else first
            waited = time.perf_counter() - t0
            if not left or waited > limit:
                break
            time.sleep(0.2)
    finally:
        conn.close()
    print(
        f"text indexes deferred: {first} records pending when the last answer came, "
        f"{left} left {waited:.1f} s later"
    )


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


def measure(args, fronts, usage, fonds: int, n: int) -> int:
    """Blocks of records alternating between the 1-worker and the 2-worker front; prints the
    rates, the ratio and the CPU per record; returns the next record number."""
    totals = {k: {"seconds": 0.0, "records": 0, "cpu": {}, "failures": []} for k in fronts}
    done = 0
    while done < args.records:
        size = min(args.block, args.records - done)
        for kind in (1, 2) if (done // args.block) % 2 == 0 else (2, 1):
            bodies = [fonds_package(i, args.kb, fonds) for i in range(n, n + size)]
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
    print(
        f"\nintake through HAProxy, {args.clients} clients, {args.kb} KB × 3 components, "
        f"{fonds} fonds, blobs {args.blobs}{', NO lock across workers' if args.no_lock else ''}"
        f"{''.join(', ' + e for e in args.env)}; "
        "load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}:"
    )
    for kind, total in totals.items():
        cpu = ", ".join(
            f"{key} {value / total['records'] * 1000:.0f} ms" for key, value in total["cpu"].items()
        )
        wall = total["seconds"] / total["records"] * 1000
        print(
            f"  {kind} worker(s): {rates[kind]:.2f} records/s ({total['records']} records, "
            f"{len(total['failures'])} failures); per record: wall {wall:.0f} ms, CPU {cpu}"
        )
        for failure in total["failures"][:3]:
            print("    failure:", failure)
    print(f"  ratio 2 workers / 1 worker: {rates[2] / rates[1]:.2f}× (goal ≥ 1.5×)", flush=True)
    return n


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=None, help="libpq DSN of the server, without dbname")
    parser.add_argument("--records", type=int, default=180, help="records per configuration")
    parser.add_argument("--block", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument(
        "--fonds", type=int, nargs="+", default=[1, 4], help="variants: records over N fonds"
    )
    parser.add_argument("--keep", action="store_true", help="keep the workers' directories")
    parser.add_argument("--blobs", choices=("shared", "database"), default="shared")
    parser.add_argument(
        "--no-lock-across-workers",
        dest="no_lock",
        action="store_true",
        help="the intake write lock within each worker only (as before #31): the conflicts",
    )
    parser.add_argument("--dir", default=str(ROOT / "bench" / "var"))
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        help="KEY=VALUE for the workers, e.g. SD_ARCHIVE_TEXT_INDEXING=deferred (text indexes "
        "in batches after intake) or SD_ARCHIVE_INTAKE_WRITE=parallel",
    )
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
    from bench_intake import free_ports

    front2, front1, first, _second = free_ports(4)  # two fronts, worker 1, worker 2
    one = base / "one"
    try:
        subprocess.run(
            [BIN / "python", ROOT / "scripts/workers.py", "start", "--workers", "2",
             "--dsn", dsn, "--base", base, "--listen", f"localhost:{front2}",
             "--first-port", str(first), "--env", "SD_ARCHIVE_POSTPROCESS_WORKER=off",
             "--env", "SD_ARCHIVE_INTAKE_TIMES=1", "--blobs", args.blobs,
             *(x for e in args.env for x in ("--env", e)),
             *(["--env", "SD_ARCHIVE_INTAKE_ACROSS_WORKERS=off"] if args.no_lock else [])],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        (one / "run").mkdir(parents=True, exist_ok=True)
        cfg = workers.haproxy_config(one, f"localhost:{front1}", [first], "archive")
        subprocess.run([workers.HAPROXY, "-D", "-f", cfg], check=True)
        setup = base / "setup.py"
        setup.write_text(SETUP + more_fonds(max(args.fonds)))
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
        # warm both workers' caches (catalog, fonds) outside the clock
        n = 1
        for kind in (1, 2, 2):
            n += args.clients
            bodies = [
                fonds_package(i, args.kb, max(args.fonds)) for i in range(n - args.clients, n)
            ]
            post_all(fronts[kind], bodies, 16)
        for fonds in args.fonds:
            offsets = {log: log.stat().st_size for log in base.glob("w*/log/event.log")}
            n = measure(args, fronts, usage, fonds, n)
            text_lag(dsn)
            conflicts(base, base / "w1/etc/zope.conf", offsets)
    finally:
        if args.keep:
            print("kept (workers stopped):", base)
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
        if not args.keep:
            subprocess.run(["rm", "-rf", str(base)], check=False)


if __name__ == "__main__":
    main()
