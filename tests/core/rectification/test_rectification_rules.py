"""Rules of rectification notices (整改通知): deadline, fields, decisions, overdue."""

from datetime import date

import pytest

from sd.archive.core.errors import ArchiveError
from sd.archive.core.rectification import rules

TODAY = date(2026, 12, 7)


def code_of(call, *args):
    with pytest.raises(ArchiveError) as raised:
        call(*args)
    problem = raised.value.problems[0]
    return raised.value.status, problem.code, problem.property


def test_number():
    assert rules.notice_number(2026, 7) == "ZG-2026-0007"


def test_deadline_today_and_ahead_are_accepted():
    assert rules.check_deadline("2026-12-07", TODAY) == TODAY
    assert rules.check_deadline("2027-01-31", TODAY) == date(2027, 1, 31)


@pytest.mark.parametrize(
    "value, code",
    [
        ("2026-12-06", "rectification.deadline-past"),
        ("2028-12-31", "rectification.deadline-far"),
        ("31.12.2026", "rectification.date"),
        ("", "rectification.date"),
        (None, "rectification.date"),
        (20261231, "rectification.date"),
    ],
)
def test_bad_deadlines(value, code):
    assert code_of(rules.check_deadline, value, TODAY) == (400, code, "deadline")


def test_figures_cleaned():
    figures = rules.check_figures(
        [
            {"label": " 文号缺号 ", "value": 3, "link": "/archive/j001"},
            {"label": "逾期", "value": "2件"},
        ]
    )
    assert figures == [
        {"label": "文号缺号", "value": 3, "link": "/archive/j001"},
        {"label": "逾期", "value": "2件", "link": ""},
    ]


@pytest.mark.parametrize(
    "value, prop",
    [
        ("3", "figures"),
        ([{"label": "x", "value": True}], "figures[0].value"),
        ([{"label": "", "value": 1}], "figures[0].label"),
        ([{"label": "x", "value": 1, "link": "javascript:alert(1)"}], "figures[0].link"),
        ([{"label": "x", "value": 1, "other": 2}], "figures[0]"),
    ],
)
def test_bad_figures(value, prop):
    status, _code, where = code_of(rules.check_figures, value)
    assert (status, where) == (400, prop)


def test_refs_deduplicated_and_limited():
    assert rules.check_refs(["a", " a", "b"]) == ["a", "b"]
    assert code_of(rules.check_refs, ["x"] * 201)[1] == "rectification.records-limit"
    assert code_of(rules.check_refs, "abc")[1] == "rectification.records"
    assert code_of(rules.check_refs, [""])[1] == "rectification.records"


def test_decisions():
    assert rules.check_decision("close", None) == ("close", "")
    assert rules.check_decision("reopen", " 缺号未补 ") == ("reopen", "缺号未补")
    assert code_of(rules.check_decision, "reopen", "")[1:] == ("rectification.required", "comment")
    assert code_of(rules.check_decision, "approve", "")[1] == "rectification.decision"


def test_text_rules():
    assert rules.check_text(" 整改 ", "text") == "整改"
    assert code_of(rules.check_text, "x" * 9000, "text")[1] == "rectification.too-long"
    assert code_of(rules.check_text, 5, "text")[1] == "rectification.field-type"


@pytest.mark.parametrize(
    "state, deadline, overdue, days",
    [
        ("issued", date(2026, 12, 6), True, 1),
        ("reopened", date(2026, 11, 30), True, 7),
        ("issued", TODAY, False, 0),  # the deadline's own day is still in time
        ("answered", date(2026, 11, 1), False, 0),
        ("closed", date(2026, 11, 1), False, 0),
        ("issued", None, False, 0),
    ],
)
def test_overdue(state, deadline, overdue, days):
    assert rules.is_overdue(state, deadline, TODAY) is overdue
    assert rules.days_overdue(state, deadline, TODAY) == days


def test_messages_read_chinese_first():
    with pytest.raises(ArchiveError) as raised:
        rules.check_deadline("2026-01-01", TODAY)
    assert raised.value.message.startswith("整改期限不能早于今天")
