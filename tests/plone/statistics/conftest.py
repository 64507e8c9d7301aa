"""Fixtures of the statistics tests (档案统计): records of two fonds in known states."""

import pytest
from DateTime import DateTime
from plone import api

from sd.archive.testing import make_record
from sd.archive.testing import make_users
from sd.archive.testing import rest_sessions

PASSWORD = "secret-12345"
#: (fonds, n, retention, security, state)
RECORDS = (
    ("J001", 1, "Y", "公开", "archived"),
    ("J001", 2, "Y", "内部", "archived"),
    ("J001", 3, "D30", "公开", "archived"),
    ("J001", 4, "D10", "公开", "pre_archived"),
    ("J002", 1, "Y", "公开", "received"),
    ("J002", 2, "D30", "公开", "open"),
)


def in_state(record, state):
    wf = api.portal.get_tool("portal_workflow")
    wf.setStatusOf(
        "sd_record_workflow",
        record,
        {
            "review_state": state,
            "action": None,
            "actor": "test",
            "comments": "",
            "time": DateTime(),
        },
    )
    record.reindexObject()  # in full: formats and size from the components


def make_holdings(j001, j002):
    by_code = {"J001": j001, "J002": j002}
    made = []
    for code, n, retention, security, state in RECORDS:
        record = make_record(
            by_code[code],
            n,
            retention_period=retention,
            security_level=security,
            category_code="WS",
        )
        in_state(record, state)
        made.append(record)
    return made


@pytest.fixture
def holdings(users, fonds, other_fonds):
    return make_holdings(fonds, other_fonds)


@pytest.fixture
def as_user(portal):
    from plone.app.testing import TEST_USER_NAME
    from plone.app.testing import login
    from plone.app.testing import logout

    def switch(user_id):
        logout()
        login(portal, user_id)

    yield switch
    logout()
    login(portal, TEST_USER_NAME)


@pytest.fixture
def fsite(fportal, monkeypatch, tmp_path):
    import transaction

    from sd.archive.testing import ROLE_USERS
    from sd.archive.testing import make_fonds

    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))
    j001 = make_fonds(fportal)
    j002 = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    make_users(ROLE_USERS, j001, PASSWORD, other=j002)
    make_holdings(j001, j002)
    transaction.commit()
    return fportal


@pytest.fixture
def session(fportal):
    """``session(user)``: a REST session as ``user`` (None: anonymous)."""
    with rest_sessions(fportal, PASSWORD) as make:
        yield make
