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
import time

from sd.archive.scripting import open_site
from sd.archive.scripting import script_args


def parse_args():
    parser = argparse.ArgumentParser(prog="supervision_rebuild.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--batch", type=int, default=1000)
    return script_args(parser)


def main(app):
    from sd.archive.supervision.aggregates import rebuild

    args = parse_args()
    site = open_site(app, args.site, args.user)
    started = time.perf_counter()
    n = rebuild(site, batch=args.batch, commit=True)
    print(f"done: {n} records read in {time.perf_counter() - started:.0f} s")


main(app)  # noqa: F821 - zconsole run provides `app`
