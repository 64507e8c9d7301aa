"""Fixtures of the volume tests (helpers in ``volume_helpers``)."""

import pytest
from volume_helpers import archived
from volume_helpers import volume_fonds


@pytest.fixture
def vfonds(manager):
    return volume_fonds(manager)


@pytest.fixture
def three(vfonds):
    return [
        archived(vfonds, 1, day=40, pages=3),
        archived(vfonds, 2, day=10, pages=2),
        archived(vfonds, 3, day=20),
    ]
