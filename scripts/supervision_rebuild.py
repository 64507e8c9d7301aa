"""Rebuild the supervision counters from the records (重建监督指标, #26); run with
`zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/supervision_rebuild.py [--site archive]

Forgets every counter and reads every record once (its facts: state, 年度, 文号, dates,
components, seals, corrections) and every intake rejection again, committing every
``--batch`` records. Needed after an upgrade that adds the counters to an existing site, or
when a log line says the counters were not updated. Run it while nobody archives: the
figures are partial until it ends. See docs/supervision.md.
"""

import argparse
import sys
import time

from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite


def parse_args():
    parser = argparse.ArgumentParser(prog="supervision_rebuild.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--batch", type=int, default=1000)
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("supervision_rebuild.py")), 0)
    return parser.parse_args(sys.argv[script + 1 :])


def main(app):
    from Testing.makerequest import makerequest

    from sd.archive.supervision.aggregates import rebuild

    args = parse_args()
    app = makerequest(app)
    site = app[args.site]
    setSite(site)
    user = app.acl_users.getUserById(args.user) or site.acl_users.getUserById(args.user)
    newSecurityManager(None, user.__of__(app.acl_users))
    started = time.perf_counter()
    n = rebuild(site, batch=args.batch, commit=True)
    print(f"done: {n} records read in {time.perf_counter() - started:.0f} s")


main(app)  # noqa: F821 - zconsole run provides `app`
