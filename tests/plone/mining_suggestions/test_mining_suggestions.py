"""Arrangement and keyword suggestions on a site (#28 items 1, 2, 6): training from a fonds'
archived records, suggestions for the review queue, accepting (through the review action),
correcting, rejecting, the counters, keywords with the thesaurus, bad input."""

from __future__ import annotations

import io

import pytest
from mining_helpers import BUDGET
from mining_helpers import _arranged
from mining_helpers import _pending
from mining_helpers import learn_from
from mining_helpers import set_up_scheme
from openpyxl import Workbook
from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive.core.mining import model_store
from sd.archive.core.mining.keywords import ThesaurusError
from sd.archive.intake.review import ReviewError
from sd.archive.mining.suggestions import models
from sd.archive.mining.suggestions import suggest
from sd.archive.mining.suggestions import thesaurus


@pytest.fixture
def mining_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_MINING_DIR", str(tmp_path))
    monkeypatch.setattr(models, "MIN_RECORDS", 10)
    model_store.clear_cache()
    return tmp_path


@pytest.fixture
def learned(fonds, mining_dir):
    """Fonds J001 with the generated scheme (five categories) and 24 archived records."""
    set_up_scheme(fonds)
    learn_from(fonds)
    run = models.retrain(fonds, actor="test")
    assert run["status"] == "trained", run
    return fonds


def test_a_pending_record_gets_the_arrangement_of_records_like_it(learned):
    record = _pending(learned, 1, "2024年会计凭证", "记账凭证与原始凭证")
    found = suggest.arrangement_for(record)
    assert found["ok"], found
    assert found["values"]["category"]["value"] == "KJ"
    assert found["values"]["retention"]["value"] == "D30"
    assert found["neighbours"] and found["neighbours"][0]["url"].startswith("http")
    assert models.status(learned)["version"] == "v000001"


def test_accepting_archives_through_the_review_action_and_counts(learned):
    record = _pending(learned, 2, "2024年会计凭证", "记账凭证")
    result = suggest.accept_arrangement(record)
    assert result["outcome"] == "accepted"
    assert api.content.get_state(record) == "archived"
    assert record.archival_code.startswith("J001-KJ")
    assert record.arrangement["status"] == "reviewed"  # the review queue's own accept
    answer = IAnnotations(record)[models.DECISIONS_KEY]["arrangement"]
    assert answer["chosen"]["category"] == "KJ" and answer["by"]
    rows = suggest.acceptance(learned)["rows"]
    assert [(r["kind"], r["accepted"], r["corrected"], r["rejected"]) for r in rows] == [
        ("arrangement", 1, 0, 0)
    ]


def test_a_correction_is_counted_as_corrected(learned):
    record = _pending(learned, 3, "2024年会计凭证", "记账凭证")
    result = suggest.accept_arrangement(record, {"category": "WS", "retention": "D30"})
    assert result["outcome"] == "corrected"
    assert record.archival_code.startswith("J001-WS")
    assert suggest.acceptance(learned)["totals"]["arrangement"]["corrected"] == 1


def test_a_wrong_correction_changes_nothing(learned):
    record = _pending(learned, 4, "2024年会计凭证", "记账凭证")
    with pytest.raises(ReviewError) as caught:
        suggest.accept_arrangement(record, {"category": "ZZ"})
    assert caught.value.status == 422
    assert api.content.get_state(record) == "pre_archived"
    assert suggest.acceptance(learned)["rows"] == []


def test_rejecting_keeps_the_record_in_the_queue_and_hides_the_suggestion(learned):
    record = _pending(learned, 5, "关于2025年度部门预算的请示", "部门预算")
    assert suggest.reject_arrangement(record, "不是预算")["outcome"] == "rejected"
    assert api.content.get_state(record) == "pre_archived"
    assert suggest.arrangement_for(record) == {
        "ok": False,
        "reason": "rejected",
        "detail": "不是预算",
    }
    assert suggest.acceptance(learned)["totals"]["arrangement"]["rejected"] == 1
    # a new model shows it again
    models.retrain(learned)
    assert suggest.arrangement_for(record)["ok"]


def test_only_records_waiting_for_review_are_answered(learned):
    archived = _arranged(learned, 6, "2025年会计凭证", "凭证", "KJ", "D30", "CWC")
    with pytest.raises(suggest.SuggestionRefused) as caught:
        suggest.accept_arrangement(archived)
    assert caught.value.status == 409


def test_text_in_another_language_gets_no_suggestion(learned):
    record = _pending(learned, 7, "Budget request", "Please approve the budget for next year.")
    assert suggest.arrangement_for(record)["reason"] == "not-chinese"


def test_a_damaged_model_falls_back_then_gives_no_suggestion(learned, mining_dir):
    models.retrain(learned)  # v000002
    folder = models.store().folder("J001")
    (folder / "v000002" / model_store.MODEL_FILE).write_bytes(b"damaged")
    model_store.clear_cache()
    record = _pending(learned, 8, "2024年会计凭证", "记账凭证")
    found = suggest.arrangement_for(record)
    assert found["ok"] and found["version"] == "v000001"
    assert models.status(learned)["fell_back"] == ["v000002"]
    (folder / "v000001" / model_store.MODEL_FILE).write_bytes(b"damaged too")
    model_store.clear_cache()
    assert suggest.arrangement_for(record)["ok"] is False


def test_a_fonds_with_one_category_is_not_trained_and_says_so(fonds, mining_dir):
    for i in range(12):
        _arranged(fonds, 300 + i, BUDGET[0].format(2000 + i), BUDGET[1], "WS", "Y", "CWC")
    run = models.retrain(fonds)
    assert (run["status"], run["reason"]) == ("not-trained", "one-category")
    record = _pending(fonds, 9, "关于部门预算的请示")
    assert suggest.arrangement_for(record)["reason"] == "one-category"


def test_a_fonds_with_too_few_records_is_not_trained(fonds, mining_dir):
    _arranged(fonds, 400, "关于部门预算的请示", "", "WS", "Y", "BGS")
    assert models.retrain(fonds)["reason"] == "too-few-records"


def _sheet(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_keywords_prefer_the_thesaurus_and_are_added(learned):
    thesaurus.import_xlsx(learned, _sheet([["主题词", "入口词"], ["部门预算", "单位预算"]]))
    record = _pending(learned, 10, "关于单位预算的请示", "单位预算草案。档案数字化外包。")
    found = suggest.keywords_for(record)
    assert found["terms"][0] == {
        "term": "部门预算",
        "source": "vocabulary",
        "score": 4.0,
        "found_as": "单位预算",
    }
    assert found["thesaurus"] == 1
    result = suggest.accept_keywords(record, ["部门预算"], [t["term"] for t in found["terms"]])
    assert result["outcome"] == "corrected" and record.keywords == ["部门预算"]
    assert "部门预算" not in [t["term"] for t in suggest.keywords_for(record)["terms"]]


def test_keywords_of_an_archived_record_go_through_a_correction(learned):
    record = _arranged(learned, 11, "关于部门预算的请示", "部门预算", "WS", "Y", "CWC")
    before = len(record.correction_log or [])
    result = suggest.accept_keywords(record, ["部门预算"], ["部门预算"], "补充主题词")
    assert result["outcome"] == "accepted"
    assert record.keywords == ["部门预算"]
    assert len(record.correction_log) == before + 1
    assert record.correction_log[-1]["reason"] == "补充主题词"


def test_a_bad_thesaurus_changes_nothing(learned):
    thesaurus.import_xlsx(learned, _sheet([["主题词"], ["公务用车"]]))
    with pytest.raises(ThesaurusError):
        thesaurus.import_xlsx(learned, _sheet([["主题词"], ["预算"], ["预算"]]))
    assert [t.term for t in thesaurus.get(learned).terms] == ["公务用车"]


def test_demo_fonds_has_suggestions_for_its_review_queue(manager, mining_dir):
    from sd.archive.intake import review
    from sd.archive.mining.suggestions.demo import make_mining_demo
    from sd.archive.testing import make_fonds

    one = make_fonds(manager, "j001", "J001")  # one category (文书): says why it gets none
    fonds = make_mining_demo(manager)
    assert models.status(one)["last_run"]["reason"] == "too-few-records"
    assert make_mining_demo(manager) is None  # idempotent
    assert models.status(fonds)["samples"] == 80
    waiting = review.pending_records(fonds)
    assert len(waiting) == 6
    found = [suggest.arrangement_for(r) for r in waiting]
    assert sum(f["ok"] for f in found) >= 4, found
    voucher = next(r for r in waiting if "会计凭证" in r.Title())
    assert suggest.arrangement_for(voucher)["values"]["category"]["value"] == "KJ"
    assert len(thesaurus.get(fonds)) > 10


def test_the_text_of_records_waiting_for_review_is_queued_and_used(learned):
    from sd.archive.core.text import render
    from sd.archive.repository import ComponentData
    from sd.archive.repository import create_record
    from sd.archive.text import queue as text_queue
    from sd.archive.text import record_text

    pdf = render.text_pdf(
        [["本月共编制记账凭证，附原始凭证。", "借方科目为业务费，贷方科目为银行存款。"]]
    )
    component = ComponentData(
        filename="正本.pdf", data=pdf, role="正本", sequence=1, content_type="application/pdf"
    )
    values = {
        "title": "关于有关事项的报告",
        "record_kind": "电子公文",
        "electronic_record_id": "OA-J001-TEXT-1",
        "fonds_code": "J001",
        "year": 2024,
    }
    record = create_record(learned, values, [component])
    record.arrangement_status = "pending_review"
    record.reindexObject()
    assert record_text(record) == ""
    assert models.queue_waiting_text() == 1
    assert text_queue.is_pending(record) and models.queue_waiting_text() == 0
    text_queue.take(record.UID())
    assert "记账凭证" in record_text(record)
    assert models.queue_waiting_text() == 0  # extracted: not queued again
    found = suggest.arrangement_for(record)
    assert found["values"]["category"]["value"] == "KJ"  # the title says little; the text tells


def test_the_schedule_retrains_a_fonds_whose_model_is_a_week_old(learned):
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    now = datetime.now(UTC)
    assert not models.due(learned, now)
    assert models.tick(now) == []
    later = now + timedelta(days=models.RETRAIN_DAYS + 1)
    assert models.due(learned, later)
    assert "J001" in models.tick(later)
    assert models.status(learned)["version"] == "v000002"


def test_the_schedule_learns_new_decisions_before_the_week_is_over(learned):
    from datetime import UTC
    from datetime import datetime

    now = datetime.now(UTC)
    assert not models.due(learned, now)
    for i in range(10):  # ten more arranged records: 24 → 34, at least MIN_RECORDS (10) more
        _arranged(learned, 500 + i, f"{2030 + i}年会计凭证", "记账凭证", "KJ", "D30", "CWC")
    assert models.due(learned, now)
    assert models.tick(now) == ["J001"]
    assert models.status(learned)["samples"] == 34 and not models.due(learned, now)
