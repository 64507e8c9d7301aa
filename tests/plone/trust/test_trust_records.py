"""Retention dates, local roles and the ledger guard on the records themselves (#22.3, 5, 6)."""

import datetime

import pytest
from plone import api
from plone.dexterity.utils import iterSchemata
from zope.lifecycleevent import modified
from zope.schema import getFields

from sd.archive.corrections import CorrectionRefused
from sd.archive.corrections import correct_description
from sd.archive.ledger.records import LedgerDiscrepancy
from sd.archive.numbering import assign_code
from sd.archive.protection import SERVER_FIELDS
from sd.archive.protection import RecordProtected
from sd.archive.testing import make_record


def _archived(fonds, n=1, retention="D30"):
    record = make_record(fonds, n)
    assign_code(record, "WS", 2018, retention, "BGS")
    api.content.transition(record, transition="archive")
    return record


def test_server_fields_are_read_only_in_the_schemas(record):
    fields = {
        name: field for schema in iterSchemata(record) for name, field in getFields(schema).items()
    }
    component = record.objectValues()[0]
    fields.update(
        {
            name: field
            for schema in iterSchemata(component)
            for name, field in getFields(schema).items()
        }
    )
    found = SERVER_FIELDS & set(fields)
    assert found >= {
        "archival_code",
        "item_number",
        "code_frozen",
        "correction_log",
        "seal_findings",
        "archiving_seal",
        "disposition_state",
        "ledger_index",
        "leaf_hash",
        "retention_expiry",
        "sm3",
        "size",
    }
    assert all(fields[name].readonly for name in found), [
        n for n in found if not fields[n].readonly
    ]


def test_retention_expiry_is_set_when_the_code_is_given(fonds):
    """Intake, transfer and review give the period through numbering: expiry at once (#22.5)."""
    record = make_record(fonds)
    assert record.retention_expiry is None
    assign_code(record, "WS", 2018, "D30", "BGS")
    assert record.retention_expiry == datetime.date(2048, 12, 31)
    permanent = make_record(fonds, 2)
    assign_code(permanent, "WS", 2018, "Y", "BGS")
    assert permanent.retention_expiry is None


def test_an_edit_that_does_not_touch_retention_logs_nothing_of_it(fonds):
    record = _archived(fonds)
    assert record.retention_start is None
    correct_description(record, {"title": "只改题名"}, "错字")
    changes = record.correction_log[-1]["changes"]
    assert [c["field"] for c in changes] == ["title"]
    assert record.retention_start is None
    assert record.retention_expiry == datetime.date(2048, 12, 31)


def test_plain_edits_of_an_archived_record_are_refused_on_every_path(fonds):
    record = _archived(fonds)
    record.title = "表单里改的"
    with pytest.raises(RecordProtected):
        modified(record)


def test_correction_of_a_pre_archived_or_destroyed_record_is_refused(fonds):
    draft = make_record(fonds, 3)
    with pytest.raises(CorrectionRefused) as info:
        correct_description(draft, {"title": "x"}, "r")
    assert info.value.type == "NotArchived"
    record = _archived(fonds, 4)
    with pytest.raises(CorrectionRefused) as info:
        correct_description(record, {"title": record.Title()}, "r")
    assert info.value.type == "NoChange"


def test_a_component_moved_behind_the_system_stops_the_next_entry(fonds):
    record = _archived(fonds)
    component = record.objectValues()[0]
    component.path = "别处/正本.pdf"  # straight into the ZODB, no event
    with pytest.raises(LedgerDiscrepancy) as info:
        api.content.transition(record, transition="request_transfer")
    assert info.value.problems[0].code == "LEDGER-FILE-MISSING"


def test_metadata_changed_behind_the_system_stops_the_next_entry(fonds):
    record = _archived(fonds)
    record.electronic_record_id = "OA-ANOTHER"
    with pytest.raises(LedgerDiscrepancy) as info:
        api.content.transition(record, transition="appraise")
    assert info.value.problems[0].code == "LEDGER-METADATA"


def test_local_roles_given_later_reach_the_catalog(portal, fonds):
    """Records made before the officer got the role show in the officer's search (#22.6)."""
    records = [_archived(fonds, n) for n in range(1, 4)]
    api.user.create(email="late@example.org", username="late-officer", password="secret-12345")
    api.user.grant_roles(username="late-officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    catalog = api.portal.get_tool("portal_catalog")
    with api.env.adopt_user(username="late-officer"):
        found = {b.UID for b in catalog(portal_type="Record")}
    assert {r.UID() for r in records} <= found
    api.user.revoke_roles(username="late-officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    with api.env.adopt_user(username="late-officer"):
        assert not catalog(portal_type="Record")
