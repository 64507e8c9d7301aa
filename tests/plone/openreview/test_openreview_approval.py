"""Approval of a review batch (审批, #25 item 7): the direct state change has the workflow's
effects (history, role mappings, ledger, audit, catalog entry as a full reindex makes it),
chunks commit one by one and a stopped approval goes on without applying a decision twice."""

import datetime

import pytest
import transaction
from plone import api

from sd.archive.core.openreview import rules
from sd.archive.ledger import records as ledger_records
from sd.archive.ledger.current import current_ledger
from sd.archive.openreview import approval
from sd.archive.openreview import batches
from sd.archive.openreview import decisions
from sd.archive.openreview import proposal


def _batch(made, decide_as="archivist"):
    with api.env.adopt_user(username="archivist"):
        batch = proposal.propose(made[1].aq_parent, datetime.date(2026, 1, 1))
    with api.env.adopt_user(username=decide_as):
        decisions.decide(
            batch,
            {
                "uids": [made[2].UID()],
                "decision": "controlled",
                "reason": "涉及个人隐私",
                "next_review": "2031-01-01",
            },
        )
        decisions.decide(batch, {"uids": "all", "decision": "open"})
    transaction.commit()
    return batch


def _entry(catalog, obj):
    rid = catalog.getrid("/".join(obj.getPhysicalPath()))
    return catalog.getIndexDataForRID(rid), catalog.getMetadataForRID(rid)


def _ledger_entries(uid):
    log = current_ledger().log
    with log.reading() as conn:
        return log.record_indexes(conn, uid)


def test_direct_state_change_is_the_workflow_s(review_site):
    portal, fonds, other, made = review_site
    batch = _batch(made)
    before = {n: len(_ledger_entries(made[n].UID())) for n in (1, 2, 3)}
    with api.env.adopt_user(username="archivist2"):
        results = approval.approve(batch, commit=transaction.commit)
    assert results["open"] == 2 and results["controlled"] == 1
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    wf = api.portal.get_tool("portal_workflow").getWorkflowById("sd_record_workflow")
    for n, state in ((1, "open"), (2, "controlled"), (3, "open")):
        record = made[n]
        last = record.workflow_history["sd_record_workflow"][-1]
        assert last["action"] == ("control" if state == "controlled" else "open")
        assert last["review_state"] == state and last["actor"] == "archivist2"
        assert batch.id in last["comments"]
        # the role mappings are the new state's (nothing left to change)
        assert not wf.updateRoleMappingsFor(record)
        # one ledger entry for the change, and the record agrees with it
        assert len(_ledger_entries(record.UID())) == before[n] + 1
        assert ledger_records.tamper_status(record, current_ledger()).intact
        # the catalog entry is what a full reindex makes of it: indexes and metadata
        fast = _entry(catalog, record)
        catalog.catalog_object(record, "/".join(record.getPhysicalPath()))
        assert _entry(catalog, record) == fast, n
        for child in record.objectValues():
            if catalog.getrid("/".join(child.getPhysicalPath())) is not None:
                fast = _entry(catalog, child)
                catalog.catalog_object(child, "/".join(child.getPhysicalPath()))
                assert _entry(catalog, child) == fast
    transaction.abort()
    # the audit trail has the transitions, anonymous visitors find the opened records
    from sd.archive import audit
    from sd.archive.audit.store import Query

    query = Query(action="workflow.transition", object=made[1].UID())
    events = list(audit.trail().iterate(query))
    assert events and events[-1].details["state"] == "open"
    assert events[-1].actor == "archivist2"
    with api.env.adopt_roles(["Anonymous"]):
        found = {b.UID for b in catalog.searchResults(portal_type="Record", review_state="open")}
    assert found == {made[1].UID(), made[3].UID()}
    brain = catalog.unrestrictedSearchResults(UID=made[2].UID())[0]
    assert brain.review_state == "controlled" and brain.open_status == "控制"
    assert brain.closure_end == datetime.date(2031, 1, 1)


def test_stopped_approval_goes_on_once(review_site):
    portal, fonds, other, made = review_site
    batch = _batch(made)
    before = {n: len(_ledger_entries(made[n].UID())) for n in (1, 2, 3)}
    with api.env.adopt_user(username="archivist2"):
        progress = approval.approve(batch, commit=transaction.commit, chunk=1, limit=1)
    assert progress == {"state": rules.RELEASING, "applied": 1, "size": 3}
    transaction.begin()
    assert batch.state == rules.RELEASING
    states = sorted(api.content.get_state(made[n]) for n in (1, 2, 3))
    assert states.count("received") == 2
    # no decision changes once approved; neither proposer nor reviewer may go on
    with api.env.adopt_user(username="archivist"):
        with pytest.raises(batches.OpenReviewRefused) as refused:
            decisions.decide(batch, {"uids": [made[1].UID()], "decision": "open"})
        assert refused.value.status == 409
        with pytest.raises(batches.OpenReviewRefused) as refused:
            approval.approve(batch, commit=transaction.commit)
        assert refused.value.problems[0].code == "OPENREVIEW-OWN-BATCH"
    transaction.abort()
    with api.env.adopt_user(username="admin"):
        results = approval.approve(batch, commit=transaction.commit, chunk=1)
    assert results["open"] == 2 and results["controlled"] == 1 and results["withheld"] == []
    transaction.begin()
    assert batch.state == rules.RELEASED
    for n in (1, 2, 3):
        actions = [h["action"] for h in made[n].workflow_history["sd_record_workflow"]]
        assert actions.count("open") + actions.count("control") == 1, actions
        assert len(_ledger_entries(made[n].UID())) == before[n] + 1
        assert len([e for e in made[n].open_log if batch.id in e["how"]]) == 1
    assert [e["action"] for e in batch.log] == ["proposed", "decided", "decided", "approved"]
    with pytest.raises(batches.OpenReviewRefused), api.env.adopt_user(username="admin"):
        approval.approve(batch)


def test_stopped_release_page_goes_on(review_site):
    """The batch page of a stopped release says so (zh_CN) and its button goes on."""
    import re

    from sd.archive.testing import rest_session

    portal, fonds, other, made = review_site
    batch = _batch(made)
    with api.env.adopt_user(username="archivist2"):
        approval.approve(batch, commit=transaction.commit, chunk=1, limit=2)
    url = f"{portal.absolute_url()}/@@openreview-batch?id={batch.id}"
    session = rest_session(portal, "archivist2")
    session.headers.update({"Accept": "text/html", "Accept-Language": "zh-cn"})
    page = session.get(url)
    assert page.status_code == 200 and "继续生效" in page.text and "生效中" in page.text
    assert "Traceback" not in page.text
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)
    done = session.post(url, data={"form.approve": "1", "_authenticator": token})
    assert done.status_code == 200 and "已批准开放" in done.text, done.text[-2000:]
    transaction.begin()
    assert batch.state == rules.RELEASED and len(batch.applied) == 3
    assert all(api.content.get_state(made[n]) in ("open", "controlled") for n in (1, 2, 3))
