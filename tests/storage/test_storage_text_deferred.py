"""Intake through two Zope workers on RelStorage/PostgreSQL with the text indexes deferred
(search/deferred.py, ``SD_ARCHIVE_TEXT_INDEXING=deferred``, #31 item 3): real processes behind
HAProxy, packages sent at once to both; every record is answered 201, queued in
``sd_text_pending`` and then indexed by the text thread of one worker — each record once, the
queue empty, every record found by its title and its full text, no ConflictError reaching a
client.

Needs the PostgreSQL that ``make test`` starts (``SD_ARCHIVE_PG_DSN``) and HAProxy."""

import os
import subprocess
import sys
import threading
import time

import psycopg2
import pytest
from test_storage_workers import BIN
from test_storage_workers import DSN
from test_storage_workers import ROOT
from test_storage_workers import createdb
from test_storage_workers import result
from test_storage_workers import run

RECORDS = 12

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not DSN, reason="needs the PostgreSQL that `make test` starts (SD_ARCHIVE_PG_DSN)"
    ),
]

CHECK = """
import json
from zope.component.hooks import setSite
site = app.archive
setSite(site)
catalog = site.portal_catalog
records = catalog.unrestrictedSearchResults(portal_type="Record")
found = {}
for brain in records:
    rid = brain.getRID()
    found[brain.UID] = {
        "indexed": [n for n in ("SearchableText", "Title", "record_title")
                    if catalog._catalog.getIndex(n).index.has_doc(rid)],
        "by_title": [b.UID for b in catalog.unrestrictedSearchResults(record_title=brain.Title)],
        "by_text": [b.UID for b in catalog.unrestrictedSearchResults(SearchableText=brain.Title)],
    }
print("JSON" + json.dumps(found))
"""


def pending(dsn: str) -> int:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM sd_text_pending")
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_two_workers_intake_then_text_indexed_once(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_intake import SETUP
    from bench_intake import free_ports
    from bench_intake import package
    from bench_intake import session

    dsn = createdb(f"sdtext_test_{os.getpid()}")
    front, first, _second = free_ports(3)  # HAProxy, worker 1, worker 2
    start = run(
        [BIN / "python", ROOT / "scripts/workers.py", "start", "--workers", "2", "--dsn", dsn,
         "--base", tmp_path, "--listen", f"localhost:{front}", "--first-port", str(first),
         "--blobs", "shared", "--env", "SD_ARCHIVE_POSTPROCESS_WORKER=off",
         "--env", "SD_ARCHIVE_TEXT_INDEXING=deferred"]
    )  # fmt: skip
    try:
        assert start.returncode == 0, start.stderr[-3000:]
        setup = tmp_path / "setup.py"
        setup.write_text(SETUP)
        made = run([BIN / "zconsole", "run", tmp_path / "w1/etc/zope.conf", setup])
        assert made.returncode == 0, made.stderr[-3000:]
        answers, lock = [], threading.Lock()
        todo = [package(n, 20) for n in range(1, RECORDS + 1)]

        def client():
            svc = session("svc-j001", "svc-j001-bench")
            while True:
                with lock:
                    if not todo:
                        return
                    body = todo.pop(0)
                r = svc.post(f"http://localhost:{front}/archive/@archive", data=body,
                             headers={"Content-Type": "application/zip"}, timeout=120)  # fmt: skip
                with lock:
                    answers.append((r.status_code, r.text[:300]))

        clients = [threading.Thread(target=client) for _ in range(6)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        assert [a for a in answers if a[0] != 201] == []
        deadline = time.monotonic() + 60
        while pending(dsn) and time.monotonic() < deadline:
            time.sleep(0.5)  # the text thread of one worker, every second
        assert pending(dsn) == 0
        check = tmp_path / "check.py"
        check.write_text(CHECK)
        found = result(run([BIN / "zconsole", "run", tmp_path / "w1/etc/zope.conf", check]))
        assert len(found) == RECORDS
        for uid, entry in found.items():
            assert entry["indexed"] == ["SearchableText", "Title", "record_title"], uid
            assert uid in entry["by_title"] and uid in entry["by_text"], (uid, entry)
        logs = "".join(p.read_text() for p in tmp_path.glob("w*/log/event.log"))
        assert "retry=False" not in logs  # no ConflictError reached a client
        assert "deferred text indexing of archive failed" not in logs
    finally:
        run([BIN / "python", ROOT / "scripts/workers.py", "stop", "--base", tmp_path])
        time.sleep(1)
        parts = dict(p.split("=", 1) for p in dsn.split())
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "dropdb", "-h", parts["host"], "-p", parts["port"],
             "--if-exists", parts["dbname"]], cwd="/", check=False, capture_output=True,
        )  # fmt: skip
