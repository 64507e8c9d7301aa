"""Organisation-tree synchronisation from cron (组织机构同步命令); run with `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/directory_sync.py [--site archive] [--dry-run]

Runs a full sync (or a dry run) of the site against the province platform set up in the
「山东通接入」 control panel, commits, and prints the counts of the changes (or the error). The
secret comes from the environment variable named there (SD_ARCHIVE_PLATFORM_SECRET).
"""

import argparse
import json
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from Testing.makerequest import makerequest
from zope.component.hooks import setSite


def main(app):
    parser = argparse.ArgumentParser(prog="directory_sync.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(sys.argv[1:])
    app = makerequest(app)
    newSecurityManager(None, system)
    site = app[args.site]
    setSite(site)
    from sd.archive.identity.directory.sync import full_sync
    from sd.archive.identity.platform.settings import Settings
    from sd.archive.identity.platform.settings import client

    settings = Settings()
    outcome = full_sync(site, client(settings), dry_run=args.dry_run, root=settings.root_department)
    transaction.commit()
    summary = outcome.summary()
    print(
        json.dumps(
            {k: summary[k] for k in ("kind", "status", "seconds", "counts", "problems")},
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0 if outcome.status in ("ok", "dry-run") else 1


sys.exit(main(app))  # noqa: F821 — zconsole provides `app`
