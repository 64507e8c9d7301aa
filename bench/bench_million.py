"""A repository of a million records (百万级档案库, #31 Performance): intake and search on a
generated repository against an empty one of the same kind, in the same run, and the size
per record.

    .venv/bin/python bench/bench_million.py [--records 1000000] [--dir bench/var/million]
        [--batch 100000] [--intake 300] [--block 50] [--kb 100] [--queries 200] [--keep]
        [--generate-only] [--no-blobs] [--warmup 20] [--live-size] [--pack] [--no-disk-check]

1. Two throw-away FileStorage instances like ``bench_intake.py`` (site, fonds J001 and its
   service account) in ``--dir``: ``empty`` and ``big``. Both get 10 fonds J001–J010 and a
   records officer ``officer`` with RecordsOfficer + Reader on each (``GENERATE`` with 0 or N).
2. ``big`` is filled with ``--records`` generated records by ``zconsole run`` (no HTTP) in
   bulk (``generate_million.py``, ``bulk_catalog.py``; chunks of ``--batch``, default 100,000,
   one commit each): *catalogued stubs* (``generated.Entry``: title, 档号 unique in its series
   of 全宗 × 年度 × 保管期限 × 机构, 文号, 电子文件号, 责任者, 主题词, ~520 characters of real
   Chinese words as file text), not record objects (a real record costs ~40 ms here), with
   every index of the site built as ``catalogObject`` builds it; a small blob per record (the
   file text as a ~1.5 KB "PDF", in an ``OOBTree`` on the site; ``--no-blobs`` to leave them
   out); an ``archive`` ledger entry per record in the node's SQLite log (real Merkle hashing,
   one signed checkpoint per 1,000). The count done is kept on the site: a killed generation
   continues after its last commit when run again with the same ``--dir`` and ``--keep``.
3. Search, in each instance with the server stopped (``zconsole run``, as ``bench_search.py``
   does): ``sd.archive.search.engine.run`` as ``officer`` — security, one result set, page
   of 20 and the facet counts, i.e. ``@archive-search`` without rendering rows — for
   ``--queries`` words of the generated text, field queries (责任者 + 年度 range + 保管期限),
   档号 exact and 档号 prefix: p50/p95 on both (goal on ``big``: p95 ≤ 200 ms).
4. Intake: both servers up, ``POST @archive`` of the same ``--intake`` packages (3 components
   of ``--kb`` KB) into J001 of each, in alternating blocks of ``--block`` with both
   after-archiving queues drained before each block (``bench_audit_overhead.alternate``):
   records/s and the ratio big / empty (goal ≥ 0.8).
5. Sizes: Data.fs, blobs and ledger.sqlite of ``big`` minus ``empty``, per generated record.

Disk (measured at 1,000,000, bench/RESULTS.md): 9.7 KB per record in Data.fs before a pack,
8.4 KB for a blob (a file and its directories), 1.1 KB in the ledger: a million needs ~20 GB. The
run refuses to start when its estimate does not fit in the free space; ``--minutes`` stops the
generation in time and measures what is there. ``--ledger-only N``: the ledger alone at N.
"""

from __future__ import annotations

import argparse
import functools
import os
import pathlib
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import bench_intake as bi  # noqa: E402
from bench_audit_overhead import alternate  # noqa: E402

FONDS = 10
BYTES_PER_RECORD = 30_000  # Data.fs before a pack + blob + ledger (measured, see docstring)

GENERATE = r"""
import sys
sys.path.insert(0, "bench")
import generate_million
generate_million.run(app)
"""

SEARCH = r"""
import os, random, sys
sys.path.insert(0, "bench")
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
import search_text
from generated import engine_code, engine_fields, engine_prefix, engine_text, series_code, timed
from generated import series_fields

app = makerequest(app)
site = app.archive
setSite(site)
N = max(1, getattr(app.archive, "_bench_million_done", 0))
N = int(os.environ.get("BENCH_RECORDS") or N); QUERIES = int(os.environ["BENCH_QUERIES"])
FONDS = int(os.environ["BENCH_FONDS"])
user = site.acl_users.getUserById("officer").__of__(site.acl_users)
newSecurityManager(site.REQUEST, user)
rnd = random.Random(31)
samples = []
for _ in range(QUERIES):
    i = rnd.randrange(N)
    code = f"J{i % FONDS + 1:03d}"
    r = series_fields(search_text.record(i, code), i)
    r["archival_code"] = series_code(r, code, i)
    samples.append(r)
words = [s["topic"][0] for s in samples]
catalogued = len(site.portal_catalog._catalog)
import resource, time
from sd.archive.search import columns
t = time.perf_counter()
hits = sum(engine_text(w).total for w in words[:50])
first = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"RESULT search first 50 words (cold; index columns read): {first:.1f} s; columns kept "
      f"{columns.CACHE.size / 2**20:.0f} MB; process max RSS {rss:.0f} MB", flush=True)
for name, fn, args in (("full text + facets", engine_text, words),
                       ("fields (author + years + retention)", engine_fields, samples),
                       ("archival code exact", engine_code, samples),
                       ("archival code prefix", engine_prefix, samples)):
    p50, p95 = timed(fn, args)
    print(f"RESULT search {name}: p50={p50:.1f} p95={p95:.1f} ms", flush=True)
print(f"RESULT search catalog entries={catalogued} hits for 50 words={hits}", flush=True)
# the same queries again without the index columns (the engine before #31 session 6), after
# the timed runs: the word postings and catalog rows are loaded already (an advantage the
# first run had not)
from sd.archive.search import resultset
use = resultset.COLUMN_USE, resultset.COLUMN_BUILD
resultset.COLUMN_USE = resultset.COLUMN_BUILD = 10**12
for name, fn, args in (("full text + facets", engine_text, words),
                       ("fields (author + years + retention)", engine_fields, samples),
                       ("archival code prefix", engine_prefix, samples)):
    p50, p95 = timed(fn, args)
    print(f"RESULT search {name}, columns off (warm): p50={p50:.1f} p95={p95:.1f} ms", flush=True)
resultset.COLUMN_USE, resultset.COLUMN_BUILD = use
for name, fn, args in (("full text + facets", engine_text, words),
                       ("fields (author + years + retention)", engine_fields, samples),
                       ("archival code prefix", engine_prefix, samples)):
    p50, p95 = timed(fn, args)
    print(f"RESULT search {name}, columns on (warm): p50={p50:.1f} p95={p95:.1f} ms", flush=True)
"""


def zconsole(conf: pathlib.Path, name: str, script: str, env: dict, log=None) -> list[str]:
    """Run ``script`` in the instance of ``conf``; its RESULT lines (PROGRESS lines go to
    ``log`` as they come)."""
    path = conf.parent / f"{name}.py"
    path.write_text(script)
    errors = path.with_suffix(".err")
    proc = subprocess.Popen(
        [str(bi.BIN / "zconsole"), "run", str(conf), str(path)],
        stdout=subprocess.PIPE,
        stderr=errors.open("w"),
        text=True,
        cwd=bi.ROOT,
        env={**os.environ, "TZ": "Asia/Shanghai", **env},
    )
    results = []
    for line in proc.stdout:
        if line.startswith("PROGRESS") and log:
            log(line.rstrip())
        if line.startswith("RESULT"):
            results.append(line.rstrip())
    if proc.wait() != 0 or not results:
        print(errors.read_text()[-3000:])
        raise SystemExit(f"{name} failed in {conf}")
    return results


def du(path: pathlib.Path) -> int:
    """Bytes on disk under ``path`` (blocks, as ``du`` counts them)."""
    out = subprocess.run(["du", "-sB1", str(path)], capture_output=True, text=True)
    return int(out.stdout.split()[0]) if out.stdout else 0


def sizes(var: pathlib.Path) -> dict[str, int]:
    ledger = next(var.rglob("ledger.sqlite"), None)
    ledger_bytes = 0
    if ledger:
        ledger_bytes = sum(p.stat().st_size for p in ledger.parent.glob("ledger.sqlite*"))
    return {
        "Data.fs": (var / "filestorage" / "Data.fs").stat().st_size,
        "blobs": du(var / "blobstorage"),
        "ledger": ledger_bytes,
    }


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def make(
    var: pathlib.Path, records: int, batch: int, blobs: bool, deadline: float = 0
) -> tuple[pathlib.Path, int]:
    """The instance in ``var`` (made unless there), filled up to ``records`` or until the
    epoch time ``deadline`` (0: none); its zope.conf and the records generated in it."""
    conf = var / "etc" / "zope.conf"
    if not conf.exists():
        bi.prepare(var, bi.free_port())
    env = {
        "BENCH_RECORDS": str(records),
        "BENCH_CHUNK": str(batch),
        "BENCH_FONDS": str(FONDS),
        "BENCH_BLOBS": "1" if blobs else "0",
        "BENCH_DEADLINE": str(deadline or ""),
    }
    done = 0
    for line in zconsole(conf, "generate", GENERATE, env, log=say):
        say(line)
        if line.startswith("RESULT generated "):
            done = int(line.split()[2])
    return conf, done


def port_of(var: pathlib.Path) -> int:
    """The port the instance in ``var`` listens on (zope.ini)."""
    for line in (var / "etc" / "zope.ini").read_text().splitlines():
        if line.strip().startswith("listen"):
            return int(line.rsplit(":", 1)[1])
    raise SystemExit(f"no listen line in {var}/etc/zope.ini")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--dir", default=str(bi.ROOT / "bench" / "var" / "million"))
    parser.add_argument("--batch", type=int, default=100_000, help="records per commit")
    parser.add_argument("--intake", type=int, default=300, help="packages posted to each side")
    parser.add_argument("--block", type=int, default=50)
    parser.add_argument("--kb", type=int, default=100, help="KB per component of a package")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-blobs", action="store_true")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--pack", action="store_true", help="pack big's Data.fs at the end")
    parser.add_argument(
        "--warmup", type=int, default=0, help="packages posted to each side before the timing"
    )
    parser.add_argument("--pack-only", action="store_true", help="only pack big (no report)")
    parser.add_argument(
        "--live-size", action="store_true", help="bytes of big's current object revisions"
    )
    parser.add_argument("--live-only", action="store_true", help="only --live-size")
    parser.add_argument(
        "--no-disk-check", action="store_true", help="the records are there already: measure"
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=0,
        help="stop generating after this many minutes and measure what is there (0: no limit)",
    )
    parser.add_argument("--keep", action="store_true", help="keep --dir (resume, look at it)")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="only the search part, on the instances already in --dir (no generation, intake)",
    )
    parser.add_argument(
        "--ledger-only",
        type=int,
        default=0,
        metavar="N",
        help="only the node's log: N entries in bulk, then appends at N against an empty log",
    )
    args = parser.parse_args(argv)
    root = pathlib.Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    if args.ledger_only:
        try:
            ledger_scale(args.ledger_only, 200, root)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        return 0
    if args.search_only:
        search_only(root, args)
        return 0
    free = shutil.disk_usage(root).free
    need = args.records * BYTES_PER_RECORD + args.intake * 2 * 3 * args.kb * 1024 * 7
    say(
        f"{args.records:,} records into {root}: about {need / 1e9:.1f} GB needed, "
        f"{free / 1e9:.1f} GB free; {load()}"
    )
    if need > free - 5e9 and not args.no_disk_check:
        raise SystemExit("not enough free disk space (keeping 5 GB for the others)")
    try:
        t0 = time.perf_counter()
        deadline = time.time() + args.minutes * 60 if args.minutes else 0
        empty, _ = make(root / "empty", 0, args.batch, not args.no_blobs)
        big, done = make(root / "big", args.records, args.batch, not args.no_blobs, deadline)
        say(f"generation done in {time.perf_counter() - t0:.0f} s: {done:,} records; {load()}")
        args.records = done
        if args.generate_only:
            return 0
        if not (args.pack_only or args.live_only):
            report(root, empty, big, args)
        if args.live_size or args.live_only:
            live_size(root / "big", big, max(done, 1))
        if args.pack or args.pack_only:
            pack(root / "big", big, max(done, 1))
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def search_only(root: pathlib.Path, args) -> None:
    """The search part of :func:`report` on ``empty`` and ``big`` as they are in ``root``."""
    env = {"BENCH_RECORDS": "", "BENCH_QUERIES": str(args.queries), "BENCH_FONDS": str(FONDS)}
    for name in ("empty", "big"):
        say(f"search on {name}; {load()}")
        for line in zconsole(root / name / "etc" / "zope.conf", "search", SEARCH, env):
            say(f"{name}: {line}")
    say(load())


#: the generated series run over 年度 2000–2023 (generated.series_fields): the packages
#: posted go into 2024's (J001-WS·2024-D30-BGS-…), where no generated 档号 stands
INTAKE_YEAR = 2024


def report(root: pathlib.Path, empty: pathlib.Path, big: pathlib.Path, args) -> None:
    bi.series_place = functools.partial(bi.series_place, first_year=INTAKE_YEAR)
    size_empty, size_big = sizes(root / "empty"), sizes(root / "big")
    env = {
        "BENCH_RECORDS": str(args.records),
        "BENCH_QUERIES": str(args.queries),
        "BENCH_FONDS": str(FONDS),
    }
    searched = {}
    for name, conf in (("empty", empty), ("big", big)):
        say(f"search on {name}; {load()}")
        searched[name] = zconsole(conf, "search", SEARCH, env)
        for line in searched[name]:
            say(f"{name}: {line}")
    servers = {}
    try:
        for name in ("empty", "big"):
            var = root / name
            servers[name] = (bi.serve(var, port_of(var)), port_of(var))
        bases = {name: f"http://localhost:{port}/archive" for name, (_, port) in servers.items()}
        if args.warmup:
            # not timed, the same on both sides: a freshly started server's first requests
            # load the index buckets they touch from the Data.fs (packages 9001…, 件号 apart)
            warm = [bi.package(9000 + i, args.kb) for i in range(1, args.warmup + 1)]
            for name, base in bases.items():
                bi.wait_for_queue(base)
                took = bi.post_packages(base, warm)
                say(f"warm-up {name}: {args.warmup} packages in {took:.1f} s")
        say(f"intake: {args.intake} packages each side, blocks of {args.block}; {load()}")
        rates = alternate(bases, args.intake, args.kb, args.block)
        say(f"intake done; {load()}")
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=60)
    print()
    print(f"records generated: {args.records:,} (catalogued stubs, blobs: {not args.no_blobs})")
    for name in ("empty", "big"):
        for line in searched[name]:
            print(f"{name:5} {line[len('RESULT ') :]}")
    ratio = rates["big"] / rates["empty"]
    print(
        f"intake POST @archive, {args.intake} packages of 3 × {args.kb} KB each side: "
        f"empty {rates['empty']:.2f} records/s, big {rates['big']:.2f} records/s, "
        f"ratio {ratio:.2f} (goal ≥ 0.80)"
    )
    n = max(args.records, 1)
    for key in size_big:
        extra = size_big[key] - size_empty[key]
        print(
            f"size {key}: big {size_big[key] / 1e9:.2f} GB, empty {size_empty[key] / 1e6:.1f} MB "
            f"→ {extra / n:,.0f} bytes per generated record (before a pack)"
        )
    print(load())


PACK = r"""
import time
t = time.perf_counter()
app._p_jar.db().pack(days=0)
print(f"RESULT packed in {time.perf_counter() - t:.0f} s", flush=True)
"""


LIVE = r"""
import time
t = time.perf_counter()
fs = app._p_jar.db().storage
live = count = 0
with open(fs._file_name, "rb") as f:
    for oid, pos in fs._index.items():
        h = fs._read_data_header(pos, oid, _file=f)
        while h.plen == 0 and h.back:  # undo records point back at the data
            h = fs._read_data_header(h.back, oid, _file=f)
        live += h.recordlen()
        count += 1
print(f"RESULT live {live} bytes in {count} objects ({time.perf_counter() - t:.0f} s)", flush=True)
"""


def live_size(var: pathlib.Path, conf: pathlib.Path, n: int) -> None:
    """The current revision of every object in ``var``'s Data.fs (what a pack keeps, without
    its transaction headers), per generated record — read, nothing rewritten."""
    total = sizes(var)["Data.fs"]
    for line in zconsole(conf, "live", LIVE, {}):
        say(line)
        if line.startswith("RESULT live "):
            live = int(line.split()[2])
            print(
                f"Data.fs {total / 1e9:.2f} GB ({total / n:,.0f} bytes per record); current "
                f"revisions {live / 1e9:.2f} GB ({live / n:,.0f} bytes per record, ~ after a "
                f"pack); {load()}"
            )


def pack(var: pathlib.Path, conf: pathlib.Path, n: int) -> None:
    """Pack ``var``'s Data.fs (no history kept): its size per generated record before and
    after."""
    before = sizes(var)["Data.fs"]
    say(f"pack of {before / 1e9:.2f} GB; {load()}")
    for line in zconsole(conf, "pack", PACK, {}):
        say(line)
    after = sizes(var)["Data.fs"]
    print(
        f"Data.fs before a pack {before / 1e9:.2f} GB ({before / n:,.0f} bytes per record), "
        f"after {after / 1e9:.2f} GB ({after / n:,.0f} bytes per record); {load()}"
    )


def ledger_scale(n: int, appends: int, root: pathlib.Path) -> None:
    """The node's SQLite log alone (no Zope): ``n`` ``archive`` entries written in bulk
    (``generated.append_entries``), then ``LedgerLog.append`` as intake calls it (one entry,
    its signed checkpoint, a transaction commit) on that log and on an empty one, alternating
    in blocks of 10: ms per append, ratio, bytes per entry."""
    import statistics

    import transaction
    from generated import append_entries

    from sd.archive.core.ledger.entry import make_entry
    from sd.archive.core.ledger.hashing import hex_digest
    from sd.archive.core.ledger.keys import NodeKey
    from sd.archive.ledger.store import LedgerLog

    key = NodeKey.generate("bench.million/node")
    logs = {
        name: LedgerLog(root / f"ledger-{name}.sqlite", key.name, "sm3", key)
        for name in ("empty", "big")
    }

    def entry(i: int) -> dict:
        digest = hex_digest(str(i).encode(), "sm3")
        return make_entry(
            "archive",
            node=key.name,
            actor="svc-bench",
            record=f"bench{i:027d}",
            code=f"J001-WS·2023-Y-BGS-{i:07d}",
            title="关于性能测试的通知",
            content={"正本/正本.pdf": digest, "附件/附件1.pdf": digest[::-1]},
            metadata=digest,
            package=digest,
            time="2023-05-12T10:00:00+08:00",
        )

    t0 = time.perf_counter()
    for start in range(0, n, 20_000):
        append_entries(logs["big"], [entry(i) for i in range(start, min(n, start + 20_000))])
        if start % 200_000 == 0:
            say(f"ledger: {start:,} entries; {load()}")
    built = time.perf_counter() - t0
    times: dict[str, list[float]] = {"empty": [], "big": []}
    for block in range(appends // 10):
        for name in ("empty", "big") if block % 2 == 0 else ("big", "empty"):
            for k in range(10):
                t = time.perf_counter()
                logs[name].append(entry(10_000_000 + block * 10 + k))
                transaction.commit()
                times[name].append((time.perf_counter() - t) * 1000)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    size = sum(p.stat().st_size for p in root.glob("ledger-big.sqlite*"))
    print(
        f"ledger of {n:,} entries written in bulk in {built:.0f} s "
        f"({built / max(n, 1) * 1e6:.0f} µs/entry); ledger.sqlite {size / 1e9:.2f} GB, "
        f"{size / max(n, 1):.0f} bytes/entry"
    )
    print(
        f"LedgerLog.append + commit, median of {len(times['big'])}: at {n:,} entries "
        f"{med['big']:.2f} ms, empty log {med['empty']:.2f} ms, ratio of rates "
        f"{med['empty'] / med['big']:.2f}; {load()}"
    )
    for log in logs.values():
        log.close_pool()


if __name__ == "__main__":
    sys.exit(main())
