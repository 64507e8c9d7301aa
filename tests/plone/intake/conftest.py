"""Fixtures of the intake tests: fonds J001/J002 matching the sample packages, accounts, HTTP."""

import os
import sys
from pathlib import Path

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
from zope.component.hooks import setSite

from sd.archive.testing import PACKAGE_SAMPLES
from sd.archive.testing import make_fonds
from sd.archive.testing import make_users

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "corpus"))

SAMPLES = Path(os.environ.get("SD_ARCHIVE_SAMPLES", PACKAGE_SAMPLES))
PASSWORD = "secret-12345"

ACCOUNTS = {
    # user id: (global roles, {fonds id: local roles})
    "svc-j001": ([], {"j001": ["Submitter"]}),
    "svc-j002": ([], {"j002": ["Submitter"]}),
    "officer": ([], {"j001": ["RecordsOfficer", "Reader"]}),
    "supervisor": (["Supervisor"], {}),
    "member": ([], {}),
}


@pytest.fixture
def site(functional):
    """The functional site with J001 and J002 built like the sample packages' fonds
    (both number WS by DA/T 22-2015 with the organisation code), and the accounts."""
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


def session_for(portal, user=None):
    session = RelativeSession(portal.absolute_url(), test=None)
    session.headers.update({"Accept": "application/json"})
    if user == "admin":
        session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    elif user:
        session.auth = (user, PASSWORD)
    return session


@pytest.fixture
def svc(site):
    session = session_for(site, "svc-j001")
    yield session
    session.close()


@pytest.fixture
def svc2(site):
    session = session_for(site, "svc-j002")
    yield session
    session.close()


@pytest.fixture
def anon(site):
    session = session_for(site)
    yield session
    session.close()


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def blob_files(portal) -> int:
    """Blob files of the test database (the demo storages' temporary blob directories)."""
    seen, total, todo = set(), 0, [portal._p_jar.db().storage]
    while todo:
        storage = todo.pop()
        if id(storage) in seen:
            continue
        seen.add(id(storage))
        helper = getattr(storage, "fshelper", None)
        if helper is not None:
            for _root, _dirs, names in os.walk(helper.base_dir):
                total += sum(name.endswith(".blob") for name in names)
        for attr in ("changes", "base"):
            sub = getattr(storage, attr, None)
            if sub is not None:
                todo.append(sub)
    return total


def holdings(portal) -> tuple:
    """(Records, Components, blob files) — what a refused package must not change."""
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    records = catalog.unrestrictedSearchResults(portal_type="Record")
    components = sum(len(b._unrestrictedGetObject().objectIds()) for b in records)
    return (len(records), components, blob_files(portal))


def loose_blob_files() -> set:
    """Files of blobs not (yet) in a database: a package's components are read straight into
    them and moved into the blob storage when the record is committed. A refused package must
    leave none."""
    import tempfile

    directory = tempfile.gettempdir()
    return {name for name in os.listdir(directory) if name.startswith("BUC")}


def post(session, endpoint, data, content_type="application/zip", **headers):
    return session.post(endpoint, data=data, headers={"Content-Type": content_type, **headers})


def zip_bytes(files: dict) -> bytes:
    """A package from a {path: bytes} mapping (with build_corpus's writer), as bytes."""
    import tempfile

    from build_corpus import write

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "package.zip")
        write(path, files)
        return Path(path).read_bytes()


# The test modules import these helpers as ``intake_helpers``: a unique name, so that they get this
# folder's helpers whichever other conftest.py pytest imported last as ``conftest``.
if __name__ in sys.modules:  # not when another conftest loads this file by path
    sys.modules["intake_helpers"] = sys.modules[__name__]
