"""Move a whole repository between sites (整库迁移, #31): export or import; `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/move_repository.py export DIR [--site archive]
    zconsole run instance/var/etc/zope.conf scripts/move_repository.py import DIR \
        [--site archive] [--trust VKEY]...

Export writes every fonds with its dossiers, records and files to DIR (must be empty):
manifest.json signed by the node's ledger key (manifest.note), content.json, blobs/, the AIP
files (aips/) with their index entries (aips.json) and the site's audit trail (audit.jsonl);
see sd.archive.core.moves. Import checks the whole export first (the signature: a node
admitted to this node's ledger, this node, or a key given with --trust, the source's
``ledger_vkey``; every file's and AIP's size and SM3; the audit chain), then rebuilds it in
the site in one transaction, the AIPs written to this site's own online locations: refused
or failed, nothing is stored. Prints one JSON line: the outcome or the error shape.
"""

import argparse
import json
import os
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=("export", "import"))
    parser.add_argument("directory")
    parser.add_argument("--site", default="archive")
    parser.add_argument(
        "--trust", action="append", default=[], help="verification key of the source node"
    )
    # zconsole leaves sys.argv as [zconsole, run, zope.conf, script, *our args]
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("move_repository.py")), 0)
    return parser.parse_args(sys.argv[script + 1 :])


def main(app):
    from sd.archive.core.errors import ArchiveError
    from sd.archive.moves.exporter import export_repository
    from sd.archive.moves.importer import import_repository

    args = parse_args()
    acl = app.acl_users
    user = acl.getUserById(os.environ.get("SD_ARCHIVE_ADMIN_USER", "admin"))
    if user is None:
        sys.exit("refused: no admin user in the Zope root (run scripts/create_site.py first)")
    newSecurityManager(None, user.__of__(acl))
    site = app[args.site]
    setSite(site)
    try:
        if args.action == "export":
            outcome = export_repository(site, args.directory)
        else:
            outcome = import_repository(site, args.directory, trust=args.trust)
        transaction.commit()
    except ArchiveError as error:
        transaction.abort()
        print(json.dumps(error.as_dict(), ensure_ascii=False))
        sys.exit(1)
    print(json.dumps(outcome, ensure_ascii=False))


main(app)  # noqa: F821 — zconsole provides `app`
