"""Fixtures of the access tests (档案利用): records in each state with real PDF text, the
requester, the archivist, a leader and the administrators."""

import sys
from pathlib import Path

import pytest
from plone import api
from plone.app.testing import login
from plone.app.testing import logout

sys.path.insert(0, str(Path(__file__).resolve().parent))
from access_data import PATHS  # noqa: E402
from access_data import real_record  # noqa: E402

from sd.archive.testing import rest_sessions

PASSWORD = "secret-12345"
ACCESS_USERS = {
    "reader": ["Member"],  # 社会利用者 / 机关工作人员
    "reader2": ["Member"],
    "archivist": ["Archivist"],
    "leader": ["Leader"],
    "sysadmin": ["SystemAdministrator"],
}


@pytest.fixture
def access_users(manager):
    for user_id, roles in ACCESS_USERS.items():
        api.user.create(
            email=f"{user_id}@example.org",
            username=user_id,
            password=PASSWORD,
            roles=roles,
            properties={"fullname": {"reader": "张读者"}.get(user_id, user_id)},
        )
    return ACCESS_USERS


@pytest.fixture
def holdings(fonds, access_users):
    """{state: record} plus ``internal`` (a controlled record classified 内部)."""
    found = {state: real_record(fonds, i + 1, state) for i, state in enumerate(PATHS)}
    found["internal"] = real_record(fonds, 50, "controlled", security_level="内部")
    return found


@pytest.fixture
def as_user(portal):
    """``as_user(user_id)``: act as that user (the test user again afterwards)."""
    from plone.app.testing import TEST_USER_NAME

    def switch(user_id):
        logout()
        login(portal, user_id)

    yield switch
    logout()
    login(portal, TEST_USER_NAME)


@pytest.fixture
def fholdings(fportal, monkeypatch, tmp_path):
    """The functional site (HTTP) with the users and a controlled, a received and an open
    record of fonds J001 (public reading on); committed. Each test gets its own audit trail."""
    import transaction

    from sd.archive.testing import make_fonds

    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))
    fonds = make_fonds(fportal)
    for user_id, roles in ACCESS_USERS.items():
        api.user.create(
            email=f"{user_id}@example.org", username=user_id, password=PASSWORD, roles=roles
        )
    found = {
        "controlled": real_record(fonds, 1, "controlled"),
        "received": real_record(fonds, 2, "received"),
        "open": real_record(fonds, 3, "open"),
    }
    found["fonds"] = fonds
    transaction.commit()
    return found


@pytest.fixture
def session(fportal):
    """``session(user)``: a REST session as ``user`` (None: anonymous)."""
    with rest_sessions(fportal, PASSWORD) as make:
        yield make
