"""The whole demo site (演示站点) as ``make start`` builds it: every area's demo runs, twice.

The areas' own tests run their demo piece alone; this one runs ``create_demo_content`` as the
demo profile does, so a piece that breaks another (a user, a fonds, a hook) fails here, and it
checks what the issues ask of the demo data (#25: expired records, records under hold, records
whose closure has ended, no destroyed permanent record; a leader of each kind).
"""

from datetime import date

import transaction
from plone import api

from sd.archive.demo import create_demo_content


def _records(**query):
    catalog = api.portal.get_tool("portal_catalog")
    return catalog.unrestrictedSearchResults(portal_type="Record", **query)


def test_the_demo_site_holds_what_each_role_needs(fportal):
    create_demo_content()
    transaction.commit()
    for fonds_id in ("j001", "j002", "j003"):
        assert fonds_id in fportal, fonds_id
    for user_id in ("officer-j001", "archivist", "supervisor", "leader", "sysadmin", "auditor"):
        assert api.user.get(userid=user_id) is not None, user_id
    today = date.today()
    # 销毁: never a permanent record destroyed
    assert not _records(review_state="destroyed", retention_period="Y")
    # 到期: records whose retention has run out, one of them under a hold
    expired = _records(retention_due={"query": today, "range": "max"})
    assert expired
    held = [
        b for b in _records(fonds_code="J001") if getattr(b._unrestrictedGetObject(), "holds", None)
    ]
    assert held
    # 开放审核: records whose closure period has ended
    assert _records(closure_end={"query": today, "range": "max"})
    count = len(_records())
    create_demo_content()  # idempotent: a second run adds nothing
    transaction.commit()
    assert len(_records()) == count
