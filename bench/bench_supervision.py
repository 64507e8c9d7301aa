"""The supervision dashboard (监督指导看板, #26) over 100 agencies × 10,000 records: p50/p95 of
the figures of every agency (``metrics.all_agencies``) and of the whole ``@@supervision``
page (ranking, table, trend over six years), beside a plain catalog query of one index
(``fonds_code`` of one agency, its brains counted) measured in the same run.

    .venv/bin/python bench/bench_supervision.py [--agencies 100] [--per-agency 10000]
        [--catalog 100000] [--renders 40]

Makes a throw-away instance (``fresh_site``), 100 fonds, and feeds the counters the way the
event subscribers do (``aggregates.apply`` with each synthetic record's facts: year, state,
文号 with a gap every 97 numbers, late ones, missing components, seal failures, corrections)
— 1,000,000 records, because making a million real records takes days here — plus 10,000
refused packages (``rejection_added``) and ``--catalog`` lightweight catalog entries (every
tenth waiting for review) for the review backlog and the baseline. Then freshness: one real
record archived and committed, and the time until ``agency_metrics`` shows it (goal: within
a minute; the counters are updated before the event's commit).
"""

import argparse

import fresh_site

LOAD = r"""
import datetime, os, statistics, time
import transaction
from AccessControl.SecurityManagement import newSecurityManager
from DateTime import DateTime
from plone import api
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.interface import alsoProvides
from sd.archive.core.supervision.facts import RecordFacts
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.numbering import assign_code
from sd.archive.supervision import aggregates, metrics
from sd.archive.testing import make_fonds, make_record

AGENCIES = int(os.environ["BENCH_AGENCIES"]); PER = int(os.environ["BENCH_PER"])
CATALOG = int(os.environ["BENCH_CATALOG"]); RENDERS = int(os.environ["BENCH_RENDERS"])
app = makerequest(app)
site = app.archive
setSite(site)
YEARS = list(range(2017, 2027))


class Entry:
    # a catalog entry of a record, without the record
    portal_type = "Record"
    Type = "Record"
    effective = expires = None

    def __init__(self, path, code, i):
        self._path = path
        self.review_state = "pre_archived" if i % 10 == 0 else "archived"
        self.arrangement_status = "pending_review" if i % 10 == 0 else "archived"
        self.fonds_code = code
        self.archive_year = YEARS[i % 10]
        self.created = DateTime(2026, 1 + i % 11, 1 + i % 27)
        self.allowedRolesAndUsers = ["Manager", "Site Administrator"]
        self.id = self.getId = path.rsplit("/", 1)[1]
        self.Title = self.sortable_title = f"lightweight {i}"

    def getPhysicalPath(self):
        return tuple(self._path.split("/"))


def facts(code, kind, i, n):
    year = YEARS[i % 10]
    day = datetime.date(year, 1 + i % 12, 1 + i % 28)
    state = ("archived", "archived", "archived", "transferred", "transferred", "archived",
             "archived", "transferred", "archived", "pre_archived")[i % 10]
    done = day + datetime.timedelta(days=30 + (i * 7) % 700)
    return RecordFacts(
        uid=f"bench-{code}-{i}", fonds=code, year=year, category="WS", kind=kind, state=state,
        document_number=f"鲁{code}发〔{year}〕{n}号", document_date=day,
        completed_at=day if kind == "政务服务电子文件" else None,
        received_on=done, archived_on=None if state == "pre_archived" else done,
        components_missing=i % 500 == 0, seal_failed=i % 1000 == 0,
        corrections=1 if i % 300 == 0 else 0,
    )


t0 = time.perf_counter()
codes = []
with api.env.adopt_roles(["Manager"]):
    api.user.create(email="supervisor@example.org", username="supervisor",
                    password="bench-12345")
    site.acl_users.portal_role_manager.assignRoleToPrincipal("Supervisor", "supervisor")
    for a in range(1, AGENCIES + 1):
        code = f"F{a:03d}"
        domain = "public-service" if a % 5 == 0 else "administrative"
        make_fonds(site, code.lower(), code, network_domain=domain)
        codes.append(code)
    transaction.commit()
    done = 0
    for code in codes:
        kind = "政务服务电子文件" if code.endswith("5") or code.endswith("0") else "电子公文"
        numbers = {}
        for i in range(PER):
            year = YEARS[i % 10]
            n = numbers.get(year, 0) + 1
            if n % 97 == 0:
                n += 1  # a gap in the 文号 series
            numbers[year] = n
            f = facts(code, kind, i, n)
            aggregates.apply(site, f.uid, f)
        for r in range(100):
            aggregates.rejection_added(site, {
                "fonds_code": code, "time": f"{YEARS[r % 10]}-06-01T00:00:00+00:00",
                "errors": [{"code": ("GD-2-7", "GD-1-1", "GX-1-2")[r % 3]}]})
        done += PER
        transaction.commit()
        site._p_jar.cacheGC()
    events_built = time.perf_counter() - t0
    catalog = site.portal_catalog._catalog
    per = max(1, CATALOG // AGENCIES)
    for a, code in enumerate(codes):
        base = "/".join(site[code.lower()].getPhysicalPath())
        for i in range(per):
            path = f"{base}/lw-{i:06d}"
            catalog.catalogObject(Entry(path, code, i), path)
        if a % 10 == 9:
            transaction.commit()
    transaction.commit()
built = time.perf_counter() - t0

request = site.REQUEST
alsoProvides(request, ISdArchiveLayer)
user = site.acl_users.getUserById("supervisor").__of__(site.acl_users)
newSecurityManager(request, user)
pcatalog = site.portal_catalog


def timed(call):
    call(); call()  # warm up (templates compiled, caches filled)
    times = []
    for _ in range(RENDERS):
        t = time.perf_counter()
        out = call()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], out


def figures():
    return metrics.all_agencies(2023)


def page():
    request.form.clear()
    request.form.update({"year": "2023", "metric": "completeness"})
    return site.restrictedTraverse("@@supervision")()


def baseline():
    return len(pcatalog.unrestrictedSearchResults(fonds_code="F050"))


if os.environ.get("BENCH_PROFILE"):
    import cProfile, pstats
    figures(); page(); page()
    prof = cProfile.Profile(); prof.enable(); figures(); figures(); prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    prof = cProfile.Profile(); prof.enable(); page(); prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
f50, f95, rows = timed(figures)
p50, p95, html = timed(page)
b50, b95, hits = timed(baseline)
assert len(rows) == AGENCIES and rows[0]["records"] > 0, rows[:1]
assert 'id="sd-supervision-table"' in html, html[:2000]
records = sum(r["records"] for r in metrics.all_agencies(None))

# freshness: one real record archived, committed, seen
with api.env.adopt_roles(["Manager"]):
    fonds = site["f001"]
    before = metrics.agency_metrics(fonds, 2026)["records"]
    t = time.perf_counter()
    record = make_record(fonds, 1, year=2026, document_number="鲁F001发〔2026〕9999号")
    assign_code(record, "WS", 2026, "Y", "BGS")
    api.content.transition(record, transition="archive")
    transaction.commit()
    after = metrics.agency_metrics(fonds, 2026)["records"]
    fresh = (time.perf_counter() - t) * 1000
assert after == before + 1, (before, after)

print(f"RESULT agencies={AGENCIES} records={AGENCIES * PER} (archived {records}) "
      f"catalog entries={CATALOG} built in {built:.0f} s (counters {events_built:.0f} s)")
print(f"RESULT all_agencies(2023) p50={f50:.1f} ms p95={f95:.1f} ms")
print(f"RESULT @@supervision page p50={p50:.1f} ms p95={p95:.1f} ms (goal p95 <= 500 ms)")
print(f"RESULT baseline catalog query fonds_code (one agency, {hits} brains) "
      f"p50={b50:.2f} ms p95={b95:.2f} ms; ratio page/baseline p95={p95 / b95:.0f}, "
      f"figures/baseline p95={f95 / b95:.0f}")
print(f"RESULT freshness: a record archived and committed is in the figures after {fresh:.0f} ms "
      "(make + archive + commit included; goal: within a minute)")
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--per-agency", type=int, default=10_000)
    parser.add_argument("--catalog", type=int, default=100_000)
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    env = {
        "BENCH_AGENCIES": str(args.agencies),
        "BENCH_PER": str(args.per_agency),
        "BENCH_CATALOG": str(args.catalog),
        "BENCH_RENDERS": str(args.renders),
        "TZ": "Asia/Shanghai",
    }
    print("\n".join(fresh_site.results(LOAD, env)))


if __name__ == "__main__":
    main()
