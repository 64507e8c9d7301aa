"""Compute the retention expiry of every existing record (补算保管期满日, #25); run with
`zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/recompute_expiry.py [--site archive]

Sets ``retention_expiry`` where it is missing or wrong (records made before the dates were
computed), indexes ``retention_due`` for the due list, commits every batch and prints
progress (done/total, changed, records/s). Idempotent. See docs/appraisal.md.
"""

import argparse
import sys

from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite


def parse_args():
    parser = argparse.ArgumentParser(prog="recompute_expiry.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--batch", type=int, default=500)
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("recompute_expiry.py")), 0)
    return parser.parse_args(sys.argv[script + 1 :])


def main(app):
    import transaction
    from Testing.makerequest import makerequest

    from sd.archive.retention import recompute_expiry

    args = parse_args()
    app = makerequest(app)
    site = app[args.site]
    setSite(site)
    user = app.acl_users.getUserById(args.user) or site.acl_users.getUserById(args.user)
    newSecurityManager(None, user.__of__(app.acl_users))
    result = recompute_expiry(site, batch=args.batch, progress=print, commit=transaction.commit)
    transaction.commit()
    print(f"done: {result['total']} records, {result['changed']} changed")


main(app)  # noqa: F821 - zconsole run provides `app`
