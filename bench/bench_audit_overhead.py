"""Intake with and without the audit trail (安全审计日志对接收性能的影响).

    .venv/bin/python bench/bench_audit_overhead.py [--records 300] [--kb 300] [--block 50]
                                                   [--clients 8] [--concurrent 100]

1. Starts two throw-away instances like ``bench_intake.py`` (FileStorage, fonds J001, its
   service account): one as deployed, one with ``SD_ARCHIVE_AUDIT=off`` (the benchmark-only
   switch, honoured only without ``SD_ARCHIVE_PRODUCTION``; that trail's first entry says so).
2. ``POST @archive`` of ``--records`` packages (3 components of ``--kb`` KB) to each, in
   alternating blocks of ``--block`` records; both after-archiving queues are emptied before
   every block, so neither instance's background work runs while the other is measured.
   Prints records/s answered of both and the ratio on/off (goal: >= 0.95, i.e. at most 5 %
   slower), the audit entries written per record, and the chain check of the trail.
3. ``--clients`` concurrent clients post ``--concurrent`` pre-archive packages to the audited
   instance: no request may fail (no ConflictError), and the trail must still check valid with
   one entry per ``seq`` (the chain is written at commit, outside the ZODB).

``--in-process [--records 400 --batch 20]``: records made and archived in one process (the
functional test layer, as ``bench_ledger_intake.py``), the switch toggled between alternating
batches: no second instance whose own speed could differ. Prints the median ms per record.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import bench_intake as bi  # noqa: E402


def start(root: pathlib.Path, name: str, audit_off: bool):
    port = bi.free_port()
    if audit_off:
        os.environ["SD_ARCHIVE_AUDIT"] = "off"
    try:
        server = bi.start(root / name, port)
    finally:
        os.environ.pop("SD_ARCHIVE_AUDIT", None)
    return server, f"http://localhost:{port}/archive"


def trail_state(base: str) -> dict:
    admin = bi.session("admin", "admin")
    total = admin.get(f"{base}/@audit-trail", params={"b_size": 1}).json()["items_total"]
    return {"entries": total, **admin.get(f"{base}/@audit-trail/check").json()}


def alternate(bases: dict[str, str], records: int, kb: int, block: int) -> dict[str, float]:
    """records/s answered per instance, blocks alternating, both queues drained before each."""
    seconds = dict.fromkeys(bases, 0.0)
    done = 0
    while done < records:
        k = min(block, records - done)
        bodies = [bi.package(i, kb) for i in range(done + 1, done + k + 1)]
        order = list(bases) if (done // block) % 2 == 0 else list(reversed(bases))
        for name in order:
            for base in bases.values():
                bi.wait_for_queue(base)
            seconds[name] += bi.post_packages(bases[name], bodies)
        done += k
    return {name: records / s for name, s in seconds.items()}


def in_process(records: int, batch: int) -> None:
    """Records made as intake makes them (``repository``, two PDF components, the archive
    transition with its ledger entry) and committed one by one in a site of the functional
    test layer, the audit trail switched off and on between alternating batches in the same
    process: no second instance whose own speed could differ."""
    import statistics

    os.environ.setdefault("SD_ARCHIVE_VAR", tempfile.mkdtemp(prefix="bench-audit-var-"))
    # as intake answers: the archiving seal and the AIP queued behind the record, not done here
    os.environ.setdefault("SD_ARCHIVE_POSTPROCESS", "queue")
    os.environ.setdefault("SD_ARCHIVE_POSTPROCESS_WORKER", "off")
    import transaction
    from bench_ledger_intake import functional_fonds
    from bench_ledger_intake import tear_down
    from plone import api

    from sd.archive import audit
    from sd.archive.numbering import assign_code
    from sd.archive.testing import make_record

    layers, fonds = functional_fonds()
    timings: dict[bool, list[float]] = {False: [], True: []}
    number = 0

    def run(on: bool, into: dict):
        nonlocal number
        audit._OFF = not on
        for _ in range(batch):
            number += 1
            t0 = time.perf_counter()
            record = make_record(fonds, number)
            assign_code(record, "WS", 2023, "Y", "BGS")
            api.content.transition(record, transition="archive")
            transaction.commit()
            into[on].append(time.perf_counter() - t0)

    warm: dict[bool, list[float]] = {False: [], True: []}
    run(False, warm)
    run(True, warm)
    for _ in range(max(1, records // (2 * batch))):
        run(False, timings)
        run(True, timings)
    audit._OFF = False
    off, on = statistics.median(timings[False]), statistics.median(timings[True])
    print(f"in one process, {len(timings[True])} records per variant, batches of {batch}:")
    print(f"audit off  record + archive + commit: {off * 1000:7.2f} ms/record (median)")
    print(f"audit on   record + archive + commit: {on * 1000:7.2f} ms/record (median)")
    print(f"ratio of rates on / off: {off / on:.3f}  (goal >= 0.95)")
    state = audit.trail().check(None)
    print(f"chain check: valid={state.valid} checked={state.checked}")
    tear_down(layers)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--block", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--concurrent", type=int, default=100)
    parser.add_argument("--dir", default=str(bi.ROOT / "bench" / "var"))
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="one process, the switch toggled between batches (see in_process)",
    )
    parser.add_argument("--batch", type=int, default=20, help="with --in-process")
    args = parser.parse_args(argv)
    if args.in_process:
        in_process(args.records, args.batch)
        return
    pathlib.Path(args.dir).mkdir(parents=True, exist_ok=True)
    root = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-audit-", dir=args.dir))
    servers = []
    try:
        on_server, on = start(root, "on", audit_off=False)
        servers.append(on_server)
        off_server, off = start(root, "off", audit_off=True)
        servers.append(off_server)
        before = trail_state(on)["entries"]
        print(
            f"instances: audit on {on}, audit off {off}; {args.kb} KB × 3 components per "
            f"record, alternating blocks of {args.block} records"
        )
        rates = alternate({"on": on, "off": off}, args.records, args.kb, args.block)
        state = trail_state(on)
        per_record = (state["entries"] - before) / args.records
        print(f"audit off  POST @archive: {args.records} records: {rates['off']:.2f} records/s")
        print(
            f"audit on   POST @archive: {args.records} records: {rates['on']:.2f} records/s "
            f"({per_record:.1f} audit entries per record)"
        )
        print(f"ratio on / off: {rates['on'] / rates['off']:.3f}  (goal >= 0.95)")
        print(
            f"chain check: valid={state['valid']} checked={state['checked']} "
            f"anchored_index={state['anchored_index']}"
        )
        t0 = time.perf_counter()
        result = bi.concurrent(on, args.clients, args.concurrent, args.kb)
        state = trail_state(on)
        print(
            f"concurrent {args.clients} clients, {args.concurrent} pre-archive packages "
            f"(audited): {result['records/s']:.2f} records/s, {len(result['failures'])} "
            f"failures, {result['conflict_errors']} ConflictError; chain valid="
            f"{state['valid']}, {state['checked']} entries, no gap "
            f"({time.perf_counter() - t0:.0f} s)"
        )
        for failure in result["failures"][:5]:
            print("  failure:", failure)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
