"""Fixtures of the three-administrators tests (三员分立): a functional site with the three
administrators and an archived record, REST sessions per account, and the events fired."""

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.restapi.testing import RelativeSession
from zope.component import getGlobalSiteManager
from zope.component.hooks import setSite

from sd.archive.numbering import assign_code
from sd.archive.security.events import ISecurityChangedEvent
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

PASSWORD = "secret-12345"
ACCOUNTS = {
    "sysadmin": ["SystemAdministrator"],
    "secadmin": ["SecurityAdministrator"],
    "auditor": ["SecurityAuditor"],
    "clerk": ["Member"],
}


@pytest.fixture
def events():
    """The ``SecurityChangedEvent``s fired while the test runs."""
    fired = []
    gsm = getGlobalSiteManager()
    handler = fired.append
    gsm.registerHandler(handler, (ISecurityChangedEvent,))
    yield fired
    gsm.unregisterHandler(handler, (ISecurityChangedEvent,))


@pytest.fixture
def site(functional):
    """The functional site with fonds J001, an archived record and the accounts (committed)."""
    portal = functional["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    fonds = make_fonds(portal)
    record = make_record(fonds)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    for user_id, roles in ACCOUNTS.items():
        api.user.create(
            email=f"{user_id}@example.org", username=user_id, password=PASSWORD, roles=roles
        )
    api.group.create(groupname="auditors", roles=["SecurityAuditor"])
    transaction.commit()
    logout()
    return portal


@pytest.fixture
def record_path(site):
    """The archived record's path below the site."""
    brain = site.portal_catalog.unrestrictedSearchResults(portal_type="Record")[0]
    return brain.getPath()[len("/".join(site.getPhysicalPath())) + 1 :]


@pytest.fixture
def session(site):
    """``session(user)``: a REST session of ``user`` (``"admin"``: the site owner)."""
    opened = []

    def open_session(user):
        s = RelativeSession(site.absolute_url())
        s.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
        s.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD) if user == "admin" else (user, PASSWORD)
        opened.append(s)
        return s

    yield open_session
    for s in opened:
        s.close()


@pytest.fixture
def global_roles(site):
    """``global_roles(user_id)``: the roles stored for ``user_id`` in portal_role_manager, as
    committed by the requests."""

    def stored(user_id):
        transaction.begin()
        return set(site.acl_users.portal_role_manager._principal_roles.get(user_id, ()))

    return stored
