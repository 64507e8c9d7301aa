"""Benchmark: record creation with and without the evidence ledger (存证对入库的影响).

Creates records (two PDF components each, catalogued) in a Plone site of the functional test
layer and commits each one, with and without ``log_event`` in the same transaction, in
alternating batches so both see the same conditions. Prints the per-record times and the
ratio (goal: <= 1.10, i.e. the ledger slows intake by at most 10 %).

    .venv/bin/python bench/bench_ledger_intake.py [--records 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("SD_ARCHIVE_LEDGER_DIR", tempfile.mkdtemp(prefix="bench-ledger-"))


def set_up(layer, done):
    for base in layer.__bases__:
        set_up(base, done)
    if layer not in done:
        layer.setUp()
        done.append(layer)


def functional_fonds():
    """The functional test layer set up and its site as Manager with fonds J001 (committed):
    (the layers set up, for ``tear_down``; the fonds)."""
    import transaction
    from plone.app.testing import TEST_USER_ID
    from plone.app.testing import setRoles
    from zope.component.hooks import setSite

    from sd.archive.testing import FUNCTIONAL_TESTING
    from sd.archive.testing import make_fonds

    layers: list = []
    set_up(FUNCTIONAL_TESTING, layers)
    FUNCTIONAL_TESTING.testSetUp()
    portal = FUNCTIONAL_TESTING["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    fonds = make_fonds(portal)
    transaction.commit()
    return layers, fonds


def tear_down(layers) -> None:
    from sd.archive.testing import FUNCTIONAL_TESTING

    FUNCTIONAL_TESTING.testTearDown()
    for layer in reversed(layers):
        layer.tearDown()


def alternate(batch, records: int, size: int, reset) -> None:
    """One warm-up batch of each variant, ``reset()``, then ``batch(False)`` and
    ``batch(True)`` in turn for about ``records`` records, so both meet the same machine."""
    batch(False)
    batch(True)
    reset()
    for _ in range(max(1, records // (2 * size))):
        batch(False)
        batch(True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()

    import transaction

    from sd.archive.ledger import log_event
    from sd.archive.testing import make_record

    layers, fonds = functional_fonds()

    timings: dict[bool, list[float]] = {False: [], True: []}
    in_log_event: list[float] = []
    number = 0

    def batch(with_ledger: bool):
        nonlocal number
        for _ in range(args.batch):
            number += 1
            start = time.perf_counter()
            record = make_record(fonds, number)
            if with_ledger:
                before = time.perf_counter()
                log_event("archive", record)
                in_log_event.append(time.perf_counter() - before)
            transaction.commit()
            timings[with_ledger].append(time.perf_counter() - start)

    def reset():
        for found in (*timings.values(), in_log_event):
            found.clear()

    alternate(batch, args.records, args.batch, reset)
    plain = statistics.median(timings[False])
    logged = statistics.median(timings[True])
    print(f"records per variant: {len(timings[False])}")
    print(f"create + commit, no ledger:   {plain * 1000:7.2f} ms/record (median)")
    print(f"create + log_event + commit:  {logged * 1000:7.2f} ms/record (median)")
    print(f"  of which in log_event:      {statistics.median(in_log_event) * 1000:7.2f} ms/record")
    print(f"ratio with/without ledger:    {logged / plain:7.3f}  (goal <= 1.10)")
    tear_down(layers)


if __name__ == "__main__":
    main()
