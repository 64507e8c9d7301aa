"""Open-access review (#25 item 7) on a throw-away FileStorage instance (bench/fresh_site.py).

A fonds with ``--records`` (default 10,000) real records in the archives' holdings (each
archived, transferred and received: ledger entries, AIP), all of 1995 (closure ended
2020-12-31). The batch is proposed, decided in bulk (every tenth record controlled use with
its reason and next review date, the rest open) and then **approved by a second reviewer**:
timed from the call to the end of the commit — every record's status, next review date,
``open``/``control`` transition with its ledger entry, audit trail, reindex. Checked
afterwards: the states, and how many records an anonymous catalog query finds open.

Baseline in the same run, on the same records just before the approval: a plain catalog
reindex of every record (``reindexObject()``), committed.

    .venv/bin/python bench/bench_openreview.py [--records 10000]

Goal: approval of a 10,000-record batch ≤ 60 s.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import fresh_site  # noqa: E402

LOAD = """
import os, time, datetime, transaction
from plone import api
from zope.component.hooks import setSite
site = app.archive
setSite(site)
from sd.archive.numbering import assign_code
from sd.archive.openreview import batches
from sd.archive.repository import ComponentData, create_record
from sd.archive.testing import make_fonds

N = int(os.environ["BENCH_RECORDS"])
wf = api.portal.get_tool("portal_workflow")
catalog = api.portal.get_tool("portal_catalog")
with api.env.adopt_user(username="admin"):
    fonds = make_fonds(site, "kf", "K001")
    for user_id in ("reviewer-a", "reviewer-b"):
        api.user.create(email=f"{user_id}@example.org", username=user_id,
                        password="secret-12345", roles=["Archivist"])
    transaction.commit()
    t0 = time.perf_counter()
    for i in range(N):
        values = {"title": f"关于第{i}批档案开放的通知", "record_kind": "电子公文",
                  "electronic_record_id": f"K-{i:06d}", "fonds_code": "K001", "year": 1995,
                  "retention_period": "Y", "pages": 1 + i % 9}
        record = create_record(fonds, values, [ComponentData(
            filename="正文.txt", data=f"第{i}号文件正文".encode() * 20, role="正本",
            sequence=1, content_type="text/plain", format_name="TXT")])
        assign_code(record, "WS", 1995, "Y", "BGS")
        for transition in ("archive", "request_transfer", "transfer", "receive"):
            wf.doActionFor(record, transition)
        if i % 200 == 199:
            transaction.commit()
            print(f"made {i + 1}", flush=True)
    transaction.commit()
    made = time.perf_counter() - t0
with api.env.adopt_user(username="reviewer-a"):
    t0 = time.perf_counter()
    batch = batches.propose(fonds, datetime.date(2026, 1, 1), "1995 年度开放审核")
    transaction.commit()
    proposed = time.perf_counter() - t0
    uids = list(batch.items.keys())
    t0 = time.perf_counter()
    batches.decide(batch, {"uids": uids[::10], "decision": "controlled", "reason": "涉及个人隐私",
                           "next_review": "2031-01-01"})
    batches.decide(batch, {"uids": "all", "decision": "open"})
    transaction.commit()
    decided = time.perf_counter() - t0
site._p_jar.cacheMinimize()
records = [catalog.unrestrictedSearchResults(UID=u)[0]._unrestrictedGetObject() for u in uids]
t0 = time.perf_counter()
for record in records:
    record.reindexObject()
transaction.commit()
baseline = time.perf_counter() - t0
site._p_jar.cacheMinimize()
with api.env.adopt_user(username="reviewer-b"):
    batches.check(batch, "已复核")  # the second review (复核) of a large batch, not timed
    transaction.commit()
    site._p_jar.cacheMinimize()
    t0 = time.perf_counter()
    results = batches.approve(batch)
    transaction.commit()
    approved = time.perf_counter() - t0
states = {}
for b in catalog.unrestrictedSearchResults(portal_type="Record", path="/archive/kf"):
    states[b.review_state] = states.get(b.review_state, 0) + 1
with api.env.adopt_roles(["Anonymous"]):
    public = len(catalog.searchResults(portal_type="Record", review_state="open"))
print(f"RESULT made records={N} in {made:.0f}s; proposal {proposed:.1f}s; decisions {decided:.1f}s")
print(f"RESULT approval records={batch.size} {approved:.1f}s (goal 60s) baseline-reindex "
      f"{baseline:.1f}s ratio={approved / baseline:.2f}x results="
      f"{ {k: v for k, v in results.items() if k != 'withheld'} } states={states} "
      f"anonymous-finds-open={public}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    out = fresh_site.results(LOAD, {"BENCH_RECORDS": str(args.records)})
    print("\n".join(out), f"(whole run {time.perf_counter() - t0:.0f}s)")


if __name__ == "__main__":
    main()
