"""PATCH @controlpanels/sd-archive-storage as Manager: one field at a time, checked against the
stored rest (the unique-ids invariant reads the stored locations)."""

import pytest
import transaction
from plone import api

from sd.archive.testing import rest_session

PANEL = "@controlpanels/sd-archive-storage"


def stored(name):
    transaction.begin()
    return api.portal.get_registry_record(f"sd.archive.preservation.{name}")


@pytest.mark.parametrize(
    "body",
    [
        {"copies_required": 1},
        {"carrier_type": "BD-R 50GB"},
        {"unit_name": "省档案馆"},
        {"copies_required": 1, "locations": ["copy1|online_disk|aip/copy1", "discs|optical|discs"]},
    ],
)
def test_patch_the_storage_panel_as_manager(fportal, body):
    admin = rest_session(fportal, "admin")
    response = admin.patch(PANEL, json=body)
    assert response.status_code == 204, response.text[:2000]
    for name, value in body.items():
        assert stored(name) == value
    assert admin.get(PANEL).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"locations": ["a|online_disk|x", "a|optical|y"]},
        {"locations": ["bad"]},
        {"fixity_interval_days": 0},
    ],
)
def test_a_bad_patch_is_400_and_changes_nothing(fportal, body):
    before = stored("locations")
    response = rest_session(fportal, "admin").patch(PANEL, json=body)
    assert response.status_code == 400, response.text[:2000]
    assert stored("locations") == before
