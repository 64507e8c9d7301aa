"""Fixtures of the organisation-tree sync tests: the platform's contract stub with a small
province (two agencies bound to fonds J001 and J002), and the client the site uses."""

import pytest
from platform_stub.site import running_stub
from zope.component.hooks import setSite

from sd.archive.identity.directory import store
from sd.archive.identity.platform.client import PlatformClient
from sd.archive.testing import make_fonds


@pytest.fixture
def stub():
    with running_stub() as platform:
        yield platform


@pytest.fixture
def client(stub):
    return PlatformClient(stub.url, stub.corp_id, stub.secret, timeout=5)


def bind(portal):
    store.save_settings(portal, "2 = J001\n4 = J002", store.mapping_text(portal))


@pytest.fixture
def site(manager):
    """The integration portal with fonds J001 and J002 bound to agencies 2 and 4."""
    setSite(manager)
    make_fonds(manager)
    make_fonds(manager, "j002", "J002", "DA/T 13-2022")
    bind(manager)
    return manager
