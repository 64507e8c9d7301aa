"""Fixtures of the seal service tests: the OFD samples, a key in a private file."""

import logging

import pytest
from plone import api
from seal_helpers import SAMPLES

from sd.archive.seals import settings

logging.getLogger("pyhanko").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def samples():
    assert SAMPLES.is_dir(), SAMPLES
    return SAMPLES


@pytest.fixture
def seal_key(portal, tmp_path):
    """A demo archiving-seal key in a private file under a temporary var directory."""
    api.portal.set_registry_record(
        "sd.archive.seals.key_path", str(tmp_path / "seals" / "archiving-seal.key")
    )
    assert settings.create_demo_key(replace=True)
    return settings.load_key()
