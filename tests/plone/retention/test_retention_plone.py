"""Retention dates on the Plone side (#25 item 1): set once, recomputed on corrections,
computed for existing records, the due list from the catalog, destruction refused."""

import datetime

import pytest
from plone import api

from sd.archive.appraisal.execution import sanctioned
from sd.archive.numbering import assign_code
from sd.archive.numbering import correct_code
from sd.archive.retention import DestructionRefused
from sd.archive.retention import check_destruction
from sd.archive.retention import due_list
from sd.archive.retention import recompute_expiry
from sd.archive.testing import make_record

D = datetime.date
TODAY = D(2026, 12, 7)


def archived(fonds, n, year, retention, state="archived"):
    record = make_record(fonds, n, retention_period=retention)
    assign_code(record, "WS", year, retention, "BGS")
    api.content.transition(record, transition="archive")
    if state == "appraisal":
        api.content.transition(record, transition="appraise")
    return record


def brain_of(record):
    (brain,) = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(UID=record.UID())
    return brain


def test_code_correction_recomputes_expiry(fonds):
    record = archived(fonds, 1, 2018, "D30")
    assert record.retention_expiry == D(2048, 12, 31)
    correct_code(record, "年度著录有误", year=2016)
    assert record.retention_expiry == D(2046, 12, 31)
    assert brain_of(record).retention_due == D(2046, 12, 31)
    correct_code(record, "保管期限划定有误", retention="D10")
    assert record.retention_expiry == D(2026, 12, 31)
    assert brain_of(record).retention_due == D(2026, 12, 31)
    correct_code(record, "应永久保存", retention="Y")
    assert record.retention_expiry is None
    assert not brain_of(record).retention_due  # permanent: never indexed as due


def test_existing_records_get_their_expiry(fonds):
    records = [archived(fonds, n, 2010 + n, "D10") for n in range(1, 4)]
    permanent = archived(fonds, 9, 2012, "Y")
    for record in records:  # records made before the dates were computed
        record.retention_expiry = None
        record.reindexObject()
    lines = []
    assert recompute_expiry(api.portal.get(), batch=2, progress=lines.append) == {
        "total": 4,
        "changed": 3,
    }
    assert [r.retention_expiry for r in records] == [
        D(2021, 12, 31),
        D(2022, 12, 31),
        D(2023, 12, 31),
    ]
    assert permanent.retention_expiry is None
    assert lines[0].startswith("2/4 records") and lines[-1].startswith("4/4 records, 3 changed")
    assert brain_of(records[0]).retention_due == D(2021, 12, 31)
    assert recompute_expiry(api.portal.get(), progress=lines.append)["changed"] == 0


def test_due_list_contents_and_boundaries(fonds, other_fonds):
    expired = archived(fonds, 1, 2011, "D10")  # kept to 2021-12-31
    in_appraisal = archived(fonds, 2, 2012, "D10", state="appraisal")  # to 2022-12-31
    expiring = archived(fonds, 3, 2016, "D10")  # to 2026-12-31: within 1 month
    later = archived(fonds, 4, 2017, "D10")  # to 2027-12-31: within 13 months, not 12
    archived(fonds, 5, 2011, "Y")  # permanent: never listed
    archived(fonds, 6, 2018, "D30")  # to 2048
    make_record(fonds, 7, year=2001, retention_period="D10")  # pre-archived: not in holdings
    archived(other_fonds, 8, 2011, "D10")  # another fonds
    rows = due_list(fonds, 12, on=TODAY)
    assert [r["uid"] for r in rows] == [expired.UID(), in_appraisal.UID(), expiring.UID()]
    assert [r["status"] for r in rows] == ["expired", "expired", "expiring"]
    first = rows[0]
    assert first["archival_code"] == expired.archival_code and first["year"] == 2011
    assert first["retention_label"] == "定期10年" and first["status_label"] == "已到期"
    assert first["due"] == D(2021, 12, 31)
    assert later.UID() in [r["uid"] for r in due_list(fonds, 13, on=TODAY)]
    assert [r["uid"] for r in due_list(fonds, 0, on=TODAY)] == [expired.UID(), in_appraisal.UID()]
    # the last day kept is still "expiring"; the day after it is expired
    assert due_list(fonds, 0, on=D(2026, 12, 31))[-1]["status"] == "expiring"
    assert due_list(fonds, 0, on=D(2027, 1, 1))[-1]["uid"] == expiring.UID()
    assert due_list(fonds, 0, on=D(2027, 1, 1))[-1]["status"] == "expired"


def test_due_list_never_lists_destroyed_records(fonds):
    record = archived(fonds, 1, 2011, "D10", state="appraisal")
    assert [r["uid"] for r in due_list(fonds, 12, on=TODAY)] == [record.UID()]
    with sanctioned(record, "test"):  # as an executed appraisal batch does (#25)
        api.content.transition(record, transition="destroy")
    assert due_list(fonds, 12, on=TODAY) == []


@pytest.mark.parametrize(
    "year,retention,code",
    [(2011, "Y", "DESTROY-PERMANENT"), (2020, "D10", "DESTROY-NOT-DUE")],
)
def test_destroy_refused_for_permanent_and_not_due(fonds, year, retention, code):
    record = archived(fonds, 1, year, retention, state="appraisal")
    wf = api.portal.get_tool("portal_workflow")
    assert "destroy" not in [t["id"] for t in wf.getTransitionsFor(record)]
    assert "retain" in [t["id"] for t in wf.getTransitionsFor(record)]
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(record, transition="destroy")
    assert api.content.get_state(record) == "appraisal"
    assert len(record.objectIds()) == 2  # its files are all there
    with pytest.raises(DestructionRefused) as info:
        check_destruction(record)
    assert info.value.status == 409 and info.value.problems[0].code == code


def test_destroy_allowed_once_expired(fonds):
    record = archived(fonds, 1, 2011, "D10", state="appraisal")
    check_destruction(record)
    # never as a lone transition (#25): only inside an executed appraisal batch
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(record, transition="destroy")
    with sanctioned(record, "test"):
        api.content.transition(record, transition="destroy")
    assert api.content.get_state(record) == "destroyed"


def test_a_retained_record_leaves_the_due_list(fonds):
    record = archived(fonds, 1, 2011, "D10", state="appraisal")
    assert [r["uid"] for r in due_list(fonds, 12, on=TODAY)] == [record.UID()]
    api.content.transition(record, transition="retain")
    assert record.disposition_state == "retained"
    assert due_list(fonds, 12, on=TODAY) == []
    record.next_review = D(2030, 12, 31)  # what the appraisal batch will set (#25 item 2)
    record.reindexObject(idxs=["retention_due"])
    assert due_list(fonds, 12, on=TODAY) == []
    assert [r["due"] for r in due_list(fonds, 0, on=D(2031, 1, 1))] == [D(2030, 12, 31)]
