"""Fixtures of the audit trail tests: a trail of its own per test, an archived record on the
functional site (``fportal``, tests/plone/conftest.py), sessions of the roles that may or may
not read the trail."""

import pytest
import transaction
from plone import api

from sd.archive import audit
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_sessions

PASSWORD = "secret-12345"
USERS = {  # user id: global roles; "officer" is records officer of fonds J001
    "auditor": ["SecurityAuditor"],
    "sysadmin": ["SystemAdministrator"],
    "officer": ["Member"],
}


@pytest.fixture(autouse=True)
def own_trail(monkeypatch, tmp_path):
    """Each test writes a new ``audit.sqlite`` (the ledger stays shared: anchors name their
    trail's log id)."""
    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))


@pytest.fixture
def frecord(fportal):
    """An archived record of fonds J001, the users of ``USERS``; committed."""
    fonds = make_fonds(fportal)
    for user_id, roles in USERS.items():
        api.user.create(
            email=f"{user_id}@example.org", username=user_id, password=PASSWORD, roles=roles
        )
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    record = make_record(fonds)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    transaction.commit()
    return record


@pytest.fixture
def session(fportal):
    """``session(user)``: a REST session as ``user`` (None: anonymous)."""
    with rest_sessions(fportal, PASSWORD) as make:
        yield make


def entries(**query):
    """The committed entries of the test's trail matching ``query`` (oldest first)."""
    from sd.archive.audit.store import Query

    return list(audit.trail().iterate(Query(**query)))


@pytest.fixture
def logged():
    return entries
