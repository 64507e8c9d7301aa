"""Prove that the received holdings and the evidence ledger agree (移交接收账实核对).

    zconsole run instance/var/etc/zope.conf scripts/check_holdings.py [--site archive] [--resume]

Prints the report of ``sd.archive.transfer.holdings.check`` (JSON) and exits 1 when they
disagree. ``--resume`` first finishes the unfinished transfer batches (after a crash) in this
process, one commit per record, then checks.
"""

import argparse
import json
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import setRequest
from zope.interface import alsoProvides


def main(app):
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="archive")
    parser.add_argument("--resume", action="store_true")
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("check_holdings.py")), 0)
    args = parser.parse_args(sys.argv[script + 1 :])
    app = makerequest(app)
    from sd.archive.interfaces import ISdArchiveLayer

    alsoProvides(app.REQUEST, ISdArchiveLayer)
    setRequest(app.REQUEST)
    site = app[args.site]
    setSite(site)
    acl = app.acl_users
    newSecurityManager(app.REQUEST, acl.getUserById("admin").__of__(acl))
    from sd.archive.transfer import records
    from sd.archive.transfer import worker
    from sd.archive.transfer.holdings import check

    resumed = []
    if args.resume:
        for batch in worker.unfinished(site):
            records.process(batch)
            resumed.append(batch.getId())
        transaction.commit()
    report = {"resumed": resumed, **check(site)}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    sys.exit(0 if report["agree"] else 1)


main(app)  # noqa: F821 — zconsole provides `app`
