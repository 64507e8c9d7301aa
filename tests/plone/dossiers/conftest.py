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


@pytest.fixture
def zh_site(fportal):
    """Pages in zh-CN first: the functional site's language, put back afterwards."""
    from plone import api

    registry = {"plone.default_language": "zh-cn", "plone.available_languages": ["zh-cn", "en"]}
    before = {name: api.portal.get_registry_record(name) for name in registry}
    for name, value in registry.items():
        api.portal.set_registry_record(name, value)
    fportal.setLanguage("zh-cn")
    yield fportal
    fportal.setLanguage("en")
    for name, value in before.items():
        api.portal.set_registry_record(name, value)
