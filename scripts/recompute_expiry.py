"""Compute the retention expiry of every existing record (补算保管期满日, #25); run with
`zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/recompute_expiry.py [--site archive]

Sets ``retention_expiry`` where it is missing or wrong (records made before the dates were
computed), indexes ``retention_due`` for the due list, commits every batch and prints
progress (done/total, changed, records/s). Idempotent. See docs/appraisal.md.
"""

import argparse

from sd.archive.scripting import open_site
from sd.archive.scripting import script_args


def parse_args():
    parser = argparse.ArgumentParser(prog="recompute_expiry.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--batch", type=int, default=500)
    return script_args(parser)


def main(app):
    import transaction

    from sd.archive.retention import recompute_expiry

    args = parse_args()
    site = open_site(app, args.site, args.user)
    result = recompute_expiry(site, batch=args.batch, progress=print, commit=transaction.commit)
    transaction.commit()
    print(f"done: {result['total']} records, {result['changed']} changed")


main(app)  # noqa: F821 - zconsole run provides `app`
