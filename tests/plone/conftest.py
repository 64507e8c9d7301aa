"""Fixtures shared by the Plone-side tests: a fonds, records and users per role."""

import pytest
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles
from zope.component.hooks import setSite

from sd.archive.testing import ROLE_USERS
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import make_users


@pytest.fixture
def manager(portal):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    yield portal
    setRoles(portal, TEST_USER_ID, ["Member"])


@pytest.fixture
def fportal(functional):
    """The functional layer's portal (transactions may commit), as Manager."""
    portal = functional["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    yield portal
    setRoles(portal, TEST_USER_ID, ["Member"])


@pytest.fixture
def fonds(manager):
    return make_fonds(manager)


@pytest.fixture
def other_fonds(manager):
    return make_fonds(manager, "j002", "J002", "DA/T 13-2022")


@pytest.fixture
def users(portal, fonds, other_fonds):
    make_users(ROLE_USERS, fonds, "secret-12345", other=other_fonds)
    return ROLE_USERS


@pytest.fixture
def record(fonds):
    return make_record(fonds)
