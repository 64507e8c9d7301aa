"""Anchor the audit trail's head in the evidence ledger now, and check the chain (审计链锚定与校验).

    zconsole run instance/var/etc/zope.conf scripts/audit_anchor.py [--site archive] [--check-only]

Prints the anchor written (or found) and the chain check (JSON); exits 1 when the chain check
fails. Runs as the system user, whose entries name "system". On FileStorage stop the instance
first (or run it against a ZEO/RelStorage client).
"""

import argparse
import dataclasses
import json
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from zope.component.hooks import setSite


def main(app):
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="archive")
    parser.add_argument("--check-only", action="store_true")
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("audit_anchor.py")), 0)
    args = parser.parse_args(sys.argv[script + 1 :])
    setSite(app[args.site])
    newSecurityManager(None, system)
    from sd.archive.audit import anchor

    anchored = None if args.check_only else anchor.anchor(actor="system")
    transaction.commit()
    result = anchor.check()
    print(
        json.dumps(
            {
                "anchor": dataclasses.asdict(anchored) if anchored else None,
                "check": result.as_dict(),
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    sys.exit(0 if result.valid else 1)


main(app)  # noqa: F821 — zconsole provides `app`
