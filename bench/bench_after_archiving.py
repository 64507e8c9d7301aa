"""The whole after-archiving path (归档后处理全程) against plain File POSTs (#31).

    .venv/bin/python bench/bench_after_archiving.py [--records 200] [--block 50] [--kb 300]
                                                    [--profile DIR] [--env NAME=VALUE …]

One throw-away instance on FileStorage (as ``bench_intake.py`` makes it). Alternating blocks
of ``--block`` records, so that both sides meet the same machine:

- baseline: plain plone.restapi ``File`` POSTs of the same bytes, 3 per record, as a manager
  (the after-archiving queue is empty when a baseline block starts);
- after archiving: ``POST @archive`` of the block's packages, then wait until the
  after-archiving queue is empty (``GET @preservation``): each record answered (201),
  archiving-sealed (归档章) and in both AIP copies. The block's clock runs from its first POST
  to the empty queue.

The worker's spare-time work (the findings of the records' text, #28; queued since #31) is
not part of that path: it is waited for, untimed, before each baseline block and at the end
(its seconds are printed). At the end every record of the run is checked: its AIP is in both
copies (the .eep files under ``aip/copy1`` and ``aip/copy2``) and its archiving seal was
attempted (``archiving_seal`` says what was sealed or why not). Prints both rates and the
ratio (goal ≥ 2×) and the load average before and after. ``--profile DIR``: py-spy samples
the Zope process (all threads, idle included) during the after-archiving blocks into
``DIR/after-archiving.txt`` (collapsed stacks).
"""

from __future__ import annotations

import argparse
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

import bench_intake as bi  # noqa: E402

BIN = pathlib.Path(sys.executable).parent


def start(var: pathlib.Path, port: int, env: dict | None = None) -> subprocess.Popen:
    """The throw-away instance of ``bench_intake.py`` (site, fonds J001, its service account),
    served on ``port``; waits up to 10 minutes (a start is slow on a busy shared host)."""
    subprocess.run(
        [BIN / "python", bi.ROOT / "scripts/write_instance.py", "--storage", "filestorage"]
        + ["--var", str(var), "--listen", f"localhost:{port}"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    conf = var / "etc" / "zope.conf"
    script = var / "setup_bench.py"
    script.write_text(bi.SETUP)
    for args in ([bi.ROOT / "scripts/create_site.py", "--site", "archive"], [script]):
        subprocess.run(
            [BIN / "zconsole", "run", conf, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    server = subprocess.Popen(
        [BIN / "runwsgi", var / "etc" / "zope.ini"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            url = f"http://localhost:{port}/archive/@openapi"
            if requests.get(url, headers={"Accept": "application/json"}, timeout=10).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the instance did not start")


def after_archiving_block(
    base: str, first: int, count: int, kb: int, year: int | None = None
) -> tuple[float, float]:
    """Seconds from the first ``POST @archive`` of the block to the empty queue, and of them
    the seconds until the last answer (``year``: another series, for the warm-up)."""
    bodies = [bi.package(i, kb, year=year) for i in range(first, first + count)]
    t0 = time.perf_counter()
    answered = bi.post_packages(base, bodies)
    bi.wait_for_queue(base)
    return time.perf_counter() - t0, answered


def wait_for_spare_time(base: str, timeout: float = 3600) -> float:
    """Seconds until the worker's spare-time work is done too (the findings queue and the text
    queue of ``GET @preservation`` empty): not part of the path measured (answered, sealed,
    both AIP copies), but done before a baseline block starts, so that the baseline does not
    pay for it."""
    admin = bi.session("admin", "admin")
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        state = admin.get(f"{base}/@preservation").json()
        waiting = state["queue"]["pending"] + state.get("text", {}).get("pending", 0)
        if waiting + state.get("findings", {}).get("pending", 0) == 0:
            return time.perf_counter() - t0
        time.sleep(0.2)
    raise SystemExit("the worker's spare-time queues did not drain")


def check_records(base: str, var: pathlib.Path, total: int) -> list[str]:
    """Problems found: a record without an AIP in both copies or without a seal note."""
    problems = []
    for copy in ("copy1", "copy2"):
        found = sum(1 for _ in var.rglob(f"aip/{copy}/**/*.eep"))
        if found < total:
            problems.append(f"{copy}: {found} AIP files for {total} records")
    admin = bi.session("admin", "admin")
    r = admin.get(
        f"{base}/@search",
        params={"portal_type": "Record", "b_size": 10000},
    )
    items = r.json().get("items", []) if r.ok else []
    sample = items[:: max(1, len(items) // 20)]  # 20 records across the run
    for item in sample:
        record = admin.get(item["@id"]).json()
        if not record.get("archiving_seal"):
            problems.append(f"{item['@id']}: no archiving seal note")
    if len(items) < total:
        problems.append(f"{len(items)} records found for {total}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--block", type=int, default=50)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument(
        "--warmup", type=int, default=5, help="records of each kind first, not timed"
    )
    parser.add_argument("--dir", default=str(bi.ROOT / "bench" / "var"))
    parser.add_argument("--profile", default="", help="py-spy output directory")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment of the Zope process, e.g. SD_ARCHIVE_POSTPROCESS_BATCH=1 (repeatable)",
    )
    args = parser.parse_args(argv)
    pathlib.Path(args.dir).mkdir(parents=True, exist_ok=True)
    var = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-after-", dir=args.dir))
    port = bi.free_port()
    env = dict(item.split("=", 1) for item in args.env)
    server = start(var / "var", port, env)
    base = f"http://localhost:{port}/archive"
    load_before = os.getloadavg()
    spy = None
    try:
        print(f"instance {base}; {args.kb} KB × 3 components per record; blocks of {args.block}")
        if env:
            print(f"Zope environment: {env}")
        if args.warmup:  # first requests of each kind, writer processes, fonts: not timed
            bi.baseline(base, args.warmup, args.kb, start_at=100000, prepared=True)
            after_archiving_block(base, 1, args.warmup, args.kb, year=2022)
        base_s = after_s = answered_s = spare_s = 0.0
        done = 0
        rounds = []
        while done < args.records:
            k = min(args.block, args.records - done)
            bi.wait_for_queue(base)
            spare_s += wait_for_spare_time(base)
            b = k / bi.baseline(base, k, args.kb, start_at=done + 1, prepared=True)
            if args.profile and spy is None:
                pathlib.Path(args.profile).mkdir(parents=True, exist_ok=True)
                spy = subprocess.Popen(
                    [
                        BIN / "py-spy",
                        "record",
                        "--idle",
                        "--threads",
                        "--format",
                        "raw",
                        "--rate",
                        "50",
                        "-o",
                        str(pathlib.Path(args.profile) / "after-archiving.txt"),
                        "-p",
                        str(server.pid),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            a, answered = after_archiving_block(base, done + 1, k, args.kb)
            base_s += b
            after_s += a
            answered_s += answered
            done += k
            rounds.append((k / b, k / a))
            print(
                f"  block {len(rounds)}: baseline {k / b:6.2f} records/s, after archiving "
                f"{k / a:6.2f} records/s, ratio {b / a:.2f}×  (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=120)
        spare_s += wait_for_spare_time(base)
        problems = check_records(base, var, args.records + args.warmup)
        files_rate, after_rate = args.records / base_s, args.records / after_s
        print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
        print(f"baseline  File POSTs (3 per record):              {files_rate:7.2f} records/s")
        print(
            f"after archiving (answered, sealed, 2 AIP copies): {after_rate:7.2f} records/s "
            f"({answered_s:.1f} s until the last answers, {after_s - answered_s:.1f} s more "
            f"until the queues were empty)"
        )
        print(
            f"the worker's spare-time work after the blocks (findings, not measured): "
            f"{spare_s:.1f} s"
        )
        print(f"RATIO after-archiving / baseline: {after_rate / files_rate:.2f}×  (goal ≥ 2×)")
        for problem in problems:
            print("  PROBLEM:", problem)
        return 1 if problems else 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
