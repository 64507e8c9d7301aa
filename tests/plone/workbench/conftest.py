"""Fixtures of the workbench tests: demo-like queues on J001 and J002 for the ``users``."""

import pytest
from workbench_data import fill
from zope.interface import alsoProvides

from sd.archive.interfaces import ISdArchiveLayer


@pytest.fixture
def desk(portal, users, fonds, other_fonds):
    """Records in each state, three transfer batches, three rejections and an alarm."""
    fill(portal, fonds, other_fonds)
    alsoProvides(portal.REQUEST, ISdArchiveLayer)
    return portal
