"""Sign-on through a real OpenID provider (#27 item 1): node-oidc-provider started by the test
(tests/oidc), the authorization code flow with PKCE driven over HTTP as a browser would."""

import transaction
from plone import api
from zope.component.hooks import setSite

from sd.archive import audit


def entries(portal, action):
    setSite(portal)
    from sd.archive.audit.store import Query

    return list(audit.trail().iterate(Query(action=action)))


def test_first_sign_in_creates_the_account(acceptance, op, signon):
    portal = acceptance["portal"]
    assert api.user.get(userid="zhangwei") is None
    landed = signon.sign_in("zhangwei", "zhangwei-demo")
    assert landed.status_code == 200
    assert landed.url.rstrip("/") == op.site_url
    me = signon.me("zhangwei")
    assert me is not None and me["fullname"] == "张伟" and me["email"] == "zhangwei@example.org"
    transaction.begin()  # see what the server's thread committed
    setSite(portal)
    plugin = portal.acl_users.oidc
    tokens = plugin.tokens_of("zhangwei")
    assert tokens["refresh_token"] and tokens["id_token"]
    assert any(e.actor == "zhangwei" for e in entries(portal, "login.signon"))
