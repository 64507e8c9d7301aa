"""Intake with the text indexes deferred (search/deferred.py, #31 several workers): the record
is catalogued at once in every index but ``SearchableText``, ``Title`` and ``record_title``,
queued in ``sd_text_pending`` in the same transaction, and found by title and full text once
a batch has run — with the same catalog entry as an intake that indexed everything at once.

The queue is a PostgreSQL table: needs ``SD_ARCHIVE_PG_DSN`` (``make test`` starts it)."""

import os

import pytest
import transaction
from intake_helpers import post
from intake_helpers import sample
from plone import api

from sd.archive.search import deferred
from sd.archive.search import postgresql

DSN = os.environ.get("SD_ARCHIVE_PG_DSN", "")
TITLE = "关于测试归档接口第7号的通知"

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def deferring(monkeypatch):
    if not DSN:
        pytest.fail("SD_ARCHIVE_PG_DSN is not set: this test needs a real PostgreSQL")
    monkeypatch.setenv(deferred.MODE_ENV, "deferred")
    monkeypatch.setenv(postgresql.DSN_ENV, DSN)
    conn = postgresql.connect()
    with deferred._cursor(conn) as cur:
        cur.execute("DELETE FROM sd_text_pending")
    conn.commit()
    yield conn
    conn.close()


def pending_uids(conn) -> set:
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute("SELECT uid FROM sd_text_pending")
        found = {uid for (uid,) in cur.fetchall()}
    conn.rollback()
    return found


def found() -> dict:
    """index → UIDs the record's title words find (the search box's and the title field's
    indexes, and Plone's own ``Title``)."""
    catalog = api.portal.get_tool("portal_catalog")
    queries = {"SearchableText": "归档接口", "record_title": "归档接口", "Title": TITLE}
    hits = {}
    for name, text in queries.items():
        uids = [b.UID for b in catalog.unrestrictedSearchResults(**{name: text})]
        if uids:
            hits[name] = uids
    return hits


def index_data(rid) -> dict:
    catalog = api.portal.get_tool("portal_catalog")
    return catalog.getIndexDataForRID(rid)


def test_found_by_text_after_the_batch_and_catalogued_as_at_once(site, svc, deferring):
    answer = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert answer.status_code == 201, answer.text
    uid = answer.json()["UID"]
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    (brain,) = catalog.unrestrictedSearchResults(UID=uid)
    assert brain.Title == TITLE  # metadata at once
    assert catalog.unrestrictedSearchResults(archival_code=brain.archival_code)  # fields too
    rid = brain.getRID()
    for name in deferred.TEXT_INDEXES:  # not yet in the three text indexes
        assert not catalog._catalog.getIndex(name).index.has_doc(rid), name
    assert pending_uids(deferring) == {uid}
    assert found() == {}

    assert deferred.drain(site) == 1
    transaction.begin()
    assert pending_uids(deferring) == set()
    assert deferred.drain(site) == 0  # each record once
    assert found() == {name: [uid] for name in deferred.TEXT_INDEXES}
    after = index_data(rid)
    # the same entry as cataloguing everything at once
    record = brain._unrestrictedGetObject()
    catalog.catalog_object(record, brain.getPath())
    assert index_data(rid) == after
    transaction.abort()


def test_an_intake_that_aborts_leaves_no_pending_row(site, svc, deferring, monkeypatch):
    from sd.archive.intake import flow

    def fail(*args, **kwargs):
        raise RuntimeError("the archive transition failed")

    monkeypatch.setattr(flow, "archive_transition", fail)
    answer = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert answer.status_code == 500
    transaction.begin()
    assert pending_uids(deferring) == set()
    assert not api.portal.get_tool("portal_catalog").unrestrictedSearchResults(portal_type="Record")


def test_inline_by_default_on_this_storage(site, svc, monkeypatch):
    """No RelStorage, no setting: the text indexes in the intake's own transaction."""
    monkeypatch.delenv(deferred.MODE_ENV, raising=False)
    answer = post(svc, "@archive", sample("archive-gongwen.zip"))
    assert answer.status_code == 201, answer.text
    transaction.begin()
    uid = answer.json()["UID"]
    assert found() == {name: [uid] for name in deferred.TEXT_INDEXES}
