"""Demo data of the open-access review (#25): J001 holds records whose closure has ended,
one under hold, a proposed batch with one decision, and the second reviewer; idempotent;
the demo's open/controlled records carry the matching open_status."""

from plone import api

from sd.archive import demo
from sd.archive.openreview import batches
from sd.archive.openreview import proposal
from sd.archive.openreview.demo import make_openreview_demo


def test_demo_has_records_whose_closure_ended(manager):
    spec = demo.FONDS[0]
    fonds = demo.make_fonds(manager, spec)
    demo.make_records(fonds, spec, count=9)  # one turn of the lifecycle
    demo.ensure_users(manager)
    opened = [o for o in fonds.objectValues() if api.content.get_state(o, None) == "open"]
    controlled = [o for o in fonds.objectValues() if api.content.get_state(o, None) == "controlled"]
    assert [r.open_status for r in opened] == ["开放"]
    assert [r.open_status for r in controlled] == ["控制"]
    make_openreview_demo(manager)
    make_openreview_demo(manager)  # idempotent
    (batch,) = batches.storage()["batches"].values()
    assert batch.size == 4 and len(batch.decisions) == 1 and batch.proposer == "archivist"
    from sd.archive.retention import today

    due = [
        b for b in proposal.due_brains(fonds, today()) if b.UID not in batches.storage()["pending"]
    ]
    assert len(due) == 4  # three more due, and the one under hold
    assert api.user.get(username="archivist2") is not None
