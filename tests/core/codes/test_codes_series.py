"""Item-number series: scope, continuity, next free number."""

import pytest

from sd.archive.core.codes import CodeParts
from sd.archive.core.codes import CodeRule
from sd.archive.core.codes import ContinuityIssue
from sd.archive.core.codes import check_continuity
from sd.archive.core.codes import next_free
from sd.archive.core.codes import series_key


def test_series_key_scope():
    a = CodeParts("J001", "WS", 2023, "Y", 1, "BGS")
    assert series_key(a) == series_key(a.with_item(7))
    assert series_key(a) != series_key(CodeParts("J001", "WS", 2023, "D30", 1, "BGS"))
    assert series_key(a) != series_key(CodeParts("J001", "WS", 2023, "Y", 1, "RSC"))
    assert series_key(a) != series_key(CodeParts("J001", "WS", 2022, "Y", 1, "BGS"))
    no_org = CodeRule(use_org=False)
    assert series_key(a, no_org) == series_key(CodeParts("J001", "WS", 2023, "Y", 1, "RSC"), no_org)
    assert str(series_key(a)) == "J001-WS·2023-Y-BGS"


@pytest.mark.parametrize(
    "numbers,start,issues",
    [
        ([1, 2, 3], 1, []),
        ([], 1, []),
        ([3, 1, 2], 1, []),
        ([1, 2, 5], 1, [ContinuityIssue("gap", 3, 4)]),
        ([2, 3], 1, [ContinuityIssue("gap", 1, 1)]),
        ([1, 2, 2, 3], 1, [ContinuityIssue("duplicate", 2, 2, 2)]),
        (
            [0, 1, 1, 1, 4],
            1,
            [
                ContinuityIssue("below_start", 0, 0),
                ContinuityIssue("duplicate", 1, 1, 3),
                ContinuityIssue("gap", 2, 3),
            ],
        ),
        ([101, 102, 104], 101, [ContinuityIssue("gap", 103, 103)]),
    ],
)
def test_check_continuity(numbers, start, issues):
    assert check_continuity(numbers, start) == issues


def test_issue_as_problem():
    problem = ContinuityIssue("gap", 3, 4).as_problem("J001-WS·2023-Y-BGS")
    assert problem.code == "CODE-SERIES-GAP"
    assert "3–4" in problem.message and problem.object == "J001-WS·2023-Y-BGS"
    assert ContinuityIssue("below_start", 0, 0).as_problem().code == "CODE-SERIES-BELOW-START"


@pytest.mark.parametrize(
    "numbers,start,fill,expected",
    [
        ([], 1, False, 1),
        ([], 5, False, 5),
        ([1, 2, 3], 1, False, 4),
        ([1, 3], 1, False, 4),
        ([1, 3], 1, True, 2),
        ([2, 3], 1, True, 1),
        ([0], 1, False, 1),
    ],
)
def test_next_free(numbers, start, fill, expected):
    assert next_free(numbers, start, fill_gaps=fill) == expected
