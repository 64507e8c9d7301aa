"""The demo data (#25): no destroyed permanent record, every destroyed or appraised record
expired, and the due list of a demo fonds is not empty."""

import datetime

from plone import api

from sd.archive import demo
from sd.archive.retention import due_list


def test_demo_destroys_only_expired_records(manager):
    spec = demo.FONDS[0]
    fonds = demo.make_fonds(manager, spec)
    demo.make_records(fonds, spec, count=27)  # three turns of the lifecycle
    records = [o for o in fonds.objectValues() if o.portal_type == "Record"]
    destroyed = [r for r in records if api.content.get_state(r) == "destroyed"]
    appraised = [r for r in records if api.content.get_state(r) == "appraisal"]
    assert len(destroyed) == 3 and len(appraised) == 3
    for record in destroyed + appraised:
        assert record.retention_period != "Y"
        assert record.retention_expiry < datetime.date(2026, 1, 1)
    assert all(r.disposition_state == "destroyed" for r in destroyed)
    listed = {r["uid"] for r in due_list(fonds, 12, on=datetime.date(2026, 3, 1))}
    assert {r.UID() for r in appraised} <= listed
    assert not listed & {r.UID() for r in destroyed}
