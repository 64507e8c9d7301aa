"""Fixtures of the rectification tests (整改通知): the users of the role tests (officer of J001,
other-officer of J002, supervisor), two fonds, records, and a way to act as each."""

from datetime import timedelta

import pytest
from plone.app.testing import login
from plone.app.testing import logout

from sd.archive.core.access.period import beijing_today
from sd.archive.testing import make_users
from sd.archive.testing import rest_sessions

PASSWORD = "secret-12345"


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
def deadline():
    return (beijing_today() + timedelta(days=14)).isoformat()


@pytest.fixture
def notice_data(record, deadline):
    return {
        "fonds": "J001",
        "title": "关于补齐2023年发文归档的整改通知",
        "text": "鲁某发〔2023〕12号至14号未归档，请于期限内补齐。",
        "deadline": deadline,
        "figures": [{"label": "文号缺号", "value": 3, "link": "/archive/j001"}],
        "records": [record.UID()],
    }


@pytest.fixture
def issued(users, as_user, notice_data):
    """A notice to J001 issued by the supervisor (the test continues as the supervisor)."""
    from sd.archive.rectification import notices

    as_user("supervisor")
    return notices.issue(notice_data)


@pytest.fixture
def fsetup(fportal, monkeypatch, tmp_path):
    """The functional site (HTTP) with fonds J001/J002, a record of each and the role users;
    committed. Each test gets its own audit trail."""
    import transaction

    from sd.archive.testing import ROLE_USERS
    from sd.archive.testing import make_fonds
    from sd.archive.testing import make_record

    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    make_users(ROLE_USERS, fonds, PASSWORD, other=other)
    found = {
        "fonds": fonds,
        "other": other,
        "record": make_record(fonds),
        "other_record": make_record(other),
    }
    transaction.commit()
    return found


@pytest.fixture
def session(fportal):
    """``session(user)``: a REST session as ``user`` (None: anonymous)."""
    with rest_sessions(fportal, PASSWORD) as make:
        yield make
