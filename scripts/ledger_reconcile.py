"""Check that holdings and the evidence ledger agree (账实核对), and re-log what is missing.

    zconsole run instance/var/etc/zope.conf scripts/ledger_reconcile.py [--site archive] [--fix]

Without --fix: prints the report (JSON) and exits 1 when a record lacks its entry.
With --fix: logs each missing record again (event by its workflow state) and commits.
On FileStorage stop the instance first (or run it against a ZEO/RelStorage client).
"""

import argparse
import json
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite


def main(app):
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="archive")
    parser.add_argument("--fix", action="store_true")
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("ledger_reconcile.py")), 0)
    args = parser.parse_args(sys.argv[script + 1 :])
    site = app[args.site]
    setSite(site)
    acl = app.acl_users
    newSecurityManager(None, acl.getUserById("admin").__of__(acl))
    from sd.archive.ledger.reconcile import reconcile

    report = reconcile(fix=args.fix)
    if args.fix:
        transaction.commit()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    sys.exit(1 if report["missing"] and not args.fix else 0)


main(app)  # noqa: F821 — zconsole provides `app`
