"""Retention dates (保管期限日期, #25): expiry, next review, due status, destruction rules."""

import datetime

import pytest

from sd.archive.core.errors import ArchiveError
from sd.archive.core.retention import DueStatus
from sd.archive.core.retention import add_months
from sd.archive.core.retention import destruction_problems
from sd.archive.core.retention import due_status
from sd.archive.core.retention import expiry_date
from sd.archive.core.retention import next_review_date
from sd.archive.core.retention import parse_within

D = datetime.date


@pytest.mark.parametrize(
    "start,code,expected",
    [
        (2011, "D10", D(2021, 12, 31)),  # counted from 2012-01-01, ten full years
        (2011, "D30", D(2041, 12, 31)),
        (2023, "D1", D(2024, 12, 31)),
        (D(2011, 12, 31), "D10", D(2021, 12, 31)),  # only the year counts
        (D(2011, 1, 1), "D10", D(2021, 12, 31)),
        (2011, "Y", None),  # permanent (永久) never expires
    ],
)
def test_expiry_per_period_and_start_year(start, code, expected):
    assert expiry_date(start, code) == expected


def test_next_review_after_keep():
    assert next_review_date(D(2026, 3, 5), 5) == D(2031, 12, 31)
    with pytest.raises(ValueError):
        next_review_date(D(2026, 3, 5), 0)


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (D(2026, 12, 7), 12, D(2027, 12, 7)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 5, 5), 0, D(2026, 5, 5)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_due_status_boundaries():
    today = D(2026, 12, 7)
    assert due_status(None, today, 12) is None  # permanent
    assert due_status(D(2026, 12, 6), today, 12) is DueStatus.EXPIRED
    assert due_status(D(2026, 12, 7), today, 12) is DueStatus.EXPIRING  # last day kept: today
    assert due_status(D(2027, 12, 7), today, 12) is DueStatus.EXPIRING
    assert due_status(D(2027, 12, 8), today, 12) is None
    assert due_status(D(2026, 12, 31), today, 0) is None
    assert DueStatus.EXPIRED.label_zh == "已到期"


@pytest.mark.parametrize("value,months", [(None, 12), ("", 12), ("12", 12), ("0", 0), ("120", 120)])
def test_within_accepted(value, months):
    assert parse_within(value) == months


@pytest.mark.parametrize("value", ["abc", "-1", "10000", "121", "1.5", "12abc"])
def test_within_refused(value):
    with pytest.raises(ArchiveError) as info:
        parse_within(value)
    assert info.value.status == 400
    assert info.value.problems[0].code == "DUE-WITHIN"
    assert info.value.problems[0].property == "within"


def test_destruction_rules():
    today = D(2026, 12, 7)
    assert destruction_problems("D10", D(2021, 12, 31), today) == []
    codes = [p.code for p in destruction_problems("Y", None, today)]
    assert codes == ["DESTROY-PERMANENT"]
    not_due = destruction_problems("D10", D(2026, 12, 7), today, obj="J001-WS·2016-D10-BGS-0001")
    assert [p.code for p in not_due] == ["DESTROY-NOT-DUE"]
    assert not_due[0].message.startswith("保管期限未满（保管至2026-12-07）")
    held = destruction_problems("D10", D(2021, 12, 31), today, holds=["诉讼冻结"])
    assert [p.code for p in held] == ["DESTROY-HELD"]
    assert [p.code for p in destruction_problems(None, None, today)] == ["DESTROY-NO-PERIOD"]
