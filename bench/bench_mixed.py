"""A mixed load on several Zope workers behind HAProxy (多实例混合负载, #31).

    .venv/bin/python bench/bench_mixed.py --pg "host=127.0.0.1 port=5445 user=postgres" \
        [--seconds 600] [--workers 2] [--intake 6] [--search 6] [--download 3] [--transfer 1]

1. A fresh PostgreSQL database and ``scripts/workers.py start`` (RelStorage history-free, blobs
   in PostgreSQL, HAProxy round robin, the after-archiving thread ON as in production), fonds
   J001 with its service account (``bench_intake.py``) and a reader (Manager) account;
   ``--preload`` records archived first, outside the clock, for searches and downloads.
2. For ``--seconds``, the clients (16 by default) loop through HAProxy, each of one kind:
   - intake: ``POST @archive`` a new package (3 × ``--kb`` KB PDFs, bench_intake.py's);
   - search: ``GET @archive-search`` with a title word, a full-text word, a fonds or year facet;
   - download: ``GET <component>/@@download/file`` of a random preloaded record's component;
   - transfer: ``POST @transfer`` (``Prefer: respond-async``) of a DA/T 93 package of
     ``--transfer-records`` records, polled on ``@detection`` until finished; the next one then.
3. Prints, per kind, requests, p50, p95 and failures (any status but the expected one; a
   transfer whose records did not all arrive), the ConflictErrors the workers met (retried by
   the publisher, or reaching a client: ``sd.archive.workers.conflict_logged``) and the load
   average. Goal (#31): no failed request, no ConflictError reaching a client.
"""

from __future__ import annotations

import argparse
import collections
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "scripts")]

import bench_transfer  # noqa: E402
from bench_intake import SETUP  # noqa: E402
from bench_intake import free_ports  # noqa: E402
from bench_intake import package  # noqa: E402
from bench_intake import session  # noqa: E402
from bench_workers import CONFLICT  # noqa: E402
from bench_workers import conflicts  # noqa: E402

READER = ("bench-reader", "bench-reader-12345")
READER_SETUP = f"""
import transaction
from plone import api
with api.env.adopt_roles(["Manager"]):
    if api.user.get(username="{READER[0]}") is None:
        api.user.create(email="reader@example.org", username="{READER[0]}",
                        password="{READER[1]}")
        api.user.grant_roles(username="{READER[0]}", roles=["Manager"])
transaction.commit()
"""
SEARCHES = (
    {"title": "通知"},
    {"q": "性能测试"},
    {"fonds": "J001", "b_size": "20"},
    {"year": "2023", "author": "山东省示例厅"},
    {"title": "性能", "sort_on": "archival_code"},
    {"archival_code_prefix": "J001-WS·2023"},
)


class Tally:
    """Latencies and failures per kind, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seconds: dict[str, list[float]] = collections.defaultdict(list)
        self.failures: dict[str, list[str]] = collections.defaultdict(list)
        self.conflicts_seen = 0  # answers naming a ConflictError (reached a client)

    def add(self, kind: str, seconds: float, failure: str | None = None) -> None:
        with self.lock:
            self.seconds[kind].append(seconds)
            if failure:
                self.failures[kind].append(failure)
                if "ConflictError" in failure:
                    self.conflicts_seen += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def timed(tally: Tally, kind: str, call, expected: tuple[int, ...]):
    t0 = time.perf_counter()
    try:
        answer = call()
    except Exception as exc:  # noqa: BLE001 - a refused connection is a failure too
        tally.add(kind, time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"[:300])
        return None
    ok = answer.status_code in expected
    tally.add(
        kind,
        time.perf_counter() - t0,
        None if ok else f"{answer.status_code} {answer.text[:300]}",
    )
    return answer if ok else None


class Numbers:
    """Record numbers nobody used yet (each package a new 电子文件号 and 件号)."""

    def __init__(self, first: int):
        self.next, self.lock = first, threading.Lock()

    def take(self) -> int:
        with self.lock:
            self.next += 1
            return self.next


def intake_client(base, deadline, tally, numbers, kb):
    svc = session("svc-j001", "svc-j001-bench")
    while time.monotonic() < deadline:
        body = package(numbers.take(), kb)
        timed(
            tally,
            "intake",
            lambda body=body: svc.post(
                f"{base}/@archive", data=body, headers={"Content-Type": "application/zip"}
            ),
            (201,),
        )


def search_client(base, deadline, tally, seed):
    reader = session(*READER)
    rnd = random.Random(seed)
    while time.monotonic() < deadline:
        params = rnd.choice(SEARCHES)
        timed(
            tally,
            "search",
            lambda p=params: reader.get(f"{base}/@archive-search", params=p),
            (200,),
        )


def download_client(base, deadline, tally, files, seed):
    reader = session(*READER)
    reader.headers.pop("Accept")
    rnd = random.Random(seed)
    while time.monotonic() < deadline:
        url = rnd.choice(files)
        timed(tally, "download", lambda u=url: reader.get(f"{u}/@@download/file"), (200,))


def transfer_client(base, deadline, tally, records, kb, work):
    svc = session("svc-j001", "svc-j001-bench")
    sent = 0
    while time.monotonic() < deadline:
        # 年度 2001–2020 in turn (past years: detection refuses dates in the future), the next
        # 件号 of that year's series each round: every package new 档号 and 电子文件号
        year, round_ = 2001 + sent % 20, sent // 20
        bench_transfer.YEAR, bench_transfer.FIRST = year, 1 + round_ * records
        sent += 1
        path = pathlib.Path(work) / f"transfer-{year}-{round_}.zip"
        bench_transfer.write_package(path, records, kb)
        t0 = time.perf_counter()
        with open(path, "rb") as body:
            answer = timed(
                tally,
                "transfer POST",
                lambda body=body: svc.post(
                    f"{base}/@transfer",
                    data=body,
                    headers={"Content-Type": "application/zip", "Prefer": "respond-async"},
                ),
                (201, 202),
            )
        path.unlink()
        if answer is None:
            continue
        url = answer.json()["@id"]
        while True:
            polled = timed(
                tally, "transfer poll", lambda url=url: svc.get(f"{url}/@detection"), (200,)
            )
            report = polled.json() if polled is not None else {"progress": {}}
            if report["progress"].get("finished"):
                break
            if time.perf_counter() - t0 > 1800:
                break
            time.sleep(1)
        progress = report["progress"]
        received = progress.get("received", 0)
        codes = sorted({c for r in report.get("records", []) for c in r.get("codes", [])})
        failure = None if received == records else f"{received} of {records} received: {codes}"
        tally.add("transfer (whole)", time.perf_counter() - t0, failure)


def preload(base: str, count: int, kb: int) -> list[str]:
    """``count`` records archived outside the clock; the URLs of their components."""
    svc, reader = session("svc-j001", "svc-j001-bench"), session(*READER)
    files = []
    for n in range(1, count + 1):
        answer = svc.post(
            f"{base}/@archive", data=package(n, kb), headers={"Content-Type": "application/zip"}
        )
        answer.raise_for_status()
        record = reader.get(answer.json()["@id"]).json()
        files += [item["@id"] for item in record.get("items", [])]
    return files


def conflict_counts(base: pathlib.Path) -> collections.Counter:
    counts = collections.Counter()
    for log in sorted(base.glob("w*/log/event.log")):
        for match in CONFLICT.finditer(log.read_text(errors="replace")):
            kind, _oid, klass, retry = match.groups()
            fate = "retried" if retry == "True" else "REACHED CLIENT"
            counts[(kind, klass, fate)] += 1
    return counts


def run(args, base: pathlib.Path, dsn: str) -> None:
    import workers

    front, first, _second = free_ports(3)  # HAProxy, worker 1, worker 2
    subprocess.run(
        [BIN / "python", ROOT / "scripts/workers.py", "start", "--workers", str(args.workers),
         "--dsn", dsn, "--base", base, "--listen", f"localhost:{front}",
         "--first-port", str(first), "--blobs", args.blobs, *(f"--env={e}" for e in args.env)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    setup = base / "setup.py"
    setup.write_text(SETUP + READER_SETUP)
    made = subprocess.run(
        [BIN / "zconsole", "run", base / "w1/etc/zope.conf", setup],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if made.returncode:
        sys.exit(f"setup failed: {made.stderr[-2000:]}")
    url = f"http://localhost:{front}/archive"
    workers.wait_http(f"{url}/ok")
    files = preload(url, args.preload, args.kb)
    print(f"{args.preload} records preloaded ({len(files)} files)", flush=True)
    before = conflict_counts(base)
    offsets = {log: log.stat().st_size for log in base.glob("w*/log/event.log")}
    tally = Tally()
    numbers = Numbers(10_000)
    deadline = time.monotonic() + args.seconds
    work = tempfile.mkdtemp(prefix="sd-bench-mixed-")
    clients = (
        [threading.Thread(target=intake_client, args=(url, deadline, tally, numbers, args.kb))
         for _ in range(args.intake)]
        + [threading.Thread(target=search_client, args=(url, deadline, tally, i))
           for i in range(args.search)]
        + [threading.Thread(target=download_client, args=(url, deadline, tally, files, i))
           for i in range(args.download)]
        + [threading.Thread(target=transfer_client,
                            args=(url, deadline, tally, args.transfer_records, args.kb, work))
           for _ in range(args.transfer)]
    )  # fmt: skip
    t0 = time.perf_counter()
    loads = []
    for c in clients:
        c.start()
    while any(c.is_alive() for c in clients):
        time.sleep(5)
        loads.append(os.getloadavg()[0])
    wall = time.perf_counter() - t0
    subprocess.run(["rm", "-rf", work], check=False)
    after = conflict_counts(base)
    conflicts(base, base / "w1/etc/zope.conf", offsets)
    print(
        f"\nmixed load, {len(clients)} clients on {args.workers} workers behind HAProxy, "
        f"{wall:.0f} s (clock {args.seconds} s; the last answers may come after it); "
        f"load average (1 min) mean {sum(loads) / max(1, len(loads)):.1f}, "
        f"max {max(loads, default=0):.1f}"
    )
    print(f"  {'kind':18} {'requests':>8} {'per s':>6} {'p50 ms':>8} {'p95 ms':>8} {'failed':>6}")
    for kind, seconds in tally.seconds.items():
        print(
            f"  {kind:18} {len(seconds):8d} {len(seconds) / wall:6.2f} "
            f"{percentile(seconds, 0.5) * 1000:8.0f} {percentile(seconds, 0.95) * 1000:8.0f} "
            f"{len(tally.failures[kind]):6d}"
        )
    for kind, failures in tally.failures.items():
        for failure in failures[:3]:
            print(f"    {kind} failure: {failure}")
    counts = after - before
    retried = sum(n for (_k, _c, fate), n in counts.items() if fate == "retried")
    reached = sum(n for (_k, _c, fate), n in counts.items() if fate != "retried")
    print(
        f"  ConflictErrors: {retried} retried by the publisher, {reached} reaching a client "
        f"({tally.conflicts_seen} answers naming one)"
    )
    for (kind, klass, fate), n in counts.most_common(8):
        print(f"    {n:4d}  {kind} {klass} ({fate})")
    failed = sum(map(len, tally.failures.values()))
    print(f"  goal: no failed request ({failed}), no ConflictError reaching a client ({reached})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=None, help="libpq DSN of the server, without dbname")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--intake", type=int, default=6)
    parser.add_argument("--search", type=int, default=6)
    parser.add_argument("--download", type=int, default=3)
    parser.add_argument("--transfer", type=int, default=1)
    parser.add_argument("--transfer-records", type=int, default=20)
    parser.add_argument("--preload", type=int, default=30)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the workers")
    parser.add_argument("--keep", action="store_true", help="keep the workers' directories")
    parser.add_argument("--blobs", choices=("shared", "database"), default="shared")
    parser.add_argument("--dir", default=str(ROOT / "bench" / "var"))
    args = parser.parse_args(argv)
    pg = args.pg or " ".join(
        p for p in os.environ.get("SD_ARCHIVE_PG_DSN", "").split() if not p.startswith("dbname=")
    )
    if not pg:
        sys.exit("--pg or SD_ARCHIVE_PG_DSN: a PostgreSQL server (make pg-start)")
    parts = dict(p.split("=", 1) for p in pg.split())
    where = ["-h", parts.get("host", "127.0.0.1"), "-p", parts.get("port", "5432")]
    dbname = f"sdbench_mixed_{os.getpid()}"
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "createdb", *where, dbname], check=True, cwd="/"
    )
    base = pathlib.Path(args.dir) / f"mixed-{os.getpid()}"
    try:
        run(args, base, f"{pg} dbname={dbname}")
    finally:
        subprocess.run(
            [BIN / "python", ROOT / "scripts/workers.py", "stop", "--base", base],
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(2)
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "dropdb", *where, "--if-exists", dbname],
            check=False, cwd="/",
        )  # fmt: skip
        if args.keep:
            print("kept:", base)
        else:
            subprocess.run(["rm", "-rf", str(base)], check=False)


if __name__ == "__main__":
    main()
