"""PostgreSQL full text (search/postgresql.py) against a real PostgreSQL: rows follow the
records (index, reindex, delete, abort), the engine finds by words and phrases with the same
security as the catalog, and a rebuild writes every row again.

Needs ``SD_ARCHIVE_PG_DSN`` (``make test`` starts a PostgreSQL and sets it); without it these
tests FAIL, they do not skip.
"""

import os

import pytest
import transaction
from plone import api
from Products.CMFCore.indexing import processQueue
from search_data import add

from sd.archive.search import engine
from sd.archive.search import postgresql
from sd.archive.testing import ROLE_USERS

DSN = os.environ.get("SD_ARCHIVE_PG_DSN", "")

pytestmark = [pytest.mark.postgres]

ROLES = tuple(ROLE_USERS)  # one user per role (sd.archive.testing)


@pytest.fixture
def pg(monkeypatch):
    """The PostgreSQL backend switched on, its table empty."""
    if not DSN:
        pytest.fail(
            "SD_ARCHIVE_PG_DSN is not set: these tests need a real PostgreSQL. Run `make test`, "
            "or `make pg-start PG_DIR=/tmp/sd-archive-pg-x PG_PORT=5441` and export "
            "SD_ARCHIVE_PG_DSN='host=127.0.0.1 port=5441 dbname=sdarchive user=postgres'",
            pytrace=False,
        )
    monkeypatch.setenv(postgresql.BACKEND_ENV, "postgresql")
    monkeypatch.setenv(postgresql.DSN_ENV, DSN)
    conn = postgresql.connect()
    with conn.cursor() as cur:
        cur.execute("SET lock_timeout = '10s'")
        cur.execute(f"DELETE FROM {postgresql.TABLE}")
    conn.commit()
    yield conn
    conn.close()


def committed_rows(conn) -> dict:
    """uid → (allowed, path) as another session sees them (committed only)."""
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute(f"SELECT uid, allowed, path FROM {postgresql.TABLE}")
        rows = {uid: (allowed, path) for uid, allowed, path in cur.fetchall()}
    conn.rollback()
    return rows


def own_rows() -> set:
    """UIDs of the rows this transaction sees (its own writes included)."""
    processQueue()
    with postgresql.thread_connection().cursor() as cur:
        cur.execute(f"SELECT uid FROM {postgresql.TABLE}")
        return {uid for (uid,) in cur.fetchall()}


def found(params) -> list:
    return [b.UID for b in engine.run({"b_size": "100", **params}).brains]


def test_words_not_character_pairs(pg, fonds):
    budget = add(fonds, 1, "archived", text="二〇二三年财务预算执行情况", title="预算执行报告")
    idiom = add(fonds, 2, "archived", text="理财务实", title="工作总结")
    assert own_rows() == {budget.UID(), idiom.UID()}
    assert found({"q": "财务"}) == [budget.UID()]
    assert found({"q": "理财"}) == [idiom.UID()]
    assert found({"q": "财务 OR 理财"}) and set(found({"q": "财务 OR 理财"})) == {
        budget.UID(),
        idiom.UID(),
    }
    assert found({"q": "财务 -预算"}) == []
    # a field criterion meets the text in the same search
    assert found({"q": "财务", "fonds": "J002"}) == []
    assert found({"q": "财务", "fonds": "J001"}) == [budget.UID()]


def test_phrases_and_codes(pg, fonds):
    together = add(fonds, 1, "archived", title="财务预算报告")
    apart = add(fonds, 2, "archived", title="报告财务预算")
    numbered = add(fonds, 3, "archived", title="通知", document_number="鲁某发〔2023〕5号")
    other = add(fonds, 4, "archived", title="通知", document_number="鲁某发〔2023〕15号")
    assert found({"q": '"预算报告"'}) == [together.UID()]
    assert set(found({"q": "预算 报告"})) == {together.UID(), apart.UID()}
    assert found({"q": "鲁某发〔2023〕5号"}) == [numbered.UID()]
    assert other.UID() in found({"q": "鲁某发〔2023〕15号"})
    code = numbered.archival_code
    assert numbered.UID() in found({"q": code})
    # operators and quotes of the tsquery syntax are text, never an error
    assert set(found({"q": "预算 & ! | <-> ' : *"})) == {together.UID(), apart.UID()}
    assert found({"q": "审计 & ! | <-> ' : *"}) == []


def test_same_answers_as_the_catalog_for_every_role(pg, two_fonds, monkeypatch):
    """No leak across two fonds: each role finds through PostgreSQL exactly what the catalog
    backend lets it find (and what it may see)."""
    everything = {r.UID(): r for r in two_fonds.values()}
    for user in ROLES:
        may_see = {
            uid
            for uid, record in everything.items()
            if api.user.has_permission("Access contents information", username=user, obj=record)
        }
        with api.env.adopt_user(username=user):
            monkeypatch.setenv(postgresql.BACKEND_ENV, "postgresql")
            by_pg = engine.run({"q": "财务", "b_size": "100"})
            monkeypatch.setenv(postgresql.BACKEND_ENV, "catalog")
            by_catalog = engine.run({"q": "财务", "b_size": "100"})
        assert {b.UID for b in by_pg.brains} == may_see, user
        assert {b.UID for b in by_catalog.brains} == may_see, user
        assert by_pg.total == len(may_see), user
        assert sum(n for _v, n in by_pg.facets["fonds"]) == len(may_see), user
    monkeypatch.setenv(postgresql.BACKEND_ENV, "postgresql")
    # each row's `allowed` is the catalog's allowedRolesAndUsers of the record
    catalog = api.portal.get_tool("portal_catalog")
    index = catalog._catalog.getIndex("allowedRolesAndUsers")
    with postgresql.thread_connection().cursor() as cur:
        cur.execute(f"SELECT uid, allowed FROM {postgresql.TABLE}")
        rows = dict(cur.fetchall())
    assert set(rows) == set(everything)
    for uid, allowed in rows.items():
        rid = catalog._catalog.getIndex("UID")._index[uid]
        assert set(allowed) == set(index.getEntryForObject(rid)), uid


def test_workflow_change_updates_allowed(pg, fonds, users):
    record = add(fonds, 1, "received", text="财务公开")
    with api.env.adopt_user(username="member"):
        assert found({"q": "财务"}) == []
    api.content.transition(record, transition="open")
    with api.env.adopt_user(username="member"):
        assert found({"q": "财务"}) == [record.UID()]


def test_delete_removes_the_row(pg, fonds):
    record = add(fonds, 1, "pre_archived", text="固定资产清查")
    uid = record.UID()
    assert found({"q": "固定资产"}) == [uid]
    api.content.delete(record)
    assert uid not in own_rows()
    assert found({"q": "固定资产"}) == []


def test_rows_commit_and_abort_with_the_zope_transaction(pg, fportal):
    from sd.archive.testing import make_fonds

    fonds = make_fonds(fportal)
    kept = add(fonds, 1, "archived", text="基建项目验收")
    transaction.commit()
    assert kept.UID() in committed_rows(pg)
    dropped = add(fonds, 2, "archived", text="基建项目决算")
    assert dropped.UID() in own_rows()  # visible to its own transaction
    assert dropped.UID() not in committed_rows(pg)
    transaction.abort()
    assert set(committed_rows(pg)) == {kept.UID()}


def test_rebuild_from_the_records(pg, fportal):
    from sd.archive.testing import make_fonds

    fonds = make_fonds(fportal)
    records = [add(fonds, n, "archived", text=f"固定资产清查第{n}批") for n in range(1, 6)]
    transaction.commit()
    with pg.cursor() as cur:
        cur.execute(f"DELETE FROM {postgresql.TABLE}")
        cur.execute(f"INSERT INTO {postgresql.TABLE} VALUES ('gone', '/x', '{{}}', '{{}}', '')")
    pg.commit()
    assert found({"q": "固定资产"}) == []
    seen = []
    final = postgresql.rebuild(fportal, batch=2, progress=seen.append, clear=False)
    assert [p["done"] for p in seen] == [2, 4, 5]
    assert final["state"] == "done" and final["total"] == 5
    assert set(committed_rows(pg)) == {r.UID() for r in records}  # 'gone' removed
    assert set(found({"q": "固定资产"})) == {r.UID() for r in records}


def test_missing_dsn_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(postgresql.BACKEND_ENV, "postgresql")
    monkeypatch.delenv(postgresql.DSN_ENV, raising=False)
    with pytest.raises(postgresql.SearchBackendError, match=postgresql.DSN_ENV):
        postgresql.dsn()
    monkeypatch.setenv(postgresql.BACKEND_ENV, "elastic")
    with pytest.raises(postgresql.SearchBackendError):
        postgresql.backend()


def test_rest_and_page_unchanged_over_http(pg, fsearch, session):
    """@archive-search over HTTP through PostgreSQL: same shape, same security, rows committed
    by the request-less fixture are what the server threads find."""
    assert {fsearch["archived"].UID(), fsearch["open"].UID()} <= set(committed_rows(pg))
    body = session("officer").get("/@archive-search", params={"q": "财务"}).json()
    assert body["items_total"] == 2
    row = next(i for i in body["items"] if i["UID"] == fsearch["archived"].UID())
    assert row["highlight"]["title"] == "<mark>财务</mark>预算报告"
    assert {f["value"]: f["count"] for f in body["facets"]["review_state"]} == {
        "archived": 1,
        "open": 1,
    }
    anonymous = session().get("/@archive-search", params={"q": "财务"}).json()
    assert [i["UID"] for i in anonymous["items"]] == [fsearch["open"].UID()]
    bad = session("officer").get("/@archive-search", params={"q": "财务 & ! <-> '"})
    assert bad.status_code == 200
    assert session("officer").get("/@archive-search", params={"q": "财" * 500}).status_code == 400
    # it is PostgreSQL that answered: without the rows nothing is found (the catalog still has them)
    with pg.cursor() as cur:
        cur.execute("DELETE FROM sd_search")
    pg.commit()
    body = session("officer").get("/@archive-search", params={"q": "财务"}).json()
    assert body["items_total"] == 0
    body = session("officer").get("/@archive-search", params={"fonds": "J001"}).json()
    assert body["items_total"] == 2  # field search stays the catalog's
