"""@archive-search's engine: fields, text, facets, sort, batch, and no leak to any role."""

import datetime

import pytest
from plone import api
from plone.app.testing import logout
from search_data import add

from sd.archive.core.search.query import SearchQueryError
from sd.archive.search import engine
from sd.archive.search import facets
from sd.archive.testing import ROLE_USERS

ROLES = tuple(ROLE_USERS)  # one user per role (sd.archive.testing)


def uids(outcome):
    return {b.UID for b in outcome.brains}


def test_every_role_finds_exactly_what_it_may_see(two_fonds):
    everything = {r.UID(): r for r in two_fonds.values()}
    for user in ROLES:
        may_see = {
            uid
            for uid, record in everything.items()
            if api.user.has_permission("Access contents information", username=user, obj=record)
        }
        with api.env.adopt_user(username=user):
            outcome = engine.run({"q": "财务", "b_size": "100"})
        assert uids(outcome) == may_see, user
        assert outcome.total == len(may_see), user
        # facet counts never count what the caller may not see
        assert sum(n for _v, n in outcome.facets["fonds"]) == len(may_see), user
        assert sum(n for _v, n in outcome.facets["review_state"]) == len(may_see), user


def test_fonds_officers_see_their_own_fonds_only(two_fonds):
    with api.env.adopt_user(username="other-officer"):
        outcome = engine.run({"q": "财务", "fonds": "J001", "b_size": "100"})
    # of J001 only what is open to every logged-in user
    assert {b.review_state for b in outcome.brains} == {"open"}
    with api.env.adopt_user(username="officer"):
        outcome = engine.run({"q": "财务", "b_size": "100"})
    assert {b.fonds_code for b in outcome.brains if b.review_state != "open"} == {"J001"}


def test_anonymous_public_catalogue_open_records_only(two_fonds):
    logout()
    outcome = engine.run({"q": "财务", "b_size": "100"})
    assert {b.review_state for b in outcome.brains} == {"open"}
    assert outcome.total == 2
    assert dict(outcome.facets["review_state"]) == {"open": 2}
    # asking for another state changes nothing
    outcome = engine.run({"review_state": "archived"})
    assert outcome.total == 0 or {b.review_state for b in outcome.brains} == {"open"}


def test_anonymous_may_not_view_open_record_page_or_files(two_fonds):
    record = two_fonds[("J001", "open")]
    logout()
    from AccessControl import getSecurityManager

    sm = getSecurityManager()
    assert sm.checkPermission("Access contents information", record)
    assert not sm.checkPermission("View", record)
    for component in record.objectValues():
        assert not sm.checkPermission("View", component)


@pytest.fixture
def many(fonds, manager):
    out = []
    for n in range(1, 8):
        out.append(
            add(
                fonds,
                n,
                "archived",
                year=2020 + n % 3,
                text="档案工作" if n % 2 else "财务工作",
                author="办公室" if n < 4 else "财务处",
                document_date=datetime.date(2020, n, 1),
                keywords=["档案"] if n == 3 else [],
                security_level="内部" if n == 5 else "公开",
            )
        )
    return out


def test_fields_combine(many):
    r = engine.run({"author": "财务处", "year": str(many[3].year)})
    assert uids(r) == {x.UID() for x in many if x.author == "财务处" and x.year == many[3].year}
    r = engine.run({"keywords": "档案"})
    assert uids(r) == {many[2].UID()}
    r = engine.run({"security_level": "内部"})
    assert uids(r) == {many[4].UID()}
    r = engine.run({"date_from": "2020-03-01", "date_to": "2020-04-30"})
    assert uids(r) == {many[2].UID(), many[3].UID()}
    r = engine.run({"q": "财务", "author": "财务处"})
    # 财务 is in the author 财务处 too (search mode: 财务 inside 财务处)
    assert uids(r) == {x.UID() for x in many[3:]}
    r = engine.run({"q": '"财务工作"', "author": "财务处"})  # the phrase, not its words
    assert uids(r) == {many[3].UID(), many[5].UID()}


def test_code_exact_and_prefix(many):
    code = many[0].archival_code
    assert uids(engine.run({"archival_code": code})) == {many[0].UID()}
    prefix = code.rsplit("-", 1)[0]
    found = engine.run({"archival_code_prefix": prefix, "b_size": "50"})
    assert many[0].UID() in uids(found)
    assert all(b.archival_code.startswith(prefix) for b in found.brains)
    assert uids(engine.run({"q": code})) == {many[0].UID()}


def test_sort_and_batch(many):
    first = engine.run({"sort_on": "date", "b_size": "3"})
    assert first.total == 7
    dates = [b.document_date for b in first.brains]
    assert dates == sorted(dates) and len(dates) == 3
    second = engine.run({"sort_on": "date", "b_size": "3", "b_start": "3"})
    assert not uids(first) & uids(second)
    desc = engine.run({"sort_on": "date", "sort_order": "descending", "b_size": "1"})
    assert desc.brains[0].document_date == max(x.document_date for x in many)


def test_relevance_is_default_for_text(many):
    r = engine.run({"q": "档案"})
    assert r.criteria.sort_on == "relevance"
    assert r.total >= 4


def test_facets_count(many):
    r = engine.run({})
    assert dict(r.facets["security_level"]) == {"公开": 6, "内部": 1}
    assert sum(n for _v, n in r.facets["year"]) == 7


@pytest.mark.parametrize(
    "params, code",
    [
        ({"q": "财" * 10_000}, "SEARCH-QUERY-LENGTH"),
        ({"date_from": "2023-13-45"}, "SEARCH-DATE"),
        ({"date_from": "yesterday"}, "SEARCH-DATE"),
        ({"date_from": "2023-05-01", "date_to": "2023-01-01"}, "SEARCH-DATE"),
        ({"year": "20x3"}, "SEARCH-YEAR"),
        ({"year": "99999"}, "SEARCH-YEAR"),
        ({"sort_on": "getObject"}, "SEARCH-SORT"),
        ({"b_size": "100000"}, "SEARCH-BATCH"),
        ({"b_start": "-1"}, "SEARCH-BATCH"),
        ({"author": "x" * 1000}, "SEARCH-PARAM"),
    ],
)
def test_bad_input_is_400(manager, params, code):
    with pytest.raises(SearchQueryError) as err:
        engine.run(params)
    assert err.value.status == 400
    assert err.value.as_dict()["errors"][0]["code"] == code


@pytest.mark.parametrize(
    "q",
    [
        "财务 AND",
        "NOT",
        '"财务',
        "财务*",
        "*",
        "((()))",
        "OR OR",
        '-"财务"',
        "财务 -",
        "?",
        "AND NOT OR",
        "\x00\x1e财务",
    ],
)
def test_operators_and_wildcards_are_text(many, q):
    r = engine.run({"q": q})  # never an error
    assert r.total >= 0


def test_facets_counted_hit_by_hit_equal_the_index_intersections(many, monkeypatch):
    # few hits in a big catalog are counted from each hit's value; both ways count alike
    wide = engine.run({})
    text = engine.run({"q": "档案"})
    monkeypatch.setattr(facets, "FACET_BY_HIT_RATIO", 0)
    assert engine.run({}).facets == wide.facets
    assert engine.run({"q": "档案"}).facets == text.facets
    assert sum(n for _v, n in wide.facets["review_state"]) == wide.total
