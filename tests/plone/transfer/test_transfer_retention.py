"""Records received by transfer carry their retention expiry (保管期满日) (#25 item 1)."""

import datetime

import transaction
from plone import api
from transfer_helpers import SAMPLE
from transfer_helpers import post
from transfer_helpers import unrestricted


def test_received_records_get_their_expiry(site, room):
    body = post(room, SAMPLE.read_bytes()).json()
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    for item in body["records"]:
        record = unrestricted(item["uid"])
        assert record.retention_period == "D30" and record.year == 2018
        assert record.retention_expiry == datetime.date(2048, 12, 31)
        (brain,) = catalog.unrestrictedSearchResults(UID=item["uid"])
        assert brain.retention_due == datetime.date(2048, 12, 31)
