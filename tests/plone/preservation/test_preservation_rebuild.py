"""Delete the records → rebuild from the AIPs of one location gives the same records."""

import shutil

from plone import api

from sd.archive.preservation import rebuild
from sd.archive.preservation import store
from sd.archive.preservation.package import components
from sd.archive.repository import ComponentData
from sd.archive.repository import add_component
from sd.archive.testing import PDF


def state_of(record):
    return {
        "uid": record.UID(),
        "code": record.archival_code,
        "title": record.title,
        "state": api.content.get_state(record),
        "fields": (
            record.electronic_record_id,
            record.year,
            record.retention_period,
            record.category_code,
            record.org_code,
            record.item_number,
            record.agency_name,
            record.security_level,
        ),
        "components": [
            (c.getId(), c.file.filename, c.role, c.sequence, c.sm3, c.size)
            for c in components(record)
        ],
        "history": [h["action"] for h in record.workflow_history["sd_record_workflow"]],
    }


def test_rebuild_from_one_location_gives_same_records(archived, fonds, portal, var):
    # a second version (new component) and a record carried on to 'received'
    with api.env.adopt_roles(["Manager"]):
        add_component(
            archived[0],
            ComponentData(filename="附件.pdf", data=PDF + b"%a", role="附件", sequence=3),
        )
    store.flush()
    for transition in ("request_transfer", "transfer", "receive"):
        api.content.transition(archived[1], transition=transition)
    assert [v["version"] for v in store.versions(archived[1])] == [1, 2]
    before = sorted((state_of(r) for r in archived), key=lambda s: s["code"])
    assert before[1]["state"] == "received"

    # the database loses everything; copy1 is gone as well: copy2 alone must suffice
    api.content.delete(fonds, check_linkintegrity=False)
    store.index().clear()
    shutil.rmtree(var / "aip" / "copy1")
    assert not api.content.find(portal_type="Record")

    report = rebuild.rebuild("copy2")
    assert report.ok, report.problems
    assert len(report.records) == 3 and report.versions == 5

    rebuilt = [b.getObject() for b in api.content.find(portal_type="Record")]
    after = sorted((state_of(r) for r in rebuilt), key=lambda s: s["code"])
    assert after == before
    assert api.content.find(archival_code=before[0]["code"])
    # the versions and the digest index are back: fixity of copy2 passes, nothing new written
    assert len(store.expected_digests()) == 5
    from sd.archive.preservation import fixity

    result, _ = fixity.run("copy2")
    assert result.ok and len(result.passed) == 5
    from zope.lifecycleevent import modified

    modified(rebuilt[0])
    assert store.flush() == []


def test_rebuild_twice_skips_existing(archived):
    report = rebuild.rebuild("copy1")
    assert report.records == [] and len(report.skipped) == 3


def test_rebuild_refuses_unknown_signer(archived, var):
    from sd.archive.preservation import keys

    (var / "preservation" / "keys" / keys.KEY_FILE).unlink()  # a new node key appears
    archived[0].__parent__._delObject(archived[0].getId())  # lost from the database
    report = rebuild.rebuild("copy1")
    assert [p["type"] for p in report.problems] == ["UntrustedSigner"] * 3
    assert report.records == []
    assert rebuild.rebuild("copy1", accept_any_signer=True).records == [archived[0].archival_code]
