"""Bad input at sign-on (#27 Bad input): a forged or expired ID token, a wrong audience or
issuer, a replayed code, a state mismatch — refused with a logged reason (audit trail
``login.refused``), nobody signed in, no account created. The provider is the real test provider
(tests/oidc) made to send the bad token (``TestOP.tamper``)."""

from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest
import transaction
from oidc_signon import SignOn  # beside this file (tests/plone/identity)
from plone import api
from zope.component.hooks import setSite

from sd.archive import audit


def refusals(portal) -> list[dict]:
    transaction.begin()
    setSite(portal)
    from sd.archive.audit.store import Query

    return [e.details for e in audit.trail().iterate(Query(action="login.refused"))]


def no_account(portal, user_id) -> bool:
    transaction.begin()
    setSite(portal)
    return api.user.get(userid=user_id) is None


@pytest.mark.parametrize(
    "mode, reason",
    [
        ("forged", "bad_signature"),
        ("expired", "token_expired"),
        ("wrong-aud", "wrong_audience"),
        ("wrong-iss", "wrong_issuer"),
    ],
)
def test_bad_id_token_refused(acceptance, op, signon, mode, reason):
    portal = acceptance["portal"]
    before = len(refusals(portal))
    op.tamper(mode)
    landed = signon.sign_in("lina", "lina-demo")
    assert landed.url.endswith("/login")
    assert "登录被拒绝" in landed.text or "Sign-on refused" in landed.text
    assert signon.me("lina") is None
    assert no_account(portal, "lina")
    new = refusals(portal)[before:]
    assert [d["reason"] for d in new] == [reason], new


def test_state_mismatch_refused(acceptance, op, signon):
    portal = acceptance["portal"]
    before = len(refusals(portal))
    callback = signon.callback_url("lina", "lina-demo")
    parts = urlsplit(callback)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    params["state"] = "not-the-state-this-browser-was-given"
    answer = signon.follow(
        signon.http.get(f"{callback.split('?')[0]}?{urlencode(params)}", allow_redirects=False)
    )
    assert answer.url.endswith("/login")
    assert signon.me("lina") is None
    assert no_account(portal, "lina")
    assert [d["reason"] for d in refusals(portal)[before:]] == ["state_mismatch"]


def test_replayed_code_refused(acceptance, op, signon):
    """The victim signs in; an attacker who got the callback URL replays its code under a sign-in
    of its own (a state it was given): the provider refuses the used code, nobody is signed in."""
    portal = acceptance["portal"]
    callback = signon.callback_url("lina", "lina-demo")
    assert signon.follow(signon.http.get(callback, allow_redirects=False)).status_code == 200
    assert signon.me("lina") is not None  # the victim's sign-in
    before = len(refusals(portal))

    attacker = SignOn(op.site_url)
    start = attacker.http.get(f"{op.site_url}/acl_users/oidc/login", allow_redirects=False)
    own_state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    replay = f"{callback.split('?')[0]}?{urlencode({'code': code, 'state': own_state})}"
    answer = attacker.follow(attacker.http.get(replay, allow_redirects=False))
    assert answer.url.endswith("/login")
    assert attacker.me("lina") is None
    assert [d["reason"] for d in refusals(portal)[before:]] == ["code_rejected"]

    # the same callback URL brought back by the victim's own browser: its state was used
    again = signon.follow(signon.http.get(callback, allow_redirects=False))
    assert again.url.endswith("/login")
    assert refusals(portal)[-1]["reason"] == "state_mismatch"


def test_no_sign_in_under_way_refused(acceptance, op, signon):
    """A callback without any sign-in started in this browser (no state kept)."""
    portal = acceptance["portal"]
    before = len(refusals(portal))
    answer = signon.follow(
        signon.http.get(
            f"{op.site_url}/acl_users/oidc/callback?code=abc&state=xyz", allow_redirects=False
        )
    )
    assert answer.status_code == 200 and answer.url.endswith("/login")
    assert [d["reason"] for d in refusals(portal)[before:]] == ["state_mismatch"]
