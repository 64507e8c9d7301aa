"""Appraisal and destruction (#25) on a throw-away FileStorage instance (bench/fresh_site.py).

1. **Due list** (到期档案清单) of a fonds with ``--due-records`` (default 100,000) catalog
   entries, made in one process (one real record's catalog values under N paths, dates varied:
   a third expired, a tenth expiring, the rest later or permanent; written straight into the
   catalog's indexes and metadata, ~1,000/s), measured in a new one (cold: nothing loaded;
   ``cacheMinimize`` before each run) and warm: what ``GET @retention-due`` reads (the total
   and a page of 100 — the default — or 500 rows), every row at once (the XLSX path), with the
   ZODB loads counted. Baselines in the same run: the previous query (``portal_type`` + path +
   ``review_state`` "not" + range, the catalog's own sort with a limit, 500 rows) and the
   fonds' records listed without the date range and sort, 500 rows.
2. **Destruction** (销毁执行) of a ``--records`` (default 10,000) batch of real records (one
   text file each, archived: ledger entry, AIP in both online locations), proposed, opined by
   two members, approved, then executed in chunks of ``--chunk`` with a commit each — in a
   child process that is **killed (SIGKILL)** once ``--kill-at`` of the records are done, then
   resumed to the end in a new process. Checked afterwards: every record destroyed, exactly
   one ``destroy`` ledger entry each, no AIP file of theirs left in any location. Baseline in
   the same run: the proposal of the same records (the ``appraise`` transition with its ledger
   entry per record), the same kind of per-record work without the removal of copies.

    .venv/bin/python bench/bench_appraisal.py [--due-records 100000] [--records 10000]

Goals: due list ≤ 1 s; execution ≤ 120 s, resumable after a kill.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import fresh_site  # noqa: E402

COMMON = """
import os, time, datetime, transaction
from plone import api
from zope.component.hooks import setSite
site = app.archive
setSite(site)
"""

DUE_MAKE = (
    COMMON
    + """
from sd.archive import retention
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds, make_record

N = int(os.environ["BENCH_DUE"])
with api.env.adopt_roles(["Manager"]):
    fonds = make_fonds(site, "due", "D001")
    record = make_record(fonds, 1, retention_period="D10")
    assign_code(record, "WS", 2011, "D10", "BGS")
    api.content.transition(record, transition="archive")
    transaction.commit()
    catalog = api.portal.get_tool("portal_catalog")
    rpath = "/".join(record.getPhysicalPath())
    values = dict(catalog.getMetadataForUID(rpath))  # every metadata column, as catalogued
    data = catalog.getIndexDataForUID(rpath)
    values.update({k: data[k] for k in ("portal_type", "allowedRolesAndUsers", "review_state")})

    class Entry:
        # a catalog entry's values read as plain attributes: no indexer, no wrapper
        __slots__ = ("_v", "_path")

        def __init__(self, v, path):
            self._v, self._path = v, path

        def getPhysicalPath(self):
            return self._path

        def __getattr__(self, name):
            try:
                return self._v[name]
            except KeyError:
                raise AttributeError(name) from None

    idxs = ["portal_type", "path", "retention_due", "allowedRolesAndUsers", "review_state"]
    today = retention.today()
    prefix, base = fonds.getPhysicalPath(), "/".join(fonds.getPhysicalPath())
    t0 = time.perf_counter()
    for i in range(N):
        kind = i % 30
        if kind < 10:
            due = datetime.date(2011 + i % 12, 12, 31)  # expired
        elif kind < 13:
            due = today + datetime.timedelta(days=30 + i % 300)  # expiring
        elif kind < 29:
            due = datetime.date(2040 + i % 30, 12, 31)  # later
        else:
            due = None  # permanent: no due date
        name = f"r{i:07d}"
        v = dict(values, UID=f"bench{i:07d}", Title=f"关于第{i}批档案的通知", id=name,
                 getId=name, archival_code=f"D001-WS-2011-D10-BGS-{i:06d}", retention_due=due,
                 retention_period="Y" if due is None else "D10")
        catalog._catalog.catalogObject(Entry(v, (*prefix, name)), f"{base}/{name}", None, idxs)
        if i % 10000 == 9999:
            transaction.commit()
    transaction.commit()
    made = time.perf_counter() - t0
entries = len(catalog.unrestrictedSearchResults(portal_type="Record", path=base))
print(f"RESULT due-list entries={entries} made in {made:.0f}s ({N / made:.0f}/s)")
"""
)

DUE_LOAD = (
    COMMON
    + """
from sd.archive import retention
from sd.archive.core import retention as rules

catalog = api.portal.get_tool("portal_catalog")
fonds = site.due
base = "/".join(fonds.getPhysicalPath())
conn = site._p_jar
loads = [0]
storage_load = conn._storage.load


def counted(oid, *args):
    loads[0] += 1
    return storage_load(oid, *args)


conn._storage.load = counted
on = retention.today()


def timed(call, cold):
    runs = []
    for _ in range(5):
        if cold:
            conn.cacheMinimize()
        loads[0] = 0
        t0 = time.perf_counter()
        found = call()
        runs.append((time.perf_counter() - t0, loads[0], found))
    runs.sort(key=lambda r: r[0])
    return runs[2]


def before():  # the third session's GET @retention-due: a query for the total, one for the
    # page (portal_type + path + review_state "not" + range, the catalog's sort with a limit)
    def query(**limit):
        return catalog.searchResults(
            portal_type="Record", path=base,
            review_state={"not": sorted(retention.NOT_HELD)},
            retention_due={"query": rules.add_months(on, 12), "range": "max"},
            sort_on="retention_due", **limit)
    return len(query()), [(b.UID, b.getURL(), b.archival_code, b.Title, b.archive_year,
                           b.retention_period, b.retention_due, b.review_state)
                          for b in query(sort_limit=500)[:500]]


def page(size):  # what GET @retention-due answers now: the total and a page (default 100)
    return lambda: retention.due_page(fonds, 12, on, size=size)


def plain():  # the fonds' records listed without the date range and sort, 500 rows read
    brains = catalog.searchResults(portal_type="Record", path=base)
    return [(b.UID, b.archival_code, b.Title, b.review_state, b.getURL()) for b in brains[:500]]


def whole():  # every row at once (the XLSX export)
    return retention.due_page(fonds, 12, on)


with api.env.adopt_user(username="admin"):
    before()
    out = {}
    for cold in (True, False):
        for name, call in (("plain", plain), ("before", before), ("page500", page(500)),
                           ("page100", page(100))):
            out[name, cold] = timed(call, cold)
    out["whole", True] = timed(whole, True)
total, rows = out["page100", True][2]
assert total == out["before", True][2][0], (total, out["before", True][2][0])
print(f"RESULT due-list due={total} page={len(rows)} (load average {os.getloadavg()[0]:.1f})")
for cold in (True, False):
    label = "cold" if cold else "warm"
    for name in ("plain", "before", "page500", "page100"):
        t, n, _ = out[name, cold]
        print(f"RESULT due-list {label} {name:8s} {t:.3f}s ({n} ZODB loads), ratio to before "
              f"{t / out['before', cold][0]:.2f}x, to plain {t / out['plain', cold][0]:.2f}x")
t, n, (count, _rows) = out["whole", True]
print(f"RESULT due-list every row ({count}) cold {t:.2f}s ({n} ZODB loads; the XLSX path)")
"""
)

MAKE_LOAD = (
    COMMON
    + """
from sd.archive.appraisal import batches
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData, create_record
from sd.archive.testing import make_fonds

N = int(os.environ["BENCH_RECORDS"])
wf = api.portal.get_tool("portal_workflow")
with api.env.adopt_user(username="admin"):
    fonds = make_fonds(site, "dx", "X001")
    for user_id in ("member-a", "member-b", "boss"):
        roles = ["AgencyLeader"] if user_id == "boss" else ["Member"]  # 机关领导
        api.user.create(email=f"{user_id}@example.org", username=user_id,
                        password="secret-12345", roles=roles)
    transaction.commit()
    t0 = time.perf_counter()
    for i in range(N):
        year = 2011 + i // 5000  # an item-number series holds 9,999 records: 5,000 a year
        values = {"title": f"关于第{i}批档案工作的通知", "record_kind": "电子公文",
                  "electronic_record_id": f"X-{i:06d}", "fonds_code": "X001", "year": year,
                  "retention_period": "D10", "pages": 1 + i % 9}
        data = f"第{i}号文件正文".encode() * 20
        record = create_record(fonds, values, [ComponentData(
            filename="正文.txt", data=data, role="正本", sequence=1,
            content_type="text/plain", format_name="TXT")])
        assign_code(record, "WS", year, "D10", "BGS")
        wf.doActionFor(record, "archive")
        if i % 200 == 199:
            transaction.commit()
            print(f"made {i + 1}", flush=True)
    transaction.commit()
    made = time.perf_counter() - t0
    batches.set_group(fonds, "agency", ["member-a", "member-b"])
    transaction.commit()
    uids = [b.UID for b in api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        portal_type="Record", path="/".join(fonds.getPhysicalPath()))]
    t0 = time.perf_counter()
    batch = batches.propose(fonds, uids, reason="保管期满")
    transaction.commit()
    proposed = time.perf_counter() - t0
for member in ("member-a", "member-b"):
    with api.env.adopt_user(username=member):
        batches.record_opinion(batch, {"decision": "destroy", "reason": "已无保存价值"})
with api.env.adopt_user(username="admin"):
    batches.submit(batch)
with api.env.adopt_user(username="boss"):
    batches.decide(batch, True, "同意")
transaction.commit()
print(f"RESULT made records={N} in {made:.0f}s ({N / made:.0f}/s); "
      f"proposal (baseline) {proposed:.1f}s")
"""
)

EXECUTE_LOAD = (
    COMMON
    + """
from sd.archive.appraisal import execution
batch = [o for o in site.dx.objectValues() if o.portal_type == "AppraisalBatch"][0]
with api.env.adopt_user(username="admin"):
    t0 = time.perf_counter()
    status = execution.execute(batch, ["张三", "李四"], chunk=int(os.environ["BENCH_CHUNK"]),
                               commit=transaction.commit, progress=lambda l: print(l, flush=True))
print(f"RESULT run {time.perf_counter() - t0:.1f}s state={status['state']} "
      f"destroyed={status['destroyed']}")
"""
)

CHECK_LOAD = (
    COMMON
    + """
import pathlib
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import config
from sd.archive.core.preservation.storage import aip_path
catalog = api.portal.get_tool("portal_catalog")
brains = catalog.unrestrictedSearchResults(portal_type="Record", path="/archive/dx")
records = [b._unrestrictedGetObject() for b in brains]
records = [r for r in records if r.retention_period != "Y"]  # not the filed certificate
log = current_ledger().log
states, destroys, files = {}, {}, 0
with log.view() as conn:
    for r in records:
        states[api.content.get_state(r)] = states.get(api.content.get_state(r), 0) + 1
        entries = [log.entry(conn, i)[0] for i in log.record_indexes(conn, r.UID())]
        n = sum(1 for e in entries if b'"destroy"' in e)
        destroys[n] = destroys.get(n, 0) + 1
locs = config.online_locations()
for loc in locs:
    files += sum(1 for p in pathlib.Path(loc.root).rglob("*.eep")
                 if "/X001/2011/" in str(p) or "/X001/2012/" in str(p))  # not the certificate
print(f"RESULT check states={states} destroy-entries-per-record={destroys} "
      f"X001-aip-files-left={files}")
"""
)


def run(conf, tmp, name, load, env, kill_at=None, total=0):
    """Run ``load`` in the instance; with ``kill_at``, SIGKILL it once that many records are
    done (read from its progress lines). Returns (RESULT lines, killed, seconds)."""
    script = pathlib.Path(tmp) / f"{name}.py"
    script.write_text(load)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        fresh_site.command(conf, script),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=fresh_site.ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    lines, killed = [], False
    for line in proc.stdout:
        lines.append(line.rstrip())
        if kill_at and line.split("/")[0].isdigit() and int(line.split("/")[0]) >= kill_at:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            break
    proc.wait()
    seconds = time.perf_counter() - t0
    if not killed and proc.returncode:
        print(proc.stderr.read()[-3000:])
        sys.exit(1)
    return [x for x in lines if x.startswith("RESULT")], killed, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due-records", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--kill-at", type=float, default=0.4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sd-bench-appraisal-") as tmp:
        conf = fresh_site.instance(tmp)
        if args.due_records:
            env = {"BENCH_DUE": str(args.due_records)}
            out, _k, _s = run(conf, tmp, "due-make", DUE_MAKE, env)
            print("\n".join(out))
            out, _k, _s = run(conf, tmp, "due", DUE_LOAD, env)  # a new process: cold
            print("\n".join(out))
        if args.records:
            env = {"BENCH_RECORDS": str(args.records), "BENCH_CHUNK": str(args.chunk)}
            out, _k, made = run(conf, tmp, "make", MAKE_LOAD, env)
            print("\n".join(out), f"(setup {made:.0f}s)")
            proposal = float(out[0].split("proposal (baseline) ")[1].rstrip("s"))
            kill = max(1, int(args.records * args.kill_at))
            out, killed, first = run(conf, tmp, "execute", EXECUTE_LOAD, env, kill_at=kill)
            print(f"RESULT first run killed={killed} after {first:.1f}s (at >= {kill} records)")
            out, _k, second = run(conf, tmp, "resume", EXECUTE_LOAD, env)
            print("\n".join(out), f"(process {second:.1f}s)")
            total = first + second
            print(
                f"RESULT execution total {total:.1f}s for {args.records} records (goal 120s, "
                f"two process starts included); ratio to the proposal {total / proposal:.2f}x"
            )
            out, _k, _s = run(conf, tmp, "check", CHECK_LOAD, env)
            print("\n".join(out))


if __name__ == "__main__":
    main()
