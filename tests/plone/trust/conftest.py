"""Fixtures of the trust tests: an archived record on the functional site, sessions per role."""

import pytest
import transaction
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session

PASSWORD = "secret-12345"


@pytest.fixture
def frecord(fportal):
    """An archived record of J001 whose records officer is ``officer``."""
    fonds = make_fonds(fportal)
    api.user.create(email="officer@example.org", username="officer", password=PASSWORD)
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    record = archive(make_record(fonds))
    transaction.commit()
    return record


def archive(record, year=2023, retention="Y"):
    assign_code(record, "WS", year, retention, "BGS")
    api.content.transition(record, transition="archive")
    return record


@pytest.fixture
def officer(fportal):
    session = rest_session(fportal, "officer", PASSWORD)
    yield session
    session.close()


@pytest.fixture
def admin(fportal):
    session = rest_session(fportal, "admin")
    yield session
    session.close()
