"""The annual statistics report's tables (档案统计年报) over N generated catalog entries
(default 1,000,000), with a full scan of the same catalog as the baseline in the same run.

Goal (#26): the annual report tables for 1,000,000 records in ≤ 10 s.

The catalog is a bare ZCatalog with the indexes and the metadata column the statistics read
(portal_type, fonds_code, archive_year, category_code, retention_period, security_level,
review_state, file_format, created, modified; size_bytes), filled cheaply: the postings of
each index are built in bulk (value → IITreeSet) and one metadata row per entry, instead of
indexing a million objects one by one. What is timed is the production code
(``sd.archive.statistics.figures``): the archives' report (档案馆基本情况), one records-room
report (机关档案室基本情况) per agency, and the seven holdings tables with counts and sizes.

The baseline computes the same numbers the obvious way: one pass over every entry, reading
its values from the indexes' reverse maps and its size from its metadata row (what a loop
over catalog brains does, without the brain objects). Ratio < 1: the postings are faster.

    .venv/bin/python bench/bench_statistics.py [--records 1000000] [--agencies 100]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections import Counter
from collections import defaultdict

YEAR = 2025
STATES = (
    ("archived", 40),
    ("transfer_pending", 3),
    ("received", 25),
    ("open", 15),
    ("controlled", 5),
    ("transferred", 4),
    ("destroyed", 2),
    ("pre_archived", 5),
    ("rejected", 1),
)
RETENTION = (("Y", 30), ("D30", 45), ("D10", 25))
CATEGORIES = (("WS", 60), ("KJ", 15), ("KU", 10), ("ZP", 5), ("YW", 10))
SECURITY = (("公开", 80), ("内部", 18), ("秘密", 2))
FORMATS = ((("OFD",), 50), (("PDF",), 35), (("OFD", "PDF"), 15))


def weighted(rng, table, n):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights, k=n)


def build_catalog(n: int, agencies: int, seed: int = 26):  # noqa: C901 (a generator, long)
    """A bare ZCatalog of ``n`` records (plus a few hundred volumes), filled in bulk."""
    from BTrees.IIBTree import IITreeSet
    from BTrees.IOBTree import IOBTree
    from DateTime import DateTime
    from Products.PluginIndexes.DateIndex.DateIndex import DateIndex
    from Products.PluginIndexes.FieldIndex.FieldIndex import FieldIndex
    from Products.PluginIndexes.KeywordIndex.KeywordIndex import KeywordIndex
    from Products.ZCatalog.ZCatalog import ZCatalog

    rng = random.Random(seed)
    catalog = ZCatalog("portal_catalog")
    cat = catalog._catalog
    fields = (
        "portal_type",
        "fonds_code",
        "archive_year",
        "category_code",
        "retention_period",
        "security_level",
        "review_state",
    )
    for name in fields:
        catalog.addIndex(name, FieldIndex(name))
    catalog.addIndex("file_format", KeywordIndex("file_format"))
    for name in ("created", "modified"):
        catalog.addIndex(name, DateIndex(name))
    catalog.addColumn("size_bytes")

    volumes = max(agencies * 3, 1)
    total = n + volumes
    columns = {
        "portal_type": ["Record"] * n + ["Dossier"] * volumes,
        "fonds_code": [f"J{1 + rng.randrange(agencies):03d}" for _ in range(total)],
        "archive_year": [YEAR - min(int(rng.expovariate(0.25)), 30) for _ in range(n)],
        "category_code": weighted(rng, CATEGORIES, n),
        "retention_period": weighted(rng, RETENTION, n),
        "security_level": weighted(rng, SECURITY, n),
        "review_state": weighted(rng, STATES, n) + ["published"] * volumes,
    }
    formats = weighted(rng, FORMATS, n)
    days = [rng.randrange(5 * 365) for _ in range(total)]  # created within five years
    start = DateTime(f"{YEAR - 4}/01/01 00:00 GMT+8")
    date_index = cat.indexes["created"]
    day_keys = {d: date_index._convert(start + d) for d in set(days)}

    rid_base = 1_000_000
    for name, values in columns.items():
        postings = defaultdict(list)
        for rid, value in enumerate(values, rid_base):
            postings[value].append(rid)
        index = cat.indexes[name]
        for value, rids in postings.items():
            index._index[value] = IITreeSet(rids)
        index._unindex.update(dict(enumerate(values, rid_base)))
        index._length.change(len(values))
    keyword = cat.indexes["file_format"]
    postings = defaultdict(list)
    for rid, kinds in enumerate(formats, rid_base):
        for kind in kinds:
            postings[kind].append(rid)
    for value, rids in postings.items():
        keyword._index[value] = IITreeSet(rids)
    for name, shift in (("created", 0), ("modified", 30)):
        index = cat.indexes[name]
        postings = defaultdict(list)
        for rid, d in enumerate(days, rid_base):
            postings[day_keys.get(d) or index._convert(start + d + shift)].append(rid)
        for key, rids in postings.items():
            index._index[key] = IITreeSet(rids)
    data = IOBTree()
    for rid in range(rid_base, rid_base + total):
        data[rid] = (int(rng.lognormvariate(12.5, 1.0)),)  # ~270 KB median
    cat.data = data
    cat.uids.update({f"/plone/r{rid}": rid for rid in range(rid_base, rid_base + total)})
    cat.paths.update({rid: f"/plone/r{rid}" for rid in range(rid_base, rid_base + total)})
    return catalog, sorted(set(columns["fonds_code"]))


def annual_tables(catalog, agencies):
    """The production path: the archives' report and every agency's records-room report."""
    from sd.archive.core.statistics import annual
    from sd.archive.statistics import figures

    reports = figures.annual_reports(YEAR, agencies, catalog, live=False)
    out = {"archives": annual.fill("archives", reports.pop("archives"))}
    out.update({code: annual.fill("room", f) for code, f in reports.items()})
    return out


def holdings_tables(catalog):
    """The seven holdings tables with counts and sizes (馆藏统计表), every record in scope."""
    from sd.archive.statistics import figures

    return figures.holdings_tables(None, None, catalog)


def scan(catalog):
    """The baseline: one pass over every entry (reverse maps and metadata rows)."""
    cat = catalog._catalog
    idx = {
        name: cat.indexes[name]._unindex
        for name in (
            "portal_type",
            "fonds_code",
            "category_code",
            "retention_period",
            "security_level",
            "review_state",
            "archive_year",
        )
    }
    data = cat.data
    counts = defaultdict(Counter)
    sizes = defaultdict(Counter)
    room = ("archived", "transfer_pending", "appraisal")
    held = ("received", "open", "controlled")
    for rid, row in data.items():
        if idx["portal_type"].get(rid) != "Record":
            continue
        size = row[0]
        state = idx["review_state"].get(rid)
        fonds = idx["fonds_code"].get(rid)
        retention = idx["retention_period"].get(rid)
        for dim in (
            "fonds_code",
            "category_code",
            "retention_period",
            "security_level",
            "review_state",
            "archive_year",
        ):
            value = idx[dim].get(rid)
            counts[dim][value] += 1
            sizes[dim][value] += size
        if state in room:
            counts["room"][(fonds, retention)] += 1
            sizes["room"][fonds] += size
        elif state in held:
            counts["archives"][retention] += 1
            sizes["archives"]["all"] += size
    return counts, sizes


def timed(call, *args):
    began = time.perf_counter()
    result = call(*args)
    return time.perf_counter() - began, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, action="append")
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    import sd.archive.statistics.figures  # noqa: F401  (imports are not what is measured)

    for n in args.records or [1_000_000]:
        build_s, (catalog, agencies) = timed(build_catalog, n, args.agencies)
        best = {"annual": None, "holdings": None, "scan": None}
        for _ in range(args.rounds):  # alternate, so neither side gets only warm caches
            t_a, result = timed(annual_tables, catalog, agencies)
            t_h, holdings = timed(holdings_tables, catalog)
            t_s, _scan = timed(scan, catalog)
            for key, value in (("annual", t_a), ("holdings", t_h), ("scan", t_s)):
                best[key] = value if best[key] is None else min(best[key], value)
        archives = {r["code"]: r["value"] for r in result["archives"]}
        check = sum(r[1] for r in holdings[3]["rows"])  # retention rows add up
        assert check == n, (check, n)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"records={n:,} agencies={len(agencies)} build={build_s:.1f}s "
            f"annual-report-tables={best['annual']:.2f}s holdings-tables={best['holdings']:.2f}s "
            f"scan-baseline={best['scan']:.2f}s "
            f"ratio(annual/scan)={best['annual'] / best['scan']:.3f} "
            f"ratio(annual+holdings/scan)={(best['annual'] + best['holdings']) / best['scan']:.3f} "
            "goal: annual tables of 1M <= 10s "
            f"archives A12={archives['A12']:,} A21={archives['A21']}GB peakRSS={rss:.0f}MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
