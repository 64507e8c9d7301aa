"""Fixtures of the evidence ledger tests: the site's ledger and an archived record."""

import os

import pytest
import transaction
from plone import api

from sd.archive.ledger.current import current_ledger
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.testing import PDF
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record


@pytest.fixture
def ffonds(fportal):
    fonds = make_fonds(fportal)
    transaction.commit()
    return fonds


def _session(portal, auth=None):
    from plone.restapi.testing import RelativeSession

    session = RelativeSession(portal.absolute_url())
    session.headers.update({"Accept": "application/json"})
    session.auth = auth
    return session


@pytest.fixture
def anonymous(fportal):
    session = _session(fportal)
    yield session
    session.close()


@pytest.fixture
def admin(fportal):
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    session = _session(fportal, (SITE_OWNER_NAME, SITE_OWNER_PASSWORD))
    yield session
    session.close()


@pytest.fixture
def fledger(fportal):
    return current_ledger(fportal)


@pytest.fixture
def ledger(portal):
    return current_ledger(portal)


def archived(fonds, n=1, **metadata):
    """A record with a code, archived (the transition logs an ``archive`` entry)."""
    record = make_record(fonds, n, **metadata)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    return record


@pytest.fixture
def archived_record(fonds):
    return archived(fonds)


@pytest.fixture
def archive():
    """Factory: ``archive(fonds, n)`` makes an archived record."""
    return archived


@pytest.fixture
def size_of():
    """``size_of(ledger)``: the committed tree size."""

    def committed_size(ledger):
        with ledger.log.reading() as conn:
            return ledger.log.size(conn)

    return committed_size


@pytest.fixture
def unique(ffonds):
    """An archived record whose files no other record has; returns (record, {name: bytes})."""
    marker = os.urandom(8).hex().encode()
    files = {"正本.pdf": PDF + b"%" + marker, "附件.pdf": PDF + b"%a" + marker}
    record = create_record(
        ffonds,
        {
            "title": f"关于存证测试的通知 {marker.decode()}",
            "record_kind": "电子公文",
            "electronic_record_id": f"OA-T-{marker.decode()}",
            "fonds_code": "J001",
            "year": 2023,
            "retention_period": "Y",
        },
        [
            ComponentData(filename=name, data=data, sequence=i + 1, content_type="application/pdf")
            for i, (name, data) in enumerate(files.items())
        ],
    )
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    transaction.commit()
    return record, files
