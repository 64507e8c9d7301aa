"""Point the demo site at the test OpenID provider (development only); run with `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/demo_oidc.py --site archive \
        --issuer http://localhost:8089

``make start-oidc`` runs it, then starts the provider (tests/oidc/server.mjs) beside the site.
A site made before sign-on gets pas.plugins.oidc's profile and sd.archive's sign-on step and
registry records first. Local password logins stay open for every account (the demo's logins);
docs/identity.md says how to configure a real provider and close them.
"""

import argparse
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite

CLIENT_ID = "sd-archive"
CLIENT_SECRET = "sd-archive-test-secret"  # noqa: S105 (the test provider's client)


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="archive")
    parser.add_argument("--issuer", default="http://localhost:8089")
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("demo_oidc.py")), 0)
    return parser.parse_args(sys.argv[script + 1 :])


def main(app):
    args = parse_args()
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    site = app[args.site]
    setSite(site)
    setup = site.portal_setup
    if setup.getLastVersionForProfile("pas.plugins.oidc:default") == "unknown":
        setup.runAllImportStepsFromProfile("profile-pas.plugins.oidc:default")
    if "sd.archive.signon.enabled" not in site.portal_registry:
        setup.runImportStepFromProfile("profile-sd.archive:default", "plone.app.registry")
    setup.runImportStepFromProfile("profile-sd.archive:default", "sd.archive.identity.oidc")
    plugin = site.acl_users.oidc
    plugin.issuer = args.issuer
    plugin.client_id = CLIENT_ID
    plugin.client_secret = CLIENT_SECRET
    site.portal_registry["sd.archive.signon.enabled"] = True
    transaction.commit()
    print(f"sign-on through {args.issuer} (client {CLIENT_ID})")


main(app)  # noqa: F821 — zconsole provides `app`
