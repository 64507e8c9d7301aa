"""The content model on RelStorage + a real PostgreSQL (started by `make test`, see Makefile;
its data directory is outside the checkout, which the postgres user may not enter).

Two separate Zope processes: the first creates the site, a fonds and a record with components
and moves it through the lifecycle; the second reads it back, checks the catalog and re-hashes
the component blobs stored in PostgreSQL.
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
DSN = os.environ.get("SD_ARCHIVE_PG_DSN", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not DSN, reason="needs the PostgreSQL that `make test` starts (SD_ARCHIVE_PG_DSN)"
    ),
]

WRITE = """
import transaction
from plone import api
from zope.component.hooks import setSite
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds, make_record
site = app.archive
setSite(site)
with api.env.adopt_roles(["Manager"]):
    fonds = make_fonds(site)
    record = make_record(fonds, 1)
    assign_code(record, "WS", 2019, "D30", "BGS")
    for t in ("archive", "request_transfer", "transfer", "receive", "open"):
        api.content.transition(record, transition=t)
transaction.commit()
print("WROTE", record.UID())
"""

READ = """
import json
from plone import api
from zope.component.hooks import setSite
from sd.archive.core import digests
site = app.archive
setSite(site)
with api.env.adopt_roles(["Manager"]):
    brains = api.content.find(portal_type="Record", archival_code="J001-WS·2019-D30-BGS-0001")
    record = brains[0].getObject()
    comps = []
    for c in record.objectValues():
        with c.file._blob.open("r") as f:
            found, size = digests.digest_stream(f)
        comps.append({"stored": c.sm3, "rehashed": found["SM3"], "size": size})
    print("JSON" + json.dumps({"state": api.content.get_state(record), "count": len(brains),
          "code": record.archival_code, "components": comps,
          "storage": site._p_jar.db().storage.__class__.__name__}))
"""


def run(args, cwd=ROOT):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=cwd)


def psql(sql):
    """``psql`` as the postgres user, from ``/``: that user may not enter the checkout."""
    return run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            DSN.split("port=")[1].split()[0],
            "-c",
            sql,
        ],
        cwd="/",
    )


def test_content_model_on_relstorage(tmp_path):
    dbname = "sdarchive_test"
    psql(f"DROP DATABASE IF EXISTS {dbname}")
    assert psql(f"CREATE DATABASE {dbname}").returncode == 0
    dsn = DSN.replace("dbname=sdarchive", f"dbname={dbname}")
    var = tmp_path / "var"
    out = run(
        [
            sys.executable,
            "scripts/write_instance.py",
            "--storage",
            "relstorage",
            "--var",
            str(var),
            "--dsn",
            dsn,
        ]
    )
    assert out.returncode == 0, out.stderr
    conf = str(var / "etc" / "zope.conf")
    created = run(
        [str(BIN / "zconsole"), "run", conf, "scripts/create_site.py", "--site", "archive"]
    )
    assert "site ready" in created.stdout, created.stderr[-2000:]
    (tmp_path / "write.py").write_text(WRITE)
    (tmp_path / "read.py").write_text(READ)
    wrote = run([str(BIN / "zconsole"), "run", conf, str(tmp_path / "write.py")])
    assert "WROTE" in wrote.stdout, wrote.stderr[-2000:]
    read = run([str(BIN / "zconsole"), "run", conf, str(tmp_path / "read.py")])
    line = next(x for x in read.stdout.splitlines() if x.startswith("JSON"))
    result = json.loads(line[4:])
    assert result["storage"] == "RelStorage"
    assert result["state"] == "open"
    assert result["count"] == 1
    assert result["code"] == "J001-WS·2019-D30-BGS-0001"
    assert len(result["components"]) == 2
    for comp in result["components"]:
        assert comp["stored"] == comp["rehashed"]
    psql(f"DROP DATABASE IF EXISTS {dbname}")
