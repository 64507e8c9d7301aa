"""The appraisal demo (#25): expired records, one under a hold, a batch in progress with one
of two opinions; no destroyed permanent record; idempotent."""

from plone import api

from sd.archive import demo
from sd.archive.appraisal import batches
from sd.archive.appraisal.demo import make_appraisal_demo


def test_appraisal_demo(manager):
    spec = demo.FONDS[0]
    fonds = demo.make_fonds(manager, spec)
    demo.make_records(fonds, spec)
    demo.ensure_users(manager)
    make_appraisal_demo(manager)
    (batch,) = batches.batches_of(fonds)
    assert batches.batch_state(batch).value == "opinions" and len(batch.items) == 3
    assert batch.members == ("officer-j001", "appraiser-j001")
    assert list(batch.opinions) == ["officer-j001"]
    records = [o for o in fonds.objectValues() if o.portal_type == "Record"]
    held = [r for r in records if getattr(r, "holds", None)]
    assert len(held) == 1 and held[0].UID() not in batch.items
    destroyed = [r for r in records if api.content.get_state(r) == "destroyed"]
    assert destroyed and all(r.retention_period != "Y" for r in destroyed)
    # expired records are left for a new proposal
    assert len(batches.due_uids(fonds, batches.Kind.AGENCY)) >= 1
    # the agency's leader of J001 approves its records room's batch, the archives' leader not
    assert "AgencyLeader" in api.user.get_roles(username="leader-j001", obj=batch)
    with api.env.adopt_user(username="leader-j001"):
        assert batches.is_leader(batch)
    with api.env.adopt_user(username="leader"):
        assert not batches.is_leader(batch)
    make_appraisal_demo(manager)  # idempotent
    assert len(batches.batches_of(fonds)) == 1
