"""The records officer's workbench (工作台) on a fonds of N records: p50/p95 render time,
beside the plain Plone front page (``listing_view`` of the site root) rendered in the same run.

    .venv/bin/python bench/bench_workbench.py [--records 100000] [--real 200] [--renders 60]

Makes a throw-away instance (scripts/write_instance.py + scripts/create_site.py, no demo),
one fonds B001 whose officer is ``officer``, ``--real`` real records made by
``sd.archive.testing.make_record`` and ``--records`` lightweight catalog entries: objects
carrying only what the catalog indexes (portal_type Record, a review state, an arrangement
status, a path under the fonds, fonds_code, archive_year, allowedRolesAndUsers), put into
``Catalog.catalogObject`` directly, because making 100,000 real records takes hours here. The
workbench only counts brains, so the catalog is what it reads; the entries cannot be woken
(which would fail).
"""

import argparse

import fresh_site

LOAD = r"""
import os, statistics, time
import transaction
from AccessControl.SecurityManagement import newSecurityManager
from plone import api
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.interface import alsoProvides
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.testing import make_fonds, make_record

N = int(os.environ["BENCH_RECORDS"]); REAL = int(os.environ["BENCH_REAL"])
RENDERS = int(os.environ["BENCH_RENDERS"])
app = makerequest(app)
site = app.archive
setSite(site)
STATES = ["pre_archived"] * 5 + ["archived"] * 85 + ["transferred"] * 10


class Entry:
    # a catalog entry of a record, without the record
    portal_type = "Record"
    Type = "Record"
    effective = expires = None

    def __init__(self, path, i):
        self._path = path
        self.review_state = STATES[i % 100]
        pending = self.review_state == "pre_archived"
        self.arrangement_status = "pending_review" if pending else "archived"
        self.fonds_code = "B001"
        self.archive_year = 2000 + i % 26
        self.allowedRolesAndUsers = ["Manager", "Site Administrator", "user:officer"]
        self.id = self.getId = path.rsplit("/", 1)[1]
        self.Title = self.sortable_title = f"lightweight {i}"

    def getPhysicalPath(self):
        return tuple(self._path.split("/"))


t0 = time.perf_counter()
with api.env.adopt_roles(["Manager"]):
    api.user.create(email="officer@example.org", username="officer", password="bench-12345")
    fonds = make_fonds(site, "bench", "B001")
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    for i in range(REAL):
        make_record(fonds, i + 1)
    transaction.commit()
    catalog = site.portal_catalog._catalog
    base = "/".join(fonds.getPhysicalPath())
    for i in range(N):
        path = f"{base}/lw-{i:06d}"
        catalog.catalogObject(Entry(path, i), path)
        if i % 10000 == 9999:
            transaction.commit()
    transaction.commit()
built = time.perf_counter() - t0
total = len(site.portal_catalog.unrestrictedSearchResults(portal_type="Record", path=base))

request = site.REQUEST
alsoProvides(request, ISdArchiveLayer)
user = site.acl_users.getUserById("officer").__of__(site.acl_users)
newSecurityManager(request, user)


def timed(render):
    render()  # warm up (templates compiled, caches filled)
    render()
    times = []
    for _ in range(RENDERS):
        t = time.perf_counter()
        html = render()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], html


def workbench():
    return site.restrictedTraverse("@@workbench")()


def front_page():
    return site.restrictedTraverse("@@listing_view")()


w50, w95, html = timed(workbench)
b50, b95, _html = timed(front_page)
assert 'sd-wb-officer-B001' in html, html[:2000]
print(f"RESULT records in fonds={total} (real {REAL}, lightweight {N}) built in {built:.0f} s")
print(f"RESULT workbench p50={w50:.1f} ms p95={w95:.1f} ms; "
      f"baseline listing_view p50={b50:.1f} ms p95={b95:.1f} ms; "
      f"ratio p50={w50 / b50:.2f} p95={w95 / b95:.2f}")
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--real", type=int, default=200)
    parser.add_argument("--renders", type=int, default=60)
    args = parser.parse_args()
    env = {
        "BENCH_RECORDS": str(args.records),
        "BENCH_REAL": str(args.real),
        "BENCH_RENDERS": str(args.renders),
        "TZ": "Asia/Shanghai",
    }
    print("\n".join(fresh_site.results(LOAD, env)))


if __name__ == "__main__":
    main()
