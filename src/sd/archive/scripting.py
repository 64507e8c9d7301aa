"""What the maintenance scripts share (维护脚本的公共部分): each runs by
``zconsole run <zope.conf> scripts/<name>.py [arguments]``, which hands the script the Zope
root as ``app`` and leaves its own arguments in ``sys.argv`` before the script's path."""

from __future__ import annotations

import argparse
import sys


def script_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The arguments after the script's own path (named by ``parser.prog``) in ``sys.argv``."""
    script = next((i for i, a in enumerate(sys.argv) if a.endswith(parser.prog)), 0)
    return parser.parse_args(sys.argv[script + 1 :])


def open_site(app, site_id: str, user_id: str = "admin"):
    """The site ``site_id`` with a request made for it, set as the current site, acting as
    ``user_id`` (a user of the Zope root or of the site); the script ends with a message when
    there is no such site or user."""
    from AccessControl.SecurityManagement import newSecurityManager
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite

    app = makerequest(app)
    site = app.get(site_id)
    if site is None:
        sys.exit(f"no site {site_id!r} in the Zope root")
    setSite(site)
    user = app.acl_users.getUserById(user_id) or site.acl_users.getUserById(user_id)
    if user is None:
        sys.exit(f"no user {user_id!r} in the Zope root or the site")
    newSecurityManager(None, user.__of__(app.acl_users))
    return site
