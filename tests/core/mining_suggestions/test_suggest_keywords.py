"""Keyword suggestions (主题词建议) and the thesaurus import (主题词表导入)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from sd.archive.core.mining import keywords
from sd.archive.core.mining import tally
from sd.archive.core.mining.keywords import Term
from sd.archive.core.mining.keywords import Thesaurus

THESAURUS = Thesaurus(
    (
        Term("公务用车", ("公车", "公务车辆"), "", "车辆购置、使用、处置"),
        Term("部门预算", ("单位预算",), "财政管理"),
        Term("财政管理"),
        Term("安全生产"),
    )
)
TITLE = "关于2025年度单位预算的请示"
TEXT = "为保障公车运行和安全生产培训，申请增加单位预算。单位预算用于公车维修。档案数字化加工外包。"


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_vocabulary_terms_come_first_given_as_their_preferred_term():
    found = keywords.suggest_keywords(TITLE, TEXT, THESAURUS)
    terms = [k.term for k in found]
    vocabulary = [k for k in found if k.source == "vocabulary"]
    assert [k.term for k in vocabulary] == ["部门预算", "公务用车", "安全生产"]
    assert vocabulary[0].found_as == "单位预算"  # 入口词 → 正式主题词
    assert "单位预算" not in terms and "公车" not in terms
    free = [k for k in found if k.source == "free"]
    assert free and terms.index(free[0].term) > terms.index("安全生产")
    words = set(keywords.keyword_words(f"{TITLE} {TEXT}"))
    assert {k.term for k in free} <= words
    assert not {"安全", "生产"} & {k.term for k in free}  # parts of a vocabulary term found


def test_free_terms_without_a_thesaurus_rank_by_tf_idf():
    statistics = keywords.TermStatistics.learn(["申请预算", "预算执行", "预算调整", "档案外包"] * 5)
    found = keywords.suggest_keywords("档案数字化外包", "预算 档案 数字化 外包", None, statistics)
    assert found and all(k.source == "free" for k in found)
    assert found[0].term != "预算"  # in every other record: says little about this one


def test_terms_the_record_has_are_not_suggested_again():
    found = keywords.suggest_keywords(TITLE, TEXT, THESAURUS, existing=["部门预算"])
    assert "部门预算" not in [k.term for k in found]


def test_text_in_another_language_gets_no_free_terms():
    found = keywords.suggest_keywords("Budget request", "The budget for cars", THESAURUS)
    assert found == []


def test_no_text_no_suggestion():
    assert keywords.suggest_keywords("", "", THESAURUS) == []


def test_thesaurus_round_trips_through_xlsx():
    data = keywords.write_thesaurus_xlsx(THESAURUS)
    assert keywords.read_thesaurus_xlsx(data) == THESAURUS


def test_thesaurus_columns_are_found_by_their_header():
    data = _xlsx(
        [["注释", "主题词", "入口词"], ["车辆", "公务用车", "公车、公务车辆"], [None, None, None]]
    )
    read = keywords.read_thesaurus_xlsx(data)
    assert read.terms == (Term("公务用车", ("公车", "公务车辆"), "", "车辆"),)


def test_a_bad_thesaurus_lists_every_problem_with_its_row():
    data = _xlsx(
        [
            ["主题词", "入口词", "上位词"],
            ["公务用车", "公车", ""],
            ["公务用车", "", ""],
            ["", "车辆", ""],
            ["预算", "公车", "财政"],
            ["公车", "", ""],
        ]
    )
    with pytest.raises(keywords.ThesaurusError) as caught:
        keywords.read_thesaurus_xlsx(data)
    found = {(p.code, p.object) for p in caught.value.problems}
    assert ("THESAURUS-DUPLICATE", "第3行") in found
    assert ("THESAURUS-EMPTY", "第4行") in found
    assert ("THESAURUS-SYNONYM", "第5行") in found  # 公车 used for two terms
    assert ("THESAURUS-BROADER", "第5行") in found
    assert ("THESAURUS-SYNONYM", "第2行") in found  # 公车 is also a term (row 6)
    assert caught.value.status == 422


@pytest.mark.parametrize(
    "data", [b"", b"PK\x03\x04 not really", _xlsx([["题名", "说明"], ["x", "y"]])]
)
def test_an_unreadable_file_or_sheet_is_refused(data):
    with pytest.raises(keywords.ThesaurusError) as caught:
        keywords.read_thesaurus_xlsx(data)
    assert caught.value.problems[0].code in ("THESAURUS-FILE", "THESAURUS-HEADER")


def test_acceptance_table_per_kind_and_month():
    counts = [
        ("J001|arrangement|2026-11|accepted", 6),
        ("J001|arrangement|2026-11|corrected", 2),
        ("J001|arrangement|2026-12|rejected", 1),
        ("J001|keywords|2026-12|accepted", 3),
        ("J002|keywords|2026-12|accepted", 9),
    ]
    rows = tally.table(counts, "J001")
    assert [(r["month"], r["kind"]) for r in rows] == [
        ("2026-12", "arrangement"),
        ("2026-12", "keywords"),
        ("2026-11", "arrangement"),
    ]
    november = rows[-1]
    assert (november["accepted"], november["corrected"], november["total"]) == (6, 2, 8)
    assert november["rate"] == pytest.approx(0.75)
    assert tally.totals(rows)["arrangement"]["total"] == 9
    assert (
        tally.outcome_of({"category": "WS", "retention": "Y"}, {"category": "WS", "retention": "Y"})
        == tally.ACCEPTED
    )
    assert tally.outcome_of({"category": "WS"}, {"category": "KJ"}) == tally.CORRECTED
    with pytest.raises(ValueError):
        tally.Answer("J001", "arrangement", "maybe", "2026-12")
