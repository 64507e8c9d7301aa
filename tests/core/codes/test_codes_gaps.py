"""Gaps of item-number series as a whole, the recorded reasons, and their 说明文件 line."""

import pytest

from sd.archive.core.codes.gaps import SeriesGap
from sd.archive.core.codes.gaps import missing_numbers
from sd.archive.core.codes.gaps import parse_note
from sd.archive.core.codes.gaps import render_note
from sd.archive.core.codes.gaps import spans
from sd.archive.core.codes.gaps import undeclared_gaps

S1, S2 = "J001-WS·2018-D30-BGS", "J001-WS·2018-Y-BGS"


@pytest.mark.parametrize(
    "numbers,start,missing",
    [
        ([1, 2, 3], 1, []),
        ([1, 20], 1, list(range(2, 20))),
        ([2, 3, 3], 1, [1]),
        ([101, 104], 101, [102, 103]),
        ([], 1, []),
    ],
)
def test_missing_numbers(numbers, start, missing):
    assert missing_numbers(numbers, start) == missing


def test_spans():
    assert spans([7, 3, 5, 6]) == "3, 5–7" and spans([]) == ""


def test_the_series_is_checked_as_a_whole_and_reasons_explain_numbers():
    numbers = {S1: [1, 2, 5], S2: [1, 2, 3]}
    assert undeclared_gaps(numbers) == [SeriesGap(S1, (3, 4))]
    assert undeclared_gaps(numbers, {S1: [3]}) == [SeriesGap(S1, (4,))]
    assert undeclared_gaps(numbers, {S1: [3, 4]}) == []
    # a reason for a number that is not missing explains nothing else
    assert undeclared_gaps({S1: [1, 3]}, {S1: [7]}) == [SeriesGap(S1, (2,))]
    assert undeclared_gaps({S1: [5, 6]}, starts={S1: 5}) == []


def test_gap_as_problem_names_series_and_numbers():
    problem = SeriesGap(S1, (3, 4, 9)).as_problem()
    assert problem.code == "transfer.series-gap" and problem.object == S1
    assert "3–4, 9" in problem.message and problem.property == "item_number"
    assert SeriesGap(S1, (3,)).as_dict() == {"series": S1, "missing": [3]}


def test_note_round_trip():
    declared = {
        S1: {3: ("void", "拟稿后作废；未发文"), 4: ("kept", "")},
        S2: {9: ("withdrawn", "撤回重发\n见 10 号")},
    }
    text = render_note(declared)
    assert "\n" not in text
    assert text.startswith(f"{S1} 件号 3 作废：拟稿后作废;未发文；{S1} 件号 4 本单位留存；")
    back, unreadable = parse_note(text)
    assert unreadable == []
    assert back == {
        S1: {3: ("void", "拟稿后作废;未发文"), 4: ("kept", "")},
        S2: {9: ("withdrawn", "撤回重发 见 10 号")},
    }
    assert parse_note(f"{S1} 件号 x 作废；乱写") == ({}, [f"{S1} 件号 x 作废", "乱写"])
    assert parse_note(None) == ({}, [])
