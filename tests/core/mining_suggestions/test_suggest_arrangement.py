"""Arrangement suggestions (整理建议) on small hand-made data and on generated records."""

from __future__ import annotations

import pytest

from sd.archive.core.mining import arrangement
from sd.archive.core.mining import sampledata
from sd.archive.core.mining.features import Sample
from sd.archive.core.mining.features import is_chinese


def _hand(n_each: int = 12) -> list[Sample]:
    """Two kinds of records a records officer would tell apart at a glance."""
    budget = [
        Sample(
            ref=f"b{i}",
            label=f"J9-WS-{i}",
            title=f"关于{2020 + i % 4}年度部门预算的请示",
            doc_type="请示",
            author="省财政厅",
            text="根据预算编制要求，现将部门预算草案报请审核。财政拨款安排如下。",
            category="WS",
            retention="Y",
            org_code="CWC",
            rule_id="GW-03",
        )
        for i in range(n_each)
    ]
    vouchers = [
        Sample(
            ref=f"v{i}",
            label=f"J9-KJ-{i}",
            title=f"{2020 + i % 4}年{i % 12 + 1}月会计凭证",
            doc_type="报告",
            author="财务处",
            text="本月共编制记账凭证，附原始凭证。借方科目为业务费，贷方科目为银行存款。",
            category="KJ",
            retention="D30",
            org_code="CWC",
        )
        for i in range(n_each)
    ]
    return budget + vouchers


@pytest.fixture(scope="module")
def model():
    return arrangement.train(_hand(), "J900", min_records=10)


def test_suggests_the_category_of_records_like_it(model):
    found = model.suggest(Sample(title="2025年3月会计凭证汇总", text="记账凭证与原始凭证"))
    assert found.ok
    assert found.value("category") == "KJ"
    assert found.value("retention") == "D30"
    assert found.values["category"].confidence > 0.5
    # the records it resembles are vouchers, most similar first
    refs = [n.ref for n in found.neighbours]
    assert refs and all(ref.startswith("v") for ref in refs)
    sims = [n.similarity for n in found.neighbours]
    assert sims == sorted(sims, reverse=True)


def test_a_budget_request_gets_the_budget_arrangement_and_scope_entry(model):
    found = model.suggest(Sample(title="关于2026年度部门预算的请示", doc_type="请示"))
    assert (found.value("category"), found.value("retention"), found.value("org_code")) == (
        "WS",
        "Y",
        "CWC",
    )
    assert found.value("rule_id") == "GW-03"
    assert "预算" in found.words


def test_no_title_and_no_text_gives_no_suggestion(model):
    found = model.suggest(Sample(title="", text=""))
    assert not found.ok and found.reason == arrangement.NO_WORDS


def test_text_in_another_language_gives_no_suggestion(model):
    found = model.suggest(
        Sample(title="Annual budget request", text="We ask for the budget of next year.")
    )
    assert not found.ok and found.reason == arrangement.FOREIGN
    assert not is_chinese("Haushaltsplan für das Jahr") and is_chinese("部门预算 budget")


def test_words_the_model_never_saw_give_no_suggestion(model):
    found = model.suggest(Sample(title="鹦鹉螺化石标本", text="寒武纪三叶虫"))
    assert not found.ok and found.reason == arrangement.NO_WORDS


def test_a_fonds_with_too_few_records_is_not_trained():
    with pytest.raises(arrangement.NotTrainable) as caught:
        arrangement.train(_hand(3), "J900", min_records=10)
    assert caught.value.reason == arrangement.TOO_FEW and caught.value.count == 6


def test_a_fonds_with_one_category_is_not_trained():
    only_ws = [s for s in _hand(20) if s.category == "WS"]
    with pytest.raises(arrangement.NotTrainable) as caught:
        arrangement.train(only_ws, "J900", min_records=10)
    assert caught.value.reason == arrangement.ONE_CATEGORY


def test_records_not_arranged_are_not_learned_from():
    samples = [*_hand(), *[Sample(title="关于会计凭证的请示") for _ in range(30)]]
    model = arrangement.train(samples, "J900", min_records=10)
    assert model.samples == 24


def test_low_confidence_leaves_the_category_out(model):
    found = model.suggest(Sample(title="关于部门预算会计凭证"), min_confidence=0.999)
    assert not found.ok and found.reason == arrangement.LOW_CONFIDENCE


def test_held_out_year_beats_the_most_frequent_category():
    data = sampledata.records(1500, seed=3)
    latest = max(s.year for s in data)
    model = arrangement.train([s for s in data if s.year < latest], "J900")
    test = [s for s in data if s.year == latest]
    right = sum(model.suggest(s).value("category") == s.category for s in test)
    common = max({s.category for s in test}, key=lambda c: sum(s.category == c for s in test))
    baseline = sum(s.category == common for s in test)
    assert right / len(test) > 0.85
    assert right > baseline * 1.5


def test_a_fonds_without_any_file_text_learns_from_the_description():
    samples = [Sample(**{**s.__dict__, "text": ""}) for s in _hand()]
    model = arrangement.train(samples, "J900", min_records=10)
    assert model.suggest(Sample(title="2025年会计凭证")).value("category") == "KJ"
