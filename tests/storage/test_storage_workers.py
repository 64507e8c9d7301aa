"""Several Zope workers on one RelStorage/PostgreSQL database (#31 item 3).

Real processes on a real PostgreSQL (``make test`` starts it): two ``zconsole`` processes
drain the same after-archiving queue at the same time through ``in_every_site`` (the frame of
every background thread), each record is done once (one AIP version, one ``preserve`` ledger
entry in the shared ledger); the advisory lock of ``sd.archive.workers`` is held by one
connection at a time and freed when its process dies; and a login on worker A is a login on
worker B (scripts/workers.py behind HAProxy).
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import pytest
import requests

from sd.archive import workers

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
DSN = os.environ.get("SD_ARCHIVE_PG_DSN", "")
RECORDS = 8

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not DSN, reason="needs the PostgreSQL that `make test` starts (SD_ARCHIVE_PG_DSN)"
    ),
]

SETUP = """
import json, transaction
from plone import api
from zope.component.hooks import setSite
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import postprocess
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds, make_record
site = app.archive
setSite(site)
uids = []
with api.env.adopt_roles(["Manager"]):
    fonds = make_fonds(site)
    for n in range(1, %(records)d + 1):
        record = make_record(fonds, n)
        assign_code(record, "WS", 2019, "D30", "BGS")
        api.content.transition(record, transition="archive")
        uids.append(record.UID())
transaction.commit()
ledger = current_ledger()
with ledger.log.view() as conn:
    before = {uid: len(list(ledger.log.record_indexes(conn, uid))) for uid in uids}
print("JSON" + json.dumps({"pending": postprocess.pending(site), "before": before}))
"""

# one worker's background thread, made slow enough for the two to overlap
DRAIN = """
import json, time, transaction
from sd.archive.preservation import postprocess, store
from sd.archive.preservation.schedule import in_every_site
slow, attempts = store.start_or_alarm, []
def preserve_slowly(record, *args, **kwargs):
    attempts.append(record.UID())  # work started here, whether its transaction commits or not
    time.sleep(0.3)
    return slow(record, *args, **kwargs)
store.start_or_alarm = preserve_slowly  # where the after-archiving queue starts each AIP
done, rounds, deadline = [], 0, time.monotonic() + 120
db = app._p_jar.db()
while time.monotonic() < deadline:
    rounds += 1
    in_every_site(db, lambda s: done.append(postprocess.drain(s)), "the after-archiving queue")
    transaction.abort()
    if postprocess.pending(app.archive) == 0:
        break
    time.sleep(0.1)
print("JSON" + json.dumps({"done": sum(done), "rounds": rounds, "attempts": attempts}))
"""

CHECK = """
import json
from zope.component.hooks import setSite
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import postprocess, store
site = app.archive
setSite(site)
ledger = current_ledger()
found = {}
with ledger.log.view() as conn:
    for uid in %(uids)r:
        record = store.record_by_uid(uid)
        found[uid] = {"versions": len(store.versions(record)),
                      "entries": len(list(ledger.log.record_indexes(conn, uid)))}
print("JSON" + json.dumps({"pending": postprocess.pending(site), "found": found}))
"""


# the processes of a deployment: archiving queues its work (the test layers do it inline)
ENV = dict(os.environ, SD_ARCHIVE_POSTPROCESS="queue")


def run(args, **kwargs):
    return subprocess.run(
        args, capture_output=True, text=True, timeout=600, cwd=ROOT, env=ENV, **kwargs
    )


def result(proc) -> dict:
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("JSON"))
    return json.loads(line[4:])


def server_dsn() -> str:
    return " ".join(p for p in DSN.split() if not p.startswith("dbname="))


def createdb(name: str) -> str:
    parts = dict(p.split("=", 1) for p in server_dsn().split())
    host, port = parts.get("host", "127.0.0.1"), parts.get("port", "5432")
    for command in ("dropdb", "createdb"):
        args = ["runuser", "-u", "postgres", "--", command, "-h", host, "-p", port, name]
        subprocess.run(args[:5] + ["--if-exists"] + args[5:] if command == "dropdb" else args,
                       cwd="/", check=True, capture_output=True)  # fmt: skip
    return f"{server_dsn()} dbname={name}"


@pytest.fixture(scope="module")
def rel_site(tmp_path_factory):
    """A site on RelStorage in a database of its own, with one shared var directory."""
    dsn = createdb(f"sdworkers_test_{os.getpid()}")
    base = tmp_path_factory.mktemp("workers")
    sys.path.insert(0, str(ROOT / "scripts"))
    from write_instance import write

    conf = write("relstorage", base / "w1", "localhost:0", dsn, base / "shared")
    created = run([BIN / "zconsole", "run", conf, ROOT / "scripts/create_site.py"])
    assert created.returncode == 0, created.stderr[-3000:]
    yield {"dsn": dsn, "base": base, "conf": conf}
    shutil.rmtree(base, ignore_errors=True)


def zconsole(conf, code: str, path: pathlib.Path) -> list:
    path.write_text(code)
    return [BIN / "zconsole", "run", conf, path]


def test_two_processes_drain_one_queue_each_record_once(rel_site):
    base, conf = rel_site["base"], rel_site["conf"]
    setup = result(run(zconsole(conf, SETUP % {"records": RECORDS}, base / "setup.py")))
    assert setup["pending"] == RECORDS
    script = zconsole(conf, DRAIN, base / "drain.py")
    procs = [
        subprocess.Popen(
            script, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        outcomes.append(result(subprocess.CompletedProcess(proc.args, proc.returncode, out, err)))
    assert sum(o["done"] for o in outcomes) == RECORDS  # no record taken twice
    attempts = [uid for o in outcomes for uid in o["attempts"]]
    # no work started twice either (a conflict would undo the ZODB part, not e.g. a signature)
    assert sorted(attempts) == sorted(setup["before"]), attempts
    check = result(run(zconsole(conf, CHECK % {"uids": list(setup["before"])}, base / "c.py")))
    assert check["pending"] == 0
    for uid, found in check["found"].items():
        assert found["versions"] == 1, (uid, found)  # one AIP version
        assert found["entries"] == setup["before"][uid] + 1, (uid, found)  # one preserve entry


def test_the_job_lock_is_held_once_and_freed_when_its_process_dies(rel_site):
    dsn = rel_site["dsn"]
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom sd.archive import workers\n"
         f"with workers.exclusive_dsn({dsn!r}, 'job x') as mine:\n"
         "    print(mine, flush=True)\n    time.sleep(600)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "True"
        with workers.exclusive_dsn(dsn, "job x") as mine:
            assert mine is False  # another process holds it
        with workers.exclusive_dsn(dsn, "job y") as mine:
            assert mine is True  # another job is free
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 10
    while True:
        with workers.exclusive_dsn(dsn, "job x") as mine:
            if mine or time.monotonic() > deadline:
                break
        time.sleep(0.2)
    assert mine is True  # PostgreSQL freed it with the dead process's session
    with workers.exclusive_dsn(None, "job x") as mine:
        assert mine is True  # FileStorage: one process owns the storage


def test_a_login_on_one_worker_is_a_login_on_the_other(rel_site, tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_intake import free_ports

    front, first, _second = free_ports(3)  # HAProxy, worker 1, worker 2
    start = run(
        [BIN / "python", ROOT / "scripts/workers.py", "start", "--workers", "2",
         "--dsn", rel_site["dsn"], "--base", tmp_path, "--listen", f"localhost:{front}",
         "--first-port", str(first), "--blobs", "database"]
    )  # fmt: skip
    try:
        assert start.returncode == 0, start.stderr[-3000:]
        browser = requests.Session()
        answer = browser.post(
            f"http://localhost:{first}/archive/login",
            data={"__ac_name": "admin", "__ac_password": "admin", "buttons.login": "登录"},
            allow_redirects=False,
        )
        assert answer.status_code == 302 and "__ac" in browser.cookies
        panel = "archive/@@overview-controlpanel"
        for port in (first, first + 1, front, front):  # A, B, then HAProxy's round robin
            page = browser.get(f"http://localhost:{port}/{panel}", allow_redirects=False)
            assert page.status_code == 200, port
        anonymous = requests.get(
            f"http://localhost:{first + 1}/{panel}", allow_redirects=False, timeout=60
        )
        assert anonymous.status_code == 302  # to the login form: the cookie is what counts
    finally:
        run([BIN / "python", ROOT / "scripts/workers.py", "stop", "--base", tmp_path])


def test_an_advisory_lock_waits_for_the_other_process_and_keeps_its_session(rel_site):
    """``workers.advisory_lock``: the intake write lock and the series locks across workers."""
    dsn = rel_site["dsn"]
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom sd.archive import workers\n"
         f"release = workers.advisory_lock({dsn!r}, 'intake /x', 5)\n"
         "print(release is not None, flush=True)\nsys.stdin.readline()\nrelease()\n"
         "print('released', flush=True)\ntime.sleep(600)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "True"
        t0 = time.monotonic()
        assert workers.advisory_lock(dsn, "intake /x", 0.3) is None  # waited, then gave up
        assert time.monotonic() - t0 >= 0.3
        other = workers.advisory_lock(dsn, "intake /y", 0.3)
        assert other is not None  # another name is free
        session = workers._sessions.conn
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"  # released, process still alive
        mine = workers.advisory_lock(dsn, "intake /x", 5)
        assert mine is not None
        assert workers._sessions.conn is session  # one session per thread, not one per lock
        mine()
        other()
    finally:
        holder.kill()
        holder.wait()


def test_two_workers_take_concurrent_intake_without_conflicts(tmp_path):
    """Concurrent ``POST @archive`` into one fonds and series through two workers: every
    package 201 and no ConflictError at all in the workers' event logs (the intake write lock
    is a PostgreSQL advisory lock too; without it the BTree nodes of the catalog conflict)."""
    import concurrent.futures

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_intake import SETUP as FONDS
    from bench_intake import free_ports
    from bench_intake import package

    dsn = createdb(f"sdworkers_intake_{os.getpid()}")
    front, first, _second = free_ports(3)  # HAProxy, worker 1, worker 2
    start = run(
        [BIN / "python", ROOT / "scripts/workers.py", "start", "--workers", "2", "--dsn", dsn,
         "--base", tmp_path, "--listen", f"localhost:{front}", "--first-port", str(first),
         "--env", "SD_ARCHIVE_POSTPROCESS_WORKER=off"]
    )  # fmt: skip
    try:
        assert start.returncode == 0, start.stderr[-3000:]
        result(run(zconsole(tmp_path / "w1/etc/zope.conf", FONDS + "print('JSON{}')",
                            tmp_path / "fonds.py")))  # fmt: skip
        bodies = [package(n, 20) for n in range(1, 25)]

        def post(body, port):
            return requests.post(
                f"http://localhost:{port}/archive/@archive",
                data=body,
                headers={"Content-Type": "application/zip", "Accept": "application/json"},
                auth=("svc-j001", "svc-j001-bench"),
                timeout=300,
            )

        with concurrent.futures.ThreadPoolExecutor(8) as pool:  # half to each worker
            answers = list(pool.map(post, bodies, [first + i % 2 for i in range(len(bodies))]))
        assert [a.status_code for a in answers] == [201] * len(bodies), [
            a.text[:300] for a in answers if a.status_code != 201
        ]
        codes = sorted(a.json()["archival_code"] for a in answers)
        assert len(set(codes)) == len(bodies)
        logs = "".join(p.read_text() for p in tmp_path.glob("w*/log/event.log"))
        conflicts = re.findall(r"conflict \w+ oid=\S+ class=\S+ retry=\w+", logs)
        assert conflicts == []
    finally:
        run([BIN / "python", ROOT / "scripts/workers.py", "stop", "--base", tmp_path])


def test_what_another_process_changed_is_prefetched_in_one_call():
    """``workers.restart_prefetched``: after another worker's commit, the objects of this
    connection's cache it changed are loaded together as the next transaction starts."""
    import transaction
    from BTrees.OOBTree import OOBTree
    from relstorage.adapters.postgresql import PostgreSQLAdapter
    from relstorage.options import Options
    from relstorage.storage import RelStorage
    from ZODB import DB

    dsn = createdb(f"sdworkers_prefetch_{os.getpid()}")

    def open_db():
        options = Options(keep_history=False)
        return DB(RelStorage(PostgreSQLAdapter(dsn=dsn, options=options), options=options))

    one, other = open_db(), open_db()
    tm_one, tm_other = transaction.TransactionManager(), transaction.TransactionManager()
    try:
        root = one.open(tm_one).root()
        root["tree"], root["left alone"] = OOBTree({"a": 1}), OOBTree({"b": 2})
        tm_one.commit()
        mine = other.open(tm_other)
        tree = mine.root()["tree"]
        assert tree["a"] == 1 and mine.root()["left alone"]["b"] == 2  # both in the cache
        root["tree"]["a"] = 2  # the other worker's commit
        tm_one.commit()
        asked = []
        mine.prefetch = lambda oids: asked.extend(oids)

        def restart():
            tm_other.abort()
            return tm_other.get()

        assert workers.restart_prefetched(mine, restart) is tm_other.get()
        assert asked == [tree._p_oid]  # the changed one, not the other
        assert tree["a"] == 2  # the new snapshot
    finally:
        tm_one.abort()
        tm_other.abort()
        one.close()
        other.close()


def test_a_worker_that_dies_at_start_is_reported_at_once_with_its_log(tmp_path):
    """``scripts/workers.py`` does not wait its 180 s for a worker that has ended: it stops at
    once and shows the end of the worker's output and event log (a CI run once timed out on a
    worker that never answered, with nothing to say why)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.path.insert(0, str(ROOT / "bench"))
    import workers as script
    from bench_intake import free_port

    (tmp_path / "stdout.log").write_text("OSError: [Errno 98] Address already in use\n")
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    dead.wait()
    started = time.monotonic()
    with pytest.raises(SystemExit) as stopped:
        script.wait_http(f"http://localhost:{free_port()}/archive/ok", process=dead, log=tmp_path)
    assert time.monotonic() - started < 10
    assert "ended (exit 3)" in str(stopped.value)
    assert "Address already in use" in str(stopped.value)
    assert "no event.log" in str(stopped.value)
