"""Search over N records with Chinese file text (检索基准): field and full-text query p50/p95
on the jieba index, beside Plone's stock text index (its CJK bigram splitter, ``plone_lexicon``)
queried on the same records in the same run; and the full rebuild time of each text index.

    .venv/bin/python bench/bench_search.py [--records 100000] [--queries 200] [--postgresql DSN]

``--postgresql DSN``: the PostgreSQL full-text backend too (``sd_search`` on that server), its
rows written from the same records, the engine's full-text p50/p95 through it beside the catalog
backend in the same run.

Makes a throw-away instance (scripts/write_instance.py + scripts/create_site.py, no demo) with
one fonds B001 whose officer is ``officer``, and ``--records`` lightweight catalog entries made
from ``search_text.record(i)`` (title, 档号, 文号, 电子文件号, 责任者, 主题词, ~520 characters of
real Chinese words from jieba's dictionary as file text): objects carrying what the catalog
indexes, put into ``Catalog.catalogObject`` directly, because making 100,000 real records with
files takes hours here (bench_workbench.py does the same). A second ZCTextIndex,
``SearchableText_stock`` on ``plone_lexicon`` (Plone's own), indexes the same text.

Queries run as ``officer`` through ``sd.archive.search.engine.run`` (security, one result set,
page of 20 and facet counts: what @archive-search does without rendering rows) and, for the
ratio, the same words through ``portal_catalog.searchResults`` on each text index.
"""

import argparse

import fresh_site

LOAD = r"""
import os, random, statistics, sys, time
sys.path.insert(0, "bench")
import transaction
from AccessControl.SecurityManagement import newSecurityManager
from plone import api
from Testing.makerequest import makerequest
from types import SimpleNamespace
from zope.component.hooks import setSite
import search_text
from generated import Entry  # the catalog entry of a generated record
from generated import engine_code, engine_fields, engine_prefix, engine_text, timed
from sd.archive.core.search import query as textquery
from sd.archive.search import engine
from sd.archive.search import facets
from sd.archive.testing import make_fonds

N = int(os.environ["BENCH_RECORDS"]); QUERIES = int(os.environ["BENCH_QUERIES"])
app = makerequest(app)
site = app.archive
setSite(site)
catalog_tool = site.portal_catalog
catalog = catalog_tool._catalog
if "SearchableText_stock" not in catalog_tool.indexes():
    catalog_tool.addIndex(
        "SearchableText_stock", "ZCTextIndex",
        SimpleNamespace(lexicon_id="plone_lexicon", index_type="Okapi BM25 Rank",
                        doc_attr="SearchableText_stock"))
TEXT = ("SearchableText", "SearchableText_stock")
others = [i for i in catalog_tool.indexes() if i not in TEXT]

t0 = time.perf_counter()
with api.env.adopt_roles(["Manager"]):
    api.user.create(email="officer@example.org", username="officer", password="bench-12345")
    fonds = make_fonds(site, "bench", "B001")
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    transaction.commit()
    base = "/".join(fonds.getPhysicalPath())
    paths = []
    for i in range(N):
        path = f"{base}/lw-{i:06d}"
        catalog.catalogObject(Entry(path, i), path, idxs=others)
        paths.append(path)
        if i % 5000 == 4999:
            transaction.commit()
    transaction.commit()
built = time.perf_counter() - t0


BATCH = int(os.environ.get("BENCH_BATCH", "5000"))


def rebuild(index_id):
    # the full text index made again from the records, in batches with a commit each (what
    # scripts/reindex_search.py does on a running site); (total s, of which commits s)
    index = catalog.getIndex(index_id)
    index.clear()
    transaction.commit()
    t = time.perf_counter()
    committing = 0.0
    for n, path in enumerate(paths):
        rid = catalog.uids[path]
        index.index_object(rid, Entry(path, n))
        if n % BATCH == BATCH - 1:
            c = time.perf_counter()
            transaction.commit()
            committing += time.perf_counter() - c
    c = time.perf_counter()
    transaction.commit()
    committing += time.perf_counter() - c
    return time.perf_counter() - t, committing


# the cost of making the entries (generating text) alone, to take out of the rebuild figure
t = time.perf_counter()
for n in range(min(N, 5000)):
    Entry(paths[n], n)
make_cost = (time.perf_counter() - t) / min(N, 5000) * N

PROFILE = os.environ.get("BENCH_PROFILE") == "1"


def profiled(label, fn, *args):
    # cProfile of fn(*args): the top functions by own time, as RESULT lines
    import cProfile, io, pstats
    prof = cProfile.Profile()
    prof.enable()
    fn(*args)
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt or 1e-9
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:14]
    print(f"RESULT profile {label}: total {total:.2f} s")
    for (filename, line, name), (_cc, ncalls, tt, ct, _callers) in rows:
        where = "/".join(filename.split("/")[-2:])
        print(f"RESULT   {100 * tt / total:5.1f}% own {tt:.2f} s cum {ct:.2f} s {ncalls} calls "
              f"{where}:{line} {name}")


if PROFILE:
    def some_records(index_id, n=1000):
        index = catalog.getIndex(index_id)
        for k, path in enumerate(paths[:n]):
            index.index_object(catalog.uids[path], Entry(path, k))
        transaction.commit()
    profiled("index 1000 records (jieba, into the empty index)",
             some_records, "SearchableText")

jieba_s, jieba_c = rebuild("SearchableText")
SKIP_STOCK = os.environ.get("BENCH_SKIP_STOCK") == "1"
stock_s, stock_c = (float("nan"), 0.0) if SKIP_STOCK else rebuild("SearchableText_stock")
total = len(catalog_tool.unrestrictedSearchResults(portal_type="Record", path=base))

request = site.REQUEST
user = site.acl_users.getUserById("officer").__of__(site.acl_users)
newSecurityManager(request, user)

rnd = random.Random(7)
samples = [search_text.record(rnd.randrange(N)) for _ in range(QUERIES)]
WORDS = [s["topic"][0] for s in samples]  # words of the vocabulary, common and rare


def jieba_text(word):
    q = textquery.parse(word).index_query
    return list(catalog_tool.searchResults(SearchableText=q)[:20])


def stock_text(word):
    return list(catalog_tool.searchResults(SearchableText_stock=word)[:20])


def stock_code(s):
    return list(catalog_tool.searchResults(SearchableText_stock=s["archival_code"])[:20])


if PROFILE:
    profiled("engine full text + facets, 50 words",
             lambda: [engine_text(w) for w in WORDS[:50]])

jt = timed(jieba_text, WORDS)
st = timed(stock_text, WORDS)
et = timed(engine_text, WORDS)


def whole_set_ranked(rs, end, reverse=False):
    # the page as engine.page took it before 2026-12-07 08:10: the whole result set sorted
    ranked = rs.byValue(0)
    if reverse:
        ranked.reverse()
    return ranked[:end]


# A/B in the same run: the engine with its page and facet counts as they were before (every
# hit sorted by score; facets by intersecting the hits with every value's set of each index)
# query by query, alternating, so neither side has the warmer ZODB cache
ab_now = engine.ranked, facets.FACET_BY_HIT_RATIO
ab_before = whole_set_ranked, 10**12


def timed_ab(fn, args):
    now, before = [], []
    for a in args:
        for side, times in ((ab_before, before), (ab_now, now)):
            engine.ranked, facets.FACET_BY_HIT_RATIO = side
            t = time.perf_counter()
            fn(a)
            times.append((time.perf_counter() - t) * 1000)
    engine.ranked, facets.FACET_BY_HIT_RATIO = ab_now
    pick = lambda ts: (statistics.median(ts), sorted(ts)[max(0, int(len(ts) * 0.95) - 1)])
    return pick(now), pick(before)


et_now, et_before = timed_ab(engine_text, WORDS)
ef_now, ef_before = timed_ab(engine_fields, samples)
ef = timed(engine_fields, samples)
ec = timed(engine_code, samples)
ep = timed(engine_prefix, samples)
sc = timed(stock_code, samples)
found = [(len(catalog_tool.searchResults(SearchableText=textquery.parse(w).index_query)),
          len(catalog_tool.searchResults(SearchableText_stock=w))) for w in WORDS[:50]]
per_rec = lambda s: s / N * 1000
print(f"RESULT records={total} (lightweight catalog entries, ~520 characters of text each) "
      f"catalogued without text indexes in {built:.0f} s")
print(f"RESULT rebuild SearchableText (jieba) {jieba_s:.0f} s ({per_rec(jieba_s):.2f} ms/record, "
      f"of which commits {jieba_c:.0f} s, making the entries ~{make_cost:.0f} s); stock bigram "
      f"index {stock_s:.0f} s (commits {stock_c:.0f} s); batch {BATCH}; "
      f"ratio {jieba_s / stock_s:.2f}")
print(f"RESULT full-text searchResults p50={jt[0]:.1f} p95={jt[1]:.1f} ms (jieba) vs stock "
      f"p50={st[0]:.1f} p95={st[1]:.1f} ms: ratio p95={jt[1] / st[1]:.2f}")
print(f"RESULT @archive-search engine full text (page + facets) p50={et[0]:.1f} p95={et[1]:.1f} ms"
      f"; A/B query by query: now p50={et_now[0]:.1f} p95={et_now[1]:.1f} ms, as before "
      f"2026-12-07 08:10 p50={et_before[0]:.1f} p95={et_before[1]:.1f} ms; fields now "
      f"p50={ef_now[0]:.1f} p95={ef_now[1]:.1f} ms, before p50={ef_before[0]:.1f} "
      f"p95={ef_before[1]:.1f} ms")
print(f"RESULT @archive-search engine fields (author+years+retention) p50={ef[0]:.1f} "
      f"p95={ef[1]:.1f} ms; 档号 exact p95={ec[1]:.1f} ms; 档号 prefix p95={ep[1]:.1f} ms; "
      f"档号 through the stock text index p95={sc[1]:.1f} ms: ratio fields/stock p95="
      f"{ef[1] / sc[1]:.2f}")
print(f"RESULT hits for 50 sampled words: jieba {sum(a for a, _ in found)}, stock "
      f"{sum(b for _, b in found)} (bigram false hits included)")

PG_DSN = os.environ.get("BENCH_PG_DSN", "")
if PG_DSN:
    # the PostgreSQL backend (search/postgresql.py) on the same records: rows written from the
    # same entries (what postgresql.rebuild writes), then the same engine queries through it
    import json
    from psycopg2.extras import execute_values
    from sd.archive.core.search import tsquery
    from sd.archive.search import postgresql

    os.environ[postgresql.DSN_ENV] = PG_DSN
    conn = postgresql.connect()
    cur = conn.cursor()
    cur.execute("TRUNCATE sd_search")
    t = time.perf_counter()
    rows = []
    for n, path in enumerate(paths):
        e = Entry(path, n)
        rows.append((e.UID, path, e.allowedRolesAndUsers, "{}", tsquery.vector(e.SearchableText)))
        if len(rows) == BATCH or n == len(paths) - 1:
            execute_values(cur, "INSERT INTO sd_search VALUES %s", rows,
                           template="(%s, %s, %s, %s, %s::tsvector)")
            conn.commit()
            rows = []
    pg_build = time.perf_counter() - t
    cur.execute("ANALYZE sd_search")
    conn.commit()
    os.environ[postgresql.BACKEND_ENV] = "postgresql"
    pg_hits = sum(engine.run({"q": w}).total for w in WORDS[:50])
    pt = timed(engine_text, WORDS)
    os.environ[postgresql.BACKEND_ENV] = "catalog"
    et2 = timed(engine_text, WORDS)
    print(f"RESULT PostgreSQL backend: rows of {N} records written in {pg_build:.0f} s "
          f"({per_rec(pg_build):.2f} ms/record, segmentation included)")
    print(f"RESULT @archive-search engine full text (page + facets) PostgreSQL p50={pt[0]:.1f} "
          f"p95={pt[1]:.1f} ms vs catalog (jieba ZCTextIndex) p50={et2[0]:.1f} p95={et2[1]:.1f} "
          f"ms, same run: ratio p95={pt[1] / et2[1]:.2f}; hits for 50 words {pg_hits} "
          f"(catalog {sum(a for a, _ in found)})")
    conn.close()
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=5000, help="records per commit in a rebuild")
    parser.add_argument("--profile", action="store_true", help="cProfile summaries too")
    parser.add_argument(
        "--skip-stock",
        action="store_true",
        help="leave Plone's stock bigram index empty (its figures are then meaningless)",
    )
    parser.add_argument(
        "--postgresql",
        default="",
        metavar="DSN",
        help="also the PostgreSQL backend (sd_search) on this server, beside the catalog",
    )
    args = parser.parse_args()
    env = {
        "BENCH_RECORDS": str(args.records),
        "BENCH_QUERIES": str(args.queries),
        "BENCH_BATCH": str(args.batch),
        "BENCH_PROFILE": "1" if args.profile else "0",
        "TZ": "Asia/Shanghai",
        "BENCH_PG_DSN": args.postgresql,
        "BENCH_SKIP_STOCK": "1" if args.skip_stock else "0",
    }
    print("\n".join(fresh_site.results(LOAD, env)))


if __name__ == "__main__":
    main()
