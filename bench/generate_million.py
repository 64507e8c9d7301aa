"""Filling a site with generated records in bulk (批量生成, ``bench_million.py``'s generation),
run inside an instance by ``zconsole run`` (``app`` given).

Worker processes (forked after the site is open; ``BENCH_WORKERS``, default 2) make each
record: its catalog stub (``generated.Entry``: 档号 unique in its series, ~520 characters of
Chinese text), its small blob's bytes, the words each ZCTextIndex's lexicon pipeline makes of it
(``bulk_catalog.words_of``: the site's own jieba splitter) and its ``archive`` ledger entry,
which they append to the node's SQLite log themselves (one SQL transaction per batch of
``STEP``, a batch already logged is skipped). The main process catalogues them in bulk
(``bulk_catalog.Bulk``: field indexes by their own ``index_object``, the text indexes'
postings in arrays), writes the blobs, and merges and commits every ``BENCH_CHUNK`` records
(default 100,000) with the count done: a killed generation continues after its last commit.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pathlib
import time

STEP = 1000
#: what the workers share (set before they fork)
WORK: dict = {}


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def made(i: int):
    """(catalog stub, blob bytes, ledger digests) of generated record ``i``."""
    from generated import Entry

    codes, bases = WORK["codes"], WORK["bases"]
    code = codes[i % len(codes)]
    e = Entry(f"{bases[code]}/gen-{i:07d}", i, code, unique_code=True)
    data = b"%PDF-1.4\n" + e.text.encode("utf-8") + b"\n%%EOF\n"
    return e, data, {"正本/正本.pdf": sm3(data), "元数据.xml": sm3(e.SearchableText.encode())}


def _log():
    log = WORK.get("log")
    if log is None:
        from sd.archive.ledger.store import LedgerLog

        log = WORK["log"] = LedgerLog(*WORK["log_args"])
    return log


def _logged(log, record: str) -> bool:
    with log.reading() as conn:
        return conn.execute("SELECT 1 FROM entries WHERE record = ? LIMIT 1", (record,)).fetchone()


def batch(span: tuple[int, int]) -> tuple[dict, list]:
    """Records ``span`` made (in a worker): the catalog's part but the text indexes
    (``bulk_catalog.catalog_fields``), and per record (i, words per text index, blob bytes);
    their ledger entries appended to the log."""
    from bulk_catalog import catalog_fields
    from bulk_catalog import record_id
    from bulk_catalog import words_of
    from generated import append_entries
    from generated import ledger_entry

    out, entries, items = [], [], []
    for i in range(*span):
        e, data, digests = made(i)
        words = words_of(e, WORK["setup"])
        entries.append(ledger_entry(e, WORK["log_args"][1], digests))
        items.append((record_id(WORK["start"], i), e, e._path))
        packed = {n: None if w is None else "\x00".join(w) for n, w in words.items()}
        out.append((i, e.UID, packed, data if WORK["blobs"] else None))
    part = catalog_fields(WORK["cat"], items)
    log = _log()
    if not _logged(log, entries[-1]["record"]):
        for attempt in range(20):
            try:
                append_entries(log, entries)
                break
            except Exception as error:  # the other worker holds the write lock
                if "locked" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.5)
    return part, out


def _unpack(packed: dict) -> dict:
    return {n: None if w is None else (w.split("\x00") if w else []) for n, w in packed.items()}


def rid_start(cat, n: int) -> int:
    """A multiple of 4,000 from which ``record_id`` gives ``n`` ids the catalog has none of."""
    from bulk_catalog import record_id

    start = 4000 * 250_000
    while True:
        end = record_id(start, n) + 1
        if end < 2**31 - 1 and not len(cat.data.keys(start, end)):
            return start
        start += 4000 * 1000


def run(app) -> None:
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(_run, app)
        stats = pstats.Stats(profile).sort_stats("tottime")
        stats.print_stats(45)
    else:
        _run(app)


def _run(app) -> None:
    import sys

    sys.path.insert(0, "bench")
    import transaction
    import ZODB.blob
    from BTrees.OOBTree import OOBTree
    from bulk_catalog import Bulk
    from bulk_catalog import record_id
    from bulk_catalog import text_setup
    from plone import api
    from ZODB.blob import Blob
    from zope.component.hooks import setSite

    from sd.archive.ledger.current import current_ledger
    from sd.archive.testing import make_fonds

    n = int(os.environ["BENCH_RECORDS"])
    chunk = int(os.environ.get("BENCH_CHUNK") or 100_000)
    fonds = int(os.environ["BENCH_FONDS"])
    blobs_on = os.environ["BENCH_BLOBS"] == "1"
    deadline = float(os.environ.get("BENCH_DEADLINE") or "inf")
    workers = int(os.environ.get("BENCH_WORKERS") or 2)
    site = app.archive
    setSite(site)
    codes = [f"J{k:03d}" for k in range(1, fonds + 1)]
    with api.env.adopt_roles(["Manager"]):
        if api.user.get(username="officer") is None:
            api.user.create(
                email="officer@example.org",
                username="officer",
                password="bench-12345",  # noqa: S106
            )
        for code in codes:
            if code.lower() not in site:
                make_fonds(site, code.lower(), code)
            # granted once: a grant reindexes the security of everything under the fonds,
            # waking every catalogued stub there
            if not site[code.lower()].get_local_roles_for_userid("officer"):
                api.user.grant_roles(
                    username="officer", obj=site[code.lower()], roles=["RecordsOfficer", "Reader"]
                )
        if getattr(site, "_bench_blobs", None) is None:
            site._bench_blobs = OOBTree()
        transaction.commit()
    cat = site.portal_catalog._catalog
    start = getattr(site, "_bench_rid_start", None)
    if start is None:
        start = site._bench_rid_start = rid_start(cat, n)
        transaction.commit()
    log = current_ledger(site).log
    # everything the workers read is loaded before they fork (they must not load from the
    # ZODB through the connection they inherit): the indexes, the lexicons' pipelines
    from bulk_catalog import catalog_fields
    from bulk_catalog import empty_copy
    from bulk_catalog import words_of

    empty_copy(cat)
    WORK.update(
        cat=cat,
        start=start,
        codes=codes,
        bases={c: "/".join(site[c.lower()].getPhysicalPath()) for c in codes},
        setup=text_setup(cat),
        blobs=blobs_on,
        log_args=(log.path, log.origin, log.hash_alg, log.key),
    )
    sample, _data, _digests = made(n + 1)
    words_of(sample, WORK["setup"])
    catalog_fields(cat, [(record_id(start, n + 1), sample, sample._path)])
    blobs = site._bench_blobs
    data_fs = pathlib.Path(site._p_jar.db().storage.getName())
    done = first = getattr(site, "_bench_million_done", 0)
    bulk = Bulk(cat)
    t0 = time.perf_counter()
    spans = [(s, min(n, s + STEP)) for s in range(done, n, STEP)]
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        t_chunk = time.perf_counter()
        busy = 0.0
        for part, out in pool.imap(batch, spans):
            t = time.perf_counter()
            bulk.merge_fields(part)
            for i, uid, packed, data in out:
                bulk.add_text(record_id(start, i), _unpack(packed))
                if data is not None:
                    blob = Blob()
                    with blob.open("w") as f:
                        f.write(data)
                    blobs[uid] = blob
            end = out[-1][0] + 1
            busy += time.perf_counter() - t
            if end % chunk and end < n:
                continue
            t_merge = time.perf_counter()
            bulk.merge()
            site._bench_million_done = end
            t_commit = time.perf_counter()
            # ZODB keeps a weak reference per uncommitted blob in a list that the commit
            # removes them from one by one (list.remove: quadratic, ~250 s for 50,000 blobs);
            # they only clean up temporary files of blobs never committed
            ZODB.blob._blob_close_refs[:] = []
            transaction.commit()
            t_end = time.perf_counter()
            site._p_jar.cacheGC()
            rate = (end - first) / (t_end - t0)
            print(
                f"PROGRESS {end} records, {rate:.0f} records/s overall; this chunk "
                f"{t_end - t_chunk:.0f} s: stubs catalogued and blobs {busy:.0f} s, merge "
                f"{t_commit - t_merge:.0f} s, commit {t_end - t_commit:.0f} s; Data.fs "
                f"{data_fs.stat().st_size / 1e9:.2f} GB; load "
                f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; {time.strftime('%H:%M:%S')}",
                flush=True,
            )
            done, t_chunk, busy = end, time.perf_counter(), 0.0
            if time.time() > deadline:
                break
    finally:
        pool.terminate()
        pool.join()
    print(
        f"RESULT generated {done} records ({done - first} in this run, "
        f"{time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
