"""Intake sets the retention expiry (保管期满日) and indexes it (#25 item 1)."""

import datetime

import transaction
from intake_helpers import post
from intake_helpers import sample
from plone import api


def test_archived_and_arranged_records_get_their_expiry(site, svc):
    archived = post(svc, "@archive", sample("archive-gongwen.zip")).json()
    arranged = post(svc, "@pre-archive", sample("pre-archive-gongwen.zip")).json()
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    for body in (archived, arranged):
        assert "-2023-D30-" in body["archival_code"].replace("·", "-")
        (brain,) = catalog.unrestrictedSearchResults(archival_code=body["archival_code"])
        record = brain._unrestrictedGetObject()
        # 2023 record kept 30 years: counted from 2024-01-01, kept to 2053-12-31
        assert record.retention_expiry == datetime.date(2053, 12, 31)
        assert brain.retention_due == datetime.date(2053, 12, 31)  # indexed, as metadata too
        found = catalog.unrestrictedSearchResults(
            retention_due={"query": datetime.date(2053, 12, 31), "range": "min"},
            archival_code=body["archival_code"],
        )
        assert len(found) == 1
