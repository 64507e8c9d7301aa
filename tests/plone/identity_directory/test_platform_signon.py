"""Platform sign-on (山东通网页授权登录) and change events over HTTP: a member signs in through the
contract stub, reads its agency's fonds, loses it at once when moved or removed; bad input is
refused with a logged reason and creates nothing."""

import json
import time
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
import transaction
from platform_stub.site import configure
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles
from zope.component.hooks import setSite

from sd.archive import audit
from sd.archive.audit.store import Query
from sd.archive.core.identity.directory import callback_signature
from sd.archive.identity.directory.accounts import plugin
from sd.archive.identity.directory.sync import full_sync
from sd.archive.identity.platform.client import PlatformClient
from sd.archive.testing import make_fonds

CALLBACK_TOKEN = "callback-token-of-the-test"


@pytest.fixture
def platform_site(acceptance, stub, monkeypatch):
    portal = acceptance["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    make_fonds(portal)
    make_fonds(portal, "j002", "J002", "DA/T 13-2022")
    configure(portal, stub, monkeypatch)
    monkeypatch.setenv("SD_ARCHIVE_PLATFORM_CALLBACK_TOKEN", CALLBACK_TOKEN)
    full_sync(portal, PlatformClient(stub.url, stub.corp_id, stub.secret))
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    return portal


def sign_in(portal, stub, user_id):
    """Through the platform and back; the callback's answer (a redirect into the site, the
    session cookie set) is returned without following it."""
    stub.sign_in_as(user_id)
    http = requests.Session()
    answer = http.get(
        f"{portal.absolute_url()}/@@platform-login", allow_redirects=False, timeout=20
    )
    while answer.is_redirect and not urlsplit(answer.url).path.endswith("platform-callback"):
        answer = http.get(answer.headers["Location"], allow_redirects=False, timeout=20)
    assert answer.headers.get("Location", "").startswith(portal.absolute_url())
    return http, answer


def read_fonds(http, portal, fonds_id):
    return http.get(
        f"{portal.absolute_url()}/{fonds_id}",
        headers={"Accept": "application/json"},
        timeout=20,
        allow_redirects=False,
    ).status_code


def post_event(portal, event, token=CALLBACK_TOKEN, nonce=None, timestamp=None):
    body = json.dumps(event)
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or f"n{time.time_ns()}"
    signature = callback_signature(token, timestamp, nonce, body)
    return requests.post(
        f"{portal.absolute_url()}/@@directory-events",
        params={"msg_signature": signature, "timestamp": timestamp, "nonce": nonce},
        data=body,
        headers={"Content-Type": "application/json"},  # as the platform: no Accept
        timeout=30,
    )


def refusals(portal):
    transaction.begin()
    _total, entries = audit.trail(portal).search(Query(action="login.platform", outcome="refused"))
    return [e.details.get("reason") for e in entries]


def test_sign_in_reads_own_fonds_and_loses_it_when_moved(platform_site, stub):
    portal = platform_site
    http, answer = sign_in(portal, stub, "zhang")
    assert answer.status_code == 302 and "__ac" in http.cookies
    assert read_fonds(http, portal, "j001") == 200
    assert read_fonds(http, portal, "j002") in (401, 403)
    # the platform moves zhang to the other agency and tells the archives
    stub.update_member("zhang", department=[5])
    reply = post_event(
        portal, {"Event": "change_contact", "ChangeType": "update_user", "UserID": "zhang"}
    )
    assert reply.status_code == 200, reply.text
    counts = reply.json()["counts"]  # leaves 办公室 and its agency's officers, joins the new ones
    assert counts["member.leave"] == 2 and counts["member.join"] == 2
    # the same session, the next request: the old fonds is gone, the new one is there
    assert read_fonds(http, portal, "j001") in (401, 403)
    assert read_fonds(http, portal, "j002") == 200


def test_member_removed_loses_session_at_once(platform_site, stub):
    portal = platform_site
    http, _ = sign_in(portal, stub, "li")
    assert read_fonds(http, portal, "j002") == 200
    stub.remove_member("li")
    reply = post_event(portal, {"ChangeType": "delete_user", "UserID": "li"})
    assert reply.status_code == 200, reply.text
    assert read_fonds(http, portal, "j002") in (401, 403)
    me = http.get(
        f"{portal.absolute_url()}/@users/li", headers={"Accept": "application/json"}, timeout=20
    )
    assert me.status_code in (401, 403, 404)


def callback_url(portal, stub, user_id, http):
    """The platform's redirect back to the site (not followed), with this browser's state."""
    stub.sign_in_as(user_id)
    start = http.get(f"{portal.absolute_url()}/@@platform-login", allow_redirects=False, timeout=20)
    at_platform = http.get(start.headers["Location"], allow_redirects=False, timeout=20)
    return at_platform.headers["Location"]


def test_replayed_code_is_refused(platform_site, stub):
    portal = platform_site
    http = requests.Session()
    url = callback_url(portal, stub, "zhang", http)
    state = parse_qs(urlsplit(url).query)["state"][0]
    first = http.get(url, timeout=20, allow_redirects=False)
    assert first.status_code == 302 and "__ac" in http.cookies
    replay = requests.Session()
    replay.cookies.set("__sd_platform_state", state)
    answer = replay.get(url, timeout=20, allow_redirects=False)
    assert answer.status_code == 403 and "__ac" not in replay.cookies
    assert "授权码已被使用" in answer.text and "Traceback" not in answer.text
    assert "code_replayed" in refusals(portal)


def test_state_mismatch_is_refused_and_creates_nothing(platform_site, stub):
    portal = platform_site
    stub.add_member("sun", "孙七", [3], position="档案员")  # known to the directory, no account yet
    http = requests.Session()
    url = callback_url(portal, stub, "sun", http)
    http.cookies.clear()
    http.cookies.set("__sd_platform_state", "another-state")
    answer = http.get(url, timeout=20, allow_redirects=False)
    assert answer.status_code == 403 and "state" in answer.text
    transaction.begin()
    assert plugin(portal).get("sun") is None
    assert "state_mismatch" in refusals(portal)


def test_unknown_user_is_refused_and_no_account_created(platform_site, stub):
    portal = platform_site
    code = stub.issue_code("ghost")  # the platform vouches for a user id its directory lacks
    http = requests.Session()
    start = http.get(f"{portal.absolute_url()}/@@platform-login", allow_redirects=False, timeout=20)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    answer = http.get(
        f"{portal.absolute_url()}/@@platform-callback",
        params={"code": code, "state": state},
        timeout=20,
        allow_redirects=False,
    )
    assert answer.status_code == 403 and "统一目录中没有该用户" in answer.text
    transaction.begin()
    assert plugin(portal).get("ghost") is None and api.user.get(userid="ghost") is None
    assert "unknown_user" in refusals(portal)


def test_first_sign_in_before_sync_gets_the_account(platform_site, stub):
    portal = platform_site
    stub.add_member("sun", "孙七", [3], position="档案员")
    http, answer = sign_in(portal, stub, "sun")
    assert answer.status_code == 302 and "__ac" in http.cookies
    assert read_fonds(http, portal, "j001") == 200


@pytest.mark.parametrize(
    "change",
    [
        {"token": "wrong-token"},
        {"timestamp": 1000},
    ],
)
def test_bad_callbacks_are_refused(platform_site, stub, change):
    portal = platform_site
    stub.update_member("zhang", department=[5])
    reply = post_event(portal, {"ChangeType": "update_user", "UserID": "zhang"}, **change)
    assert reply.status_code == 403 and reply.json()["type"] == "CallbackRefused"
    transaction.begin()
    assert (
        "dir-agency-2-RecordsOfficer" in portal.acl_users.source_groups._principal_groups["zhang"]
    )


def test_replayed_callback_nonce_is_refused(platform_site, stub):
    portal = platform_site
    event = {"ChangeType": "update_user", "UserID": "zhang"}
    assert post_event(portal, event, nonce="once").status_code == 200
    again = post_event(portal, event, nonce="once")
    assert again.status_code == 403 and again.json()["errors"][0]["code"] == "callback.replayed"


def test_login_page_offers_platform_sign_on(platform_site):
    page = requests.get(f"{platform_site.absolute_url()}/login?came_from=x", timeout=20)
    assert 'id="sd-platform-signon-button"' in page.text and "@@platform-login" in page.text
    api.portal.set_registry_record("sd.archive.platform.sign_on_enabled", False)
    transaction.commit()
    page = requests.get(f"{platform_site.absolute_url()}/login", timeout=20)
    assert "sd-platform-signon-button" not in page.text


AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def signed_query(encrypted, token=CALLBACK_TOKEN, nonce=None):
    timestamp = str(int(time.time()))
    nonce = nonce or f"n{time.time_ns()}"
    return {
        "msg_signature": callback_signature(token, timestamp, nonce, encrypted),
        "timestamp": timestamp,
        "nonce": nonce,
    }


def test_encrypted_event_as_the_platform_sends_it(platform_site, stub, monkeypatch):
    """WeCom's envelope: XML body, <Encrypt> signed and AES-encrypted for this corp id."""
    from sd.archive.core.identity.directory import encrypt_message

    monkeypatch.setenv("SD_ARCHIVE_PLATFORM_CALLBACK_AES_KEY", AES_KEY)
    portal = platform_site
    url = f"{portal.absolute_url()}/@@directory-events"
    # the platform checks the address first: the decrypted echostr comes back
    echostr = encrypt_message(AES_KEY, "1234567890", stub.corp_id)
    check = requests.get(url, params={**signed_query(echostr), "echostr": echostr}, timeout=20)
    assert check.status_code == 200 and check.text == "1234567890"
    stub.update_member("zhang", department=[5])
    inner = (
        "<xml><ToUserName><![CDATA[ww]]></ToUserName><MsgType>event</MsgType>"
        "<Event>change_contact</Event><ChangeType>update_user</ChangeType>"
        "<UserID>zhang</UserID></xml>"
    )
    encrypted = encrypt_message(AES_KEY, inner, stub.corp_id)
    body = f"<xml><ToUserName>{stub.corp_id}</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
    reply = requests.post(
        url,
        params=signed_query(encrypted),
        data=body.encode(),
        timeout=30,
        headers={
            "Content-Type": "text/xml",
        },
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["members"] == ["zhang"]
    # encrypted for another corp: refused, nothing changes
    other = encrypt_message(AES_KEY, inner, "another-corp")
    body = f"<xml><Encrypt>{other}</Encrypt></xml>"
    refused = requests.post(
        url,
        params=signed_query(other),
        data=body.encode(),
        timeout=30,
        headers={"Content-Type": "text/xml"},
    )
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "callback.decrypt"
