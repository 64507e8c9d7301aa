"""Holdings look-ups of detection: exact index look-ups, per fonds and type, queue first."""

from plone import api
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login

from sd.archive.intake.context import Holdings
from sd.archive.testing import make_record


def test_records_are_found_in_their_own_fonds_only(site):
    login(site, TEST_USER_NAME)
    mine = make_record(site["j001"], 1, electronic_record_id="OA-SHARED-1")
    # the same 电子文件号 in another fonds, and not yet reindexed (still in the queue)
    theirs = make_record(site["j002"], 1, electronic_record_id="OA-SHARED-1")
    j001, j002 = Holdings(site["j001"]), Holdings(site["j002"])
    assert j001.record("OA-SHARED-1").UID() == mine.UID()
    assert j002.record("OA-SHARED-1").UID() == theirs.UID()
    assert j001.record("OA-OTHER") is None and j001.record(None) is None
    assert not j001.is_unique("电子文件号", "OA-SHARED-1", None)
    assert j001.is_unique("电子文件号", "OA-NEW", None)


def test_other_content_with_the_same_value_is_no_record(site):
    login(site, TEST_USER_NAME)
    page = api.content.create(container=site, type="Document", id="p", title="p")
    page.electronic_record_id = "OA-PAGE-1"  # not a Record: the look-up must not count it
    page.reindexObject()
    assert Holdings(site["j001"]).record("OA-PAGE-1") is None
