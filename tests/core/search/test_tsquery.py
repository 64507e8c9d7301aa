"""The tsvector and tsquery literals of the PostgreSQL backend (core/search/tsquery.py)."""

import pytest

from sd.archive.core.search import segment
from sd.archive.core.search import tsquery
from sd.archive.core.search.query import SearchQueryError


def positions(literal: str) -> dict[str, list[int]]:
    out = {}
    for item in literal.split(" "):
        token, _, where = item.rpartition(":")
        out[token.strip("'")] = [int(p) for p in where.split(",")]
    return out


def test_vector_has_the_segmenter_tokens_and_a_gap_at_each_boundary():
    text = "财务预算报告" + segment.BODY + "理财务实"
    tokens = segment.index_tokens(text)
    pos = positions(tsquery.vector(text))
    assert set(pos) == {t for t in tokens if t != segment.BOUNDARY}
    assert "财务" in pos and "理财" in pos and "务实" in pos
    # the description's characters stand together; the file text has none of its own
    assert pos["预"][0] + 1 == pos["算"][0]
    assert "理" not in pos
    # no position is taken by two sections: boundaries leave one out
    every = sorted(p for ps in pos.values() for p in ps)
    assert len(every) == len(set(every)) == len(tokens) - tokens.count(segment.BOUNDARY)


def test_vector_quotes_what_it_must():
    assert tsquery.lexeme("it's") == "'it''s'"
    assert tsquery.lexeme("a\\b") == "'a\\\\b'"
    assert tsquery.vector("") == ""


def test_query_clauses():
    assert tsquery.build("财务") == "(('财务'))"
    assert tsquery.build("财务 OR 理财") == "(('财务')) | (('理财'))"
    assert tsquery.build("财务 -预算") == "(('财务') & !('预算'))"
    assert tsquery.build("-预算") == ""
    phrase = tsquery.build('"预算报告"')
    assert "('预' <-> '算' <-> '报' <-> '告')" in phrase and "('预算' <-> '报告')" in phrase
    # a code is a phrase of its runs
    assert "'j001' <-> 'ws' <-> '2023'" in tsquery.build("J001-WS·2023")
    # a word with inner words may match either
    assert "'财务预算' | ('财务' & '预算')" in tsquery.build("财务预算")


def test_operators_are_text_and_limits_hold():
    literal = tsquery.build("预算 & ! | <-> ' : * (")
    assert literal == "(('预算'))"
    with pytest.raises(SearchQueryError):
        tsquery.build("财" * 201)
