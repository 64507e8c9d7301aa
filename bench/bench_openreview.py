"""Open-access review (#25 item 7) on a throw-away FileStorage instance (bench/fresh_site.py).

A fonds with ``--records`` (default 10,000) real records in the archives' holdings, all of 1994
and 1995 (closure ended 2019/2020-12-31; an item number series holds 9,999), each with a text
file, numbered and archived for real (its ``archive`` ledger entry: the record is guarded from
then on); to save setup time the transfer's three steps (request, transfer, receive) are written
as the workflow leaves them — history entries, the ``received`` state's role mappings, the
catalog's state and security — without their ledger entries and AIP (``--setup workflow`` runs
the real transitions); the after-archiving work is queued and its worker off (the records' AIPs
are not written). The batch is proposed, decided in bulk (every tenth record controlled use with
its reason and next review date, the rest open), checked and then **approved by a second
reviewer** as the REST endpoint does it: in chunks of ``--chunk`` records with a commit each —
every record's ledger check, status, next review date, state change (history, role mappings,
ledger entry, audit trail), the indexes and columns that change. Checked afterwards: the states,
how many records an anonymous catalog query finds open, and a sample of records against the
ledger.

Baseline in the same run, on the same records just before the approval: a plain catalog
reindex of every record (``reindexObject()``), committed.

    .venv/bin/python bench/bench_openreview.py [--records 10000] [--chunk 500]

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
from DateTime import DateTime
from plone import api
from zope.component.hooks import setSite
site = app.archive
setSite(site)
from sd.archive.ledger import records as ledger_records
from sd.archive.ledger.current import current_ledger
from sd.archive.numbering import assign_code
from sd.archive.openreview import approval, decisions, proposal
from sd.archive.repository import ComponentData, create_record
from sd.archive.testing import make_fonds

N = int(os.environ["BENCH_RECORDS"])
CHUNK = int(os.environ["BENCH_CHUNK"])
wf = api.portal.get_tool("portal_workflow")
record_wf = wf.getWorkflowById("sd_record_workflow")
catalog = api.portal.get_tool("portal_catalog")


def to_holdings(record):
    # archived for real (the ledger's archive entry: the record is guarded from then on),
    # then moved on to 进馆 (received) as the transfer's three steps leave it: history
    # entries, the state's role mappings, the catalog's state and security
    wf.doActionFor(record, "archive")
    for action, state in (("request_transfer", "transfer_pending"), ("transfer", "transferred"),
                          ("receive", "received")):
        wf.setStatusOf("sd_record_workflow", record, {
            "action": action, "actor": "admin", "comments": "bench", "review_state": state,
            "time": DateTime()})
    record_wf.updateRoleMappingsFor(record)
    record.reindexObject(idxs=["review_state", "allowedRolesAndUsers"])


with api.env.adopt_user(username="admin"):
    fonds = make_fonds(site, "kf", "K001")
    for user_id in ("reviewer-a", "reviewer-b"):
        api.user.create(email=f"{user_id}@example.org", username=user_id,
                        password="secret-12345", roles=["Archivist"])
    transaction.commit()
    t0 = time.perf_counter()
    for i in range(N):
        values = {"title": f"关于第{i}批档案开放的通知", "record_kind": "电子公文",
                  "electronic_record_id": f"K-{i:06d}", "fonds_code": "K001", "year": 1994 + i % 2,
                  "retention_period": "Y", "pages": 1 + i % 9}
        record = create_record(fonds, values, [ComponentData(
            filename="正文.txt", data=f"第{i}号文件正文".encode() * 20, role="正本",
            sequence=1, content_type="text/plain", format_name="TXT")])
        assign_code(record, "WS", 1994 + i % 2, "Y", "BGS")  # 件号 ≤ 9999 a year
        if os.environ.get("BENCH_SETUP") == "workflow":
            for transition in ("archive", "request_transfer", "transfer", "receive"):
                wf.doActionFor(record, transition)
        else:
            to_holdings(record)
        if i % 500 == 499:
            transaction.commit()
            site._p_jar.cacheMinimize()
            print(f"made {i + 1} in {time.perf_counter() - t0:.0f}s", flush=True)
    transaction.commit()
    made = time.perf_counter() - t0
with api.env.adopt_user(username="reviewer-a"):
    t0 = time.perf_counter()
    batch = proposal.propose(fonds, datetime.date(2026, 1, 1), "1994–1995 年度开放审核")
    transaction.commit()
    proposed = time.perf_counter() - t0
    uids = list(batch.items.keys())
    t0 = time.perf_counter()
    decisions.decide(batch, {"uids": uids[::10], "decision": "controlled",
                             "reason": "涉及个人隐私", "next_review": "2031-01-01"})
    decisions.decide(batch, {"uids": "all", "decision": "open"})
    transaction.commit()
    decided = time.perf_counter() - t0
site._p_jar.cacheMinimize()
records = [catalog.unrestrictedSearchResults(UID=u)[0]._unrestrictedGetObject() for u in uids]
t0 = time.perf_counter()
for record in records:
    record.reindexObject()
transaction.commit()
baseline = time.perf_counter() - t0
del records
site._p_jar.cacheMinimize()
with api.env.adopt_user(username="reviewer-b"):
    decisions.check(batch, "已复核")  # the second review (复核) of a large batch, not timed
    transaction.commit()
    site._p_jar.cacheMinimize()
    t0 = time.perf_counter()
    results = approval.approve(batch, commit=transaction.commit, chunk=CHUNK)
    approved = time.perf_counter() - t0
states = {}
for b in catalog.unrestrictedSearchResults(portal_type="Record", path="/archive/kf"):
    states[b.review_state] = states.get(b.review_state, 0) + 1
with api.env.adopt_roles(["Anonymous"]):
    public = len(catalog.searchResults(portal_type="Record", review_state="open"))
sample = [catalog.unrestrictedSearchResults(UID=u)[0]._unrestrictedGetObject()
          for u in uids[:: max(1, len(uids) // 50)]]
intact = sum(ledger_records.tamper_status(r, current_ledger()).intact for r in sample)
print(f"RESULT made records={N} in {made:.0f}s ({made / N * 1000:.0f} ms/record); "
      f"proposal {proposed:.1f}s; decisions {decided:.1f}s; load {os.getloadavg()}")
print(f"RESULT approval records={batch.size} chunk={CHUNK} {approved:.1f}s "
      f"({approved / batch.size * 1000:.1f} ms/record; goal 60s for 10,000) "
      f"baseline-reindex {baseline:.1f}s ratio={approved / baseline:.2f}x results="
      f"{ {k: v for k, v in results.items() if k != 'withheld'} } states={states} "
      f"anonymous-finds-open={public} ledger-intact={intact}/{len(sample)}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument(
        "--setup", choices=("direct", "workflow"), default="direct", help="how records reach 进馆"
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    env = {"BENCH_RECORDS": str(args.records), "BENCH_CHUNK": str(args.chunk)}
    # the after-archiving worker (AIPs of the records made) would run beside the timed parts
    env["SD_ARCHIVE_POSTPROCESS_WORKER"] = "off"
    env["SD_ARCHIVE_POSTPROCESS"] = "queue"  # queued, not written (sd.archive.testing: inline)
    out = fresh_site.results(LOAD, {**env, "BENCH_SETUP": args.setup})
    print("\n".join(out), f"(whole run {time.perf_counter() - t0:.0f}s)")


if __name__ == "__main__":
    main()
