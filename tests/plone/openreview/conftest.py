"""A fonds with records in the archives' holdings whose closure has ended (开放审核)."""

import sys
from pathlib import Path

import pytest
import transaction
from plone import api

from sd.archive.holds import place_hold
from sd.archive.testing import make_fonds

sys.path.insert(0, str(Path(__file__).resolve().parent))
from openreview_data import received  # noqa: E402

USERS = {
    # user id: (global roles, local roles on J001, local roles on J002)
    "archivist": (["Archivist"], [], []),
    "archivist2": (["Archivist"], [], []),
    "reviewer-j002": ([], [], ["Archivist"]),
    "officer": ([], ["RecordsOfficer", "Reader"], []),
    "member": ([], [], []),
}


@pytest.fixture
def review_site(fportal):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    for user_id, (roles, local, other_local) in USERS.items():
        api.user.create(
            email=f"{user_id}@example.org",
            username=user_id,
            password="secret-12345",
            roles=roles or ("Member",),
        )
        if local:
            api.user.grant_roles(username=user_id, obj=fonds, roles=local)
        if other_local:
            api.user.grant_roles(username=user_id, obj=other, roles=other_local)
    made = {
        1: received(fonds, 1, 1995),
        2: received(fonds, 2, 1996),
        3: received(fonds, 3, 1998, real=True),
        4: received(fonds, 4, 1997),  # placed under hold below
        5: received(fonds, 5, 2015),  # closed to 2040
    }
    place_hold(made[4], "诉讼冻结", "案件审理需要")
    fonds.public_reading = True
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    transaction.commit()
    yield fportal, fonds, other, made
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
    transaction.commit()
