"""The platform API's contract, from the client's side (山东通接口契约): the same tests run
against the contract stub (default) or any server that speaks the shapes — set
``SD_ARCHIVE_PLATFORM_URL``, ``SD_ARCHIVE_PLATFORM_CORPID``, ``SD_ARCHIVE_PLATFORM_SECRET`` and
``SD_ARCHIVE_PLATFORM_USERID`` (a member there). Read-only: nothing is changed on the server."""

import os

import pytest
from platform_stub import PlatformStub
from platform_stub import demo_province

from sd.archive.core.identity.directory import DirectoryUnreachable
from sd.archive.core.identity.directory import parse_departments
from sd.archive.core.identity.directory import parse_members
from sd.archive.core.identity.directory import parse_user
from sd.archive.identity.platform.client import INVALID_CODE
from sd.archive.identity.platform.client import UNKNOWN_USER
from sd.archive.identity.platform.client import PlatformClient
from sd.archive.identity.platform.client import PlatformError


@pytest.fixture(scope="module")
def server():
    """(url, corp id, secret, a member's user id): the environment's server, else the stub."""
    url = os.environ.get("SD_ARCHIVE_PLATFORM_URL")
    if url:
        yield (
            url,
            os.environ["SD_ARCHIVE_PLATFORM_CORPID"],
            os.environ["SD_ARCHIVE_PLATFORM_SECRET"],
            os.environ["SD_ARCHIVE_PLATFORM_USERID"],
        )
        return
    stub = PlatformStub()
    demo_province(stub)
    stub.start()
    yield stub.url, stub.corp_id, stub.secret, "zhang"
    stub.stop()


@pytest.fixture
def client(server):
    url, corp_id, secret, _ = server
    return PlatformClient(url, corp_id, secret, timeout=10)


def test_token_and_directory_shapes(client, server):
    assert isinstance(client.token(), str) and client.token()
    departments = parse_departments(client.departments())
    assert departments and all(d.name for d in departments.values())
    roots = [d for d in departments.values() if not d.parent]
    assert roots  # a tree
    members = [m for dep in list(departments)[:20] for m in parse_members(client.members(dep))]
    assert all(m.id for m in members)
    member = parse_user(client.user(server[3]))
    assert member.id == server[3] and member.departments


def test_unknown_user_and_invalid_code_error_codes(client):
    with pytest.raises(PlatformError) as caught:
        client.user("no-such-member-of-the-contract-test")
    assert caught.value.errcode == UNKNOWN_USER
    with pytest.raises(PlatformError) as caught:
        client.user_id_for_code("not-a-code-the-platform-issued")
    assert caught.value.errcode == INVALID_CODE


def test_wrong_secret_is_unreachable(server):
    url, corp_id, _, _ = server
    with pytest.raises(DirectoryUnreachable):
        PlatformClient(url, corp_id, "wrong-secret", timeout=10).token()


def test_authorize_url_shape(client):
    url = client.authorize_url("1000002", "https://archive.example/@@platform-callback", "s1")
    assert "/connect/oauth2/authorize?" in url and url.endswith("#wechat_redirect")
    for part in (
        "appid=",
        "agentid=1000002",
        "state=s1",
        "response_type=code",
        "scope=snsapi_base",
    ):
        assert part in url
