"""Benchmark: organisation-tree sync (组织机构同步) of a province-sized directory.

    .venv/bin/python bench/bench_directory_sync.py [--departments 2000] [--members 50000]
                                                   [--agencies 10] [--baseline-users 500]

In one process, a site of the functional test layer (FileStorage-less DemoStorage, audit trail
on) and the platform's contract stub (``tests/platform_stub``, a real HTTP server on
127.0.0.1) holding ``--departments`` departments (a random tree) and ``--members`` members
(10 % records officers, 1 % leaders; 5 % in two departments), ``--agencies`` subtrees bound
to as many fonds. Measures, each committed:

1. full sync into the empty site (goal ≤ 300 s);
2. a second full sync with no change (goal ≤ 30 s);
3. one member moved to another agency, applied by an incremental sync (goal ≤ 10 s).

Baselines of the same run: the stub fetch alone (the HTTP reads and JSON parsing every full
sync does), and plain Plone accounts and groups made with ``plone.api`` for
``--baseline-users`` users (extrapolated to ``--members``), which is what an operator's script
making the accounts by hand would cost.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import random
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
os.environ.setdefault("SD_ARCHIVE_VAR", tempfile.mkdtemp(prefix="bench-directory-var-"))


def province(stub, departments: int, members: int, seed: int = 27):
    """A random tree (every department under an earlier one) and its members."""
    rng = random.Random(seed)
    stub.add_department(1, "山东省")
    for dep in range(2, departments + 1):
        parent = rng.randint(1, max(1, min(dep - 1, 40))) if dep <= 200 else rng.randint(2, dep - 1)
        stub.add_department(dep, f"部门{dep}", parent)
    for n in range(members):
        deps = [rng.randint(2, departments)]
        if rng.random() < 0.05:
            deps.append(rng.randint(2, departments))
        position = "档案员" if rng.random() < 0.10 else "科员"
        tags = ["分管领导"] if rng.random() < 0.01 else []
        stub.add_member(f"u{n:06d}", f"成员{n}", deps, position=position, tags=tags)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--members", type=int, default=50000)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--baseline-users", type=int, default=500)
    args = parser.parse_args(argv)

    import transaction
    from bench_ledger_intake import functional_fonds
    from bench_ledger_intake import tear_down
    from platform_stub import PlatformStub
    from plone import api

    from sd.archive.identity.directory import store
    from sd.archive.identity.directory.sync import fetch
    from sd.archive.identity.directory.sync import full_sync
    from sd.archive.identity.directory.sync import incremental_sync
    from sd.archive.identity.platform.client import PlatformClient
    from sd.archive.testing import make_fonds

    stub = PlatformStub()
    province(stub, args.departments, args.members)
    stub.start()
    client = PlatformClient(stub.url, stub.corp_id, stub.secret, timeout=60)
    layers, fonds = functional_fonds()
    portal = fonds.aq_parent
    try:
        # agencies: the first departments under the root, each bound to a fonds of its own
        tops = [d for d, dep in sorted(stub.departments.items()) if dep["parentid"] == 1]
        bound = tops[: args.agencies]
        lines = []
        for index, dep in enumerate(bound):
            code = f"B{index:03d}"
            make_fonds(portal, f"b{index:03d}", code)
            lines.append(f"{dep} = {code}")
        store.save_settings(portal, "\n".join(lines), store.mapping_text(portal))
        transaction.commit()
        print(
            f"directory: {len(stub.departments)} departments, {len(stub.members)} members, "
            f"{len(bound)} agencies bound to fonds"
        )

        t0 = time.perf_counter()
        departments, members = fetch(client)
        fetch_s = time.perf_counter() - t0
        print(f"baseline  stub fetch alone (HTTP + parse):      {fetch_s:8.2f} s")

        t0 = time.perf_counter()
        for n in range(args.baseline_users):
            api.user.create(
                email=f"b{n}@example.org",
                username=f"base{n:05d}",
                password="secret-12345",  # noqa: S106
            )
        for n in range(max(1, args.baseline_users * len(stub.departments) // args.members)):
            api.group.create(groupname=f"basegroup{n}", title=f"组{n}")
        transaction.commit()
        base_s = time.perf_counter() - t0
        per_user = base_s / args.baseline_users
        print(
            f"baseline  plone.api: {args.baseline_users} users + groups in {base_s:.2f} s "
            f"= {per_user * 1000:.1f} ms/user, {per_user * args.members:.0f} s for "
            f"{args.members} (extrapolated)"
        )

        t0 = time.perf_counter()
        outcome = full_sync(portal, client)
        transaction.commit()
        full_s = time.perf_counter() - t0
        print(
            f"full sync into the empty site:  {full_s:8.2f} s  (goal ≤ 300)  "
            f"{outcome.status} {outcome.plan.counts()}"
        )

        t0 = time.perf_counter()
        again = full_sync(portal, client)
        transaction.commit()
        again_s = time.perf_counter() - t0
        print(
            f"second full sync, no change:    {again_s:8.2f} s  (goal ≤ 30)  "
            f"{again.status}, {len(again.plan)} changes"
        )

        # one officer moves to another agency
        mover = next(
            u
            for u, m in stub.members.items()
            if m["position"] == "档案员" and len(m["department"]) == 1
        )
        stub.update_member(mover, department=[bound[-1]])
        t0 = time.perf_counter()
        one = incremental_sync(portal, client, [mover])
        transaction.commit()
        one_s = time.perf_counter() - t0
        print(
            f"one change, incremental sync:   {one_s:8.2f} s  (goal ≤ 10)  "
            f"{one.status} {one.plan.counts()}"
        )
        print(
            f"ratios: full sync / stub fetch {full_s / fetch_s:.1f}; "
            f"full sync / plone.api extrapolated {full_s / (per_user * args.members):.2f}; "
            f"second sync / stub fetch {again_s / fetch_s:.2f}"
        )
        ok = full_s <= 300 and again_s <= 30 and one_s <= 10
        print("goals met" if ok else "goals NOT met")
    finally:
        stub.stop()
        tear_down(layers)


if __name__ == "__main__":
    main()
