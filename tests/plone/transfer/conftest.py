"""Fixtures of the transfer tests.

The archives' site with fonds J001 like the sample's, and the accounts."""

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from zope.component.hooks import setSite

from sd.archive.testing import PACKAGE_SAMPLES
from sd.archive.testing import make_fonds
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "corpus"))

SAMPLES = Path(os.environ.get("SD_ARCHIVE_SAMPLES", PACKAGE_SAMPLES))
SAMPLE = SAMPLES / "transfer-5-records.zip"
_intake = importlib.util.spec_from_file_location(
    "intake_conftest", Path(__file__).resolve().parents[1] / "intake" / "conftest.py"
)
intake_conftest = importlib.util.module_from_spec(_intake)
_intake.loader.exec_module(intake_conftest)
session_for = intake_conftest.session_for  # the same HTTP sessions as the intake tests
PASSWORD = intake_conftest.PASSWORD

ACCOUNTS = {
    # user id: (global roles, {fonds id: local roles})
    "room-j001": ([], {"j001": ["Submitter"]}),  # the records room's service account
    "room-j002": ([], {"j002": ["Submitter"]}),
    "archivist": (["Archivist"], {}),
    "member": ([], {}),
}


@pytest.fixture
def site(functional, tmp_path, monkeypatch):
    """The archives' site with J001 (DA/T 22-2015 with organisation code, as the sample).

    The ledger lives outside the ZODB: each test gets its own, as each gets a fresh ZODB."""
    from sd.archive.ledger import node

    monkeypatch.setenv("SD_ARCHIVE_LEDGER_DIR", str(tmp_path / "ledger"))
    node.forget_identities()
    portal = functional["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    fonds = {
        "j001": make_fonds(portal, "j001", "J001", "DA/T 22-2015"),
        "j002": make_fonds(portal, "j002", "J002", "DA/T 22-2015"),
    }
    make_users(ACCOUNTS, fonds, PASSWORD)
    transaction.commit()
    logout()
    return portal


@pytest.fixture
def room(site):
    session = session_for(site, "room-j001")
    yield session
    session.close()


@pytest.fixture
def archivist(site):
    session = session_for(site, "archivist")
    yield session
    session.close()


def post(session, data: bytes, media="application/zip", **headers):
    return session.post("@transfer", data=data, headers={"Content-Type": media, **headers})


def holdings(portal, fonds_code="J001"):
    """(records, by state) of a fonds from the catalog."""
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="Record", fonds_code=fonds_code)
    states = {}
    for b in brains:
        states[b.review_state] = states.get(b.review_state, 0) + 1
    return len(brains), states


def unrestricted(uid):
    catalog = api.portal.get_tool("portal_catalog")
    found = catalog.unrestrictedSearchResults(UID=uid)
    return found[0]._unrestrictedGetObject() if found else None


# The test modules import these helpers as ``transfer_helpers``: a unique name, so that they
# get this folder's helpers whichever other conftest.py pytest imported last as ``conftest``.
if __name__ in sys.modules:  # not when another conftest loads this file by path
    sys.modules["transfer_helpers"] = sys.modules[__name__]
