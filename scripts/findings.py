"""Findings in the records' text (挖掘发现, #28): run with `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/findings.py COMMAND [--site archive]

Commands:
  status     pairs waiting for an answer (duplicates, related records), pairs answered
  analyse    analyse every archived record's kept text again (a site made before #28, new
             sensitive patterns, the upgrade that adds the catalog indexes); one commit per 100
             records, progress on stderr; the answers already given are kept
"""

import json
import sys

from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite

COMMANDS = ("status", "analyse")


def main(app):
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("findings.py")), 0)
    args = sys.argv[script + 1 :]
    command = args[0] if args else ""
    site_id = args[args.index("--site") + 1] if "--site" in args else "archive"
    if command not in COMMANDS:
        sys.exit(f"usage: findings.py {{{'|'.join(COMMANDS)}}} [--site archive]")
    newSecurityManager(None, app.acl_users.getUserById("admin").__of__(app.acl_users))
    site = app[site_id]
    setSite(site)
    import transaction

    from sd.archive.mining.findings import pairs
    from sd.archive.mining.findings.store import analyse_all

    if command == "analyse":

        def progress(n, record):
            print(f"\r{n} {getattr(record, 'archival_code', '')}", end="", file=sys.stderr)
            if n % 100 == 0:
                transaction.commit()

        count = analyse_all(progress=progress)
        transaction.commit()
        print(file=sys.stderr)
        print(json.dumps({"analysed": count}, ensure_ascii=False))
    every = pairs.all_pairs()
    waiting = [p for p in every if not p.get("decision")]
    print(
        json.dumps(
            {
                "waiting": {k: sum(p["kind"] == k for p in waiting) for k in ("dup", "rel")},
                "answered": len(every) - len(waiting),
            },
            ensure_ascii=False,
        )
    )


main(app)  # noqa: F821 — zconsole provides `app`
