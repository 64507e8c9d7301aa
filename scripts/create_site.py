"""Create the Plone site with sd.archive (and demo data); run with `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/create_site.py [--demo] [--site archive]

Idempotent: an existing site is kept, and the demo profile only adds what is missing.
A production deployment (SD_ARCHIVE_PRODUCTION=1) refuses the default admin password.
"""

import argparse
import os
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite

DEFAULT_PASSWORD = "admin"


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="archive")
    parser.add_argument("--title", default="山东省电子档案管理系统")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--domain", default=os.environ.get("SD_ARCHIVE_DOMAIN", "administrative"))
    # zconsole leaves sys.argv as [zconsole, run, zope.conf, script, *our args]
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("create_site.py")), 0)
    return parser.parse_args(sys.argv[script + 1 :])


def ensure_admin(app):
    user = os.environ.get("SD_ARCHIVE_ADMIN_USER", "admin")
    password = os.environ.get("SD_ARCHIVE_ADMIN_PASSWORD", DEFAULT_PASSWORD)
    if os.environ.get("SD_ARCHIVE_PRODUCTION") == "1" and password == DEFAULT_PASSWORD:
        sys.exit(
            "refused: a production deployment needs SD_ARCHIVE_ADMIN_PASSWORD set "
            "to something other than the default"
        )
    acl = app.acl_users
    if acl.getUserById(user) is None:
        acl._doAddUser(user, password, ["Manager"], [])
        transaction.commit()
    return acl.getUserById(user).__of__(acl)


def main(app):
    args = parse_args()
    admin = ensure_admin(app)
    newSecurityManager(None, admin)
    if args.site not in app.objectIds():
        from plone.distribution.api import site as site_api

        site_api.create(
            app,
            "classic",
            {
                "site_id": args.site,
                "title": args.title,
                "description": "省级电子档案一体化管理系统 (sd.archive)",
                "default_language": "zh-cn",
                "portal_timezone": "Asia/Shanghai",
                "setup_content": False,
            },
        )
        print(f"created site /{args.site}")
    site = app[args.site]
    setSite(site)
    setup = site.portal_setup
    for profile in ("plone.restapi:default", "sd.archive:default"):
        if setup.getLastVersionForProfile(profile) == "unknown":
            setup.runAllImportStepsFromProfile(f"profile-{profile}")
    if site.portal_types["Plone Site"].default_view != "workbench":
        # 工作台 (#24): a site made before the workbench gets it as its front page, and the
        # index its review-queue count reads
        setup.runImportStepFromProfile("profile-sd.archive:default", "typeinfo")
        setup.runImportStepFromProfile("profile-sd.archive:default", "catalog")
        site.portal_catalog.manage_reindexIndex(ids=["arrangement_status"])
    if "AccessRequest" not in site.portal_types.objectIds():
        # 档案利用 (#30): a site made before access requests gets their types, workflow, the
        # Leader role and the access permissions; the demo fonds J001 its public reading
        for step in ("typeinfo", "workflow", "rolemap"):
            setup.runImportStepFromProfile("profile-sd.archive:default", step)
        if args.demo and "j001" in site.objectIds():
            site["j001"].public_reading = True
    if "record_title" not in site.portal_catalog.indexes():
        # 档案检索 (#30): a site made before search gets the jieba lexicon, the field indexes
        # and SearchableText on that lexicon, and anonymous visitors the catalogue entries of
        # open records (workflow); every record indexed again with its metadata
        from sd.archive.search.setuphandlers import use_chinese_index

        for step in ("catalog", "workflow"):
            setup.runImportStepFromProfile("profile-sd.archive:default", step)
        site.portal_workflow.updateRoleMappings()
        use_chinese_index(site.portal_catalog, reindex=False)
        site.portal_catalog.refreshCatalog(clear=0)
    site.portal_registry["sd.archive.settings.network_domain"] = args.domain
    site.portal_registry["sd.archive.settings.production"] = (
        os.environ.get("SD_ARCHIVE_PRODUCTION") == "1"
    )
    if args.demo:
        from sd.archive.demo import create_demo_content

        create_demo_content()
    transaction.commit()
    from sd.archive.preservation import postprocess

    postprocess.drain(site)  # the demo records' archiving seals and AIPs, before serving
    from sd.archive.text import queue as text_queue

    text_queue.drain(site)  # the text of their files (OCR of the scan) not done above (#30)
    if args.demo:  # a demo site made before #30: its archived records' text, once
        text_queue.reextract(site)
    print("site ready")


main(app)  # noqa: F821 — zconsole provides `app`
