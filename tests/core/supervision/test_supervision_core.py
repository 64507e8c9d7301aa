"""Supervision metrics computed on hand-made facts (监督指标核心, #26): milliseconds, no Plone."""

from datetime import date

import pytest

from sd.archive.core.errors import ArchiveError
from sd.archive.core.supervision import declared
from sd.archive.core.supervision import docnumbers
from sd.archive.core.supervision import figures
from sd.archive.core.supervision.facts import RecordFacts
from sd.archive.core.supervision.facts import contributions
from sd.archive.core.supervision.facts import delta
from sd.archive.core.supervision.facts import number_key
from sd.archive.core.supervision.facts import rejection_contributions
from sd.archive.core.supervision.timeliness import GONGWEN
from sd.archive.core.supervision.timeliness import ZHENGWU
from sd.archive.core.supervision.timeliness import DeadlineRules
from sd.archive.core.supervision.timeliness import deadline
from sd.archive.core.supervision.timeliness import lateness

# --- 文号 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鲁某发〔2023〕12号", ("鲁某发", 2023, 12)),
        ("鲁某发[2023]3号", ("鲁某发", 2023, 3)),
        ("鲁某发（2023）第7号", ("鲁某发", 2023, 7)),
        ("鲁政办字〔2024〕101", ("鲁政办字", 2024, 101)),
    ],
)
def test_document_numbers_parse(text, expected):
    found = docnumbers.parse(text)
    assert (found.prefix, found.year, found.number) == expected
    assert found.series == f"{expected[0]}〔{expected[1]}〕"


@pytest.mark.parametrize("text", ["", None, "关于会议的通知", "鲁某发〔2023〕0号", "鲁某发2023"])
def test_not_document_numbers(text):
    assert docnumbers.parse(text) is None


def test_series_gaps_except_void():
    numbers = {"鲁某发〔2023〕": [1, 2, 5, 7], "鲁某函〔2023〕": [1, 2, 3]}
    gaps = docnumbers.series_gaps(numbers, {"鲁某发〔2023〕": [3]})
    assert [g.as_dict()["missing"] for g in gaps] == [[4, 6]]
    assert gaps[0].as_dict()["numbers"] == ["鲁某发〔2023〕4号", "鲁某发〔2023〕6号"]
    assert docnumbers.gap_count(7, 4, 1) == 2
    assert docnumbers.series_year("鲁某发〔2023〕") == 2023


# --- deadlines ------------------------------------------------------------------------------


def test_official_document_deadline_is_30_june_next_year():
    assert deadline(GONGWEN, date(2023, 3, 1)) == date(2024, 6, 30)
    on_time = lateness(GONGWEN, date(2024, 6, 30), date(2023, 3, 1))
    assert (on_time.days_to_archive, on_time.days_late, on_time.late) == (487, 0, False)
    late = lateness(GONGWEN, date(2024, 7, 10), date(2023, 3, 1))
    assert late.days_late == 10 and late.late


def test_service_case_deadline_counts_days_from_completion():
    rules = DeadlineRules(service_days=30)
    assert deadline(ZHENGWU, date(2023, 1, 1), date(2023, 5, 1), rules) == date(2023, 5, 31)
    assert lateness(ZHENGWU, date(2023, 6, 5), None, date(2023, 5, 1), rules).days_late == 5
    # no completion time: the document date and the yearly rule
    assert deadline(ZHENGWU, date(2023, 1, 1), None, rules) == date(2024, 6, 30)


def test_no_start_no_deadline():
    assert deadline(GONGWEN) is None
    assert lateness(GONGWEN, date(2024, 1, 1)) is None
    with pytest.raises(ValueError):
        DeadlineRules(month=2, day=30)


# --- facts and counters --------------------------------------------------------------------


def facts(**kw):
    values = dict(
        uid="u1",
        fonds="J001",
        year=2023,
        category="WS",
        kind=GONGWEN,
        state="archived",
        document_number="鲁某发〔2023〕2号",
        document_date=date(2023, 3, 1),
        received_on=date(2024, 7, 1),
        archived_on=date(2024, 7, 10),
    )
    values.update(kw)
    return RecordFacts(**values)


def test_contributions_of_a_late_archived_record():
    found = contributions(facts())
    assert found[("J001", 2023, "archived", "WS")] == 1
    assert found[("J001", 2023, "late", "WS")] == 1
    assert found[("J001", 2023, "held", "WS")] == 1
    assert found[("J001", 2023, "days", "WS")] == 497
    assert found[("J001", 2024, "received", "WS")] == 1
    assert found[("J001", date(2023, 3, 1).toordinal(), f"dated:{GONGWEN}", "")] == 1
    assert number_key(facts()) == ("J001", 2023, "鲁某发〔2023〕", 2)


def test_pending_record_counts_only_as_pending_and_received():
    found = contributions(facts(state="pre_archived", archived_on=None))
    assert {k[2] for k in found} == {"pending", "received"}
    assert number_key(facts(state="pre_archived", archived_on=None)) is None


def test_delta_moves_a_record_between_counters():
    before = facts(state="archived")
    after = facts(state="transferred", corrections=2, seal_failed=True)
    change = delta(before, after)
    assert change[("J001", 2023, "held", "WS")] == -1
    assert change[("J001", 2023, "corrected", "WS")] == 1
    assert change[("J001", 2023, "corrections", "WS")] == 2
    assert change[("J001", 2023, "seal_failed", "WS")] == 1
    assert ("J001", 2023, "archived", "WS") not in change
    assert delta(after, None)[("J001", 2023, "archived", "WS")] == -1
    assert delta(before, before) == {}


def test_rejections_count_once_per_item():
    found = rejection_contributions("J001", 2024, ["GD-2-7", "GD-2-7", "GD-1-1"])
    assert found == {
        ("J001", 2024, "rejected", ""): 1,
        ("J001", 2024, "rejected_item", "GD-1-1"): 1,
        ("J001", 2024, "rejected_item", "GD-2-7"): 1,
    }


# --- figures --------------------------------------------------------------------------------


def test_figures_from_sums():
    data = figures.Inputs(
        sums={"archived": 96, "timed": 90, "late": 9, "days": 900, "received": 190, "rejected": 10},
        rejected_items={"GD-2-7": 4},
        number_gaps=3,
        declared=[
            figures.DeclaredComparison("documents_issued", "2023-01-01", "2023-12-31", 97, 96)
        ],
        review_backlog=2,
        due_for_transfer=5,
    )
    out = figures.compute(data)
    assert out["records"] == 96
    assert out["completeness"]["rate"] == 96.0  # 96 / (96 + 3 + 1)
    assert out["completeness"]["declared_shortfall"] == 1
    assert out["timeliness"]["rate"] == 90.0
    assert out["timeliness"]["average_days"] == 10.0
    assert out["quality"]["rejections_per_1000"] == 50.0  # 10 of 200 packages
    assert out["quality"]["by_item"]["GD-2-7"] == {"count": 4, "per_1000": 20.0}
    empty = figures.compute(figures.Inputs())
    assert empty["completeness"]["rate"] is None and empty["timeliness"]["rate"] is None


def test_rank_worst_first_and_empty_last():
    rows = [
        {"fonds": "J001", "completeness": {"rate": 99.0}},
        {"fonds": "J002", "completeness": {"rate": None}},
        {"fonds": "J003", "completeness": {"rate": 80.0}},
    ]
    ranked = figures.rank(rows, "completeness")
    assert [r["fonds"] for r in ranked] == ["J003", "J001", "J002"]
    assert [r["rank"] for r in ranked] == [1, 2, 3]
    gaps = [
        {"fonds": "A", "completeness": {"number_gaps": 1}},
        {"fonds": "B", "completeness": {"number_gaps": 5}},
    ]
    assert figures.rank(gaps, "number_gaps")[0]["fonds"] == "B"
    with pytest.raises(KeyError):
        figures.rank(rows, "nonsense")


# --- declared counts ------------------------------------------------------------------------

GOOD = {
    "fonds": "J001",
    "kind": "documents_issued",
    "period_start": "2023-01-01",
    "period_end": "2023-12-31",
    "count": 120,
}


def test_declared_count_valid():
    found = declared.validate(GOOD)
    assert found.key == ("J001", "documents_issued", "2023-01-01", "2023-12-31")
    assert found.record_kind == GONGWEN


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"count": -1}, "declared.count-negative"),
        ({"count": "12"}, "declared.count-not-number"),
        ({"count": 1.5}, "declared.count-not-number"),
        ({"count": True}, "declared.count-not-number"),
        ({"period_end": "2022-12-31"}, "declared.period-backwards"),
        ({"period_start": "2023-02-30"}, "declared.date"),
        ({"kind": "letters"}, "declared.kind"),
        ({"fonds": ""}, "declared.fonds"),
    ],
)
def test_declared_count_refused(change, code):
    with pytest.raises(ArchiveError) as raised:
        declared.validate({**GOOD, **change})
    assert raised.value.status == 422
    assert code in [p.code for p in raised.value.problems]


def test_query_period_backwards_is_400():
    with pytest.raises(ArchiveError) as raised:
        declared.period("2024-01-01", "2023-01-01")
    assert raised.value.status == 400
    assert declared.period(None, "2023-01-01") == (None, date(2023, 1, 1))
