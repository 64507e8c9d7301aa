"""Retention periods (保管期限) and disposition."""

import datetime

import pytest

from sd.archive.core.retention import Disposition
from sd.archive.core.retention import RetentionError
from sd.archive.core.retention import disposition_state
from sd.archive.core.retention import expiry_date
from sd.archive.core.retention import is_due
from sd.archive.core.retention import is_valid_code
from sd.archive.core.retention import label
from sd.archive.core.retention import longest
from sd.archive.core.retention import parse_period

D = datetime.date


@pytest.mark.parametrize(
    "code,years,zh,en",
    [
        ("Y", None, "永久", "permanent"),
        ("D30", 30, "定期30年", "30 years"),
        ("D10", 10, "定期10年", "10 years"),
        ("D5", 5, "定期5年", "5 years"),
    ],
)
def test_parse_period(code, years, zh, en):
    period = parse_period(code)
    assert period.years == years
    assert label(code) == zh and label(code, "en") == en


@pytest.mark.parametrize(
    "code", ["", "y", "D", "D0", "D030", "D1000", "C", "长期", "D 30", None, 30]
)
def test_invalid_codes(code):
    assert not is_valid_code(code)
    with pytest.raises(RetentionError) as info:
        parse_period(code)
    assert info.value.problems[0].code == "RETENTION-CODE"


def test_longest():
    assert longest(["D10", "Y", "D30"]) == "Y"
    assert longest(["D10", "D30"]) == "D30"


@pytest.mark.parametrize(
    "start,code,expected",
    [
        (2011, "D10", D(2021, 12, 31)),
        (D(2011, 12, 31), "D10", D(2021, 12, 31)),
        (D(2011, 1, 1), "D30", D(2041, 12, 31)),
        (2011, "Y", None),
    ],
)
def test_expiry_counts_from_next_january(start, code, expected):
    assert expiry_date(start, code) == expected


@pytest.mark.parametrize(
    "today,state,review_after,due",
    [
        (D(2021, 12, 31), Disposition.ACTIVE, None, False),
        (D(2022, 1, 1), Disposition.ACTIVE, None, True),
        (D(2022, 1, 1), "active", None, True),
        (D(2030, 1, 1), Disposition.DESTROYED, None, False),
        (D(2030, 1, 1), Disposition.RETAINED, None, False),
        (D(2030, 1, 1), Disposition.RETAINED, D(2031, 12, 31), False),
        (D(2032, 1, 1), Disposition.RETAINED, D(2031, 12, 31), True),
    ],
)
def test_is_due(today, state, review_after, due):
    assert is_due(2011, "D10", today, state, review_after) is due
    expected = Disposition.DUE if due else Disposition(state)
    assert disposition_state(2011, "D10", today, state, review_after) is expected


def test_permanent_never_due():
    assert not is_due(1950, "Y", D(2100, 1, 1))
    assert Disposition.DUE.label_zh == "到期待鉴定"
