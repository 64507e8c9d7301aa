"""The engine's result set filtered record by record (resultset.result_set, #31 a million
records) finds what the catalog's intersections find: the same records, the same total, the
same facet counts and the same order, with the filter always taken or never taken."""

import datetime

import pytest
from search_data import add

from sd.archive.search import engine
from sd.archive.search import facets
from sd.archive.search import resultset


@pytest.fixture
def varied(fonds, manager):
    out = []
    for n in range(1, 13):
        out.append(
            add(
                fonds,
                n,
                "archived" if n % 4 else "pre_archived",
                year=2018 + n % 4,
                text="档案工作的报告" if n % 3 else "财务工作的通知",
                author=("办公室", "财务处", "档案室")[n % 3],
                document_date=datetime.date(2020, n, 1),
                keywords=[["档案"], ["财务", "预算"], []][n % 3],
                security_level="内部" if n == 5 else "公开",
            )
        )
    return out


QUERIES = [
    {},
    {"author": "财务处"},
    {"author": ["财务处", "档案室"]},
    {"author": "无此单位"},
    {"keywords": ["预算", "档案"]},
    {"year_from": "2019", "year_to": "2020"},
    {"year_from": "2020"},
    {"security_level": "内部", "author": "财务处"},
    {"q": "档案"},
    {"q": "工作", "author": "财务处"},
    {"q": "工作", "year_from": "2019", "year_to": "2020", "sort_on": "date"},
    {"review_state": "pre_archived"},
    {"retention": "Y", "fonds": "J001", "b_size": "5", "b_start": "2"},
]


def answer(params):
    out = engine.run(params)
    return out.total, [b.UID for b in out.brains], out.facets


@pytest.mark.parametrize("params", QUERIES)
def test_filter_finds_what_the_intersections_find(varied, monkeypatch, params):
    code = varied[0].archival_code
    queries = [params, {"archival_code": code}, {"archival_code_prefix": code.rsplit("-", 1)[0]}]
    for query in queries:
        monkeypatch.setattr(resultset, "FILTER_RATIO", 10**12)  # never filtered
        intersected = answer(query)
        monkeypatch.setattr(resultset, "FILTER_RATIO", 0)  # filtered whenever a set is there
        filtered = answer(query)
        assert filtered == intersected, query


def test_filter_is_taken_and_counts(varied, monkeypatch):
    calls = []
    real = resultset._filtered

    def spy(rs, keep):
        calls.append(len(rs))
        return real(rs, keep)

    monkeypatch.setattr(resultset, "_filtered", spy)
    monkeypatch.setattr(resultset, "FILTER_RATIO", 0)
    found = engine.run({"author": "财务处", "year_from": "2019", "year_to": "2020"})
    assert calls  # the filter ran
    expected = {r.UID() for r in varied if r.author == "财务处" and 2019 <= r.year <= 2020}
    assert {b.UID for b in found.brains} == expected
    assert found.total == len(expected)


@pytest.mark.parametrize("params", [{}, {"q": "工作"}, {"author": "财务处"}])
def test_facets_from_catalog_rows_equal_the_indexes(varied, monkeypatch, params):
    monkeypatch.setattr(facets, "FACET_BY_HIT_RATIO", 10**12)  # by value: the index's sets
    by_value = engine.run(params).facets
    monkeypatch.setattr(facets, "FACET_BY_HIT_RATIO", 0)  # hit by hit
    from_rows = engine.run(params).facets
    monkeypatch.setattr(facets, "FACETS_FROM_COLUMNS", False)
    from_indexes = engine.run(params).facets
    assert from_rows == by_value == from_indexes
    assert sum(n for _v, n in from_rows["review_state"]) == engine.run(params).total


def test_facets_read_from_rows_when_hit_by_hit(varied, monkeypatch):
    from plone import api

    cat = api.portal.get_tool("portal_catalog")._catalog
    columns = facets._column_facets(cat)
    assert {"fonds_code", "archive_year", "review_state", "retention_period"} <= set(columns)
    assert "mining_people" not in columns  # a keyword index: its own map
    read = []
    real = facets._counts_from_rows
    monkeypatch.setattr(facets, "_counts_from_rows", lambda *a: read.append(1) or real(*a))
    monkeypatch.setattr(facets, "FACET_BY_HIT_RATIO", 0)
    engine.run({})
    assert read
